// DeepNet's matrix product with a fixed arithmetic.
//
// Every element of C = alpha op(A) op(B) + beta C is summed the same way whatever the
// processor, the instruction set, the shape of the product it is part of or the number
// of threads, in one of two arithmetics (dnn_gemm_set_arithmetic):
//
//   for each block of 256 along k (BLIS's KC), in order:
//       ab = 0; for p in the block, in order:
//           "kernel": ab = ab + a(i,p) * b(p,j)      (a rounding per * and per +: BLIS
//                                                     0.9's generic kernel's sum)
//           "fma":    ab = fma(a(i,p), b(p,j), ab)   (one rounding, IEEE 754's fused
//                                                     multiply-add)
//       first block:  c = alpha * ab            when beta == 0 (c is not read)
//                     c = beta * c + alpha * ab otherwise
//       later blocks: c = c + alpha * ab
//
// The pragma in kernels_internal.h keeps the compiler from contracting anything else, and
// the vector paths (AVX-512, AVX2 with FMA, chosen at run time) only spread the columns j
// over lanes, so all three give the same bits in either arithmetic ("fma" on a processor
// without FMA instructions too: C's fma is exact). Each row of C depends only on its row
// of op(A): the rows of several products stacked into one are those of the products alone.
#include "kernels.h"
#include "kernels_internal.h"
#include <stdlib.h>
#include <string.h>
#include <immintrin.h>

// The scalar path, also the reference: c(i, j0..j1) for rows i0..i1 over the k-block p0..p1.
// `b` is (k, n) row-major with leading dimension ldb; a(i, p) = a[i * ai + p * ap].
__attribute__((always_inline))
static inline void block_scalar_body(int fused, long i0, long i1, long j0, long j1, long p0, long p1,
                                     double alpha, const double *a, long ai, long ap,
                                     const double *b, long ldb, double beta, int first,
                                     double *c, long ldc) {
    for (long i = i0; i < i1; i++) {
        for (long j = j0; j < j1; j++) {
            double ab = 0;
            for (long p = p0; p < p1; p++) ab = dnn_madd(fused, ab, a[i * ai + p * ap], b[p * ldb + j]);
            c[i * ldc + j] = dnn_combine(c[i * ldc + j], ab, alpha, beta, first);
        }
    }
}

__attribute__((target("avx512f"), always_inline))
static inline void block_avx512_body(int fused, long i0, long i1, long j0, long j1, long p0, long p1,
                                     double alpha, const double *a, long ai, long ap,
                                     const double *b, long ldb, double beta, int first,
                                     double *c, long ldc) {
    // 8 rows x 16 columns of C in 16 registers; columns in panels of NC, so that the
    // panel of B (KC x NC) stays in the L2 cache while every row of A passes over it.
    enum { MR = 8, NR = 16, NC = 128 };
    for (long jp = j0; jp < j1; jp += NC) {
        long jp1 = jp + NC < j1 ? jp + NC : j1;
        for (long i = i0; i < i1; i += MR) {
            long rows = i1 - i < MR ? i1 - i : MR;
            for (long j = jp; j < jp1; j += NR) {
                long w = jp1 - j < NR ? jp1 - j : NR;
                __mmask8 m0 = dnn_mask8(w), m1 = dnn_mask8(w - 8);
                __m512d acc0[MR], acc1[MR];
                for (int r = 0; r < MR; r++) { acc0[r] = _mm512_setzero_pd(); acc1[r] = _mm512_setzero_pd(); }
                const double *bp = b + p0 * ldb + j;
                const double *ip = a + i * ai + p0 * ap;
                if (rows == MR) {
                    for (long p = p0; p < p1; p++, bp += ldb, ip += ap) {
                        __m512d b0 = _mm512_maskz_loadu_pd(m0, bp);
                        __m512d b1 = _mm512_maskz_loadu_pd(m1, bp + 8);
                        for (int r = 0; r < MR; r++) {
                            __m512d x = _mm512_set1_pd(ip[r * ai]);
                            acc0[r] = dnn_madd8(fused, acc0[r], x, b0);
                            acc1[r] = dnn_madd8(fused, acc1[r], x, b1);
                        }
                    }
                } else {
                    for (long p = p0; p < p1; p++, bp += ldb, ip += ap) {
                        __m512d b0 = _mm512_maskz_loadu_pd(m0, bp);
                        __m512d b1 = _mm512_maskz_loadu_pd(m1, bp + 8);
                        for (int r = 0; r < rows; r++) {
                            __m512d x = _mm512_set1_pd(ip[r * ai]);
                            acc0[r] = dnn_madd8(fused, acc0[r], x, b0);
                            acc1[r] = dnn_madd8(fused, acc1[r], x, b1);
                        }
                    }
                }
                for (int r = 0; r < rows; r++) {
                    double *cr = c + (i + r) * ldc + j;
                    dnn_store8(cr, m0, acc0[r], alpha, beta, first);
                    dnn_store8(cr + 8, m1, acc1[r], alpha, beta, first);
                }
            }
        }
    }
}

