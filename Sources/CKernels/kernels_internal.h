// What kernels.c and packed.c share; not part of the module's interface.
#ifndef DNNRUN_KERNELS_INTERNAL_H
#define DNNRUN_KERNELS_INTERNAL_H

/// The depth of a block along k: every element's sum restarts at each multiple of KC.
enum { KC = 256 };

/// dnn_gemm's product through packed blocks on `threads` threads, with the micro-kernel
/// of `isa` ("avx512f", "avx2" or "scalar"); the same result, element for element.
/// Returns 0, or -1 when its buffers could not be allocated (C untouched).
int dnn_gemm_packed(const char *isa, int trans_a, int trans_b, long m, long n, long k,
                    double alpha, const double *a, long lda, const double *b, long ldb,
                    double beta, double *c, long ldc, int threads);

#endif
