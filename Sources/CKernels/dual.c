// The dual engine's product Z_1 = P + C G, with G = X^T X packed once.
//
// G is the same for every iteration and every run on the same data, so it is laid out
// once (dnn_dual_pack) in the order the micro-kernel reads it: for each block of KC rows
// of G, in order, strips of NR columns, each strip p-major with zeros past the last
// column. Per iteration only C is read, straight from its rows (a broadcast per element),
// and P is added as the tile is stored, so nothing is copied or packed per iteration.
//
// The arithmetic is kernels.c's for dnn_gemm(C, G, alpha = 1, beta = 1) over a copy of P:
// per element, per block of KC along k in order, ab = 0; ab = ab + c(i,p) * g(p,j) in
// order; the first block gives 1 * p + 1 * ab = p + ab, later ones z + 1 * ab = z + ab.
// So the bits are those of dualProduct before this file existed, and every row of Z
// depends only on its row of C: stacked runs get their own rows.
#include "kernels.h"
#include "kernels_internal.h"
#include <pthread.h>
#include <string.h>
#include <immintrin.h>

enum { DUAL_MR = 8, DUAL_NR = 24 };

long dnn_dual_panel_size(long m) {
    return m * ((m + DUAL_NR - 1) / DUAL_NR * DUAL_NR);
}

void dnn_dual_pack(long m, const double *g, double *panels) {
    long width = (m + DUAL_NR - 1) / DUAL_NR * DUAL_NR;
    for (long p0 = 0; p0 < m; p0 += KC) {
        long kc = m - p0 < KC ? m - p0 : KC;
        double *block = panels + p0 * width;
        for (long s = 0; s < width; s += DUAL_NR) {
            double *strip = block + s * kc;
            for (long p = 0; p < kc; p++)
                for (long j = 0; j < DUAL_NR; j++)
                    strip[p * DUAL_NR + j] = s + j < m ? g[(p0 + p) * m + s + j] : 0;
        }
    }
}

// Rows i0 ..< i0 + R (R <= 8, a constant where inlined) of Z over one block of kc along
// k and the strip of `cols` columns at `b`: z = src + ab, src being P on the first block
// and Z after.
__attribute__((target("avx512f"), always_inline))
static inline void tile_avx512(int R, long kc, const double *c, long ldc, const double *b,
                               const double *src, double *z, long ldz, long cols) {
    __m512d acc[DUAL_MR][3];
    for (int r = 0; r < R; r++)
        for (int v = 0; v < 3; v++) acc[r][v] = _mm512_setzero_pd();
    for (long p = 0; p < kc; p++, b += DUAL_NR) {
        __m512d b0 = _mm512_load_pd(b), b1 = _mm512_load_pd(b + 8), b2 = _mm512_load_pd(b + 16);
        for (int r = 0; r < R; r++) {
            __m512d x = _mm512_set1_pd(c[r * ldc + p]);
            acc[r][0] = _mm512_add_pd(acc[r][0], _mm512_mul_pd(x, b0));
            acc[r][1] = _mm512_add_pd(acc[r][1], _mm512_mul_pd(x, b1));
            acc[r][2] = _mm512_add_pd(acc[r][2], _mm512_mul_pd(x, b2));
        }
    }
    for (int r = 0; r < R; r++)
        for (int v = 0; v < 3; v++) {
            __mmask8 mask = dnn_mask8(cols - v * 8);
            __m512d s = _mm512_maskz_loadu_pd(mask, src + r * ldz + v * 8);
            _mm512_mask_storeu_pd(z + r * ldz + v * 8, mask, _mm512_add_pd(s, acc[r][v]));
        }
}

__attribute__((target("avx512f")))
static void tile_rows(int rows, long kc, const double *c, long ldc, const double *b,
                      const double *src, double *z, long ldz, long cols) {
    switch (rows) {
    case 8: tile_avx512(8, kc, c, ldc, b, src, z, ldz, cols); break;
    case 7: tile_avx512(7, kc, c, ldc, b, src, z, ldz, cols); break;
    case 6: tile_avx512(6, kc, c, ldc, b, src, z, ldz, cols); break;
    case 5: tile_avx512(5, kc, c, ldc, b, src, z, ldz, cols); break;
    case 4: tile_avx512(4, kc, c, ldc, b, src, z, ldz, cols); break;
    case 3: tile_avx512(3, kc, c, ldc, b, src, z, ldz, cols); break;
    case 2: tile_avx512(2, kc, c, ldc, b, src, z, ldz, cols); break;
    case 1: tile_avx512(1, kc, c, ldc, b, src, z, ldz, cols); break;
    }
}

typedef struct {
    long i0, i1, m;
    const double *c, *panels, *p;
    double *z;
} dual_part;

// Rows i0 ..< i1 of Z: for each block along k, each strip of columns, each tile of rows.
__attribute__((target("avx512f")))
static void *dual_rows(void *arg) {
    const dual_part *t = arg;
    long m = t->m, width = (m + DUAL_NR - 1) / DUAL_NR * DUAL_NR;
    for (long p0 = 0; p0 < m; p0 += KC) {
        long kc = m - p0 < KC ? m - p0 : KC;
        const double *block = t->panels + p0 * width;
        const double *src = p0 == 0 ? t->p : t->z;
        for (long s = 0; s < m; s += DUAL_NR) {
            long cols = m - s < DUAL_NR ? m - s : DUAL_NR;
            for (long i = t->i0; i < t->i1; i += DUAL_MR) {
                int rows = t->i1 - i < DUAL_MR ? (int)(t->i1 - i) : DUAL_MR;
                tile_rows(rows, kc, t->c + i * m + p0, m, block + s * kc,
                          src + i * m + s, t->z + i * m + s, m, cols);
            }
        }
    }
    return 0;
}

void dnn_dual_product(long rows, long m, const double *c, const double *g, const double *panels,
                     const double *p, double *z, int threads) {
    if (rows <= 0 || m <= 0) return;
    if (strcmp(dnn_gemm_isa(), "avx512f") != 0) {
        // The other paths: dnn_gemm over a copy of P, the same bits.
        if (z != p) memmove(z, p, sizeof(double) * (size_t)rows * (size_t)m);
        dnn_gemm_threaded(0, 0, rows, m, m, 1, c, m, g, m, 1, z, m, threads);
        return;
    }
    enum { MAX_THREADS = 64 };
    long units = (rows + DUAL_MR - 1) / DUAL_MR;
    if (threads < 1) threads = 1;
    if (threads > MAX_THREADS) threads = MAX_THREADS;
    if (threads > units) threads = (int)units;
    dual_part parts[MAX_THREADS];
    pthread_t ids[MAX_THREADS];
    int started[MAX_THREADS] = {0};
    for (int t = 0; t < threads; t++) {
        long lo = units * t / threads * DUAL_MR, hi = units * (t + 1) / threads * DUAL_MR;
        parts[t] = (dual_part){ lo, hi < rows ? hi : rows, m, c, panels, p, z };
    }
    for (int t = 1; t < threads; t++)
        started[t] = pthread_create(&ids[t], 0, dual_rows, &parts[t]) == 0;
    dual_rows(&parts[0]);
    for (int t = 1; t < threads; t++) {
        if (started[t]) pthread_join(ids[t], 0);
        else dual_rows(&parts[t]);
    }
}
