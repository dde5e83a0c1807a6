#!/usr/bin/env python3
"""Loading at scale: dnn-run's CSV and HDF5 readers against pandas and h5py, in the same run.

Generates (seeded) the MNIST-sized synthetic data of issue 11: 60000 examples of 784 8-bit
pixels and a 0/1 label, as a CSV (labels last, no header, written by np.savetxt with '%d')
and as HDF5 (train_x uint8 (60000, 784), train_y uint8 (60000,)). Then, round after round,
each in a fresh process and timed inside it (no interpreter or process start-up):

  pandas      pandas.read_csv(path, header=None)
  dnn-run     load-bench FILE: Dataset(contentsOf:) as training loads it (read, SHA-256,
              parse into the (784, 60000) float64 matrix divided by 255, labels)
  h5py        f['train_x'][...] and f['train_y'][...]
  h5py+conv   the same, then np.ascontiguousarray((x.astype(np.float64) / 255).T): the
              (784, 60000) row-major float64 matrix dnn-run holds
  h5py+conv(view)  the same without the contiguous copy: (x.astype(np.float64) / 255).T,
              a transposed view numpy need not write out

Prints the median and best seconds and the peak RSS of each, and the ratios the issue sets:
dnn-run CSV at most 1.5x pandas; dnn-run HDF5 at most h5py's read plus the conversion.

    python Benchmarks/bench_load.py --load-bench .build/release/load-bench [--rounds 5]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

M, N = 60000, 784

PYTHON_TIMERS = {
    "pandas": """
import pandas as pd
t = time.perf_counter()
df = pd.read_csv(CSV, header=None)
elapsed = time.perf_counter() - t
assert df.shape == (60000, 785), df.shape
""",
    "h5py": """
import h5py, numpy as np
t = time.perf_counter()
with h5py.File(H5, "r") as f:
    x = f["train_x"][...]
    y = f["train_y"][...]
elapsed = time.perf_counter() - t
""",
    "h5py+conv": """
import h5py, numpy as np
t = time.perf_counter()
with h5py.File(H5, "r") as f:
    x = f["train_x"][...]
    y = f["train_y"][...]
X = np.ascontiguousarray((x.astype(np.float64) / 255).T)
elapsed = time.perf_counter() - t
assert X.shape == (784, 60000) and X.flags["C_CONTIGUOUS"]
""",
    "h5py+conv(view)": """
import h5py, numpy as np
t = time.perf_counter()
with h5py.File(H5, "r") as f:
    x = f["train_x"][...]
    y = f["train_y"][...]
X = (x.astype(np.float64) / 255).T
elapsed = time.perf_counter() - t
""",
}


def make_data(folder):
    import h5py
    import numpy as np
    csv, h5 = os.path.join(folder, "mnist_like.csv"), os.path.join(folder, "mnist_like.h5")
    if os.path.exists(csv) and os.path.exists(h5):
        return csv, h5
    rng = np.random.default_rng(11)
    x = rng.integers(0, 256, size=(M, N), dtype=np.uint8)
    y = rng.integers(0, 2, size=(M,), dtype=np.uint8)
    np.savetxt(csv, np.concatenate([x, y[:, None]], axis=1), fmt="%d", delimiter=",")
    with h5py.File(h5, "w") as f:
        f["train_x"] = x
        f["train_y"] = y
    return csv, h5


def time_python(name, csv, h5):
    code = "import time, resource\nCSV, H5 = %r, %r\n%s\nprint(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n" % (
        csv, h5, PYTHON_TIMERS[name])
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split()
    return float(out[0]), int(out[1]) / 1024


def time_dnn_run(load_bench, path, csv):
    args = [load_bench, path, "--scale", "255", "--reps", "1"] + (["--no-header"] if csv else [])
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    line = out.strip().splitlines()[-1]  # "best 0.312 s, peak RSS 549 MB"
    parts = line.replace(",", "").split()
    return float(parts[1]), float(parts[5])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--load-bench", default=".build/release/load-bench")
    parser.add_argument("--before", help="another load-bench (an older build) to time alongside, as 'before'")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--data", help="folder for the generated files (default: a temporary one, removed)")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="dnn-run-bench-load-") as temporary:
        folder = args.data or temporary
        os.makedirs(folder, exist_ok=True)
        csv, h5 = make_data(folder)
        print(f"data: {csv} ({os.path.getsize(csv) / 1e6:.1f} MB), {h5} ({os.path.getsize(h5) / 1e6:.1f} MB); "
              f"{os.cpu_count()} cores; {args.rounds} rounds, alternating", flush=True)
        names = ["pandas", "dnn-run CSV", "h5py", "h5py+conv", "h5py+conv(view)", "dnn-run HDF5"]
        if args.before:
            names += ["before: CSV", "before: HDF5"]
        samples = {k: [] for k in names}
        for _ in range(args.rounds):
            samples["pandas"].append(time_python("pandas", csv, h5))
            samples["dnn-run CSV"].append(time_dnn_run(args.load_bench, csv, True))
            if args.before:
                samples["before: CSV"].append(time_dnn_run(args.before, csv, True))
            for name in ["h5py", "h5py+conv", "h5py+conv(view)"]:
                samples[name].append(time_python(name, csv, h5))
            samples["dnn-run HDF5"].append(time_dnn_run(args.load_bench, h5, False))
            if args.before:
                samples["before: HDF5"].append(time_dnn_run(args.before, h5, False))

    summary = {}
    print(f"{'':18} {'median s':>9} {'best s':>8} {'peak RSS MB':>12}")
    for name, values in samples.items():
        seconds = [s for s, _ in values]
        summary[name] = {"median": statistics.median(seconds), "best": min(seconds),
                         "rss_mb": max(r for _, r in values), "seconds": seconds}
        print(f"{name:18} {summary[name]['median']:9.3f} {summary[name]['best']:8.3f} {summary[name]['rss_mb']:12.0f}")
    csv_ratio = summary["dnn-run CSV"]["median"] / summary["pandas"]["median"]
    h5_ratio = summary["dnn-run HDF5"]["median"] / summary["h5py+conv"]["median"]
    print(f"dnn-run CSV / pandas (medians): {csv_ratio:.2f}x (target <= 1.5x)")
    print(f"dnn-run HDF5 / (h5py read + conversion to the (784, m) float64 matrix) (medians): {h5_ratio:.2f}x (target <= 1x)")
    print(f"dnn-run HDF5 / (h5py read + conversion, transposed view only) (medians): "
          f"{summary['dnn-run HDF5']['median'] / summary['h5py+conv(view)']['median']:.2f}x")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(summary, f, indent=2)


if __name__ == "__main__":
    main()
