// The few CBLAS and BLIS entry points that DeepNet uses, declared here rather than
// through a distribution's cblas.h (Debian installs several, chosen by alternatives).
// Linked against BLIS (libblis-dev), which detects this processor's kernels; see
// README "Performance" for the measurement behind the choice.
#ifndef DNNRUN_CBLAS_SHIM_H
#define DNNRUN_CBLAS_SHIM_H

enum CBLAS_ORDER { CblasRowMajor = 101, CblasColMajor = 102 };
enum CBLAS_TRANSPOSE { CblasNoTrans = 111, CblasTrans = 112 };

void cblas_dgemm(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE transA,
                 enum CBLAS_TRANSPOSE transB, const int m, const int n, const int k,
                 const double alpha, const double *a, const int lda, const double *b,
                 const int ldb, const double beta, double *c, const int ldc);

// BLIS: thread count for subsequent calls, and its version string.
void bli_thread_set_num_threads(long n_threads);
long bli_thread_get_num_threads(void);
const char *bli_info_get_version_str(void);

// BLIS: the sub-configuration (kernel set) it chose for this processor, and its name.
int bli_arch_query_id(void);
const char *bli_arch_string(int id);

#endif
