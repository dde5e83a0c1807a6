#!/usr/bin/env python3
"""bench_mnist.py: the MNIST-size workload (issue 11): synthetic 8-bit data of 60000
examples x 784 features, `layer_dims: [784, 128, 64, 1]`, `init: he`, learning rate 0.05,
100 iterations, trained by numpy (the course algorithm), PyTorch CPU float64 and dnn-run
from HDF5 and from CSV; the machine's dgemm rates on the workload's own product shapes
and the workload's FLOP floors; dnn-run's loading against pandas and h5py. See
Benchmarks/README.md, "The MNIST-size rows".

bench.py runs it after the sweep rows (`--mnist-only` for just this, `--skip-mnist` to
skip it); it also runs alone:

    python3 Benchmarks/bench_mnist.py [--binary .build/release/dnn-run]
        [--mnist-examples 10000] [--mnist-iterations 5] [--json FILE]

Everything runs as its own child process, one at a time, measured by bench.py's
run_measured (wall from spawn to exit, the child's own peak RSS, others' CPU).
"""
import glob
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# The workload (issue 11).
EXAMPLES = 60000
TEST_EXAMPLES = 10000
FEATURES = 784
LAYER_DIMS = [FEATURES, 128, 64, 1]
LEARNING_RATE = 0.05
ITERATIONS = 100
DATA_SEED = 11
SPEC_NAME = "mnist_size"
# The examples of the set whose 1-iteration run measures dnn-run's fixed costs.
TINY_EXAMPLES = 10
# Processes of each load measurement; the best counts.
LOAD_REPEATS = 3
# --quick: a smoke test of the rows, not the targets' workload.
QUICK_EXAMPLES, QUICK_ITERATIONS = 10000, 5

# The targets (issue 11).
TRAINING_SPEEDUP = 1.3     # dnn-run's training loop >= 1.3x faster than numpy's
FLOOR_FACTOR = 1.3         # dnn-run's training loop <= 1.3x the FLOP floor
RSS_FRACTION = 0.6         # dnn-run's peak RSS <= 0.6 x numpy's
COST_TOLERANCE = 1e-9      # every recorded cost within 1e-9 of numpy's
CSV_LOAD_FACTOR = 1.5      # dnn-run's CSV load <= 1.5x pandas.read_csv

# The BLAS libraries measured, Debian's packages (libblis4, libopenblas0-pthread).
BLIS_PATH = "/usr/lib/x86_64-linux-gnu/libblis.so.4"
OPENBLAS_PATH = "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0"
# BLIS 0.9.0 reads BLIS_ARCH_TYPE as the number of its configuration (its arch_t enum);
# gemm_rates.py reports the configuration BLIS then names, so a wrong number shows.
BLIS_ARCHS = {"skx": 0, "haswell": 3, "zen3": 6}
OPENBLAS_CORETYPES = ("SkylakeX", "Haswell")
GEMM_SQUARE = 2000
GEMM_TIMEOUT = 600
# A process this many times slower than numpy's time is called hung and killed.
ROW_TIMEOUT_FACTOR = 10


def add_arguments(parser):
    """The options of this workload, shared by bench.py and running this file alone."""
    parser.add_argument("--mnist-examples", type=int, metavar="N",
                        help=f"training examples (default {EXAMPLES}; {QUICK_EXAMPLES} with --quick)")
    parser.add_argument("--mnist-iterations", type=int, metavar="N",
                        help=f"iterations (default {ITERATIONS}; {QUICK_ITERATIONS} with --quick)")


def settle_arguments(parser, args, quick=False):
    """Defaults of --mnist-examples/--mnist-iterations, checked."""
    if args.mnist_examples is None:
        args.mnist_examples = QUICK_EXAMPLES if quick else EXAMPLES
    if args.mnist_iterations is None:
        args.mnist_iterations = QUICK_ITERATIONS if quick else ITERATIONS
    if not 10 <= args.mnist_examples <= 1_000_000:
        parser.error("--mnist-examples must be between 10 and 1000000")
    if not 1 <= args.mnist_iterations <= 100_000:
        parser.error("--mnist-iterations must be between 1 and 100000")


# ---------------------------------------------------------------------------------------
# The data and the specs

def csv_bytes(rows):
    """Rows of integers 0 ... 255 as CSV text (no header, comma separated, one row a
    line), built with numpy: about 100 MB/s instead of np.savetxt's few MB/s."""
    import numpy as np
    digits = np.zeros((256, 4), np.uint8)
    lengths = np.zeros(256, np.int64)
    for v in range(256):
        text = str(v).encode() + b","
        digits[v, :len(text)] = list(text)
        lengths[v] = len(text)
    k = rows.shape[0]
    cells = digits[rows]                                 # (k, columns, 4)
    last = lengths[rows[:, -1]] - 1
    cells[np.arange(k), -1, last] = ord("\n")           # the last cell ends the line
    keep = np.arange(4)[None, None, :] < lengths[rows][:, :, None]
    return cells[keep].tobytes()