// Columns j ..< j + width (8 or 4, a constant where inlined), rows i0 ..< i1 in tiles of 4.
__attribute__((target("avx2,fma"), always_inline))
static inline void block_avx2_columns(int fused, int width, long i0, long i1, long j, long p0, long p1,
                                      double alpha, const double *a, long ai, long ap,
                                      const double *b, long ldb, double beta, int first,
                                      double *c, long ldc) {
    enum { MR = 4 };
    for (long i = i0; i < i1; i += MR) {
        long rows = i1 - i < MR ? i1 - i : MR;
        __m256d acc0[MR], acc1[MR];
        for (int r = 0; r < MR; r++) { acc0[r] = acc1[r] = _mm256_setzero_pd(); }
        for (long p = p0; p < p1; p++) {
            const double *bp = b + p * ldb + j;
            __m256d b0 = _mm256_loadu_pd(bp), b1 = width == 8 ? _mm256_loadu_pd(bp + 4) : b0;
            const double *ip = a + i * ai + p * ap;
            for (int r = 0; r < rows; r++) {
                __m256d x = _mm256_set1_pd(ip[r * ai]);
                acc0[r] = dnn_madd4(fused, acc0[r], x, b0);
                if (width == 8) acc1[r] = dnn_madd4(fused, acc1[r], x, b1);
            }
        }
        for (int r = 0; r < rows; r++) {
            double *cr = c + (i + r) * ldc + j;
            dnn_store4(cr, acc0[r], alpha, beta, first);
            if (width == 8) dnn_store4(cr + 4, acc1[r], alpha, beta, first);
        }
    }
}

__attribute__((target("avx2,fma"), always_inline))
static inline void block_avx2_body(int fused, long i0, long i1, long j0, long j1, long p0, long p1,
                                   double alpha, const double *a, long ai, long ap,
                                   const double *b, long ldb, double beta, int first,
                                   double *c, long ldc) {
    // Tiles of 4 rows x 8 columns (8 accumulators: these products are small, and a
    // wider tile leaves more columns to the scalar tail), then 4 x 4, then the scalar path.
    long j = j0;
    for (; j + 8 <= j1; j += 8)
        block_avx2_columns(fused, 8, i0, i1, j, p0, p1, alpha, a, ai, ap, b, ldb, beta, first, c, ldc);
    if (j + 4 <= j1) {
        block_avx2_columns(fused, 4, i0, i1, j, p0, p1, alpha, a, ai, ap, b, ldb, beta, first, c, ldc);
        j += 4;
    }
    if (j < j1) block_scalar_body(fused, i0, i1, j, j1, p0, p1, alpha, a, ai, ap, b, ldb, beta, first, c, ldc);
}

// Each path in each arithmetic, with the arguments of the bodies above after `fused`.
#define BLOCK_ARGS long i0, long i1, long j0, long j1, long p0, long p1, double alpha, const double *a, \
    long ai, long ap, const double *b, long ldb, double beta, int first, double *c, long ldc
#define BLOCK_PASS i0, i1, j0, j1, p0, p1, alpha, a, ai, ap, b, ldb, beta, first, c, ldc
static void block_scalar(BLOCK_ARGS) { block_scalar_body(DNN_PLAIN, BLOCK_PASS); }
static void block_scalar_fma(BLOCK_ARGS) { block_scalar_body(DNN_FUSED, BLOCK_PASS); }
__attribute__((target("avx512f"))) static void block_avx512(BLOCK_ARGS) { block_avx512_body(DNN_PLAIN, BLOCK_PASS); }
__attribute__((target("avx512f"))) static void block_avx512_fma(BLOCK_ARGS) { block_avx512_body(DNN_FUSED, BLOCK_PASS); }
__attribute__((target("avx2,fma"))) static void block_avx2(BLOCK_ARGS) { block_avx2_body(DNN_PLAIN, BLOCK_PASS); }
__attribute__((target("avx2,fma"))) static void block_avx2_fma(BLOCK_ARGS) { block_avx2_body(DNN_FUSED, BLOCK_PASS); }

typedef void (*block_fn)(long, long, long, long, long, long, double, const double *, long, long,
                         const double *, long, double, int, double *, long);

