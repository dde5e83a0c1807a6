// The large products: the arithmetic of kernels.c, faster.
//
// Every element is still computed as kernels.c describes (blocks of 256 along k, in
// order; within a block from ab = 0, ab + a*b or fma(a, b, ab) by the arithmetic; then
// alpha, beta, or the running c). What changes is only the order in which elements are
// visited, which no element's value depends on:
//
//   for each panel of NC columns of C            (a thread's share of the columns)
//       for each block of KC = 256 along k, in order
//           pack that block of op(B), KC x NC, into strips of NR columns
//           for each block of MC rows of C
//               pack that block of op(A), MC x KC, into strips of MR rows
//               for each MR x NR tile: the micro-kernel, 24 accumulators in registers
//
// The packed copies are contiguous in the order the micro-kernel reads them, so a
// transposed operand costs nothing more than a plain one (kernels.c copies a transposed
// B whole), the strips stream from the caches, and the tiles stay in registers. Threads
// split the columns of C (or its rows, when it has few columns): each element is
// computed by one thread, the same way, so the result does not depend on the number of
// threads.
#include "kernels.h"
#include "kernels_internal.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <immintrin.h>

// Tile MR x NR; the blocks of C, in two orders (see run_part): narrow panels of NC
// columns with blocks of MC rows, or, for a part of C no wider than WIDE_NC, all its
// columns at once with blocks of WIDE_MC rows.
enum { MR = 8, NR = 24, NC = 240, MC = 192, WIDE_NC = 2400, WIDE_MC = 128 };

// op(X)(i, p) = x[i * xi + p * xp].
typedef struct {
    const double *x;
    long xi, xp;
} operand;

// Packs rows i0 ..< i0 + mc, columns p0 ..< p0 + kc of op(A) into strips of MR rows:
// strip s holds, for each p in order, the MR elements of rows s*MR ..< s*MR + MR
// (zeros past the last row).
static void pack_a_scalar(operand a, long i0, long mc, long p0, long kc, double *out) {
    for (long s = 0; s < mc; s += MR) {
        long rows = mc - s < MR ? mc - s : MR;
        double *o = out + s * kc;
        if (a.xp == 1) {
            for (long r = 0; r < rows; r++) {
                const double *src = a.x + (i0 + s + r) * a.xi + p0;
                for (long p = 0; p < kc; p++) o[p * MR + r] = src[p];
            }
        } else {
            for (long p = 0; p < kc; p++) {
                const double *src = a.x + (i0 + s) * a.xi + (p0 + p) * a.xp;
                for (long r = 0; r < rows; r++) o[p * MR + r] = src[r * a.xi];
            }
        }
        for (long r = rows; r < MR; r++)
            for (long p = 0; p < kc; p++) o[p * MR + r] = 0;
    }
}

// The same with AVX-512: rows of A turned in 8 x 8 blocks in registers; a transposed A
// (its columns in memory are rows of op(A)) copied 8 at a time.
__attribute__((target("avx512f")))
static void pack_a_avx512(operand a, long i0, long mc, long p0, long kc, double *out) {
    for (long s = 0; s < mc; s += MR) {
        long rows = mc - s < MR ? mc - s : MR;
        double *o = out + s * kc;
        if (a.xp == 1 && rows == MR) {
            const double *row[8];
            for (int r = 0; r < 8; r++) row[r] = a.x + (i0 + s + r) * a.xi + p0;
            long p = 0;
            for (; p + 8 <= kc; p += 8) dnn_transpose8x8(row, p, o + p * MR, MR);
            for (; p < kc; p++)
                for (int r = 0; r < 8; r++) o[p * MR + r] = row[r][p];
        } else if (a.xi == 1) {
            __mmask8 mask = dnn_mask8(rows);
            const double *src = a.x + i0 + s + p0 * a.xp;
            for (long p = 0; p < kc; p++, src += a.xp)
                _mm512_store_pd(o + p * MR, _mm512_maskz_loadu_pd(mask, src));
        } else {
            pack_a_scalar(a, i0 + s, rows, p0, kc, o);
        }
    }
}