def write_data(workdir, examples, test_examples):
    """Synthetic 8-bit images and learnable 0/1 labels (the sign of a fixed random
    projection of the centered pixels), as HDF5 (train_set_x uint8 (m, 784), train_set_y,
    list_classes; test_set_* likewise) and as CSV (labels last, integers, no header).
    A tiny set of TINY_EXAMPLES examples in both formats measures dnn-run's fixed costs.
    Returns the paths and what it took."""
    import h5py
    import numpy as np
    start = time.perf_counter()
    rng = np.random.default_rng(DATA_SEED)
    direction = rng.standard_normal(FEATURES)
    classes = np.array([b"negative", b"positive"])
    paths = {}
    for split, m in (("train", examples), ("test", test_examples), ("tiny", TINY_EXAMPLES)):
        x = rng.integers(0, 256, size=(m, FEATURES), dtype=np.uint8)
        y = np.empty(m, dtype=np.int64)
        for s in range(0, m, 10000):
            y[s:s + 10000] = (x[s:s + 10000].astype(np.float64) - 127.5) @ direction > 0
        h5 = Path(workdir) / f"{split}.h5"
        with h5py.File(h5, "w") as f:
            f[f"{'train' if split == 'tiny' else split}_set_x"] = x
            f[f"{'train' if split == 'tiny' else split}_set_y"] = y
            f["list_classes"] = classes
        csv = Path(workdir) / f"{split}.csv"
        with open(csv, "wb") as f:
            for s in range(0, m, 5000):
                f.write(csv_bytes(np.concatenate([x[s:s + 5000], y[s:s + 5000, None].astype(np.uint8)], axis=1)))
        paths[f"{split}_h5"], paths[f"{split}_csv"] = h5, csv
        if split == "train":
            paths["positive_fraction"] = float(y.mean())
    paths["seconds"] = time.perf_counter() - start
    paths["bytes"] = {p.name: p.stat().st_size for p in paths.values() if isinstance(p, Path)}
    return paths


def write_data_in_child(workdir, examples, test_examples):
    """write_data in a child process. The harness itself stays small: on Linux a child's
    peak RSS (ru_maxrss from wait4) is never less than the spawning process's own peak,
    which is carried over at exec, so a harness grown by 60000 examples would raise the
    peak of every small process it then measures."""
    run = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--write-data", str(workdir),
                          str(examples), str(test_examples)], stdout=subprocess.PIPE, text=True)
    if run.returncode != 0:
        raise SystemExit(f"bench_mnist.py: writing the data into {workdir} failed (exit status {run.returncode})")
    data = json.loads(run.stdout)
    return {k: Path(v) if k.endswith(("_h5", "_csv")) else v for k, v in data.items()}


def write_spec(path, train, test, iterations, csv):
    """The workload's spec (without a test set when `test` is None); the CSV files have
    no header row."""
    def split(p):
        return f"{{path: {p}, header: false}}" if csv else str(p)
    Path(path).write_text(
        f"name: {SPEC_NAME}\n"
        f"description: bench_mnist.py, synthetic 8-bit data the size of MNIST ({'CSV' if csv else 'HDF5'})\n"
        f"data:\n  train: {split(train)}\n" + (f"  test: {split(test)}\n" if test else "") + "  scale: 255\n"
        f"model:\n  layer_dims: [{', '.join(map(str, LAYER_DIMS))}]\n  init: he\n"
        f"training:\n  learning_rate: {LEARNING_RATE}\n  iterations: {iterations}\n"
        f"  record_every: 1\n  engine: primal\n")


# ---------------------------------------------------------------------------------------
# The products and their FLOPs

def products(m):
    """The matrix products one iteration of the course algorithm needs, as (what, M, N,
    K, trans): forward W_l A_{l-1}, backward dW_l = dZ_l A_{l-1}^T for every layer and
    dA_{l-1} = W_l^T dZ_l for l >= 2 (dA_0 is never used)."""
    out = []
    for l in range(1, len(LAYER_DIMS)):
        n, n_prev = LAYER_DIMS[l], LAYER_DIMS[l - 1]
        out.append((f"Z{l} = W{l} A{l - 1}", n, m, n_prev, "NN"))
        out.append((f"dW{l} = dZ{l} A{l - 1}^T", n, n_prev, m, "NT"))
        if l >= 2:
            out.append((f"dA{l - 1} = W{l}^T dZ{l}", n_prev, m, n, "TN"))
    return out


def shape_key(M, N, K, trans):
    return f"{M}x{N}x{K}:{trans}"


def product_label(M, N, K, trans):
    """As the issue writes it: (M x K) x (K x N)."""
    return f"({M}x{K})x({K}x{N})"


def flops_of(M, N, K):
    return 2 * M * N * K


# ---------------------------------------------------------------------------------------
# dgemm rates

def gemm_variants(baseline_env):
    """(name, gemm_rates.py library argument, environment) of every BLAS measured."""
    base = {k: v for k, v in baseline_env.items() if k not in ("BLIS_ARCH_TYPE",)}
    variants = [("numpy's own BLAS", "numpy", base)]
    if os.path.exists(BLIS_PATH):
        variants.append(("BLIS (Debian), auto-detected", f"blis:{BLIS_PATH}", base))
        for arch, number in BLIS_ARCHS.items():
            variants.append((f"BLIS (Debian), BLIS_ARCH_TYPE={number} ({arch})", f"blis:{BLIS_PATH}",
                             {**base, "BLIS_ARCH_TYPE": str(number)}))
    if os.path.exists(OPENBLAS_PATH):
        verbose = {**base, "OPENBLAS_VERBOSE": "2"}
        variants.append(("OpenBLAS (Debian), auto-detected", f"openblas:{OPENBLAS_PATH}", verbose))
        for core in OPENBLAS_CORETYPES:
            variants.append((f"OpenBLAS (Debian), OPENBLAS_CORETYPE={core}", f"openblas:{OPENBLAS_PATH}",
                             {**verbose, "OPENBLAS_CORETYPE": core}))
    variants.append(("PyTorch's BLAS", "torch", base))
    return variants


