// What kernels.c and packed.c share; not part of the module's interface.
#ifndef DNNRUN_KERNELS_INTERNAL_H
#define DNNRUN_KERNELS_INTERNAL_H

#include <immintrin.h>

#pragma clang fp contract(off)
#pragma STDC FP_CONTRACT OFF

/// The depth of a block along k: every element's sum restarts at each multiple of KC.
enum { KC = 256 };

/// An element of C after a block along k whose products summed to `ab` (kernels.c): the
/// first block gives alpha ab (beta == 0: c is not used) or beta c + alpha ab, every later
/// block c + alpha ab. The one place these cases are written; the vector forms below
/// compute the same, lane by lane.
static inline double dnn_combine(double c, double ab, double alpha, double beta, int first) {
    double scaled = alpha * ab;
    return !first ? c + scaled : beta == 0 ? scaled : beta * c + scaled;
}

/// The first `lanes` of 8 (none for 0 or fewer, all for 8 or more).
static inline __mmask8 dnn_mask8(long lanes) {
    return lanes >= 8 ? 0xFF : lanes > 0 ? (__mmask8)((1u << lanes) - 1) : 0;
}

/// dnn_combine on the lanes of `mask`, stored to c[0 ..< 8].
__attribute__((target("avx512f")))
static inline void dnn_store8(double *c, __mmask8 mask, __m512d ab, double alpha, double beta, int first) {
    __m512d s = _mm512_mul_pd(_mm512_set1_pd(alpha), ab);
    if (!first) s = _mm512_add_pd(_mm512_maskz_loadu_pd(mask, c), s);
    else if (beta != 0) s = _mm512_add_pd(_mm512_mul_pd(_mm512_set1_pd(beta), _mm512_maskz_loadu_pd(mask, c)), s);
    _mm512_mask_storeu_pd(c, mask, s);
}

/// dnn_combine on 4 lanes, stored to c[0 ..< 4].
__attribute__((target("avx2")))
static inline void dnn_store4(double *c, __m256d ab, double alpha, double beta, int first) {
    __m256d s = _mm256_mul_pd(_mm256_set1_pd(alpha), ab);
    if (!first) s = _mm256_add_pd(_mm256_loadu_pd(c), s);
    else if (beta != 0) s = _mm256_add_pd(_mm256_mul_pd(_mm256_set1_pd(beta), _mm256_loadu_pd(c)), s);
    _mm256_storeu_pd(c, s);
}

/// dnn_gemm's product through packed blocks on `threads` threads, with the micro-kernel
/// of `isa` ("avx512f", "avx2" or "scalar"); the same result, element for element.
/// Returns 0, or -1 when its buffers could not be allocated (C untouched).
int dnn_gemm_packed(const char *isa, int trans_a, int trans_b, long m, long n, long k,
                    double alpha, const double *a, long lda, const double *b, long ldb,
                    double beta, double *c, long ldc, int threads);

#endif