// Packs rows p0 ..< p0 + kc, columns j0 ..< j0 + nc of op(B), b(p, j) = x[p * xi + j * xp]
// (xi, xp named for the operand struct), into strips of NR columns: strip s holds, for
// each p in order, the NR elements of columns s*NR ..< s*NR + NR (zeros past the last).
static void pack_b_scalar(operand b, long p0, long kc, long j0, long nc, double *out) {
    for (long s = 0; s < nc; s += NR) {
        long cols = nc - s < NR ? nc - s : NR;
        double *o = out + s * kc;
        for (long p = 0; p < kc; p++)
            for (long j = 0; j < NR; j++)
                o[p * NR + j] = j < cols ? b.x[(p0 + p) * b.xi + (j0 + s + j) * b.xp] : 0;
    }
}

// The same with AVX-512: rows of B copied 8 at a time; a transposed B read along its
// rows and turned in 8 x 8 blocks in registers.
__attribute__((target("avx512f")))
static void pack_b_avx512(operand b, long p0, long kc, long j0, long nc, double *out) {
    if (b.xp == 1) {
        // Row by row of B, each row's nc elements read in one run (the prefetchers follow
        // a long run better than the short pieces of a strip), the next row fetched early.
        for (long p = 0; p < kc; p++) {
            const double *src = b.x + (p0 + p) * b.xi + j0;
            if (p + 2 < kc)
                for (long j = 0; j < nc; j += 8) _mm_prefetch((const char *)(src + 2 * b.xi + j), _MM_HINT_T0);
            for (long s = 0; s < nc; s += NR) {
                long cols = nc - s < NR ? nc - s : NR;
                double *d = out + s * kc + p * NR;
                if (cols == NR) {
                    _mm512_store_pd(d, _mm512_loadu_pd(src + s));
                    _mm512_store_pd(d + 8, _mm512_loadu_pd(src + s + 8));
                    _mm512_store_pd(d + 16, _mm512_loadu_pd(src + s + 16));
                } else {
                    for (int v = 0; v < 3; v++)
                        _mm512_store_pd(d + v * 8, _mm512_maskz_loadu_pd(dnn_mask8(cols - v * 8), src + s + v * 8));
                }
            }
        }
        return;
    }
    for (long s = 0; s < nc; s += NR) {
        long cols = nc - s < NR ? nc - s : NR;
        double *o = out + s * kc;
        // b(p, j) = x[p + j * xp]: column j of op(B) is a row of x.
        for (long g = 0; g < NR; g += 8) {
            long width = cols - g;  // columns of this group of 8 that exist
            if (width <= 0) {
                for (long p = 0; p < kc; p++) _mm512_store_pd(o + p * NR + g, _mm512_setzero_pd());
                continue;
            }
            const double *col[8] = {0};
            for (int j = 0; j < 8; j++) col[j] = j < width ? b.x + p0 + (j0 + s + g + j) * b.xp : 0;
            long p = 0;
            if (width >= 8) {
                for (; p + 8 <= kc; p += 8) {
                    dnn_transpose8x8(col, p, o + p * NR + g, NR);
                }
            }
            for (; p < kc; p++)
                for (int j = 0; j < 8; j++) o[p * NR + g + j] = j < width ? col[j][p] : 0;
        }
    }
}