def build_deepnet_kernel(workdir):
    """DeepNet's kernel as a shared library with cblas_dgemm (deepnet_cblas.c, kernels.c,
    packed.c, compiled -O2 as Package.swift compiles CKernels): (path, None), or (None, why)."""
    kernels = ROOT / "Sources/CKernels"
    out = Path(workdir) / "libdeepnet_cblas.so"
    cmd = ["clang", "-O2", "-shared", "-fPIC", "-I", str(kernels / "include"), "-I", str(kernels),
           str(HERE / "deepnet_cblas.c"), str(kernels / "kernels.c"), str(kernels / "packed.c"),
           "-o", str(out), "-lpthread"]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as error:
        return None, f"cannot run clang: {error.strerror}"
    if done.returncode != 0:
        return None, "clang failed: " + done.stderr.strip()[-300:]
    return str(out), None


def measure_gemm_rates(harness, shapes, cores, baseline_env, workdir):
    """Every variant's GFLOP/s on every shape, each variant in its own child, DeepNet's
    kernel (what dnn-run multiplies with) among them."""
    spec = ",".join(shapes)
    libraries = []
    variants = gemm_variants(baseline_env)
    deepnet, why = build_deepnet_kernel(workdir)
    if deepnet:
        variants.append(("DeepNet's kernel (dnn-run's products)", f"deepnet:{deepnet}", baseline_env))
    else:
        libraries.append({"name": "DeepNet's kernel (dnn-run's products)", "error": why})
    for name, library, env in variants:
        print(f"  dgemm rates: {name} ...", file=sys.stderr)
        run = harness.run_measured([sys.executable, str(HERE / "gemm_rates.py"), library, "--threads", str(cores),
                                    "--shapes", spec], env=env, timeout=GEMM_TIMEOUT)
        entry = {"name": name, "library": library, "other_cores": run["other_cores"]}
        if env.get("BLIS_ARCH_TYPE"):
            entry["BLIS_ARCH_TYPE"] = env["BLIS_ARCH_TYPE"]
        if env.get("OPENBLAS_CORETYPE"):
            entry["OPENBLAS_CORETYPE"] = env["OPENBLAS_CORETYPE"]
        if run["status"] != 0:
            if library == "torch" and "No module named 'torch'" in run["stderr"]:
                entry["error"] = "torch is not installed"
            else:
                entry["error"] = harness.failure(run)
        else:
            out = json.loads(run["stdout"])
            entry.update(error=None, version=out.get("version"), kernels=out.get("kernels"),
                         threads=out["threads"], library_threads=out.get("library_threads"),
                         rates={s["shape"]: s for s in out["shapes"]})
            cores_said = re.findall(r"^Core: (\S+)", run["stderr"], re.M)
            if "OPENBLAS_VERBOSE" in env and cores_said:
                # numpy's own OpenBLAS, imported first, prints its line too: the last is Debian's.
                entry["verbose_core"] = cores_said[-1]
        libraries.append(entry)

    return libraries


def best_rate(libraries, shape):
    """(GFLOP/s, library name) of the fastest correct result on `shape`, or (None, None)."""
    best = (None, None)
    for lib in libraries:
        r = (lib.get("rates") or {}).get(shape)
        if lib.get("error") or not r or r.get("correct") is False:
            continue
        if best[0] is None or r["gflops"] > best[0]:
            best = (r["gflops"], lib["name"])
    return best


def floors(libraries, m, iterations):
    """The workload's FLOPs and its two floors: (a) all FLOPs at the best 2000 x 2000
    rate, (b) each product's FLOPs at the best rate measured on its own shape."""
    square = shape_key(GEMM_SQUARE, GEMM_SQUARE, GEMM_SQUARE, "NN")
    per_product = []
    for what, M, N, K, trans in products(m):
        key = shape_key(M, N, K, trans)
        rate, by = best_rate(libraries, key)
        flops = flops_of(M, N, K) * iterations
        per_product.append({"what": what, "shape": key, "label": product_label(M, N, K, trans),
                            "flops": flops, "best_gflops": rate, "best_by": by,
                            "seconds": flops / (rate * 1e9) if rate else None})
    total = sum(p["flops"] for p in per_product)
    rate, by = best_rate(libraries, square)
    result = {"flops": total, "flops_per_iteration": total // iterations, "products": per_product,
              "square_gflops": rate, "square_by": by,
              "floor_a_seconds": total / (rate * 1e9) if rate else None}
    if all(p["seconds"] is not None for p in per_product):
        result["floor_b_seconds"] = sum(p["seconds"] for p in per_product)
        result["floor_b_gflops"] = total / result["floor_b_seconds"] / 1e9
    else:
        result["floor_b_seconds"] = None
    return result


# ---------------------------------------------------------------------------------------
# The rows

