// cblas_dgemm on DeepNet's kernel (Sources/CKernels), for gemm_rates.py: bench_gemm.py
// compiles it with every Sources/CKernels/*.c into a shared library, so that DeepNet's
// products are timed by the same harness, on the same shapes, as every BLAS. The kernel's
// arithmetic is set through its own dnn_gemm_set_arithmetic, where it has one.
#include "kernels.h"
#include <stdlib.h>

enum { ROW_MAJOR = 101, TRANS = 112 };

static int threads = 1;

void deepnet_set_threads(int n) { threads = n < 1 ? 1 : n; }

const char *deepnet_isa(void) { return dnn_gemm_isa(); }

void cblas_dgemm(int order, int trans_a, int trans_b, int m, int n, int k, double alpha,
                 const double *a, int lda, const double *b, int ldb, double beta,
                 double *c, int ldc) {
    if (order != ROW_MAJOR) abort();
    // Matrix.gemm: one thread below 2^20 multiply-adds (BLAS.parallelThreshold).
    int t = (long)m * n * k < (1L << 20) ? 1 : threads;
    dnn_gemm_threaded(trans_a == TRANS, trans_b == TRANS, m, n, k, alpha, a, lda, b, ldb,
                      beta, c, ldc, t);
}
