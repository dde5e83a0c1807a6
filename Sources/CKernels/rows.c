// The small products and the dual engine's product, on AVX-512: rows of op(A) read in
// place, one broadcast per element, against 24 columns of op(B) at a time.
//
// The arithmetic is kernels.c's: per element of C, per block of KC along k in order,
// ab = 0; ab + a(i,p) * b(p,j) or fma(a(i,p), b(p,j), ab) in order; then the block's
// combination. Only the
// visiting order differs, which no element depends on.
//
// * dnn_gemm_rows, the products below the packed path's threshold (the deeper layers of
//   a network): op(B) is read in place when it runs along rows, else 24 of its columns
//   at a time are turned into rows (8 x 8 in registers) into a buffer of this thread.
//   Tiles of 1 to 8 rows each have their own unrolled code.
// * dnn_dual_product, Z_1 = P + C G: G is the same for every iteration and every run on
//   the same data, so it is laid out once (dnn_dual_pack_rows) as the tiles read it: for each
//   block of KC rows of G, strips of 24 columns, each p-major, zeros past the last
//   column. Per iteration C is read from its rows and P added as the tile is stored
//   (dnn_gemm(C, G, alpha 1, beta 1) over a copy of P gives 1 * p + 1 * ab = p + ab on the
//   first block, z + 1 * ab after: the same bits). Each row of Z depends only on its row
//   of C, so the runs of a batch stacked into one product get their own rows.
#include "kernels.h"
#include "kernels_internal.h"
#include <stdlib.h>
#include <string.h>
#include <immintrin.h>

enum { ROWS_MR = 8, ROWS_NR = 24 };

// How a tile is stored: C = combine(C, ab) as dnn_store8 does, or Z = src + ab.
enum { STORE_GEMM, STORE_ADD };

typedef struct {
    double alpha, beta;
    int first;
    const double *src;  // STORE_ADD: the tile's addend (P, or Z itself), leading dimension ldc
} tile_store;

// Rows 0 ..< R of a tile (R, mode and padded constants where inlined) over kc along k and
// `cols` <= 24 columns: a(r, p) = a[r * ai + p * ap], b(p, j) = b[p * bstep + j]; `padded`:
// b is 64-byte aligned, bstep 24, and zero past `cols`.
__attribute__((target("avx512f"), always_inline))
static inline void tile_avx512(int fused, int R, int mode, int padded, long kc, const double *a, long ai, long ap,
                               const double *b, long bstep, long cols, double *c, long ldc,
                               tile_store st) {
    __m512d acc[ROWS_MR][3];
    __mmask8 m0 = dnn_mask8(cols), m1 = dnn_mask8(cols - 8), m2 = dnn_mask8(cols - 16);
    for (int r = 0; r < R; r++)
        for (int v = 0; v < 3; v++) acc[r][v] = _mm512_setzero_pd();
    for (long p = 0; p < kc; p++, b += bstep, a += ap) {
        // A strip laid out 24 wide (aligned, zeros past the last column) is read whole.
        __m512d b0 = padded ? _mm512_load_pd(b) : _mm512_maskz_loadu_pd(m0, b);
        __m512d b1 = padded ? _mm512_load_pd(b + 8) : _mm512_maskz_loadu_pd(m1, b + 8);
        __m512d b2 = padded ? _mm512_load_pd(b + 16) : _mm512_maskz_loadu_pd(m2, b + 16);
        for (int r = 0; r < R; r++) {
            __m512d x = _mm512_set1_pd(a[r * ai]);
            acc[r][0] = dnn_madd8(fused, acc[r][0], x, b0);
            acc[r][1] = dnn_madd8(fused, acc[r][1], x, b1);
            acc[r][2] = dnn_madd8(fused, acc[r][2], x, b2);
        }
    }
    __mmask8 mask[3] = { m0, m1, m2 };
    for (int r = 0; r < R; r++)
        for (int v = 0; v < 3; v++) {
            if (!mask[v]) continue;
            double *cr = c + r * ldc + v * 8;
            if (mode == STORE_ADD) {
                __m512d s = _mm512_maskz_loadu_pd(mask[v], st.src + r * ldc + v * 8);
                _mm512_mask_storeu_pd(cr, mask[v], _mm512_add_pd(s, acc[r][v]));
            } else {
                dnn_store8(cr, mask[v], acc[r][v], st.alpha, st.beta, st.first);
            }
        }
}