def run_dnn_run(harness, binary, spec, engine, overrides, label, timeout=None):
    """A dnn-run row read back from its results tree, with the manifest's engine_reason."""
    name = f"dnn-run {engine}, {label}"
    if not os.access(binary, os.X_OK):
        return {"name": name, "error": f"no dnn-run executable at {binary}"}
    with tempfile.TemporaryDirectory(prefix="dnn-run-bench-mnist-") as results:
        cmd = [binary, str(spec), "--set", f"training.engine={engine}",
               *harness.set_arguments(overrides), "--results", results, "--quiet"]
        run = harness.run_measured(cmd, timeout=timeout)
        row = {"name": name, "wall_seconds": run["wall"], "maxrss_mb": run["maxrss_mb"],
               "other_cores": run["other_cores"]}
        if run["status"] != 0:
            return {**row, "error": harness.failure(run)}
        try:
            row.update(error=None, **harness.read_run_folder(results, SPEC_NAME))
            manifest, = glob.glob(os.path.join(results, SPEC_NAME, "**", "manifest.json"), recursive=True)
            with open(manifest) as f:
                row["engine_reason"] = json.load(f).get("engine_reason")
        except (OSError, ValueError, KeyError) as error:
            row["error"] = f"unreadable results: {error}"
        return row


PANDAS_READ = """
import json, sys, time
import pandas as pd
start = time.perf_counter()
frame = pd.read_csv(sys.argv[1], header=None)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "shape": list(frame.shape), "pandas": pd.__version__}))
"""

H5PY_READ = """
import json, sys, time
import h5py, numpy as np
start = time.perf_counter()
with h5py.File(sys.argv[1], "r") as f:
    x = f["train_set_x"][:]
    y = f["train_set_y"][:]
read = time.perf_counter() - start
X = x.reshape(x.shape[0], -1).T.astype(np.float64) / 255
seconds = time.perf_counter() - start
print(json.dumps({"read_seconds": read, "seconds": seconds, "shape": list(X.shape), "h5py": h5py.__version__}))
"""


def run_python_snippet(harness, name, code, path, baseline_env):
    run = harness.run_measured([sys.executable, "-c", code, str(path)], env=baseline_env, timeout=GEMM_TIMEOUT)
    entry = {"name": name, "wall_seconds": run["wall"], "maxrss_mb": run["maxrss_mb"],
             "other_cores": run["other_cores"]}
    if run["status"] != 0:
        return {**entry, "error": harness.failure(run)}
    return {**entry, "error": None, **json.loads(run["stdout"])}


def best_run(runs, key):
    """Of repeated runs of one measurement, the one with the least `key` (the first
    failure if any failed), with the number of runs."""
    failed = [r for r in runs if r["error"]]
    best = dict(failed[0] if failed else min(runs, key=lambda r: r[key]))
    best["repeats"] = len(runs)
    return best


def measure_loading(harness, binary, specs, data, baseline_env):
    """dnn-run's load time of the training set from HDF5 and CSV, pandas.read_csv on the
    same CSV file, h5py's read and conversion of the same HDF5 file; each the best of
    LOAD_REPEATS fresh processes (a single load is a few seconds and varies a lot).

    dnn-run reports no load time, so: a 1-iteration primal run of a spec with the training
    set only, whole process less its training loop (metrics.json's seconds), is the gross
    time: start-up, reading and converting, the final train accuracy, writing the results.
    The same of a TINY_EXAMPLES-example file is the fixed part; the difference is the net
    load time, which the targets judge (pandas and h5py are timed inside their process).
    Beside it, the same difference for `dnn-run validate` (which loads every data file
    but trains nothing and writes nothing): no forward pass in it, shown, not judged."""
    loading = {"repeats": LOAD_REPEATS,
               "method": f"(whole process - training seconds) of a 1-iteration run (engine primal, "
                         f"training set only), less the same of a {TINY_EXAMPLES}-example file "
                         f"(start-up, writing results); the final train accuracy (one forward pass) stays in. "
                         f"Also `dnn-run validate` of the two (it loads the data, trains and writes nothing), "
                         f"whole process, and its difference: shown, not judged. Every entry the best of "
                         f"{LOAD_REPEATS} processes"}
    for fmt in ("hdf5", "csv"):
        for size in ("tiny", "full"):
            print(f"  loading: dnn-run, 1 iteration from {fmt.upper()} ({size}) x {LOAD_REPEATS} ...", file=sys.stderr)
            runs = []
            for _ in range(LOAD_REPEATS):
                row = run_dnn_run(harness, binary, specs[f"load_{size}_{fmt}"], "primal", ["training.iterations=1"],
                                  f"{fmt.upper()}, training set only"
                                  + (f", {TINY_EXAMPLES} examples" if size == "tiny" else ""))
                if not row["error"]:
                    row["gross_seconds"] = row["wall_seconds"] - row["train_seconds"]
                runs.append(row)
            loading[f"dnn_run_{fmt}_{size}"] = best_run(runs, "gross_seconds")
            print(f"  loading: dnn-run validate, {fmt.upper()} ({size}) x {LOAD_REPEATS} ...", file=sys.stderr)
            runs = []
            for _ in range(LOAD_REPEATS):
                run = harness.run_measured([binary, "validate", str(specs[f"load_{size}_{fmt}"])], timeout=GEMM_TIMEOUT)
                runs.append({"name": f"dnn-run validate, {fmt.upper()} ({size})", "wall_seconds": run["wall"],
                             "gross_seconds": run["wall"], "maxrss_mb": run["maxrss_mb"],
                             "other_cores": run["other_cores"],
                             "error": harness.failure(run) if run["status"] != 0 else None})
            loading[f"validate_{fmt}_{size}"] = best_run(runs, "gross_seconds")
        for kind in ("dnn_run", "validate"):
            full, tiny = loading[f"{kind}_{fmt}_full"], loading[f"{kind}_{fmt}_tiny"]
            loading[f"{kind}_{fmt}"] = dict(full)
            if full["error"] or tiny["error"]:
                loading[f"{kind}_{fmt}"]["error"] = full["error"] or f"the {TINY_EXAMPLES}-example run failed: {tiny['error']}"
            else:
                loading[f"{kind}_{fmt}"]["load_seconds"] = full["gross_seconds"] - tiny["gross_seconds"]
    for key, name, code, path in (("pandas", "pandas.read_csv(path, header=None)", PANDAS_READ, data["train_csv"]),
                                  ("h5py", "h5py read + astype(float64) / 255", H5PY_READ, data["train_h5"])):
        print(f"  loading: {name} x {LOAD_REPEATS} ...", file=sys.stderr)
        runs = [run_python_snippet(harness, name, code, path, baseline_env) for _ in range(LOAD_REPEATS)]
        loading[key] = best_run(runs, "seconds")
        if key == "h5py" and not loading[key]["error"]:
            loading[key]["read_seconds"] = min(r["read_seconds"] for r in runs)
    return loading


