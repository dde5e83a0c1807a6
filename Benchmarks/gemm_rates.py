#!/usr/bin/env python3
"""gemm_rates.py: the dgemm rate of one BLAS on given product shapes, for bench_mnist.py.
One library per process, so that each one's threads and its OPENBLAS_CORETYPE are its own.

    python3 gemm_rates.py LIBRARY --threads 2 --shapes 2000x2000x2000:NN,128x60000x784:NT,...

LIBRARY is `numpy` (numpy's own BLAS, through np.matmul), `torch` (PyTorch's, through
torch.mm on CPU float64 tensors), or `blis:PATH` / `openblas:PATH` / `deepnet:PATH`
(cblas_dgemm of that shared library through ctypes; OPENBLAS_CORETYPE in the environment
picks OpenBLAS's kernels; deepnet is DeepNet's kernel built from deepnet_cblas.c and
Sources/CKernels, and `--arithmetic fma|kernel` picks its arithmetic through
dnn_gemm_set_arithmetic, where the kernel has one; without it, the kernel's default).
A shape MxNxK:TT is C (M x N) = op(A) (M x K) op(B) (K x N), row-major, with
op = N (as stored) or T (transposed), the way the course's products are written:
W A is NN, dZ A^T is NT, W^T dZ is TN.

Prints one JSON object: the library's own description (version, the kernels it chose, for
DeepNet's kernel its arithmetic),
threads, and per shape the best seconds of a few runs after a warm-up, GFLOP/s (2 M N K
operations), and whether the result is right: C v is compared with op(A) (op(B) v) for
a random vector v, computed by numpy (an older OpenBLAS can pick kernels that compute
wrong results on a newer CPU).
"""
import argparse
import ctypes
import json
import os
import sys
import time

import numpy as np

ROW_MAJOR, NO_TRANS, TRANS = 101, 111, 112
# A run stops after this many timed products, or after MIN_RUNS once they took TIME_BUDGET s.
MAX_RUNS, MIN_RUNS, TIME_BUDGET = 5, 2, 1.5
# |C v - op(A) op(B) v| / max |op(A) op(B) v| above this is a wrong result.
WRONG_RESULT = 1e-8


def parse_shape(text):
    dims, _, trans = text.partition(":")
    m, n, k = (int(d) for d in dims.split("x"))
    trans = trans or "NN"
    if len(trans) != 2 or set(trans) - {"N", "T"}:
        raise SystemExit(f"gemm_rates.py: shape {text!r}: expected MxNxK:TT with T one of N, T")
    return m, n, k, trans


def operands(m, n, k, trans, rng):
    """A and B as stored (row-major, C-contiguous), and op(A), op(B) as views."""
    a = rng.standard_normal((m, k) if trans[0] == "N" else (k, m))
    b = rng.standard_normal((k, n) if trans[1] == "N" else (n, k))
    return a, b, (a if trans[0] == "N" else a.T), (b if trans[1] == "N" else b.T)


class CBLAS:
    """cblas_dgemm of a shared library, with its thread count set and its description."""

    def __init__(self, kind, path, threads, arithmetic=None):
        try:
            self.lib = ctypes.CDLL(path)
        except OSError as error:  # a missing symbol, a missing file: one line, not a traceback
            raise SystemExit(f"gemm_rates.py: cannot load {path}: {error}")
        self.kind = kind
        f = self.lib.cblas_dgemm
        p = ctypes.POINTER(ctypes.c_double)
        f.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                      ctypes.c_double, p, ctypes.c_int, p, ctypes.c_int, ctypes.c_double, p, ctypes.c_int]
        f.restype = None
        self.dgemm = f
        if kind == "blis":
            self.lib.bli_thread_set_num_threads(ctypes.c_long(threads))
        elif kind == "deepnet":
            self.lib.deepnet_set_threads(ctypes.c_int(threads))
            if arithmetic is not None:
                if not hasattr(self.lib, "dnn_gemm_set_arithmetic"):
                    raise SystemExit(f"gemm_rates.py: {path} has no dnn_gemm_set_arithmetic: "
                                     f"this kernel has one arithmetic; run it without --arithmetic")
                if self.lib.dnn_gemm_set_arithmetic(arithmetic.encode()) == 0:
                    raise SystemExit(f"gemm_rates.py: dnn_gemm_set_arithmetic({arithmetic!r}) returned 0: "
                                     f"the kernel does not know that arithmetic")
        else:
            self.lib.openblas_set_num_threads(ctypes.c_int(threads))

    def describe(self):
        if self.kind == "deepnet":
            self.lib.deepnet_isa.restype = ctypes.c_char_p
            arithmetic = "kernel"  # before dnn_gemm_arithmetic, the kernel's one arithmetic (unfused)
            if hasattr(self.lib, "dnn_gemm_arithmetic"):
                self.lib.dnn_gemm_arithmetic.restype = ctypes.c_char_p
                arithmetic = self.lib.dnn_gemm_arithmetic().decode()
            return {"version": "DeepNet's kernel (Sources/CKernels)", "kernels": self.lib.deepnet_isa().decode(),
                    "arithmetic": arithmetic}
        if self.kind == "blis":
            self.lib.bli_info_get_version_str.restype = ctypes.c_char_p
            self.lib.bli_arch_query_id.restype = ctypes.c_int
            self.lib.bli_arch_string.restype = ctypes.c_char_p
            arch = self.lib.bli_arch_string(self.lib.bli_arch_query_id()).decode()
            return {"version": "BLIS " + self.lib.bli_info_get_version_str().decode(), "kernels": arch}
        self.lib.openblas_get_config.restype = ctypes.c_char_p
        self.lib.openblas_get_corename.restype = ctypes.c_char_p
        self.lib.openblas_get_num_threads.restype = ctypes.c_int
        return {"version": self.lib.openblas_get_config().decode().strip(),
                "kernels": self.lib.openblas_get_corename().decode(),
                "library_threads": self.lib.openblas_get_num_threads()}

    def product(self, m, n, k, trans, a, b, c):
        ptr = ctypes.POINTER(ctypes.c_double)
        lda, ldb = a.shape[1], b.shape[1]
        self.dgemm(ROW_MAJOR, NO_TRANS if trans[0] == "N" else TRANS, NO_TRANS if trans[1] == "N" else TRANS,
                   m, n, k, 1.0, a.ctypes.data_as(ptr), lda, b.ctypes.data_as(ptr), ldb, 0.0,
                   c.ctypes.data_as(ptr), n)