// d[q * stride] = the 4 doubles (r0[q], r1[q], r2[q], r3[q]) for q in 0 ..< 4: a
// transpose of 4 x 4 doubles in AVX2 registers.
__attribute__((target("avx2,fma")))
static inline void transpose4x4(__m256d r0, __m256d r1, __m256d r2, __m256d r3, double *d, long stride) {
    __m256d t0 = _mm256_unpacklo_pd(r0, r1), t1 = _mm256_unpackhi_pd(r0, r1);
    __m256d t2 = _mm256_unpacklo_pd(r2, r3), t3 = _mm256_unpackhi_pd(r2, r3);
    _mm256_storeu_pd(d + 0 * stride, _mm256_permute2f128_pd(t0, t2, 0x20));
    _mm256_storeu_pd(d + 1 * stride, _mm256_permute2f128_pd(t1, t3, 0x20));
    _mm256_storeu_pd(d + 2 * stride, _mm256_permute2f128_pd(t0, t2, 0x31));
    _mm256_storeu_pd(d + 3 * stride, _mm256_permute2f128_pd(t1, t3, 0x31));
}

// pack_a_scalar's layout with AVX2: rows of A turned 4 x 4 at a time; a transposed A
// (8 rows of op(A) side by side in memory) copied 4 at a time.
__attribute__((target("avx2,fma")))
static void pack_a_avx2(operand a, long i0, long mc, long p0, long kc, double *out) {
    for (long s = 0; s < mc; s += MR) {
        long rows = mc - s < MR ? mc - s : MR;
        double *o = out + s * kc;
        if (a.xp == 1 && rows == MR) {
            const double *row[8];
            for (int r = 0; r < 8; r++) row[r] = a.x + (i0 + s + r) * a.xi + p0;
            long p = 0;
            for (; p + 4 <= kc; p += 4)
                for (int h = 0; h < 8; h += 4)
                    transpose4x4(_mm256_loadu_pd(row[h] + p), _mm256_loadu_pd(row[h + 1] + p),
                                 _mm256_loadu_pd(row[h + 2] + p), _mm256_loadu_pd(row[h + 3] + p),
                                 o + p * MR + h, MR);
            for (; p < kc; p++)
                for (int r = 0; r < 8; r++) o[p * MR + r] = row[r][p];
        } else if (a.xi == 1 && rows == MR) {
            const double *src = a.x + i0 + s + p0 * a.xp;
            for (long p = 0; p < kc; p++, src += a.xp) {
                _mm256_storeu_pd(o + p * MR, _mm256_loadu_pd(src));
                _mm256_storeu_pd(o + p * MR + 4, _mm256_loadu_pd(src + 4));
            }
        } else {
            pack_a_scalar(a, i0 + s, rows, p0, kc, o);
        }
    }
}

// pack_b_scalar's layout with AVX2: rows of B copied 4 at a time; a transposed B read
// along its rows and turned 4 x 4 at a time.
__attribute__((target("avx2,fma")))
static void pack_b_avx2(operand b, long p0, long kc, long j0, long nc, double *out) {
    for (long s = 0; s < nc; s += NR) {
        long cols = nc - s < NR ? nc - s : NR;
        double *o = out + s * kc;
        if (cols < NR) {
            pack_b_scalar(b, p0, kc, j0 + s, cols, o);
        } else if (b.xp == 1) {
            for (long p = 0; p < kc; p++) {
                const double *src = b.x + (p0 + p) * b.xi + j0 + s;
                for (int v = 0; v < NR; v += 4) _mm256_store_pd(o + p * NR + v, _mm256_loadu_pd(src + v));
            }
        } else {
            // b(p, j) = x[p + j * xp]: column j of op(B) is a row of x.
            for (int g = 0; g < NR; g += 4) {
                const double *col[4];
                for (int j = 0; j < 4; j++) col[j] = b.x + p0 + (j0 + s + g + j) * b.xp;
                long p = 0;
                for (; p + 4 <= kc; p += 4)
                    transpose4x4(_mm256_loadu_pd(col[0] + p), _mm256_loadu_pd(col[1] + p),
                                 _mm256_loadu_pd(col[2] + p), _mm256_loadu_pd(col[3] + p), o + p * NR + g, NR);
                for (; p < kc; p++)
                    for (int j = 0; j < 4; j++) o[p * NR + g + j] = col[j][p];
            }
        }
    }
}

