"""bench_loading.py: the MNIST-size workload's loading rows (Benchmarks/README.md, "The
MNIST-size rows", Loading): dnn-run's net load of the training set from HDF5 and CSV against
pandas.read_csv and h5py's read and conversion of the same files, and their targets.
bench_mnist.py runs it after the training rows.
"""
import json
import sys

# The examples of the set whose 1-iteration run measures dnn-run's fixed costs.
TINY_EXAMPLES = 10
# Processes of each load measurement; the best counts.
LOAD_REPEATS = 3
LOAD_TIMEOUT = 600
CSV_LOAD_FACTOR = 1.5      # dnn-run's CSV load <= 1.5x pandas.read_csv


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
    run = harness.run_measured([sys.executable, "-c", code, str(path)], env=baseline_env, timeout=LOAD_TIMEOUT)
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


def measure_loading(harness, dnn_run_row, binary, specs, data, baseline_env):
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
                row = dnn_run_row(harness, binary, specs[f"load_{size}_{fmt}"], "primal", ["training.iterations=1"],
                                  f"{fmt.upper()}, training set only"
                                  + (f", {TINY_EXAMPLES} examples" if size == "tiny" else ""))
                if not row["error"]:
                    row["gross_seconds"] = row["wall_seconds"] - row["train_seconds"]
                runs.append(row)
            loading[f"dnn_run_{fmt}_{size}"] = best_run(runs, "gross_seconds")
            print(f"  loading: dnn-run validate, {fmt.upper()} ({size}) x {LOAD_REPEATS} ...", file=sys.stderr)
            runs = []
            for _ in range(LOAD_REPEATS):
                run = harness.run_measured([binary, "validate", str(specs[f"load_{size}_{fmt}"])], timeout=LOAD_TIMEOUT)
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



def check_loading(lo):
    """[(target, PASS | FAIL, detail)] of the two loading targets (without the
    "MNIST-size: " every MNIST-size target's name starts with)."""
    checks = []

    def add(target, passed, detail):
        checks.append((target, "PASS" if passed else "FAIL", detail))

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