// The instruction set for this processor (found once; threads that race here find the
// same one), or the one a test asked for; and the arithmetic.
enum { ISA_SCALAR, ISA_AVX2, ISA_AVX512 };
static const char *const isa_names[] = { "scalar", "avx2", "avx512f" };
static const block_fn blocks[3][2] = {
    { block_scalar, block_scalar_fma }, { block_avx2, block_avx2_fma }, { block_avx512, block_avx512_fma },
};
static int selected_isa = -1;
static int selected_fused = DNN_FUSED;

static int supported(int isa) {
    __builtin_cpu_init();
    return isa == ISA_SCALAR
        || (isa == ISA_AVX2 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        || (isa == ISA_AVX512 && __builtin_cpu_supports("avx512f"));
}

static int chosen_isa(void) {
    int isa = __atomic_load_n(&selected_isa, __ATOMIC_RELAXED);
    if (isa < 0) {
        isa = supported(ISA_AVX512) ? ISA_AVX512 : supported(ISA_AVX2) ? ISA_AVX2 : ISA_SCALAR;
        __atomic_store_n(&selected_isa, isa, __ATOMIC_RELAXED);
    }
    return isa;
}

int dnn_gemm_fused(void) { return __atomic_load_n(&selected_fused, __ATOMIC_RELAXED); }

int dnn_gemm_use_isa(const char *name) {
    for (int isa = 0; isa < 3; isa++)
        if (!strcmp(name, isa_names[isa])) {
            if (!supported(isa)) return 0;
            __atomic_store_n(&selected_isa, isa, __ATOMIC_RELAXED);
            return 1;
        }
    return 0;
}

const char *dnn_gemm_isa(void) { return isa_names[chosen_isa()]; }

int dnn_gemm_set_arithmetic(const char *name) {
    int fused = !strcmp(name, "fma") ? DNN_FUSED : !strcmp(name, "kernel") ? DNN_PLAIN : -1;
    if (fused < 0) return 0;
    __atomic_store_n(&selected_fused, fused, __ATOMIC_RELAXED);
    return 1;
}

const char *dnn_gemm_arithmetic(void) { return dnn_gemm_fused() ? "fma" : "kernel"; }

// Products of at least this many multiply-adds go through packed blocks (packed.c).
// Below it, packing costs more than it saves: with AVX-512 they read their operands in
// place (rows.c), otherwise they take block_fn here; a transposed B still goes through
// packed blocks then (they turn it as they pack), or is copied whole when they cannot.
enum { PACKED_THRESHOLD = 1 << 20 };

void dnn_gemm(int trans_a, int trans_b, long m, long n, long k, double alpha,
              const double *a, long lda, const double *b, long ldb, double beta,
              double *c, long ldc) {
    dnn_gemm_threaded(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, 1);
}

void dnn_gemm_threaded(int trans_a, int trans_b, long m, long n, long k, double alpha,
                       const double *a, long lda, const double *b, long ldb, double beta,
                       double *c, long ldc, int threads) {
    if (m <= 0 || n <= 0) return;
    int fused = dnn_gemm_fused();
    block_fn fn = blocks[chosen_isa()][fused];
    if (k > 0 && m * n * k < PACKED_THRESHOLD && chosen_isa() == ISA_AVX512
        && dnn_gemm_rows(fused, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) == 0)
        return;
    if (k > 0 && (trans_b || m * n * k >= PACKED_THRESHOLD)
        && dnn_gemm_packed(dnn_gemm_isa(), fused, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb,
                           beta, c, ldc, threads) == 0)
        return;
    long ai = trans_a ? 1 : lda, ap = trans_a ? lda : 1;
    // op(B) must run along rows: a transposed B is copied to (k, n) first (only when
    // the packed path could not allocate its buffers).
    double *packed = 0;
    if (trans_b && k > 0) {
        packed = malloc(sizeof(double) * (size_t)k * (size_t)n);
        if (!packed) abort();
        for (long j = 0; j < n; j++)
            for (long p = 0; p < k; p++) packed[p * n + j] = b[j * ldb + p];
        b = packed;
        ldb = n;
    }
    if (k <= 0) {
        // No products: ab = 0 in the one block there is.
        block_scalar_body(DNN_PLAIN, 0, m, 0, n, 0, 0, alpha, a, ai, ap, b, ldb, beta, 1, c, ldc);
    }
    for (long p0 = 0; p0 < k; p0 += KC) {
        long p1 = p0 + KC < k ? p0 + KC : k;
        fn(0, m, 0, n, p0, p1, alpha, a, ai, ap, b, ldb, beta, p0 == 0, c, ldc);
    }
    free(packed);
}