// c(0 ..< rows, 0 ..< cols) from an MR x NR tile of packed A and B over kc.
typedef void (*micro_fn)(long kc, const double *a, const double *b, double *c, long ldc,
                         long rows, long cols, double alpha, double beta, int first);

__attribute__((target("avx512f"), always_inline))
static inline void micro_avx512_body(int fused, long kc, const double *a, const double *b, double *c, long ldc,
                                     long rows, long cols, double alpha, double beta, int first) {
    __m512d acc[MR][3];
    for (int r = 0; r < MR; r++)
        for (int v = 0; v < 3; v++) acc[r][v] = _mm512_setzero_pd();
    for (long p = 0; p < kc; p++, a += MR, b += NR) {
        __m512d b0 = _mm512_load_pd(b), b1 = _mm512_load_pd(b + 8), b2 = _mm512_load_pd(b + 16);
        for (int r = 0; r < MR; r++) {
            __m512d x = _mm512_set1_pd(a[r]);
            acc[r][0] = dnn_madd8(fused, acc[r][0], x, b0);
            acc[r][1] = dnn_madd8(fused, acc[r][1], x, b1);
            acc[r][2] = dnn_madd8(fused, acc[r][2], x, b2);
        }
    }
    for (int r = 0; r < MR && r < rows; r++)
        for (int v = 0; v < 3; v++)
            dnn_store8(c + r * ldc + v * 8, dnn_mask8(cols - v * 8), acc[r][v], alpha, beta, first);
}

__attribute__((target("avx2,fma"), always_inline))
static inline void micro_avx2_body(int fused, long kc, const double *a, const double *b, double *c, long ldc,
                                   long rows, long cols, double alpha, double beta, int first) {
    // MR x NR in passes of all 8 rows x 6 columns: the 8 elements of A at each p are two
    // vectors, each column of B a broadcast; 12 accumulators (columns of C, 4 rows each),
    // 2 vectors of A and a broadcast fit AVX2's 16 registers without a spill (4 x 12 the
    // other way round needs a second broadcast register and spills an accumulator).
    for (int w = 0; w < NR && w < cols; w += 6) {
        __m256d acc[6][2];
        for (int j = 0; j < 6; j++) acc[j][0] = acc[j][1] = _mm256_setzero_pd();
        const double *ap = a, *bp = b + w;
        for (long p = 0; p < kc; p++, ap += MR, bp += NR) {
            __m256d a0 = _mm256_load_pd(ap), a1 = _mm256_load_pd(ap + 4);
            for (int j = 0; j < 6; j++) {
                __m256d y = _mm256_broadcast_sd(bp + j);
                acc[j][0] = dnn_madd4(fused, acc[j][0], a0, y);
                acc[j][1] = dnn_madd4(fused, acc[j][1], a1, y);
            }
        }
        // Lane r of acc[j][h] is element (4h + r, w + j); a(r, p) * b(p, j) = b * a
        // exactly, and so is the fused sum: the order of the factors changes no bit.
        double tile[6][MR];
        for (int j = 0; j < 6; j++) {
            _mm256_storeu_pd(tile[j], acc[j][0]);
            _mm256_storeu_pd(tile[j] + 4, acc[j][1]);
        }
        long width = cols - w < 6 ? cols - w : 6;
        for (long r = 0; r < rows; r++) {
            double *cr = c + r * ldc + w;
            for (long j = 0; j < width; j++) cr[j] = dnn_combine(cr[j], tile[j][r], alpha, beta, first);
        }
    }
}

