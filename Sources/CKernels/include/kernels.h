// DeepNet's own matrix product for the small and the dual engine's products, with a
// fixed arithmetic: see kernels.c.
#ifndef DNNRUN_KERNELS_H
#define DNNRUN_KERNELS_H

/// C = alpha op(A) op(B) + beta C, row-major, op(A) (m, k), op(B) (k, n), C (m, n);
/// `trans_a`/`trans_b` nonzero for the transpose. Every element is summed in a fixed
/// order in the arithmetic set by dnn_gemm_set_arithmetic (see kernels.c), on the
/// calling thread.
void dnn_gemm(int trans_a, int trans_b, long m, long n, long k, double alpha,
              const double *a, long lda, const double *b, long ldb, double beta,
              double *c, long ldc);

/// dnn_gemm on up to `threads` threads (large products only); the same result, element
/// for element, whatever the number of threads.
void dnn_gemm_threaded(int trans_a, int trans_b, long m, long n, long k, double alpha,
                       const double *a, long lda, const double *b, long ldb, double beta,
                       double *c, long ldc, int threads);

/// Makes every later product use the arithmetic `name`: "fma" (fused multiply-adds,
/// the default) or "kernel" (a multiply then an add, as BLIS's generic kernel); 0 when
/// `name` is neither. For the whole process: set it before products run.
int dnn_gemm_set_arithmetic(const char *name);

/// The arithmetic in use: "fma" or "kernel".
const char *dnn_gemm_arithmetic(void);

/// The instruction set dnn_gemm uses on this processor: "avx512f", "avx2" (with FMA) or
/// "scalar".
const char *dnn_gemm_isa(void);

/// For tests: makes dnn_gemm use "avx512f", "avx2" or "scalar"; 0 when the processor
/// lacks it.
int dnn_gemm_use_isa(const char *name);

/// Doubles of the layout of an (m, m) G that dnn_dual_product reads: m rows, m rounded up
/// to a multiple of 24 columns.
long dnn_dual_panel_size(long m);

/// Fills the layout's columns r0 ..< r1 (and, when r1 == m, its zero padding) from rows
/// r0 ..< r1 of G, (r1 - r0, m) row-major: G is symmetric, so its rows are its columns.
/// `panels`: dnn_dual_panel_size(m) doubles, 64-byte aligned.
void dnn_dual_pack_rows(long m, long r0, long r1, const double *rows, double *panels);

/// G, (m, m) row-major, from its layout.
void dnn_dual_unpack(long m, const double *panels, double *g);

/// Z = P + C G, all (rows, m) row-major but G (m, m), given as `g` or as its layout
/// `panels` (either may be null, not both; AVX-512 reads the layout); `p` may equal `z`.
/// The bits of dnn_gemm(C, G, alpha 1, beta 1) over a copy of P, on up to `threads`
/// threads (columns split), whatever the count.
void dnn_dual_product(long rows, long m, const double *c, const double *g, const double *panels,
                      const double *p, double *z, int threads);

#endif