def run_rows(harness, binary, specs, no_torch, baseline_env):
    """numpy, PyTorch, dnn-run from HDF5 and from CSV: (rows, reference, torch_row, torch_note)."""
    print("  numpy ...", file=sys.stderr)
    reference = harness.run_python_baseline("numpy (course algorithm)", "course_numpy.py", str(specs["hdf5"]), [])
    rows, torch_row, torch_note = [reference], None, None
    if no_torch:
        torch_note = "PyTorch skipped (--no-torch)"
    else:
        print("  PyTorch ...", file=sys.stderr)
        torch_row = harness.run_python_baseline("PyTorch CPU float64", "course_torch.py", str(specs["hdf5"]), [])
        if torch_row.get("status") == harness.TORCH_IMPORT_FAILED:
            torch_note = (f"PyTorch skipped: {torch_row['error'].splitlines()[-1]} "
                          f"(pip install torch, or run bench.py with --install-torch)")
            torch_row = None
        else:
            rows.append(torch_row)
    timeout = None
    if not reference["error"]:
        timeout = max(600, ROW_TIMEOUT_FACTOR * reference["wall_seconds"])
    for fmt in ("hdf5", "csv"):
        print(f"  dnn-run from {fmt.upper()} ...", file=sys.stderr)
        rows.append(run_dnn_run(harness, binary, specs[fmt], "primal", [], f"from {fmt.upper()}", timeout))
    for row in rows[1:]:
        harness.compare_costs(row, reference)
    return rows, reference, torch_row, torch_note


def run_auto(harness, binary, spec):
    """What `engine: auto` picks for this workload (1 iteration from HDF5)."""
    print("  engine auto, 1 iteration ...", file=sys.stderr)
    row = run_dnn_run(harness, binary, spec, "auto", ["training.iterations=1"], "HDF5", timeout=600)
    return {"engine": row.get("engine_used"), "reason": row.get("engine_reason"), "error": row["error"]}


# ---------------------------------------------------------------------------------------
# Everything, in order

