// DeepNet's matrix product with a fixed arithmetic.
//
// Every element of C = alpha op(A) op(B) + beta C is computed as BLIS 0.9's generic
// (reference) kernel computes it, so that results do not depend on which kernel a BLAS
// library picks for a processor, nor on the shape of the product it is part of:
//
//   for each block of 256 along k (BLIS's KC), in order:
//       ab = 0; for p in the block, in order: ab = ab + a(i,p) * b(p,j)   (a rounding per * and per +)
//       first block:  c = alpha * ab            when beta == 0 (c is not read)
//                     c = beta * c + alpha * ab otherwise
//       later blocks: c = c + alpha * ab
//
// No fused multiply-add: the pragma in kernels_internal.h keeps the compiler from contracting, and the
// vector paths (AVX-512, AVX2, chosen at run time) only spread the columns j over lanes,
// so all three give the same bits. Each row of C depends only on its row of op(A): the
// rows of several products stacked into one are those of the products alone.
#include "kernels.h"
#include "kernels_internal.h"
#include <stdlib.h>
#include <string.h>
#include <immintrin.h>

// The scalar path, also the reference: c(i, j0..j1) for rows i0..i1 over the k-block p0..p1.
// `b` is (k, n) row-major with leading dimension ldb; a(i, p) = a[i * ai + p * ap].
static void block_scalar(long i0, long i1, long j0, long j1, long p0, long p1,
                         double alpha, const double *a, long ai, long ap,
                         const double *b, long ldb, double beta, int first,
                         double *c, long ldc) {
    for (long i = i0; i < i1; i++) {
        for (long j = j0; j < j1; j++) {
            double ab = 0;
            for (long p = p0; p < p1; p++) {
                double prod = a[i * ai + p * ap] * b[p * ldb + j];
                ab = ab + prod;
            }
            c[i * ldc + j] = dnn_combine(c[i * ldc + j], ab, alpha, beta, first);
        }
    }
}

__attribute__((target("avx512f")))
static void block_avx512(long i0, long i1, long j0, long j1, long p0, long p1,
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
                            acc0[r] = _mm512_add_pd(acc0[r], _mm512_mul_pd(x, b0));
                            acc1[r] = _mm512_add_pd(acc1[r], _mm512_mul_pd(x, b1));
                        }
                    }
                } else {
                    for (long p = p0; p < p1; p++, bp += ldb, ip += ap) {
                        __m512d b0 = _mm512_maskz_loadu_pd(m0, bp);
                        __m512d b1 = _mm512_maskz_loadu_pd(m1, bp + 8);
                        for (int r = 0; r < rows; r++) {
                            __m512d x = _mm512_set1_pd(ip[r * ai]);
                            acc0[r] = _mm512_add_pd(acc0[r], _mm512_mul_pd(x, b0));
                            acc1[r] = _mm512_add_pd(acc1[r], _mm512_mul_pd(x, b1));
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

__attribute__((target("avx2")))
static void block_avx2(long i0, long i1, long j0, long j1, long p0, long p1,
                       double alpha, const double *a, long ai, long ap,
                       const double *b, long ldb, double beta, int first,
                       double *c, long ldc) {
    enum { MR = 4, NR = 8 };
    long jfull = j0 + (j1 - j0) / NR * NR;
    for (long j = j0; j < jfull; j += NR) {
        for (long i = i0; i < i1; i += MR) {
            long rows = i1 - i < MR ? i1 - i : MR;
            __m256d acc0[MR], acc1[MR];
            for (int r = 0; r < MR; r++) { acc0[r] = _mm256_setzero_pd(); acc1[r] = _mm256_setzero_pd(); }
            for (long p = p0; p < p1; p++) {
                const double *bp = b + p * ldb + j;
                __m256d b0 = _mm256_loadu_pd(bp), b1 = _mm256_loadu_pd(bp + 4);
                const double *ip = a + i * ai + p * ap;
                for (int r = 0; r < rows; r++) {
                    __m256d x = _mm256_set1_pd(ip[r * ai]);
                    acc0[r] = _mm256_add_pd(acc0[r], _mm256_mul_pd(x, b0));
                    acc1[r] = _mm256_add_pd(acc1[r], _mm256_mul_pd(x, b1));
                }
            }
            for (int r = 0; r < rows; r++) {
                double *cr = c + (i + r) * ldc + j;
                dnn_store4(cr, acc0[r], alpha, beta, first);
                dnn_store4(cr + 4, acc1[r], alpha, beta, first);
            }
        }
    }
    if (jfull < j1) block_scalar(i0, i1, jfull, j1, p0, p1, alpha, a, ai, ap, b, ldb, beta, first, c, ldc);
}

typedef void (*block_fn)(long, long, long, long, long, long, double, const double *, long, long,
                         const double *, long, double, int, double *, long);

// The path for this processor, found once (threads that race here find the same one).
static block_fn selected = 0;

static block_fn chosen(void) {
    block_fn fn = __atomic_load_n(&selected, __ATOMIC_RELAXED);
    if (!fn) {
        __builtin_cpu_init();
        fn = __builtin_cpu_supports("avx512f") ? block_avx512
           : __builtin_cpu_supports("avx2") ? block_avx2 : block_scalar;
        __atomic_store_n(&selected, fn, __ATOMIC_RELAXED);
    }
    return fn;
}

int dnn_gemm_use_isa(const char *name) {
    chosen();
    block_fn fn = !strcmp(name, "scalar") ? block_scalar
        : !strcmp(name, "avx2") && __builtin_cpu_supports("avx2") ? block_avx2
        : !strcmp(name, "avx512f") && __builtin_cpu_supports("avx512f") ? block_avx512 : 0;
    if (!fn) return 0;
    __atomic_store_n(&selected, fn, __ATOMIC_RELAXED);
    return 1;
}

const char *dnn_gemm_isa(void) {
    block_fn fn = chosen();
    return fn == block_avx512 ? "avx512f" : fn == block_avx2 ? "avx2" : "scalar";
}

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
    block_fn fn = chosen();
    if (k > 0 && m * n * k < PACKED_THRESHOLD && fn == block_avx512
        && dnn_gemm_rows(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) == 0)
        return;
    if (k > 0 && (trans_b || m * n * k >= PACKED_THRESHOLD)
        && dnn_gemm_packed(dnn_gemm_isa(), trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb,
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
        block_scalar(0, m, 0, n, 0, 0, alpha, a, ai, ap, b, ldb, beta, 1, c, ldc);
    }
    for (long p0 = 0; p0 < k; p0 += KC) {
        long p1 = p0 + KC < k ? p0 + KC : k;
        fn(0, m, 0, n, p0, p1, alpha, a, ai, ap, b, ldb, beta, p0 == 0, c, ldc);
    }
    free(packed);
}