__attribute__((always_inline))
static inline void micro_scalar_body(int fused, long kc, const double *a, const double *b, double *c, long ldc,
                                     long rows, long cols, double alpha, double beta, int first) {
    for (long r = 0; r < rows; r++) {
        for (long j = 0; j < cols; j++) {
            double ab = 0;
            for (long p = 0; p < kc; p++) ab = dnn_madd(fused, ab, a[p * MR + r], b[p * NR + j]);
            c[r * ldc + j] = dnn_combine(c[r * ldc + j], ab, alpha, beta, first);
        }
    }
}

// Each micro-kernel in each arithmetic.
#define MICRO_ARGS long kc, const double *a, const double *b, double *c, long ldc, long rows, long cols, \
    double alpha, double beta, int first
#define MICRO_PASS kc, a, b, c, ldc, rows, cols, alpha, beta, first
__attribute__((target("avx512f"))) static void micro_avx512(MICRO_ARGS) { micro_avx512_body(DNN_PLAIN, MICRO_PASS); }
__attribute__((target("avx512f"))) static void micro_avx512_fma(MICRO_ARGS) { micro_avx512_body(DNN_FUSED, MICRO_PASS); }
__attribute__((target("avx2,fma"))) static void micro_avx2(MICRO_ARGS) { micro_avx2_body(DNN_PLAIN, MICRO_PASS); }
__attribute__((target("avx2,fma"))) static void micro_avx2_fma(MICRO_ARGS) { micro_avx2_body(DNN_FUSED, MICRO_PASS); }
static void micro_scalar(MICRO_ARGS) { micro_scalar_body(DNN_PLAIN, MICRO_PASS); }
static void micro_scalar_fma(MICRO_ARGS) { micro_scalar_body(DNN_FUSED, MICRO_PASS); }

typedef void (*pack_a_fn)(operand a, long i0, long mc, long p0, long kc, double *out);
typedef void (*pack_b_fn)(operand b, long p0, long kc, long j0, long nc, double *out);

static micro_fn micro_for(const char *isa, int fused) {
    if (!strcmp(isa, "avx512f")) return fused ? micro_avx512_fma : micro_avx512;
    if (!strcmp(isa, "avx2")) return fused ? micro_avx2_fma : micro_avx2;
    return fused ? micro_scalar_fma : micro_scalar;
}

// `count` buffers of `doubles` each, 64-byte aligned, owned by the calling thread and
// reused by its later calls; 0 when memory runs out.
static double **cached_buffers(int count, long doubles) {
    static _Thread_local double *buffer[64];
    static _Thread_local int held;
    if (held < count) {
        for (int t = held; t < count; t++) {
            buffer[t] = aligned_alloc(64, sizeof(double) * (size_t)doubles);
            if (!buffer[t]) return 0;
            held = t + 1;
        }
    }
    return buffer;
}

typedef struct {
    operand a, b;
    long m, k;             // rows of C, the inner dimension
    long i0, i1, j0, j1;   // this thread's part of C
    double alpha, beta;
    double *c;
    long ldc;
    micro_fn micro;
    pack_a_fn pack_a;
    pack_b_fn pack_b;
    double *bpack, *apack;  // this thread's packed blocks
} part;

