"""bench_sweeps.py: bench.py's two sweep rows (Benchmarks/README.md, "The sweep rows").

* Sweep overhead (issue 15): a tiny model on a generated 2-feature CSV, where training is
  negligible, swept over `training.seed: {range: [0, N]}` for N = 100 and N = 10,000 (1,000
  with --quick), each into its own fresh results directory; then a rerun of the large
  sweep (all up to date), `dnn-run compare` and `dnn-run plot` of it, and `ls` of its
  results directory, each also of the small one so that a trend can be extrapolated.
* The 100-point cat sweep (issue 12): experiments/sweeps/cat_lr10_seed10.yaml with
  --jobs 2, whole process, against its FLOP floor at the best 2000 x 2000 product rate
  measured in the same run (DeepNet's kernel via sweep-bench, numpy's BLAS).

bench.py passes in its own `run_measured` and `failure`, so every child is measured the
same way as the rows of the main table (wall from spawn to exit, others' CPU).
"""
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# Issue 15's targets for the sweep-overhead row.
OVERHEAD_SMALL_POINTS = 100
OVERHEAD_LARGE_POINTS = 10_000
OVERHEAD_QUICK_POINTS = 1_000
OVERHEAD_GROWTH = 1.5          # per point (large) <= 1.5 x per point (small)
OVERHEAD_PER_POINT_MS = 10     # per point (large) <= 10 ms
OVERHEAD_RERUN_SECONDS = 5     # rerun of the completed large sweep
OVERHEAD_REPORT_SECONDS = 5    # compare and plot of the large sweep, each
EXTRAPOLATE_TO = 100_000

# Issue 12's targets for the 100-point cat sweep.
CAT_SWEEP_SPEC = ROOT / "experiments/sweeps/cat_lr10_seed10.yaml"
CAT_SWEEP_JOBS = 2
CAT_SWEEP_TODAY_SECONDS = 25.9  # the 'today' with --jobs 2, on a quiet machine
CAT_SWEEP_SPEEDUP = 2           # at most half of today
CAT_SWEEP_FLOOR_FACTOR = 1.3    # within 1.3x of the FLOP floor
GEMM_SIZE = 2000

TINY_NAME = "sweep_overhead"
TINY_EXAMPLES = 400


# ---------------------------------------------------------------------------------------
# Sweep overhead

def write_planar_csv(path, m=TINY_EXAMPLES, seed=1):
    """The course's planar 'flower' data (two petals of noisy points, label = petal), m
    examples of 2 features, as CSV with a header: deterministic, no numpy needed."""
    rng = random.Random(seed)
    half, petals = m // 2, 4
    with open(path, "w") as f:
        f.write("x1,x2,label\n")
        for label in (0, 1):
            for i in range(half):
                t = (label + i / max(half - 1, 1)) * 3.12 + rng.gauss(0, 0.2)
                r = petals * math.sin(4 * t) + rng.gauss(0, 0.2)
                f.write(f"{r * math.sin(t)!r},{r * math.cos(t)!r},{label}\n")


def write_tiny_sweep_spec(path, data, points):
    """The tiny model (2-4-1, 10 iterations, record_every 5) over `points` seeds."""
    path.write_text(
        f"name: {TINY_NAME}\n"
        f"description: bench.py sweep-overhead row, {points} seeds of a tiny model\n"
        f"data:\n  train: {data.name}\n"
        "model:\n  layer_dims: [2, 4, 1]\n"
        "training:\n  learning_rate: 1.2\n  iterations: 10\n  record_every: 5\n"
        f"sweep:\n  training.seed: {{range: [0, {points}]}}\n")