def run(harness, binary, cores, baseline_env, examples, iterations, no_torch):
    """The whole workload; returns the result dict (see print_result and check)."""
    start = time.perf_counter()
    test_examples = max(1, round(examples * TEST_EXAMPLES / EXAMPLES))
    result = {"examples": examples, "test_examples": test_examples, "iterations": iterations,
              "layer_dims": LAYER_DIMS, "learning_rate": LEARNING_RATE, "threads": cores}
    with tempfile.TemporaryDirectory(prefix="dnn-run-bench-mnist-data-") as workdir:
        print(f"MNIST-size workload: writing {examples} + {test_examples} examples ...", file=sys.stderr)
        data = write_data_in_child(workdir, examples, test_examples)
        result["data"] = {"seconds": data["seconds"], "bytes": data["bytes"],
                          "positive_fraction": data["positive_fraction"], "directory": workdir}
        specs = {}
        for fmt in ("hdf5", "csv"):
            ext = "csv" if fmt == "csv" else "h5"
            for key, train, test in ((fmt, "train", "test"), (f"load_full_{fmt}", "train", None),
                                     (f"load_tiny_{fmt}", "tiny", None)):
                specs[key] = Path(workdir) / f"{key}.yaml"
                write_spec(specs[key], data[f"{train}_{ext}"], test and data[f"{test}_{ext}"], iterations, fmt == "csv")

        shapes = [shape_key(GEMM_SQUARE, GEMM_SQUARE, GEMM_SQUARE, "NN")]
        for _, M, N, K, trans in products(examples):
            if shape_key(M, N, K, trans) not in shapes:
                shapes.append(shape_key(M, N, K, trans))
        result["gemm"] = measure_gemm_rates(harness, shapes, cores, baseline_env, workdir)
        result["gemm_shapes"] = shapes
        result["floors"] = floors(result["gemm"], examples, iterations)

        rows, reference, torch_row, torch_note = run_rows(harness, binary, specs, no_torch, baseline_env)
        result.update(rows=rows, torch_note=torch_note)
        result["auto"] = run_auto(harness, binary, specs["hdf5"])
        result["loading"] = measure_loading(harness, binary, specs, data, baseline_env)
    result["seconds"] = time.perf_counter() - start
    result["harness_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6
    return result


# ---------------------------------------------------------------------------------------
# Printing and the targets

def gf(value):
    return "" if value is None else f"{value:.1f}"


def print_result(harness, result):
    m, it = result["examples"], result["iterations"]
    print(f"\n## MNIST-size workload: {m} x {FEATURES} synthetic 8-bit examples "
          f"(+ {result['test_examples']} test), layer_dims {LAYER_DIMS}, init he, "
          f"learning rate {LEARNING_RATE}, {it} iterations, float64\n")
    d = result["data"]
    print(f"data written in {d['seconds']:.1f} s to a temporary directory (deleted afterwards): "
          + ", ".join(f"{name} {b / 1e6:.0f} MB" if b >= 1e6 else f"{name} {b / 1e3:.0f} kB"
                      for name, b in d["bytes"].items())
          + f"; labels: the sign of a fixed random projection of the centered pixels, "
            f"{100 * d['positive_fraction']:.1f}% positive")

    print_gemm(result)
    print_floors(result)

    rows = result["rows"]
    reference = rows[0]
    print(f"\n### Training ({it} iterations; every cost recorded)\n")
    print(f"numpy BLAS: {harness.describe_blas(reference.get('blas'))}")
    for row in rows[1:]:
        if not row["error"] and row.get("blas"):
            threads = f", {row['threads']} threads" if row.get("threads") else ""
            print(f"{row['name']} BLAS: {row['blas']}{threads}")
    print()
    harness.print_table(rows, reference)
    if result["torch_note"]:
        print(f"\n{result['torch_note']}")
    if not reference["error"] and reference.get("costs"):
        costs = reference["costs"]
        print(f"\nnumpy's cost falls from {costs[0][1]:.6f} (iteration {costs[0][0]}) to "
              f"{reference['final_cost']:.6f} after {it} iterations")
    fl = result["floors"]
    for row in rows:
        if row["name"].startswith("dnn-run") and not row["error"]:
            parts = [f"{row['train_seconds'] / fl[key]:.2f}x floor ({which})"
                     for key, which in (("floor_a_seconds", "a"), ("floor_b_seconds", "b")) if fl.get(key)]
            rate = fl["flops"] / row["train_seconds"] / 1e9
            print(f"{row['name']}: {rate:.1f} GFLOP/s over its training loop"
                  + (f", {', '.join(parts)}" if parts else ""))
    auto = result["auto"]
    if auto["error"]:
        print(f"\nengine auto (1 iteration): failed: {auto['error']}")
    else:
        print(f"\nengine auto picks {auto['engine']}: {auto['reason']}")

    print_loading(result["loading"])
    print(f"\npeak RSS is each child's own, as GNU time reports it (bench.py's run_measured); the harness's "
          f"own peak, which wait4 on a child would carry over, is {result['harness_maxrss_mb']:.0f} MB")


def print_gemm(result):
    libs, shapes = result["gemm"], result["gemm_shapes"]
    print(f"\n### dgemm rates, GFLOP/s, {result['threads']} threads (best of up to 5 after a warm-up)\n")
    headers = ["2000x2000" if s.startswith(f"{GEMM_SQUARE}x") else f"{product_label(*parse_key(s))} {s[-2:]}"
               for s in shapes]
    print(f"| BLAS | kernels | {' | '.join(headers)} | others' CPU |")
    print("|---|---|" + "--:|" * len(shapes) + "--:|")
    for lib in libs:
        if lib.get("error"):
            continue
        cells = []
        for s in shapes:
            r = lib["rates"].get(s)
            cells.append("" if r is None else ("WRONG" if r.get("correct") is False else gf(r["gflops"])))
        kernels = lib.get("kernels") or ""
        if lib.get("verbose_core"):
            kernels += f" (OPENBLAS_VERBOSE: Core: {lib['verbose_core']})"
        print(f"| {lib['name']} | {kernels} | {' | '.join(cells)} | {lib['other_cores']:.2f} |")
    for lib in libs:
        if lib.get("error"):
            print(f"{lib['name']}: not measured: {lib['error'].splitlines()[0]}"
                  + ("" if len(lib["error"].splitlines()) < 2 else "\n  " + "\n  ".join(lib["error"].splitlines()[1:])))
        elif lib.get("version"):
            print(f"{lib['name']}: {lib['version']}")
        wrong = [s for s, r in (lib.get("rates") or {}).items() if r.get("correct") is False]
        if wrong:
            print(f"  WRONG results (|C v - A (B v)| / |A (B v)| > 1e-8) on {', '.join(wrong)}: left out of the floors")
    busy = [lib["name"] for lib in libs if not lib.get("error") and lib["other_cores"] > 0.2]
    if busy:
        print(f"warning: other processes kept cores busy while these were measured: {', '.join(busy)}")


def parse_key(key):
    dims, _, trans = key.partition(":")
    M, N, K = (int(x) for x in dims.split("x"))
    return M, N, K, trans


def print_floors(result):
    fl, it = result["floors"], result["iterations"]
    print(f"\n### FLOPs and floors\n")
    print(f"| product | shape | GFLOP ({it} iterations) | best rate GFLOP/s | by | seconds at that rate |")
    print("|---|---|--:|--:|---|--:|")
    for p in fl["products"]:
        print(f"| {p['what']} | {p['label']} {p['shape'][-2:]} | {p['flops'] / 1e9:.1f} | {gf(p['best_gflops'])} "
              f"| {p['best_by'] or 'no rate'} | {'' if p['seconds'] is None else format(p['seconds'], '.2f')} |")
    print(f"\nworkload: {fl['flops_per_iteration'] / 1e9:.2f} GFLOP per iteration, {fl['flops'] / 1e9:.0f} GFLOP "
          f"in {it} iterations (forward W_l A_(l-1), dW_l for every layer, dA_(l-1) for l >= 2)")
    if fl["floor_a_seconds"]:
        print(f"floor (a): all FLOPs at the best 2000x2000 rate, {fl['square_gflops']:.1f} GFLOP/s "
              f"({fl['square_by']}): {fl['floor_a_seconds']:.2f} s")
    else:
        print("floor (a): no 2000x2000 rate was measured")
    if fl["floor_b_seconds"]:
        print(f"floor (b): each product at the best rate measured on its own shape: {fl['floor_b_seconds']:.2f} s "
              f"({fl['floor_b_gflops']:.1f} GFLOP/s overall)")
    else:
        print("floor (b): not every product shape has a rate")


def print_loading(loading):
    print(f"\n### Loading the training set (best of {loading['repeats']} processes each)\n")
    print(f"dnn-run's load time: {loading['method']}\n")
    print("| what | load s | whole process s | peak RSS MB | others' CPU |")
    print("|---|--:|--:|--:|--:|")
    rows = [(f"dnn-run, HDF5, {TINY_EXAMPLES} examples: whole - training", loading["dnn_run_hdf5_tiny"], "gross_seconds"),
            ("dnn-run, HDF5: whole - training", loading["dnn_run_hdf5_full"], "gross_seconds"),
            ("dnn-run, HDF5: net (the difference)", loading["dnn_run_hdf5"], "load_seconds"),
            (f"dnn-run, CSV, {TINY_EXAMPLES} examples: whole - training", loading["dnn_run_csv_tiny"], "gross_seconds"),
            ("dnn-run, CSV: whole - training", loading["dnn_run_csv_full"], "gross_seconds"),
            ("dnn-run, CSV: net (the difference)", loading["dnn_run_csv"], "load_seconds"),
            (f"dnn-run validate, HDF5, {TINY_EXAMPLES} examples", loading["validate_hdf5_tiny"], "gross_seconds"),
            ("dnn-run validate, HDF5", loading["validate_hdf5_full"], "gross_seconds"),
            ("dnn-run validate, HDF5: net (the difference)", loading["validate_hdf5"], "load_seconds"),
            (f"dnn-run validate, CSV, {TINY_EXAMPLES} examples", loading["validate_csv_tiny"], "gross_seconds"),
            ("dnn-run validate, CSV", loading["validate_csv_full"], "gross_seconds"),
            ("dnn-run validate, CSV: net (the difference)", loading["validate_csv"], "load_seconds"),
            ("pandas.read_csv(path, header=None)", loading["pandas"], "seconds"),
            ("h5py read only", loading["h5py"], "read_seconds"),
            ("h5py read + reshape(m, -1).T.astype(float64) / 255", loading["h5py"], "seconds")]
    for label, entry, key in rows:
        if entry["error"]:
            print(f"| {label} | FAILED: {entry['error'].splitlines()[0]} | | | |")
        elif key == "load_seconds":  # the difference of two runs: no process of its own
            print(f"| {label} | {entry[key]:.3f} | | | |")
        else:
            print(f"| {label} | {entry[key]:.3f} | {entry['wall_seconds']:.3f} | {entry['maxrss_mb']:.0f} "
                  f"| {entry['other_cores']:.2f} |")
    for label, entry, _ in rows:
        if entry["error"] and len(entry["error"].splitlines()) > 1:
            print(f"\n{label} failed: {entry['error']}")


def check(result):
    """[(target, PASS | FAIL | SKIP, detail)] of issue 11's targets for this workload."""
    rows = result["rows"]
    reference = rows[0]
    torch_row = next((r for r in rows if r["name"].startswith("PyTorch")), None)
    dnn = [r for r in rows if r["name"].startswith("dnn-run")]
    ran = [r for r in dnn if not r["error"]]
    failed = ", ".join(r["name"] for r in dnn if r["error"])
    checks = []

    def add(target, passed, detail):
        checks.append((f"MNIST-size: {target}", "PASS" if passed else "FAIL", detail))

    def skip(target, why):
        checks.append((f"MNIST-size: {target}", "SKIP", why))

    def each(values):
        return ", ".join(values) + (f"; {failed} failed" if failed else "")

    def below_torch(target, key, fmt):
        """Every dnn-run row's `key` below PyTorch's, or SKIP without a PyTorch row."""
        if torch_row is None or torch_row["error"]:
            skip(target, "no PyTorch row")
        else:
            add(target, not failed and all(r[key] < torch_row[key] for r in ran),
                each(f"{r['name']} {fmt(r[key])}" for r in ran) + f" vs {fmt(torch_row[key])}")

    if reference["error"]:
        return [("MNIST-size: every target", "FAIL", "the numpy reference failed")]
    if not ran:
        return [("MNIST-size: every target", "FAIL", f"no dnn-run row ran ({failed} failed)")]

    add(f"dnn-run training loop >= {TRAINING_SPEEDUP}x faster than numpy's",
        not failed and all(reference["train_seconds"] / r["train_seconds"] >= TRAINING_SPEEDUP for r in ran),
        each(f"{r['name']} {r['train_seconds']:.2f} s, {reference['train_seconds'] / r['train_seconds']:.2f}x"
             for r in ran) + f" (numpy {reference['train_seconds']:.2f} s)")
    below_torch("dnn-run training loop faster than PyTorch's", "train_seconds", lambda v: f"{v:.2f} s")

    fl = result["floors"]
    for key, what in (("floor_a_seconds", "(a): all FLOPs at the best 2000x2000 rate"),
                      ("floor_b_seconds", "(b): each product at the best rate on its shape")):
        target = f"dnn-run training loop within {FLOOR_FACTOR}x of FLOP floor {what}"
        if not fl.get(key):
            add(target, False, "no floor: the dgemm rates were not measured")
        else:
            add(target, not failed and all(r["train_seconds"] <= FLOOR_FACTOR * fl[key] for r in ran),
                each(f"{r['name']} {r['train_seconds']:.2f} s / {fl[key]:.2f} s = {r['train_seconds'] / fl[key]:.2f}x"
                     for r in ran))

    add(f"dnn-run peak RSS <= {RSS_FRACTION} x numpy's",
        not failed and all(r["maxrss_mb"] <= RSS_FRACTION * reference["maxrss_mb"] for r in ran),
        each(f"{r['name']} {r['maxrss_mb']:.0f} MB" for r in ran)
        + f" vs {RSS_FRACTION} x {reference['maxrss_mb']:.0f} MB = {RSS_FRACTION * reference['maxrss_mb']:.0f} MB")
    below_torch("dnn-run peak RSS below PyTorch's", "maxrss_mb", lambda v: f"{v:.0f} MB")

    compared = [r for r in rows[1:] if not r["error"]]
    add(f"every recorded cost within {COST_TOLERANCE:g} of numpy's",
        not failed and all(r.get("cost_difference") is not None and r["cost_difference"] <= COST_TOLERANCE
                           for r in compared),
        each(f"{r['name']} {'n/a' if r.get('cost_difference') is None else format(r['cost_difference'], '.1e')}"
             for r in compared))

    lo = result["loading"]
    for fmt, other, factor, target in (
            ("csv", "pandas", CSV_LOAD_FACTOR, f"dnn-run CSV load (net) <= {CSV_LOAD_FACTOR}x pandas.read_csv"),
            ("hdf5", "h5py", 1, "dnn-run HDF5 load (net) <= h5py read + conversion")):
        mine, theirs = lo[f"dnn_run_{fmt}"], lo[other]
        if mine["error"] or theirs["error"]:
            add(target, False, "; ".join(f"{e['name']} failed" for e in (mine, theirs) if e["error"]))
        else:
            r = mine["load_seconds"] / theirs["seconds"]
            by_validate = lo[f"validate_{fmt}"]
            also = "" if by_validate["error"] else f"; by dnn-run validate {by_validate['load_seconds']:.2f} s"
            add(target, r <= factor, f"{mine['load_seconds']:.2f} s (gross {mine['gross_seconds']:.2f} s{also}) "
                                     f"vs {theirs['seconds']:.2f} s = {r:.2f}x")
    return checks


def note(result):
    """A line under the targets when the workload is not the targets' own, else None."""
    if (result["examples"], result["iterations"]) == (EXAMPLES, ITERATIONS):
        return None
    return (f"(the MNIST-size targets are set for {EXAMPLES} examples and {ITERATIONS} iterations; "
            f"this run used {result['examples']} and {result['iterations']})")


# ---------------------------------------------------------------------------------------
# Running alone

def main():
    import argparse
    import bench as harness
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--binary", default=str(ROOT / ".build/release/dnn-run"),
                   help="the dnn-run executable (default: .build/release/dnn-run)")
    add_arguments(p)
    p.add_argument("--quick", action="store_true",
                   help=f"{QUICK_EXAMPLES} examples and {QUICK_ITERATIONS} iterations unless given")
    p.add_argument("--no-torch", action="store_true", help="skip the PyTorch row")
    p.add_argument("--install-torch", action="store_true", help="pip install torch if it is missing (a large download)")
    p.add_argument("--wait-idle", type=float, default=0, metavar="SECONDS",
                   help="before each run, wait up to SECONDS for the machine to be idle")
    p.add_argument("--json", metavar="FILE", help="also write every measurement to FILE")
    p.add_argument("--strict", action="store_true", help="exit with status 1 if a target fails")
    args = p.parse_args()
    settle_arguments(p, args, args.quick)
    harness.bench_child.set_wait_idle(args.wait_idle)
    harness.ensure_python_packages(args.install_torch)

    binary = os.path.abspath(args.binary)
    machine = harness.machine_info()
    harness.print_machine(machine)
    baseline_env = {k: v for k, v in os.environ.items() if k not in harness.BASELINE_ENV_DROP}
    result = run(harness, binary, machine["cores"], baseline_env, args.mnist_examples, args.mnist_iterations,
                 args.no_torch)
    checks = report(harness, result)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": machine, "binary": binary, "mnist": result,
                       "checks": [{"target": t, "verdict": v, "detail": d} for t, v, d in checks]}, f, indent=1)
        print(f"\nraw results: {args.json}")
    if args.strict and any(v == "FAIL" for _, v, _ in checks):
        sys.exit(1)


def report(harness, result):
    """Print the result and its targets; returns the checks."""
    print_result(harness, result)
    checks = check(result)
    print("\n## MNIST-size targets\n")
    for target, verdict, detail in checks:
        print(f"{verdict}  {target}: {detail}")
    if note(result):
        print(note(result))
    return checks


if __name__ == "__main__":
    if sys.argv[1:2] == ["--write-data"]:  # write_data_in_child's child: DIR EXAMPLES TEST_EXAMPLES
        written = write_data(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
        print(json.dumps({k: str(v) if isinstance(v, Path) else v for k, v in written.items()}))
    else:
        main()