// A thread's part of C. Two orders, measured on this project's machine:
//  * C wider than WIDE_NC (Z = W A over many examples): panels of NC columns; the packed
//    panel of B (KC x NC, 480 KB) stays in the L2 cache while each strip of A (MR x KC,
//    16 KB, in L1) passes along it. A is packed again for every panel, which is cheap
//    when C is this wide.
//  * C at most WIDE_NC wide (dW = dZ A^T, the examples along k): all the columns at once,
//    so A is packed once per block of k; each strip of B (KC x NR) is used by every strip
//    of A in a block of WIDE_MC rows, which stays in L2.
static void *run_part(void *arg) {
    part *t = arg;
    double *bpack = t->bpack, *apack = t->apack;
    int wide = t->j1 - t->j0 <= WIDE_NC;
    long ncb = wide ? WIDE_NC : NC, mcb = wide ? WIDE_MC : MC;
    for (long jc = t->j0; jc < t->j1; jc += ncb) {
        long nc = t->j1 - jc < ncb ? t->j1 - jc : ncb;
        for (long pc = 0; pc < t->k; pc += KC) {
            long kc = t->k - pc < KC ? t->k - pc : KC;
            int first = pc == 0;
            t->pack_b(t->b, pc, kc, jc, nc, bpack);
            for (long ic = t->i0; ic < t->i1; ic += mcb) {
                long mc = t->i1 - ic < mcb ? t->i1 - ic : mcb;
                t->pack_a(t->a, ic, mc, pc, kc, apack);
                for (long outer = 0; outer < (wide ? nc : mc); outer += (wide ? NR : MR)) {
                    for (long inner = 0; inner < (wide ? mc : nc); inner += (wide ? MR : NR)) {
                        long ir = wide ? inner : outer, jr = wide ? outer : inner;
                        long rows = mc - ir < MR ? mc - ir : MR, cols = nc - jr < NR ? nc - jr : NR;
                        t->micro(kc, apack + ir * kc, bpack + jr * kc,
                                 t->c + (ic + ir) * t->ldc + jc + jr, t->ldc,
                                 rows, cols, t->alpha, t->beta, first);
                    }
                }
            }
        }
    }
    return 0;
}

int dnn_gemm_packed(const char *isa, int fused, int trans_a, int trans_b, long m, long n, long k,
                    double alpha, const double *a, long lda, const double *b, long ldb,
                    double beta, double *c, long ldc, int threads) {
    if (m <= 0 || n <= 0 || k <= 0) return 0;
    operand oa = { a, trans_a ? 1 : lda, trans_a ? lda : 1 };
    operand ob = { b, trans_b ? 1 : ldb, trans_b ? ldb : 1 };
    micro_fn micro = micro_for(isa, fused);
    int avx512 = !strcmp(isa, "avx512f"), avx2 = !strcmp(isa, "avx2");
    if (threads < 1) threads = 1;
    if (threads > DNN_MAX_THREADS) threads = DNN_MAX_THREADS;
    // Split the columns in strips of NR (or the rows in strips of MR when C has fewer
    // column strips than threads); no thread gets less than one strip.
    int by_columns = (n + NR - 1) / NR >= threads || (n + NR - 1) / NR >= (m + MR - 1) / MR;
    long unit = by_columns ? NR : MR, extent = by_columns ? n : m;
    long units = (extent + unit - 1) / unit;
    if (threads > units) threads = (int)units;
    part parts[DNN_MAX_THREADS];
    // Every buffer first: when one cannot be had, C is left untouched for the caller.
    // They are kept from call to call by the calling thread (page faults on fresh
    // buffers of this size cost more than a product of the cat model's first layer).
    long kcmax = k < KC ? k : KC;
    double **buffers = cached_buffers(threads, KC * (WIDE_NC + MC));
    int ok = buffers != 0;
    for (int t = 0; ok && t < threads; t++) {
        long u0 = units * t / threads, u1 = units * (t + 1) / threads;
        long lo = u0 * unit, hi = u1 * unit < extent ? u1 * unit : extent;
        parts[t] = (part){ oa, ob, m, k, 0, m, 0, n, alpha, beta, c, ldc, micro,
                           avx512 ? pack_a_avx512 : avx2 ? pack_a_avx2 : pack_a_scalar,
                           avx512 ? pack_b_avx512 : avx2 ? pack_b_avx2 : pack_b_scalar,
                           buffers[t], buffers[t] + kcmax * WIDE_NC };
        if (by_columns) { parts[t].j0 = lo; parts[t].j1 = hi; }
        else { parts[t].i0 = lo; parts[t].i1 = hi; }
    }
    if (ok) dnn_run_parts(run_part, parts, sizeof(part), threads);
    return ok ? 0 : -1;
}