def file_system_of(path):
    """The file system type of `path` as stat -f names it (ext2/ext3, tmpfs, nfs, ...)."""
    try:
        return subprocess.run(["stat", "-f", "-c", "%T", str(path)], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def count_completed(experiment):
    """Run folders in results/<name>/ with a metrics.json (hidden staging folders aside)."""
    try:
        entries = list(os.scandir(experiment))
    except OSError:
        return 0
    return sum(1 for e in entries if e.is_dir() and not e.name.startswith(".")
               and os.path.exists(os.path.join(e.path, "metrics.json")))


def run_sweep_overhead(binary, large_points, run_measured, failure, workdir=None):
    """Every measurement of the sweep-overhead row, as a dict (see print_sweep_overhead)."""
    start = time.perf_counter()
    sizes = [OVERHEAD_SMALL_POINTS, large_points]
    with tempfile.TemporaryDirectory(prefix="dnn-run-bench-sweeps-", dir=workdir) as tmp:
        tmp = Path(tmp)
        data = tmp / "planar.csv"
        write_planar_csv(data)
        result = {"points": sizes, "file_system": file_system_of(tmp), "directory": str(tmp),
                  "sizes": {}}
        for points in sizes:
            spec = tmp / f"tiny_{points}.yaml"
            write_tiny_sweep_spec(spec, data, points)
            results = tmp / f"results_{points}"
            experiment = results / TINY_NAME
            size = result["sizes"][str(points)] = {}
            print(f"  sweep overhead: {points} points ...", file=sys.stderr)
            # Far beyond the target (10 ms a point) before it is called a failure.
            fresh = run_measured([binary, str(spec), "--quiet", "--results", str(results)],
                                 timeout=60 + 0.2 * points)
            size["fresh"] = measured(fresh, failure)
            completed = count_completed(experiment)
            size["completed"] = completed
            if fresh["status"] != 0 or completed != points:
                if not size["fresh"].get("error"):
                    size["fresh"]["error"] = f"{completed} of {points} run folders completed"
                continue
            size["fresh"]["per_point_ms"] = 1e3 * fresh["wall"] / points
            rerun = run_measured([binary, str(spec), "--quiet", "--results", str(results)], timeout=600)
            size["rerun"] = measured(rerun, failure)
            if not size["rerun"].get("error") and f"{points} up to date" not in rerun["stdout"]:
                size["rerun"]["error"] = (f"expected '{points} runs: {points} up to date', got: "
                                          f"{rerun['stdout'].strip().splitlines()[-1:]}")
            compare = run_measured([binary, "compare", str(experiment), "--format", "csv"], timeout=600)
            size["compare"] = measured(compare, failure)
            rows = len(compare["stdout"].strip().splitlines()) - 1
            if not size["compare"].get("error") and rows != points:
                size["compare"]["error"] = f"compare listed {rows} runs, not {points}"
            svg = tmp / f"plot_{points}.svg"
            plot = run_measured([binary, "plot", str(experiment), "-o", str(svg)], timeout=600)
            size["plot"] = measured(plot, failure)
            size["plot_svg_bytes"] = svg.stat().st_size if svg.exists() else None
            costs_svg = experiment / "costs.svg"
            size["costs_svg_bytes"] = costs_svg.stat().st_size if costs_svg.exists() else None
            for name, cmd in (("ls", ["ls", str(experiment)]), ("ls_l", ["ls", "-l", str(experiment)])):
                size[name] = measured(run_measured(cmd, timeout=600), failure)
            entries = os.listdir(experiment)
            size["entries"] = len(entries)
            size["hidden_entries"] = sum(1 for e in entries if e.startswith("."))
            size["run_folders"] = sum(1 for e in entries if not e.startswith(".") and (experiment / e).is_dir())
            size["directory_bytes"] = experiment.stat().st_size
    result["seconds"] = time.perf_counter() - start
    return result


def measured(run, failure):
    """What the row keeps of one child: its wall seconds, others' CPU, or why it failed."""
    kept = {"wall_seconds": run["wall"], "other_cores": run["other_cores"], "error": None}
    if run["status"] != 0:
        kept["error"] = failure(run)
    return kept


def extrapolate(small_points, small, large_points, large, to=EXTRAPOLATE_TO):
    """Seconds at `to` points on the straight line through the two measurements (never
    less than the larger measurement: times of a few ms are mostly start-up and noise)."""
    if small is None or large is None or large_points == small_points:
        return None
    slope = (large - small) / (large_points - small_points)
    return max(large + slope * (to - large_points), large)


def seconds_of(size, what):
    entry = size.get(what)
    if not entry or entry.get("error"):
        return None
    return entry["wall_seconds"]


def print_sweep_overhead(result):
    small_n, large_n = result["points"]
    small, large = result["sizes"][str(small_n)], result["sizes"][str(large_n)]
    print(f"\n## Sweep overhead: a tiny model (2-4-1, 10 iterations, {TINY_EXAMPLES} examples) "
          f"over training.seed {{range: [0, N]}}\n")
    print(f"results directories on {result['file_system']} ({result['directory']}), "
          f"a fresh one per N; the release binary, whole process")
    print()
    print(f"| operation | N = {small_n:,} s | N = {large_n:,} s | per run ms (N = {large_n:,}) "
          f"| N = {EXTRAPOLATE_TO:,} s (straight line, estimated) | others' CPU |")
    print("|---|--:|--:|--:|--:|--:|")
    labels = [("fresh", "sweep, fresh directory"), ("rerun", "rerun, all up to date"),
              ("compare", "dnn-run compare DIR"), ("plot", "dnn-run plot DIR -o x.svg"),
              ("ls", "ls DIR"), ("ls_l", "ls -l DIR")]
    for key, label in labels:
        a, b = seconds_of(small, key), seconds_of(large, key)
        if key not in small and key not in large:
            continue
        cells = [fmt_seconds(a) if key in small else "not run",
                 fmt_seconds(b) if key in large else "not run",
                 "" if b is None else f"{1e3 * b / large_n:.3f}",
                 fmt_seconds(extrapolate(small_n, a, large_n, b))]
        others = max((e["other_cores"] for e in (small.get(key), large.get(key)) if trusted_load(e)),
                     default=None)
        print(f"| {label} | {' | '.join(cells)} | {'' if others is None else f'{others:.2f}'} |")
    for n, size in ((small_n, small), (large_n, large)):
        for key, label in labels:
            if size.get(key, {}).get("error"):
                print(f"\nN = {n:,} {label} failed: {size[key]['error']}")
    if "entries" in large:
        other = large["entries"] - large["hidden_entries"] - large["run_folders"]
        print(f"\nresults/{TINY_NAME}/ at N = {large_n:,}: one directory level, {large['entries']:,} entries "
              f"side by side: {large['run_folders']:,} run folders, {large['hidden_entries']:,} hidden "
              f"(lock files), {other} others (summary.csv, summary.json, costs.svg); "
              f"the directory itself is {large['directory_bytes'] / 1e3:.0f} kB; "
              f"costs.svg {kb(large.get('costs_svg_bytes'))}, plot's SVG {kb(large.get('plot_svg_bytes'))}")
    busy = [f"N = {n:,} {label} {size[key]['other_cores']:.2f}" for n, size in ((small_n, small), (large_n, large))
            for key, label in labels if trusted_load(size.get(key)) and size[key]["other_cores"] > 0.2]
    if busy:
        print(f"warning: other processes kept cores busy (on average) while these ran: {', '.join(busy)}; "
              f"their times are not to be trusted")


def trusted_load(entry):
    """Whether an entry's others' CPU means anything: /proc/stat counts in clock ticks
    (10 ms), so below half a second of wall time it is noise (the column stays empty)."""
    return bool(entry) and entry.get("other_cores") is not None and entry["wall_seconds"] >= 0.5


def kb(value):
    return "n/a" if value is None else f"{value / 1e3:.0f} kB"


def fmt_seconds(value):
    if value is None:
        return ""
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def check_sweep_overhead(result):
    """[(target, PASS | FAIL, detail)] of issue 15's targets."""
    small_n, large_n = result["points"]
    small, large = result["sizes"][str(small_n)], result["sizes"][str(large_n)]
    checks = []

    def add(target, passed, detail):
        checks.append((target, "PASS" if passed else "FAIL", detail))

    per_small = small.get("fresh", {}).get("per_point_ms")
    per_large = large.get("fresh", {}).get("per_point_ms")
    if per_small is None or per_large is None:
        why = "; ".join(f"N = {n:,}: {s.get('fresh', {}).get('error', 'not run').splitlines()[0]}"
                        for n, s in ((small_n, small), (large_n, large)) if s.get("fresh", {}).get("error"))
        add(f"sweep per point (N = {large_n:,}) <= {OVERHEAD_GROWTH}x per point (N = {small_n})", False, why)
        add(f"sweep per point (N = {large_n:,}) <= {OVERHEAD_PER_POINT_MS} ms", False, why)
    else:
        add(f"sweep per point (N = {large_n:,}) <= {OVERHEAD_GROWTH}x per point (N = {small_n})",
            per_large <= OVERHEAD_GROWTH * per_small,
            f"{per_large:.2f} ms vs {per_small:.2f} ms ({per_large / per_small:.2f}x)")
        add(f"sweep per point (N = {large_n:,}) <= {OVERHEAD_PER_POINT_MS} ms",
            per_large <= OVERHEAD_PER_POINT_MS, f"{per_large:.2f} ms")
    for key, what, limit in (("rerun", "rerun of the completed sweep (all up to date)", OVERHEAD_RERUN_SECONDS),
                             ("compare", "dnn-run compare", OVERHEAD_REPORT_SECONDS),
                             ("plot", "dnn-run plot", OVERHEAD_REPORT_SECONDS)):
        target = f"{what} of {large_n:,} runs < {limit} s"
        entry = large.get(key)
        if entry is None:
            add(target, False, "not run: the sweep did not complete")
        elif entry.get("error"):
            add(target, False, entry["error"].splitlines()[0])
        else:
            add(target, entry["wall_seconds"] < limit, f"{entry['wall_seconds']:.3f} s")
    return checks


def overhead_note(result):
    """A line to print under the targets when N is not the targets' 10,000, else None."""
    large_n = result["points"][1]
    if large_n == OVERHEAD_LARGE_POINTS:
        return None
    return f"(the sweep-overhead targets are set for N = {OVERHEAD_LARGE_POINTS:,}; this run used N = {large_n:,})"


# ---------------------------------------------------------------------------------------
# The 100-point cat sweep against its FLOP floor

def build_sweep_bench(swift="swift"):
    """swift build -c release --product sweep-bench in the checkout (a no-op when it is up
    to date); the executable's path, or None and why not."""
    print("building sweep-bench (swift build -c release --product sweep-bench) ...", file=sys.stderr)
    try:
        build = subprocess.run([swift, "build", "-c", "release", "--product", "sweep-bench"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    except OSError as error:
        return None, f"cannot run {swift}: {error.strerror}"
    if build.returncode != 0:
        return None, "swift build --product sweep-bench failed:\n" + "\n".join(build.stdout.splitlines()[-12:])
    path = ROOT / ".build/release/sweep-bench"
    return (str(path), None) if os.access(path, os.X_OK) else (None, f"no executable at {path} after the build")


NUMPY_GEMM = f"""
import json, time, numpy as np
rng = np.random.default_rng(0)
a, b = rng.standard_normal(({GEMM_SIZE}, {GEMM_SIZE})), rng.standard_normal(({GEMM_SIZE}, {GEMM_SIZE}))
a @ b
best = float("inf")
for _ in range(3):
    t = time.perf_counter(); a @ b; best = min(best, time.perf_counter() - t)
print(json.dumps({{"gflops": 2 * {GEMM_SIZE}**3 / best / 1e9, "numpy": np.__version__}}))
"""


def run_cat_sweep(binary, sweep_bench, sweep_bench_error, cores, run_measured, failure, baseline_env):
    """The dgemm rates (sweep-bench, numpy), then the sweep, one after another."""
    import yaml
    with open(CAT_SWEEP_SPEC) as f:
        spec = yaml.safe_load(f)
    iterations = spec["training"]["iterations"]
    points = math.prod(len(v) for v in spec["sweep"].values())
    result = {"spec": str(CAT_SWEEP_SPEC.relative_to(ROOT)), "points": points, "iterations": iterations,
              "jobs": CAT_SWEEP_JOBS, "today_seconds": CAT_SWEEP_TODAY_SECONDS, "rates": {}}

    # sweep-bench measures DeepNet's kernel (two ways) on 2000 x 2000 products and prints the
    # floor of its 100 runs; with --iterations 1 its batch is one iteration, and the floor
    # scales linearly with iterations (2 n_1 m^2 per run and iteration).
    if sweep_bench:
        data = (CAT_SWEEP_SPEC.parent / spec["data"]["train"]).resolve()
        print("  cat sweep: sweep-bench (dgemm rates) ...", file=sys.stderr)
        run = run_measured([sweep_bench, "--json", "--iterations", "1", "--threads", str(cores),
                            "--data", str(data)], timeout=600)
        if run["status"] != 0:
            result["sweep_bench_error"] = failure(run)
        else:
            sb = json.loads(run["stdout"])
            result["sweep_bench"] = sb
            result["rates"]["DeepNet's kernel via Matrix.gemm (sweep-bench)"] = sb["matrix_gemm_gflops"]
            result["rates"]["DeepNet's kernel via dnn_gemm, rows split (sweep-bench)"] = sb["own_kernel_gflops"]
            result["flops"] = sb["floor_seconds"] * sb["dgemm_gflops"] * 1e9 * iterations / sb["iterations"]
    else:
        result["sweep_bench_error"] = sweep_bench_error
    print("  cat sweep: numpy's 2000 x 2000 product ...", file=sys.stderr)
    run = run_measured([sys.executable, "-c", NUMPY_GEMM], env=baseline_env, timeout=600)
    if run["status"] == 0:
        out = json.loads(run["stdout"])
        result["rates"][f"numpy {out['numpy']} (its own BLAS)"] = out["gflops"]
    else:
        result["numpy_error"] = failure(run)
    if result["rates"]:
        result["best_rate_name"], result["best_gflops"] = max(result["rates"].items(), key=lambda kv: kv[1])
    if "flops" in result and "best_gflops" in result:
        result["floor_seconds"] = result["flops"] / (result["best_gflops"] * 1e9)

    print(f"  cat sweep: dnn-run {result['spec']} --jobs {CAT_SWEEP_JOBS} ...", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="dnn-run-bench-cat-sweep-") as results:
        run = run_measured([binary, str(CAT_SWEEP_SPEC), "--jobs", str(CAT_SWEEP_JOBS), "--quiet",
                            "--results", results], timeout=1800)
        sweep = result["sweep"] = measured(run, failure)
        sweep["maxrss_mb"] = run["maxrss_mb"]
        completed = count_completed(Path(results) / spec["name"])
        sweep["completed"] = completed
        if not sweep["error"] and completed != points:
            sweep["error"] = f"{completed} of {points} run folders completed"
    return result


def print_cat_sweep(result):
    print(f"\n## The {result['points']}-point cat sweep: {result['spec']}, {result['iterations']} "
          f"iterations, --jobs {result['jobs']}\n")
    for name, rate in result["rates"].items():
        print(f"{GEMM_SIZE} x {GEMM_SIZE} product, {name}: {rate:.1f} GFLOP/s")
    for key, what in (("sweep_bench_error", "sweep-bench"), ("numpy_error", "numpy's 2000 x 2000 product")):
        if result.get(key):  # also a FAIL line among the targets
            print(f"{what}: FAILED, not measured: " + "\n  ".join(result[key].splitlines()))
    if "floor_seconds" in result:
        print(f"FLOP floor: {result['points']} x {result['iterations']} x 2 n_1 m^2 = "
              f"{result['flops'] / 1e9:.0f} GFLOP at {result['best_gflops']:.1f} GFLOP/s "
              f"({result['best_rate_name']}): {result['floor_seconds']:.2f} s")
    sweep = result["sweep"]
    if sweep["error"]:
        print(f"sweep failed after {sweep['wall_seconds']:.1f} s: {sweep['error']}")
    else:
        floor = result.get("floor_seconds")
        print(f"sweep, whole process: {sweep['wall_seconds']:.2f} s, peak RSS {sweep['maxrss_mb']:.0f} MB"
              + (f", {sweep['wall_seconds'] / floor:.2f}x the floor" if floor else "")
              + f"; others' CPU {sweep['other_cores']:.2f}")
    print(f"reference: {result['today_seconds']} s, the same sweep with --jobs {result['jobs']} when "
          f"issue 12 was filed (measured on a quiet machine)")
    if sweep.get("other_cores") is not None and sweep["other_cores"] > 0.2:
        print("warning: other processes kept cores busy while the sweep ran; its time is not to be trusted")


def check_cat_sweep(result):
    """[(target, verdict, detail)] of issue 12's targets, and a FAIL for each harness of the
    floor that could not be built or run.

    >>> r = {"sweep": {"error": None, "wall_seconds": 9.0}, "today_seconds": 25.9, "points": 100,
    ...      "sweep_bench_error": "swift build --product sweep-bench failed:\\nerror: x", "floor_seconds": 8.0}
    >>> [(t.split(" (")[0], v) for t, v, _ in check_cat_sweep(r)]
    [('harness: sweep-bench', 'FAIL'), ('100-point cat sweep <= 12.95 s', 'PASS'), ('100-point cat sweep within 1.3x of its FLOP floor', 'PASS')]
    """
    sweep, checks = result["sweep"], []
    for key, what in (("sweep_bench_error", "sweep-bench (DeepNet's kernel's 2000 x 2000 rates, for the floor)"),
                      ("numpy_error", "numpy's 2000 x 2000 product (for the floor)")):
        if result.get(key):
            checks.append((f"harness: {what}", "FAIL", result[key]))
    half = result["today_seconds"] / CAT_SWEEP_SPEEDUP
    target = f"{result['points']}-point cat sweep <= {half:.2f} s (half of {result['today_seconds']} s)"
    if sweep["error"]:
        checks.append((target, "FAIL", sweep["error"].splitlines()[0]))
    else:
        checks.append((target, "PASS" if sweep["wall_seconds"] <= half else "FAIL",
                       f"{sweep['wall_seconds']:.2f} s"))
    target = f"{result['points']}-point cat sweep within {CAT_SWEEP_FLOOR_FACTOR}x of its FLOP floor"
    floor = result.get("floor_seconds")
    if sweep["error"]:
        checks.append((target, "FAIL", sweep["error"].splitlines()[0]))
    elif floor is None:
        checks.append((target, "FAIL", "no floor: " + (result.get("sweep_bench_error") or "no dgemm rate").splitlines()[0]))
    else:
        factor = sweep["wall_seconds"] / floor
        checks.append((target, "PASS" if factor <= CAT_SWEEP_FLOOR_FACTOR else "FAIL",
                       f"{sweep['wall_seconds']:.2f} s / {floor:.2f} s = {factor:.2f}x"))
    return checks
