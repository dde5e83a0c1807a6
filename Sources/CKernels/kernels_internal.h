// What kernels.c and packed.c share; not part of the module's interface.
#ifndef DNNRUN_KERNELS_INTERNAL_H
#define DNNRUN_KERNELS_INTERNAL_H

#include <immintrin.h>
#include <math.h>
#include <pthread.h>
#include <stddef.h>

#pragma clang fp contract(off)
#pragma STDC FP_CONTRACT OFF

/// The depth of a block along k: every element's sum restarts at each multiple of KC.
enum { KC = 256 };

/// The two arithmetics of an element's sum within a block (kernels.c): `plain`
/// ab = ab + a * b, a rounding per * and per +; `fused` ab = fma(a, b, ab), one rounding
/// (IEEE 754's fused multiply-add, the same bits on every processor that has it). Every
/// kernel below takes `fused` as a constant and is compiled once per arithmetic.
enum { DNN_PLAIN = 0, DNN_FUSED = 1 };

/// The arithmetic dnn_gemm uses now (dnn_gemm_set_arithmetic).
int dnn_gemm_fused(void);

static inline double dnn_madd(int fused, double ab, double x, double y) {
    return fused ? fma(x, y, ab) : ab + x * y;
}

__attribute__((target("avx512f")))
static inline __m512d dnn_madd8(int fused, __m512d ab, __m512d x, __m512d y) {
    return fused ? _mm512_fmadd_pd(x, y, ab) : _mm512_add_pd(ab, _mm512_mul_pd(x, y));
}

/// AVX2's path is built for processors with FMA too (every x86-64 with AVX2 has it);
/// the plain arithmetic never fuses (the pragma above), so it runs without FMA as well.
__attribute__((target("avx2,fma")))
static inline __m256d dnn_madd4(int fused, __m256d ab, __m256d x, __m256d y) {
    return fused ? _mm256_fmadd_pd(x, y, ab) : _mm256_add_pd(ab, _mm256_mul_pd(x, y));
}

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
__attribute__((target("avx2,fma")))
static inline void dnn_store4(double *c, __m256d ab, double alpha, double beta, int first) {
    __m256d s = _mm256_mul_pd(_mm256_set1_pd(alpha), ab);
    if (!first) s = _mm256_add_pd(_mm256_loadu_pd(c), s);
    else if (beta != 0) s = _mm256_add_pd(_mm256_mul_pd(_mm256_set1_pd(beta), _mm256_loadu_pd(c)), s);
    _mm256_storeu_pd(c, s);
}

/// d[q * stride + j] = row[j][p + q] for q, j in 0 ..< 8: eight rows of a matrix read
/// along, written as eight columns (a transpose of 8 x 8 doubles in registers).
__attribute__((target("avx512f")))
static inline void dnn_transpose8x8(const double *const row[8], long p, double *d, long stride) {
    __m512d r0 = _mm512_loadu_pd(row[0] + p), r1 = _mm512_loadu_pd(row[1] + p);
    __m512d r2 = _mm512_loadu_pd(row[2] + p), r3 = _mm512_loadu_pd(row[3] + p);
    __m512d r4 = _mm512_loadu_pd(row[4] + p), r5 = _mm512_loadu_pd(row[5] + p);
    __m512d r6 = _mm512_loadu_pd(row[6] + p), r7 = _mm512_loadu_pd(row[7] + p);
    /// Pairs, then quads, then halves.
    __m512d t0 = _mm512_unpacklo_pd(r0, r1), t1 = _mm512_unpackhi_pd(r0, r1);
    __m512d t2 = _mm512_unpacklo_pd(r2, r3), t3 = _mm512_unpackhi_pd(r2, r3);
    __m512d t4 = _mm512_unpacklo_pd(r4, r5), t5 = _mm512_unpackhi_pd(r4, r5);
    __m512d t6 = _mm512_unpacklo_pd(r6, r7), t7 = _mm512_unpackhi_pd(r6, r7);
    __m512d u0 = _mm512_shuffle_f64x2(t0, t2, 0x88), u1 = _mm512_shuffle_f64x2(t1, t3, 0x88);
    __m512d u2 = _mm512_shuffle_f64x2(t0, t2, 0xDD), u3 = _mm512_shuffle_f64x2(t1, t3, 0xDD);
    __m512d u4 = _mm512_shuffle_f64x2(t4, t6, 0x88), u5 = _mm512_shuffle_f64x2(t5, t7, 0x88);
    __m512d u6 = _mm512_shuffle_f64x2(t4, t6, 0xDD), u7 = _mm512_shuffle_f64x2(t5, t7, 0xDD);
    _mm512_store_pd(d + 0 * stride, _mm512_shuffle_f64x2(u0, u4, 0x88));
    _mm512_store_pd(d + 1 * stride, _mm512_shuffle_f64x2(u1, u5, 0x88));
    _mm512_store_pd(d + 2 * stride, _mm512_shuffle_f64x2(u2, u6, 0x88));
    _mm512_store_pd(d + 3 * stride, _mm512_shuffle_f64x2(u3, u7, 0x88));
    _mm512_store_pd(d + 4 * stride, _mm512_shuffle_f64x2(u0, u4, 0xDD));
    _mm512_store_pd(d + 5 * stride, _mm512_shuffle_f64x2(u1, u5, 0xDD));
    _mm512_store_pd(d + 6 * stride, _mm512_shuffle_f64x2(u2, u6, 0xDD));
    _mm512_store_pd(d + 7 * stride, _mm512_shuffle_f64x2(u3, u7, 0xDD));
}

/// The most threads one product uses.
enum { DNN_MAX_THREADS = 64 };

/// Runs fn on each of `count` parts, parts[t] at (char *)parts + t * size: the first on
/// this thread, the others on threads of their own, and returns when all are done (a part
/// whose thread cannot start runs here, after this thread's own).
static inline void dnn_run_parts(void *(*fn)(void *), void *parts, size_t size, int count) {
    pthread_t ids[DNN_MAX_THREADS];
    int started[DNN_MAX_THREADS] = {0};
    char *part = parts;
    for (int t = 1; t < count; t++)
        started[t] = pthread_create(&ids[t], 0, fn, part + t * size) == 0;
    fn(part);
    for (int t = 1; t < count; t++) {
        if (started[t]) pthread_join(ids[t], 0);
        else fn(part + t * size);
    }
}

/// dnn_gemm's product through packed blocks on `threads` threads, with the micro-kernel
/// of `isa` ("avx512f", "avx2" or "scalar") and arithmetic `fused`; the same result,
/// element for element, as kernels.c's.
/// Returns 0, or -1 when its buffers could not be allocated (C untouched).
int dnn_gemm_packed(const char *isa, int fused, int trans_a, int trans_b, long m, long n, long k,
                    double alpha, const double *a, long lda, const double *b, long ldb,
                    double beta, double *c, long ldc, int threads);

/// dnn_gemm's product on this thread with rows of op(A) read in place against 24 columns
/// of op(B) at a time (rows.c): for the products below the packed path's threshold.
/// Returns 0, or -1 when the processor lacks AVX-512 (C untouched).
int dnn_gemm_rows(int fused, int trans_a, int trans_b, long m, long n, long k, double alpha,
                  const double *a, long lda, const double *b, long ldb, double beta,
                  double *c, long ldc);

#endif