def numpy_description():
    try:
        from threadpoolctl import threadpool_info
        pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
        return {"version": "; ".join(f"{p.get('internal_api')} {p.get('version')}" for p in pools),
                "kernels": "; ".join(str(p.get("architecture")) for p in pools),
                "library_threads": pools[0].get("num_threads") if pools else None}
    except ImportError:
        return {"version": "numpy " + np.__version__, "kernels": "unknown"}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("library", help="numpy, torch, blis:PATH, openblas:PATH or deepnet:PATH")
    p.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    p.add_argument("--shapes", required=True, help="MxNxK:TT,... (see the top of this file)")
    p.add_argument("--arithmetic", help="deepnet:PATH only: fma or kernel (dnn_gemm_set_arithmetic)")
    args = p.parse_args()
    shapes = [parse_shape(s) for s in args.shapes.split(",") if s]
    kind, _, path = args.library.partition(":")
    if args.arithmetic is not None and kind != "deepnet":
        raise SystemExit(f"gemm_rates.py: --arithmetic is for deepnet:PATH only, not {kind}")

    if kind in ("blis", "openblas", "deepnet"):
        if not path:
            raise SystemExit(f"gemm_rates.py: {kind} needs a path: {kind}:/path/to/lib.so")
        blas = CBLAS(kind, path, args.threads, args.arithmetic)
        description = blas.describe()
        product = blas.product
    elif kind == "numpy":
        description = numpy_description()

        def product(m, n, k, trans, a, b, c):
            np.matmul(a if trans[0] == "N" else a.T, b if trans[1] == "N" else b.T, out=c)
    elif kind == "torch":
        import torch
        torch.set_num_threads(args.threads)
        config = [line.strip(" -") for line in torch.__config__.show().splitlines()]
        description = {"version": f"PyTorch {torch.__version__}: "
                                  + next((x for x in config if "Math Kernel" in x or "OpenBLAS" in x), "unknown BLAS"),
                       "kernels": next((x for x in config if x.startswith("CPU capability")), "unknown")}

        def product(m, n, k, trans, a, b, c):
            ta, tb, tc = (torch.from_numpy(x) for x in (a, b, c))
            torch.mm(ta if trans[0] == "N" else ta.T, tb if trans[1] == "N" else tb.T, out=tc)
    else:
        raise SystemExit(f"gemm_rates.py: unknown library {args.library!r}: numpy, torch, blis:PATH, openblas:PATH or deepnet:PATH")

    rng = np.random.default_rng(0)
    results = []
    for m, n, k, trans in shapes:
        a, b, op_a, op_b = operands(m, n, k, trans, rng)
        c = np.empty((m, n))
        product(m, n, k, trans, a, b, c)  # warm-up: threads started, pages touched
        best, runs, spent = float("inf"), 0, 0.0
        while runs < MAX_RUNS and not (runs >= MIN_RUNS and spent > TIME_BUDGET):
            start = time.perf_counter()
            product(m, n, k, trans, a, b, c)
            seconds = time.perf_counter() - start
            best, runs, spent = min(best, seconds), runs + 1, spent + seconds
        v = rng.standard_normal(n)
        reference = op_a @ (op_b @ v)
        error = float(np.max(np.abs(c @ v - reference)) / max(np.max(np.abs(reference)), 1e-300))
        results.append({"shape": f"{m}x{n}x{k}:{trans}", "m": m, "n": n, "k": k, "trans": trans,
                        "seconds": best, "runs": runs, "gflops": 2 * m * n * k / best / 1e9,
                        "relative_error": error, "correct": error <= WRONG_RESULT})
        del a, b, c, op_a, op_b
    print(json.dumps({"library": args.library, "threads": args.threads, **description, "shapes": results}))


if __name__ == "__main__":
    sys.exit(main())