#define TILE_CASES(fused, mode, padded)                                                                 \
    switch (rows) {                                                                        \
    case 8: tile_avx512(fused, 8, mode, padded, kc, a, ai, ap, b, bstep, cols, c, ldc, st); break;       \
    case 7: tile_avx512(fused, 7, mode, padded, kc, a, ai, ap, b, bstep, cols, c, ldc, st); break;       \
    case 6: tile_avx512(fused, 6, mode, padded, kc, a, ai, ap, b, bstep, cols, c, ldc, st); break;       \
    case 5: tile_avx512(fused, 5, mode, padded, kc, a, ai, ap, b, bstep, cols, c, ldc, st); break;       \
    case 4: tile_avx512(fused, 4, mode, padded, kc, a, ai, ap, b, bstep, cols, c, ldc, st); break;       \
    case 3: tile_avx512(fused, 3, mode, padded, kc, a, ai, ap, b, bstep, cols, c, ldc, st); break;       \
    case 2: tile_avx512(fused, 2, mode, padded, kc, a, ai, ap, b, bstep, cols, c, ldc, st); break;       \
    case 1: tile_avx512(fused, 1, mode, padded, kc, a, ai, ap, b, bstep, cols, c, ldc, st); break;       \
    }

#define TILE_ARGS int rows, long kc, const double *a, long ai, long ap, const double *b, long bstep, \
    long cols, double *c, long ldc, tile_store st
typedef void (*tile_fn)(TILE_ARGS);
__attribute__((target("avx512f"))) static void tile_gemm(TILE_ARGS) { TILE_CASES(DNN_PLAIN, STORE_GEMM, 0) }
__attribute__((target("avx512f"))) static void tile_gemm_fma(TILE_ARGS) { TILE_CASES(DNN_FUSED, STORE_GEMM, 0) }
__attribute__((target("avx512f"))) static void tile_gemm_padded(TILE_ARGS) { TILE_CASES(DNN_PLAIN, STORE_GEMM, 1) }
__attribute__((target("avx512f"))) static void tile_gemm_padded_fma(TILE_ARGS) { TILE_CASES(DNN_FUSED, STORE_GEMM, 1) }
__attribute__((target("avx512f"))) static void tile_add(TILE_ARGS) { TILE_CASES(DNN_PLAIN, STORE_ADD, 1) }
__attribute__((target("avx512f"))) static void tile_add_fma(TILE_ARGS) { TILE_CASES(DNN_FUSED, STORE_ADD, 1) }

// Zeros, read in place of the columns past op(B)'s last when 8 are turned at once.
static const double zeros[KC] __attribute__((aligned(64)));

// out[p * 24 + j] = b(p0 + p, j0 + j) for p < kc, j < 24, where b(p, j) = x[j * ldb + p]
// (op(B) = B^T): zeros past column n.
__attribute__((target("avx512f")))
static void turn_strip(const double *x, long ldb, long n, long p0, long kc, long j0, double *out) {
    for (long g = 0; g < ROWS_NR; g += 8) {
        const double *row[8];
        for (int j = 0; j < 8; j++)
            row[j] = j0 + g + j < n ? x + (j0 + g + j) * ldb + p0 : zeros;
        long p = 0;
        for (; p + 8 <= kc; p += 8) dnn_transpose8x8(row, p, out + p * ROWS_NR + g, ROWS_NR);
        for (; p < kc; p++)
            for (int j = 0; j < 8; j++) out[p * ROWS_NR + g + j] = row[j][p];
    }
}

int dnn_gemm_rows(int fused, int trans_a, int trans_b, long m, long n, long k, double alpha,
                  const double *a, long lda, const double *b, long ldb, double beta,
                  double *c, long ldc) {
    if (strcmp(dnn_gemm_isa(), "avx512f") != 0) return -1;
    static _Thread_local double strip[KC * ROWS_NR] __attribute__((aligned(64)));
    long ai = trans_a ? 1 : lda, ap = trans_a ? lda : 1;
    tile_fn tile = trans_b ? (fused ? tile_gemm_padded_fma : tile_gemm_padded) : (fused ? tile_gemm_fma : tile_gemm);
    for (long p0 = 0; p0 < k; p0 += KC) {
        long kc = k - p0 < KC ? k - p0 : KC;
        tile_store st = { alpha, beta, p0 == 0, 0 };
        for (long j = 0; j < n; j += ROWS_NR) {
            long cols = n - j < ROWS_NR ? n - j : ROWS_NR;
            const double *bs;
            long bstep;
            if (trans_b) {
                turn_strip(b, ldb, n, p0, kc, j, strip);
                bs = strip;
                bstep = ROWS_NR;
            } else {
                bs = b + p0 * ldb + j;
                bstep = ldb;
            }
            for (long i = 0; i < m; i += ROWS_MR) {
                int rows = m - i < ROWS_MR ? (int)(m - i) : ROWS_MR;
                tile(rows, kc, a + i * ai + p0 * ap, ai, ap, bs, bstep, cols, c + i * ldc + j, ldc, st);
            }
        }
    }
    return 0;
}

long dnn_dual_panel_size(long m) {
    return m * ((m + ROWS_NR - 1) / ROWS_NR * ROWS_NR);
}

// Where G(p, j) lives in the layout: block of KC rows p0, its strip of 24 columns s, row
// p - p0 of the strip, column j - s.
static inline long panel_index(long m, long p, long j) {
    long width = (m + ROWS_NR - 1) / ROWS_NR * ROWS_NR;
    long p0 = p / KC * KC, kc = m - p0 < KC ? m - p0 : KC, s = j / ROWS_NR * ROWS_NR;
    return p0 * width + s * kc + (p - p0) * ROWS_NR + (j - s);
}

void dnn_dual_pack_rows(long m, long r0, long r1, const double *rows, double *panels) {
    // G is symmetric (G(p, j) and G(j, p) sum the same products in the same order), so
    // row j of G, given here, is also its column j: the layout's entries (p, j) for every p.
    long width = (m + ROWS_NR - 1) / ROWS_NR * ROWS_NR;
    for (long j = r0; j < r1; j++)
        for (long p = 0; p < m; p++) panels[panel_index(m, p, j)] = rows[(j - r0) * m + p];
    // Columns past m (zeros) belong to the block of rows that ends at m.
    if (r1 == m)
        for (long j = m; j < width; j++)
            for (long p = 0; p < m; p++) panels[panel_index(m, p, j)] = 0;
}

void dnn_dual_unpack(long m, const double *panels, double *g) {
    for (long p = 0; p < m; p++)
        for (long j = 0; j < m; j++) g[p * m + j] = panels[panel_index(m, p, j)];
}

typedef struct {
    long rows, m;
    long j0, j1;  // this thread's columns of Z: whole strips of 24, but the last
    const double *c, *panels, *p;
    double *z;
    int fused;
} dual_part;

// Columns j0 ..< j1 of Z, every row: for each block along k, each strip of columns, each
// tile of rows (the strip of G, 48 KB, stays in L1 while the rows pass over it).
__attribute__((target("avx512f")))
static void *dual_rows(void *arg) {
    const dual_part *t = arg;
    long m = t->m, width = (m + ROWS_NR - 1) / ROWS_NR * ROWS_NR;
    tile_fn add = t->fused ? tile_add_fma : tile_add;
    for (long p0 = 0; p0 < m; p0 += KC) {
        long kc = m - p0 < KC ? m - p0 : KC;
        const double *block = t->panels + p0 * width;
        for (long s = t->j0; s < t->j1; s += ROWS_NR) {
            long cols = m - s < ROWS_NR ? m - s : ROWS_NR;
            for (long i = 0; i < t->rows; i += ROWS_MR) {
                int rows = t->rows - i < ROWS_MR ? (int)(t->rows - i) : ROWS_MR;
                tile_store st = { 1, 1, p0 == 0, (p0 == 0 ? t->p : t->z) + i * m + s };
                add(rows, kc, t->c + i * m + p0, m, 1, block + s * kc, ROWS_NR, cols,
                         t->z + i * m + s, m, st);
            }
        }
    }
    return 0;
}

void dnn_dual_product(long rows, long m, const double *c, const double *g, const double *panels,
                      const double *p, double *z, int threads) {
    if (rows <= 0 || m <= 0) return;
    if (!panels || strcmp(dnn_gemm_isa(), "avx512f") != 0) {
        // The other paths: dnn_gemm over a copy of P, the same bits; G from the layout when
        // the basis keeps only that (an instruction set chosen after it was made: tests).
        double *unpacked = 0;
        if (!g) {
            unpacked = malloc(sizeof(double) * (size_t)m * (size_t)m);
            if (!unpacked) abort();
            dnn_dual_unpack(m, panels, unpacked);
            g = unpacked;
        }
        if (z != p) memmove(z, p, sizeof(double) * (size_t)rows * (size_t)m);
        dnn_gemm_threaded(0, 0, rows, m, m, 1, c, m, g, m, 1, z, m, threads);
        free(unpacked);
        return;
    }
    // Threads split the columns, in strips of 24: each reads only its part of G, which
    // for a large m is the product's whole memory traffic (splitting the rows instead
    // made every thread read all of G: 50% slower at m = 5000).
    long units = (m + ROWS_NR - 1) / ROWS_NR;
    if (threads < 1) threads = 1;
    if (threads > DNN_MAX_THREADS) threads = DNN_MAX_THREADS;
    if (threads > units) threads = (int)units;
    dual_part parts[DNN_MAX_THREADS];
    for (int t = 0; t < threads; t++) {
        long lo = units * t / threads * ROWS_NR, hi = units * (t + 1) / threads * ROWS_NR;
        parts[t] = (dual_part){ rows, m, lo, hi < m ? hi : m, c, panels, p, z, dnn_gemm_fused() };
    }
    dnn_run_parts(dual_rows, parts, sizeof(dual_part), threads);
}
