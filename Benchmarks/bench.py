#!/usr/bin/env python3
"""bench.py: dnn-run against the course's numpy implementation (and PyTorch), in one go
on one machine, and the project's targets checked (../DESIGN.md, "Numbers to beat").

    python3 Benchmarks/bench.py [--binary .build/release/dnn-run] [--quick] [--no-torch]
                                [--json FILE] [--skip-scaling] [--install-torch] ...

Every implementation runs as its own child process. Of each we measure the training-loop
seconds (as the implementation reports them), the whole-process wall seconds (spawn to
exit, results written), the peak resident memory of that child alone (os.wait4), and how
far each recorded cost is from numpy's. Then a scaling table: dnn-run's primal and dual
engines on synthetic data of 12288 features as the number of examples grows. Then the two
sweep rows (bench_sweeps.py): the per-point overhead of a 100- and a 10,000-point sweep
of a tiny model, and the 100-point cat sweep against its FLOP floor. Then the MNIST-size
workload (bench_mnist.py): 60000 x 784 synthetic examples, numpy, PyTorch and dnn-run from
HDF5 and CSV, the dgemm rates of every BLAS here on its product shapes, its FLOP floors,
and loading against pandas and h5py.
See Benchmarks/README.md for how to read the output.
"""
import argparse
import glob
import importlib.util
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bench_mnist
import bench_sweeps

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# Python modules the harness and the baselines import, and their pip packages.
PYTHON_NEEDS = {"numpy": "numpy", "yaml": "pyyaml", "h5py": "h5py", "threadpoolctl": "threadpoolctl",
                "pandas": "pandas"}
# course_torch.py's exit status when it cannot import torch.
TORCH_IMPORT_FAILED = 3
# Variables that force OpenBLAS kernels: numpy's own OpenBLAS is measured as it comes.
BASELINE_ENV_DROP = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")

# The project's targets.
WHOLE_PROCESS_SPEEDUP = 30
TRAINING_SPEEDUP = 50
PEAK_RSS_MB = 60
COST_TOLERANCE = 1e-9

# Seconds to wait before each run for the machine to be idle (--wait-idle).
WAIT_FOR_IDLE_SECONDS = 0

SCALING_SIZES = [100, 200, 500, 1000, 2000, 5000, 10000, 20000]
SCALING_FEATURES = (64, 64, 3)  # 12288 features, like the cat images
SCALING_MIN_LOOP_SECONDS = 0.3   # a shorter loop is measured again, longer
SCALING_MAX_ITERATIONS = 20000


# ---------------------------------------------------------------------------------------
# Setup

def parse_arguments():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--binary", default=str(ROOT / ".build/release/dnn-run"),
                   help="the dnn-run executable (default: .build/release/dnn-run)")
    p.add_argument("--spec", default=str(ROOT / "experiments/cat_5layer.yaml"),
                   help="the experiment (default: experiments/cat_5layer.yaml)")
    p.add_argument("--engines", default="primal,dual",
                   help="dnn-run engines to time, comma separated (default: primal,dual)")
    p.add_argument("--iterations", type=int, help="override training.iterations")
    p.add_argument("--quick", action="store_true",
                   help="a smoke test: 300 iterations, a 60 s scaling budget, a 1000-point large sweep")
    p.add_argument("--repeat", type=int, default=1,
                   help="run each implementation N times and keep its best times")
    p.add_argument("--no-torch", action="store_true", help="skip the PyTorch row")
    p.add_argument("--install-torch", action="store_true",
                   help="pip install torch if it is missing (a large download)")
    p.add_argument("--skip-scaling", action="store_true", help="skip the scaling table")
    p.add_argument("--scaling-sizes", default=",".join(map(str, SCALING_SIZES)),
                   help="numbers of examples, comma separated")
    p.add_argument("--scaling-iterations", type=int, default=20,
                   help="iterations of the long run at each size (default 20)")
    p.add_argument("--scaling-budget", type=float,
                   help="seconds the scaling table may take (default 600; 60 with --quick)")
    p.add_argument("--skip-sweeps", action="store_true", help="skip both sweep rows")
    p.add_argument("--sweeps-only", action="store_true",
                   help="only the sweep rows: no main table, no scaling table")
    p.add_argument("--sweep-points", type=int,
                   help="points of the large tiny-model sweep (default 10000; 1000 with --quick)")
    p.add_argument("--sweep-dir", metavar="DIR",
                   help="where the tiny-model sweeps write their results (default: the temp directory)")
    p.add_argument("--sweep-bench", metavar="PATH",
                   help="a built sweep-bench (default: swift build -c release --product sweep-bench)")
    p.add_argument("--skip-mnist", action="store_true", help="skip the MNIST-size workload")
    p.add_argument("--mnist-only", action="store_true",
                   help="only the MNIST-size workload: no main table, no sweeps, no scaling")
    bench_mnist.add_arguments(p)
    p.add_argument("--wait-idle", type=float, default=0, metavar="SECONDS",
                   help="before each run, wait up to SECONDS for the machine to be idle")
    p.add_argument("--json", metavar="FILE", help="also write every measurement to FILE")
    p.add_argument("--strict", action="store_true", help="exit with status 1 if a target fails")
    args = p.parse_args()
    if args.quick and args.iterations is None:
        args.iterations = 300
    if args.scaling_budget is None:
        args.scaling_budget = 60 if args.quick else 600
    if args.scaling_iterations < 2:
        p.error("--scaling-iterations must be at least 2")
    args.engines = [e for e in args.engines.split(",") if e]
    args.scaling_sizes = [int(m) for m in args.scaling_sizes.split(",") if m]
    if args.sweep_points is None:
        args.sweep_points = (bench_sweeps.OVERHEAD_QUICK_POINTS if args.quick
                             else bench_sweeps.OVERHEAD_LARGE_POINTS)
    if not bench_sweeps.OVERHEAD_SMALL_POINTS < args.sweep_points <= 100000:
        p.error(f"--sweep-points must be above {bench_sweeps.OVERHEAD_SMALL_POINTS} and at most 100000")
    if args.skip_sweeps and args.sweeps_only:
        p.error("--skip-sweeps and --sweeps-only exclude each other")
    if args.skip_mnist and args.mnist_only:
        p.error("--skip-mnist and --mnist-only exclude each other")
    if args.sweeps_only and args.mnist_only:
        p.error("--sweeps-only and --mnist-only exclude each other")
    bench_mnist.settle_arguments(p, args, args.quick)
    if args.sweep_dir and not os.path.isdir(args.sweep_dir):
        p.error(f"--sweep-dir {args.sweep_dir}: no such directory; create it first")
    return args


def ensure_python_packages(install_torch):
    """pip install what the harness needs and is missing; torch only when asked."""
    missing = [pkg for module, pkg in PYTHON_NEEDS.items() if importlib.util.find_spec(module) is None]
    if install_torch and importlib.util.find_spec("torch") is None:
        missing.append("torch")
    if not missing:
        return
    print(f"bench: pip install {' '.join(missing)}", file=sys.stderr)
    if subprocess.run([sys.executable, "-m", "pip", "install", "-q", *missing]).returncode != 0:
        sys.exit(f"bench: could not pip install {' '.join(missing)}; install them (a virtualenv "
                 f"if this Python is externally managed) and run again")


def machine_info():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = None
    try:
        with open("/proc/meminfo") as f:
            memory = next(int(line.split()[1]) * 1024 for line in f if line.startswith("MemTotal:"))
    except (OSError, StopIteration, ValueError):
        pass
    limit = None
    try:
        with open("/sys/fs/cgroup/memory.max") as f:
            text = f.read().strip()
            limit = None if text == "max" else int(text)
    except (OSError, ValueError):
        pass
    return {"cpu": cpu, "cores": len(os.sched_getaffinity(0)), "memory_bytes": memory,
            "cgroup_memory_limit_bytes": limit, "platform": platform.platform(),
            "python": platform.python_version(), "load_average": os.getloadavg()}


def print_machine(machine):
    memory = "memory unknown" if machine["memory_bytes"] is None else \
        f"{machine['memory_bytes'] / 2**30:.1f} GiB memory"
    if machine.get("cgroup_memory_limit_bytes"):
        memory += f" (cgroup limit {machine['cgroup_memory_limit_bytes'] / 2**30:.1f} GiB)"
    print(f"machine: {machine['cpu']}, {machine['cores']} cores, {memory}, {machine['platform']}")
    print(f"load average at start: {machine['load_average'][0]:.2f}"
          + ("  (other work shares the CPU: timings are unreliable)" if machine["load_average"][0] > 0.5 else ""))


# ---------------------------------------------------------------------------------------
# Running one child

def busy_cpu_seconds():
    """CPU seconds the whole machine has spent busy since boot (/proc/stat)."""
    with open("/proc/stat") as f:
        user, nice, system, idle, iowait, irq, softirq, steal = map(int, f.readline().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def wait_for_idle(limit):
    """Wait up to `limit` seconds for a second in which the machine is nearly idle."""
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        before = busy_cpu_seconds()
        time.sleep(1)
        if busy_cpu_seconds() - before < 0.1:
            return


# GNU time (Debian's package time, which make deps installs): it forks the measured
# program from its own small process, so that program's peak RSS is its own. Measured
# directly, a child's ru_maxrss is never below the harness's peak when it was spawned
# (Linux keeps the high-water mark of the address space an exec replaces): after the
# harness touched 500 MB, /bin/true reported 526 MB directly and 1 MB through GNU time.
GNU_TIME = "/usr/bin/time"


def run_measured(cmd, env=None, timeout=None):
    """Run `cmd` as a child process. Returns its exit status, wall seconds from spawn to
    exit, its own peak RSS in MB (10^6 bytes; through GNU time when installed, else from
    wait4, which a large harness inflates), the cores other processes kept busy meanwhile
    (on average), stdout, stderr and whether it was killed for exceeding `timeout` seconds."""
    wait_for_idle(WAIT_FOR_IDLE_SECONDS)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(mode="r", suffix=".rss") as rss:
        through_time = os.access(GNU_TIME, os.X_OK)
        argv = [GNU_TIME, "-f", "%M", "-o", rss.name, *cmd] if through_time else cmd
        busy = busy_cpu_seconds()
        start = time.perf_counter()
        try:
            child = subprocess.Popen(argv, stdout=out, stderr=err, env=env, start_new_session=True)
        except OSError as error:
            return {"status": None, "wall": 0.0, "maxrss_mb": None, "other_cores": None, "stdout": "",
                    "stderr": f"cannot start {argv[0]}: {error.strerror}", "timed_out": False}
        timed_out = False
        while True:  # poll so that a timeout can kill exactly this child (and GNU time's)
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if timeout is not None and time.perf_counter() - start > timeout and not timed_out:
                os.killpg(child.pid, 9)
                timed_out = True
            time.sleep(0.002)
        wall = time.perf_counter() - start
        others = busy_cpu_seconds() - busy - usage.ru_utime - usage.ru_stime
        code = os.waitstatus_to_exitcode(status)
        maxrss_mb = usage.ru_maxrss * 1024 / 1e6
        if through_time:
            # "%M" on the last line; a first line "Command terminated by signal N" or
            # "Command exited with non-zero status N" when it did not end well.
            lines = rss.read().split("\n")
            lines = [line for line in lines if line.strip()]
            maxrss_mb = int(lines[-1]) * 1024 / 1e6 if lines and lines[-1].strip().isdigit() else None
            if lines and lines[0].startswith("Command terminated by signal "):
                code = -int(lines[0].rsplit(" ", 1)[1])
        child.returncode = code
        out.seek(0)
        err.seek(0)
        return {"status": child.returncode, "wall": wall, "maxrss_mb": maxrss_mb,
                "other_cores": max(others, 0) / wall,
                "stdout": out.read().decode(errors="replace"),
                "stderr": err.read().decode(errors="replace"), "timed_out": timed_out}


def failure(run):
    """Why a child failed, and the tail of its stderr."""
    lines = run["stderr"].strip().splitlines()
    if run["status"] is None:
        return lines[0] if lines else "could not start"
    if run["timed_out"]:
        what = f"timed out after {run['wall']:.0f} s"
    elif run["status"] < 0:
        what = f"killed by signal {-run['status']}"
    else:
        what = f"exit status {run['status']}"
    return "\n".join([what, *lines[-12:]])


def set_arguments(overrides):
    return [arg for key_value in overrides for arg in ("--set", key_value)]


# ---------------------------------------------------------------------------------------
# The rows of the main table

def run_python_baseline(name, script, spec, overrides):
    """A row for course_numpy.py or course_torch.py: they print their results as JSON."""
    env = {k: v for k, v in os.environ.items() if k not in BASELINE_ENV_DROP}
    run = run_measured([sys.executable, str(HERE / script), spec, *set_arguments(overrides)], env=env)
    row = {"name": name, "wall_seconds": run["wall"], "maxrss_mb": run["maxrss_mb"],
           "other_cores": run["other_cores"]}
    if run["status"] != 0:
        return {**row, "status": run["status"], "error": failure(run)}
    result = json.loads(run["stdout"])
    return {**row, "error": None, "train_seconds": result.pop("seconds"), **result}


def run_dnn_run(binary, spec, spec_name, engine, overrides):
    """A row for one engine of dnn-run, read back from the results tree it writes."""
    if not os.access(binary, os.X_OK):
        return {"name": f"dnn-run {engine}", "error": f"no dnn-run executable at {binary}"}
    with tempfile.TemporaryDirectory(prefix="dnn-run-bench-") as results:
        cmd = [binary, spec, "--set", f"training.engine={engine}", *set_arguments(overrides),
               "--results", results, "--quiet"]
        run = run_measured(cmd)
        row = {"name": f"dnn-run {engine}", "wall_seconds": run["wall"], "maxrss_mb": run["maxrss_mb"],
               "other_cores": run["other_cores"]}
        if run["status"] != 0:
            return {**row, "error": failure(run)}
        try:
            return {**row, "error": None, **read_run_folder(results, spec_name)}
        except (OSError, ValueError, KeyError) as error:
            return {**row, "error": f"unreadable results: {error}"}


def read_run_folder(results, spec_name):
    """metrics.json, costs.csv and (if present) manifest.json of the one run in `results`."""
    found = glob.glob(os.path.join(results, spec_name, "**", "metrics.json"), recursive=True)
    if len(found) != 1:
        raise ValueError(f"expected one {spec_name}/**/metrics.json, found {len(found)}")
    folder = os.path.dirname(found[0])
    with open(found[0]) as f:
        metrics = json.load(f)
    with open(os.path.join(folder, "costs.csv")) as f:
        header, *lines = f.read().split()
        if header != "iteration,cost":
            raise ValueError(f"costs.csv header is {header!r}")
        costs = [[int(i), float(c)] for i, c in (line.split(",") for line in lines)]
    manifest = {}
    if os.path.exists(os.path.join(folder, "manifest.json")):
        with open(os.path.join(folder, "manifest.json")) as f:
            manifest = json.load(f)
    return {"train_seconds": float(metrics["seconds"]), "costs": costs,
            "final_cost": metrics.get("final_cost"), "train_accuracy": metrics.get("train_accuracy"),
            "test_accuracy": metrics.get("test_accuracy"), "iterations": metrics.get("iterations"),
            "engine_used": manifest.get("engine"), "blas": describe_dnn_run_blas(manifest)}


def describe_dnn_run_blas(manifest):
    """The BLAS library and threads manifest.json names, if it does."""
    if "blas_library" not in manifest:
        return manifest.get("blas")
    return f"{manifest['blas_library']}, {manifest.get('blas_threads', '?')} threads"


def best_of(runs):
    """One row from repeated runs: the fastest times, the largest peak memory."""
    ok = [r for r in runs if not r["error"]]
    if not ok:
        return runs[-1]
    best = dict(ok[0])
    best["train_seconds"] = min(r["train_seconds"] for r in ok)
    best["wall_seconds"] = min(r["wall_seconds"] for r in ok)
    best["maxrss_mb"] = max(r["maxrss_mb"] for r in ok)
    best["other_cores"] = max(r["other_cores"] for r in ok)
    best["repeats"] = len(ok)
    return best


def compare_costs(row, reference):
    """Max |cost - numpy's cost| over every recorded iteration, and of final_cost."""
    if row["error"] or reference["error"]:
        return
    iterations = [i for i, _ in row["costs"]]
    if iterations != [i for i, _ in reference["costs"]]:
        row["cost_difference"] = None
        row["cost_note"] = f"recorded iterations differ from numpy's: {iterations[:5]}..."
        return
    row["cost_difference"] = max((abs(c - r) for (_, c), (_, r) in zip(row["costs"], reference["costs"])),
                                 default=0.0)
    if row.get("final_cost") is not None:
        row["final_cost_difference"] = abs(row["final_cost"] - reference["final_cost"])


# ---------------------------------------------------------------------------------------
# Reporting

def ratio(reference, value):
    """numpy's seconds / these seconds, as "41x"."""
    if not reference or not value:
        return ""
    r = reference / value
    return f"{r:.0f}x" if r >= 10 else f"{r:.1f}x"


def number(value, fmt):
    return "" if value is None else format(value, fmt)


def print_table(rows, reference):
    print("| implementation | training s | vs numpy | whole process s | vs numpy | peak RSS MB "
          "| max abs cost diff | final cost | train acc | test acc | others' CPU |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for row in rows:
        name = row["name"] + (f" (ran {row['engine_used']})" if row.get("engine_used") else "")
        if row["error"]:
            print(f"| {name} | FAILED: {row['error'].splitlines()[0]} | | | | | | | | | |")
            continue
        diff = "reference" if row is reference else number(row.get("cost_difference"), ".1e")
        print(f"| {name} | {row['train_seconds']:.3f} | {ratio(reference.get('train_seconds'), row['train_seconds'])} "
              f"| {row['wall_seconds']:.3f} | {ratio(reference['wall_seconds'], row['wall_seconds'])} "
              f"| {number(row['maxrss_mb'], '.1f')} | {diff} | {number(row.get('final_cost'), '.12f')} "
              f"| {number(row.get('train_accuracy'), '.4f')} | {number(row.get('test_accuracy'), '.4f')} "
              f"| {number(row['other_cores'], '.2f')} |")
    busy = [f"{r['name']} {r['other_cores']:.2f}" for r in rows
            if r.get("other_cores") is not None and r["other_cores"] > 0.2]
    if busy:
        print(f"\nwarning: other processes kept cores busy (on average) while these ran: "
              f"{', '.join(busy)}; their times are not to be trusted")
    for row in rows:
        if row["error"]:
            print(f"\n{row['name']} failed: {row['error']}")
        elif row.get("cost_note"):
            print(f"\n{row['name']}: {row['cost_note']}")


def check_targets(rows, reference, torch_row):
    """[(target, PASS | FAIL | SKIP, detail)] for the project's targets."""
    engines = [r for r in rows if r["name"].startswith("dnn-run")]
    ran = [r for r in engines if not r["error"]]
    failed = ", ".join(r["name"] for r in engines if r["error"])
    checks = []

    def add(target, passed, detail):
        checks.append((target, "PASS" if passed else "FAIL", detail))

    if reference["error"]:
        return [("every target", "FAIL", "the numpy reference failed")]
    if not ran:
        return [("every target", "FAIL", "no dnn-run engine ran" + (f" ({failed} failed)" if failed else ""))]

    fastest = min(ran, key=lambda r: r["wall_seconds"])
    speedup = reference["wall_seconds"] / fastest["wall_seconds"]
    add(f"whole process <= 1/{WHOLE_PROCESS_SPEEDUP} of numpy", speedup >= WHOLE_PROCESS_SPEEDUP,
        f"{fastest['name']}: {speedup:.1f}x")
    fastest = min(ran, key=lambda r: r["train_seconds"])
    speedup = reference["train_seconds"] / fastest["train_seconds"]
    add(f"training loop <= 1/{TRAINING_SPEEDUP} of numpy", speedup >= TRAINING_SPEEDUP,
        f"{fastest['name']}: {speedup:.1f}x")

    primal = next((r for r in engines if r["name"] == "dnn-run primal"), None)
    if torch_row is None or torch_row["error"]:
        checks.append(("primal faster than PyTorch", "SKIP", "no PyTorch row"))
    elif primal is None or primal["error"]:
        add("primal faster than PyTorch", False, "no primal result")
    else:
        add("primal faster than PyTorch", primal["train_seconds"] < torch_row["train_seconds"],
            f"{primal['train_seconds']:.3f} s vs {torch_row['train_seconds']:.3f} s")

    add(f"dnn-run peak RSS <= {PEAK_RSS_MB} MB",
        not failed and all(r["maxrss_mb"] <= PEAK_RSS_MB for r in ran),
        ", ".join(f"{r['name']} {r['maxrss_mb']:.1f} MB" for r in ran) + (f"; {failed} failed" if failed else ""))
    add(f"every engine's costs within {COST_TOLERANCE:g} of numpy",
        not failed and all(r.get("cost_difference") is not None and r["cost_difference"] <= COST_TOLERANCE
                           for r in ran),
        ", ".join(f"{r['name']} {number(r.get('cost_difference'), '.1e') or 'n/a'}" for r in ran)
        + (f"; {failed} failed" if failed else ""))
    return checks


# ---------------------------------------------------------------------------------------
# Scaling: primal and dual as the number of examples grows

def write_synthetic_dataset(path, m):
    """m random uint8 images (m, 64, 64, 3) and random 0/1 labels, as train_set_x/_y."""
    import h5py
    import numpy as np
    rng = np.random.default_rng(m)
    with h5py.File(path, "w") as f:
        f["train_set_x"] = rng.integers(0, 256, size=(m, *SCALING_FEATURES), dtype=np.uint8)
        f["train_set_y"] = rng.integers(0, 2, size=m, dtype=np.int64)


def write_scaling_spec(path, base_spec, data_path, engine, iterations):
    """The base experiment's model and training on the synthetic data, with `engine`."""
    import yaml
    spec = {"name": "scaling", "description": "bench.py scaling run",
            "data": {"train": str(data_path), "scale": 255},
            "model": base_spec["model"],
            "training": {**base_spec["training"], "engine": engine, "iterations": iterations}}
    with open(path, "w") as f:
        yaml.safe_dump(spec, f, sort_keys=False)


def available_memory_bytes():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def run_scaling(binary, base_spec, sizes, iterations, repeat, budget, workdir):
    """Per size and engine, one run of 1 iteration and one of `iterations`. The slope of
    the training seconds is the cost of an iteration; the whole process of the short run
    less one iteration is the fixed cost (start-up, loading, the dual's Gram matrix
    X^T X wherever dnn-run computes it, writing results). Stops before a size whose predicted time exceeds what is left of
    `budget` seconds, or whose data would not fit in memory."""
    features = math.prod(SCALING_FEATURES)
    start = time.perf_counter()
    points, note = [], None
    def growth(engine, r):
        """How an engine's iteration grows when m grows r times: linear for the primal
        engine, quadratic for the dual (2 n_1 m^2 for C G)."""
        return r if engine == "primal" else r * r

    previous = None  # (m, {engine: wall seconds of its two runs})
    for m in sizes:
        left = budget - (time.perf_counter() - start)
        if previous:
            r = m / previous[0]
            predicted = sum(wall * growth(engine, r) for engine, wall in previous[1].items())
            if predicted > left:
                note = f"stopped before m={m}: predicted {predicted:.0f} s, {left:.0f} s of the budget left"
                break
        needed = 8 * m * features * 2 + 8 * m * m  # X in float64 (twice, while loading) and G
        memory = available_memory_bytes()
        if memory is not None and needed > 0.7 * memory:
            note = f"stopped before m={m}: needs about {needed / 1e9:.1f} GB"
            break
        data = Path(workdir) / f"synthetic_{m}.h5"
        write_synthetic_dataset(data, m)
        point, walls = {"m": m}, {}
        for engine in ("primal", "dual"):
            # What an iteration should cost, from the size before.
            expected = None
            if points and not points[-1][engine].get("error") and not points[-1][engine].get("within_noise"):
                expected = points[-1][engine]["seconds_per_iteration"] * growth(engine, m / points[-1]["m"])
            point[engine], walls[engine] = measure_scaling_engine(
                binary, base_spec, data, engine, iterations, repeat, workdir,
                timeout=max(budget - (time.perf_counter() - start), 1), expected=expected)
        data.unlink()
        points.append(point)
        print(f"  m={m}: {format_scaling_point(point)}", file=sys.stderr)
        if point["primal"].get("error") and point["dual"].get("error"):
            note = f"stopped at m={m}: both engines failed"
            break
        previous = (m, walls)
    return {"iterations": iterations, "points": points, "note": note,
            "seconds": time.perf_counter() - start}


def longer_scaling_run(n, one, many, expected=None):
    """The iterations to measure again with, or None. The extra iterations of the long run
    (its training seconds less the 1-iteration run's) must train for at least
    SCALING_MIN_LOOP_SECONDS and a quarter of the 1-iteration run, or they are lost in the
    noise of the one-time costs: the dual engine's iteration is tens of microseconds on a
    few hundred examples, and its Gram matrix takes a minute at m = 20000, varying by
    seconds. Where they came out at nothing measurable, the cost of an iteration is taken
    from `expected` (seconds, scaled from the size before); without it a short run is
    lengthened as far as allowed, a long one not at all (20,000 iterations of 131 ms once
    ran the bench out of its budget).

    >>> longer_scaling_run(20, 0.05, 0.07)     # 0.02 s of loop: 15 times as long
    300
    >>> longer_scaling_run(20, 0.05, 0.049)    # noise below zero, a short run: as long as allowed
    20000
    >>> longer_scaling_run(20, 0.05, 0.5) is None
    True
    >>> longer_scaling_run(20, 57.7, 60.3)     # 2.6 s of loop against a minute of G: 6 times
    120
    >>> longer_scaling_run(20, 57.7, 57.6) is None   # nothing measurable, nothing expected
    True
    >>> longer_scaling_run(20, 60.0, 59.9, expected=0.125)   # 15 s wanted at 125 ms: 120 + 1
    121
    >>> longer_scaling_run(20000, 0.01, 0.02) is None
    True
    """
    if n >= SCALING_MAX_ITERATIONS:
        return None
    wanted = max(SCALING_MIN_LOOP_SECONDS, 0.25 * one)
    loop = many - one
    if loop >= wanted:
        return None
    if loop <= 0.01 * wanted and one >= SCALING_MIN_LOOP_SECONDS:
        if not expected or expected <= 0:
            return None
        return min(SCALING_MAX_ITERATIONS, max(2 * n, math.ceil(wanted / expected) + 1))
    return min(SCALING_MAX_ITERATIONS, n * max(2, math.ceil(wanted / max(loop, 1e-4))))


def loop_within_noise(one, many):
    """Whether the extra iterations' seconds are too few to measure an iteration by: under
    a tenth of a 1-iteration run that trains for SCALING_MIN_LOOP_SECONDS or more (the dual
    engine's Gram matrix at m = 20000: a minute, which varies by more than 20 iterations).

    >>> loop_within_noise(57.7, 60.3), loop_within_noise(57.7, 57.1), loop_within_noise(2.0, 6.0)
    (True, True, False)
    >>> loop_within_noise(0.05, 0.051)   # short: lengthened instead (longer_scaling_run)
    False
    """
    return one >= SCALING_MIN_LOOP_SECONDS and abs(many - one) < 0.1 * one


def measure_scaling_engine(binary, base_spec, data, engine, iterations, repeat, workdir, timeout, expected=None):
    """{seconds_per_iteration, fixed_seconds, ...} of one engine on one dataset (the best
    of `repeat` runs of each length), and the wall seconds its runs took."""
    spec = Path(workdir) / f"scaling_{engine}.yaml"
    write_scaling_spec(spec, base_spec, data, engine, iterations)
    result, wall, seconds = {}, 0.0, {}
    lengths = [1, iterations]
    while lengths:
        n = lengths.pop(0)
        for _ in range(repeat):
            with tempfile.TemporaryDirectory(prefix="dnn-run-scaling-", dir=workdir) as results:
                run = run_measured([binary, str(spec), "--set", f"training.iterations={n}",
                                    "--results", results, "--quiet"], timeout=timeout)
                wall += run["wall"]
                if run["status"] != 0:
                    return {"error": failure(run)}, wall
                try:
                    t = read_run_folder(results, "scaling")["train_seconds"]
                except (OSError, ValueError, KeyError) as error:
                    return {"error": f"unreadable results: {error}"}, wall
            seconds[n] = min(seconds.get(n, t), t)
            result[f"wall_seconds_{n}"] = min(result.get(f"wall_seconds_{n}", run["wall"]), run["wall"])
            result[f"maxrss_mb_{n}"] = max(result.get(f"maxrss_mb_{n}", 0), run["maxrss_mb"])
        if n > 1 and not lengths:
            longer = longer_scaling_run(n, seconds[1], seconds[n], expected)
            if longer:
                lengths.append(longer)
                iterations = longer
    result["iterations"] = iterations
    per_iteration = (seconds[iterations] - seconds[1]) / (iterations - 1)
    result["within_noise"] = loop_within_noise(seconds[1], seconds[iterations])
    result.update(seconds_per_iteration=per_iteration,
                  fixed_seconds=result["wall_seconds_1"] - per_iteration,
                  loop_setup_seconds=seconds[1] - per_iteration,
                  naive_seconds_per_iteration=seconds[iterations] / iterations)
    return result, wall


def engine_total(result, iterations):
    if result.get("error"):
        return None
    return result["fixed_seconds"] + iterations * result["seconds_per_iteration"]


def format_scaling_point(point):
    parts = []
    for engine in ("primal", "dual"):
        r = point[engine]
        parts.append(f"{engine} " + ("failed" if r.get("error") else
                                     f"{1e3 * r['seconds_per_iteration']:.3f} ms/iter ({r['iterations']} it.) + {r['fixed_seconds']:.2f} s"))
    return ", ".join(parts)


def print_scaling(scaling, full_iterations):
    print(f"\n## Scaling: seconds per iteration as examples grow (12288 features, "
          f"fit from runs of 1 and {scaling['iterations']} iterations, or more where marked: "
          f"until the extra iterations train for {SCALING_MIN_LOOP_SECONDS} s and a quarter of the 1-iteration run)\n")
    print(f"| m | primal ms/iter | primal fixed s | dual ms/iter | dual fixed s "
          f"| faster per iteration | faster for {full_iterations} iterations |")
    print("|--:|--:|--:|--:|--:|---|---|")
    for point in scaling["points"]:
        cells = []
        for engine in ("primal", "dual"):
            r = point[engine]
            if r.get("error"):
                cells += ["failed", ""]
            else:
                longer = f" ({r['iterations']} it.)" if r.get("iterations", scaling["iterations"]) != scaling["iterations"] else ""
                noise = " (noise)" if r.get("within_noise") else ""
                cells += [f"{1e3 * r['seconds_per_iteration']:.3f}{longer}{noise}", f"{r['fixed_seconds']:.2f}"]
        p, d = point["primal"], point["dual"]
        if p.get("error") or d.get("error"):
            ran = [engine for engine in ("primal", "dual") if not point[engine].get("error")]
            per_iteration = total = f"{ran[0]} (alone)" if ran else ""
        else:
            per_iteration = "primal" if p["seconds_per_iteration"] <= d["seconds_per_iteration"] else "dual"
            total = "primal" if engine_total(p, full_iterations) <= engine_total(d, full_iterations) else "dual"
        print(f"| {point['m']} | {' | '.join(cells)} | {per_iteration} | {total} |")
    if any(point[engine].get("within_noise") for point in scaling["points"] for engine in ("primal", "dual")):
        print("\n(noise): the extra iterations trained for less than a tenth of the 1-iteration run, "
              "whose one-time cost (the dual's Gram matrix) varies by more than that from run to run: "
              "not a measurement of an iteration (nor are the columns after it)")
    for point in scaling["points"]:
        for engine in ("primal", "dual"):
            if point[engine].get("error"):
                print(f"\nm={point['m']} {engine} failed: {point[engine]['error']}")
    if scaling["note"]:
        print(f"\n{scaling['note']}")


# ---------------------------------------------------------------------------------------

def run_main_table(args, spec, base_spec, binary, overrides):
    """The main table (numpy, PyTorch, each dnn-run engine) and its targets, printed;
    returns (rows, torch_note, checks)."""
    def repeated(run):
        return best_of([run() for _ in range(max(args.repeat, 1))])

    print("running numpy ...", file=sys.stderr)
    reference = repeated(lambda: run_python_baseline("numpy (course algorithm)", "course_numpy.py", spec, overrides))
    rows = [reference]
    torch_row, torch_note = None, None
    if args.no_torch:
        torch_note = "PyTorch skipped (--no-torch)"
    else:
        print("running PyTorch ...", file=sys.stderr)
        torch_row = repeated(lambda: run_python_baseline("PyTorch CPU float64", "course_torch.py", spec, overrides))
        if torch_row.get("status") == TORCH_IMPORT_FAILED:
            torch_note = (f"PyTorch skipped: {torch_row['error'].splitlines()[-1]} "
                          f"(pip install torch, or run with --install-torch)")
            torch_row = None
        else:
            rows.append(torch_row)
    for engine in args.engines:
        print(f"running dnn-run {engine} ...", file=sys.stderr)
        rows.append(repeated(lambda: run_dnn_run(binary, spec, base_spec["name"], engine, overrides)))
    for row in rows[1:]:
        compare_costs(row, reference)

    print(f"numpy BLAS: {describe_blas(reference.get('blas'))}")
    if torch_row and not torch_row["error"]:
        print(f"PyTorch BLAS: {torch_row['blas']}, {torch_row['threads']} threads")
    for row in rows:
        if row["name"].startswith("dnn-run") and row.get("blas"):
            print(f"{row['name']} BLAS: {row['blas']}")
    print()
    print_table(rows, reference)
    if torch_note:
        print(f"\n{torch_note}")

    checks = check_targets(rows, reference, torch_row)
    print("\n## Targets\n")
    for target, verdict, detail in checks:
        print(f"{verdict}  {target}: {detail}")
    if args.iterations and args.iterations != base_spec["training"]["iterations"]:
        print(f"(targets are set for {base_spec['training']['iterations']} iterations; "
              f"with {args.iterations} the fixed costs weigh more)")

    return rows, torch_note, checks


def run_sweep_rows(args, binary, cores):
    """The two sweep rows (bench_sweeps.py), printed with their targets; returns
    ({overhead, cat}, checks)."""
    if not os.access(binary, os.X_OK):
        print(f"\n## Sweeps\n\nFAIL  sweep rows: no dnn-run executable at {binary}")
        return None, [("sweep rows", "FAIL", f"no dnn-run executable at {binary}")]
    print(f"sweep overhead (100 and {args.sweep_points} points) ...", file=sys.stderr)
    overhead = bench_sweeps.run_sweep_overhead(binary, args.sweep_points, run_measured, failure,
                                               workdir=args.sweep_dir)
    sweep_bench, sweep_bench_error = locate_sweep_bench(args)
    baseline_env = {k: v for k, v in os.environ.items() if k not in BASELINE_ENV_DROP}
    cat = bench_sweeps.run_cat_sweep(binary, sweep_bench, sweep_bench_error, cores, run_measured,
                                     failure, baseline_env)

    bench_sweeps.print_sweep_overhead(overhead)
    bench_sweeps.print_cat_sweep(cat)
    checks = bench_sweeps.check_sweep_overhead(overhead) + bench_sweeps.check_cat_sweep(cat)
    print("\n## Sweep targets\n")
    for target, verdict, detail in checks:
        print(f"{verdict}  {target}: {detail}")
    note = bench_sweeps.overhead_note(overhead)
    if note:
        print(note)
    return {"overhead": overhead, "cat": cat}, checks


_sweep_bench = None


def locate_sweep_bench(args):
    """(path of sweep-bench, None) or (None, why not): --sweep-bench, or built once."""
    global _sweep_bench
    if _sweep_bench is None:
        if args.sweep_bench:
            path = os.path.abspath(args.sweep_bench)
            _sweep_bench = (path, None) if os.access(path, os.X_OK) else (None, f"no executable at {path}")
        else:
            _sweep_bench = bench_sweeps.build_sweep_bench()
    return _sweep_bench


def run_mnist(args, binary, cores):
    """The MNIST-size workload (bench_mnist.py), printed with its targets; returns
    (result, checks)."""
    baseline_env = {k: v for k, v in os.environ.items() if k not in BASELINE_ENV_DROP}
    result = bench_mnist.run(sys.modules[__name__], binary, cores, baseline_env, args.mnist_examples,
                             args.mnist_iterations, args.no_torch)
    return result, bench_mnist.report(sys.modules[__name__], result)


def main():
    global WAIT_FOR_IDLE_SECONDS
    args = parse_arguments()
    WAIT_FOR_IDLE_SECONDS = args.wait_idle
    ensure_python_packages(args.install_torch)
    import yaml

    spec = os.path.abspath(args.spec)
    binary = os.path.abspath(args.binary)
    with open(spec) as f:
        base_spec = yaml.safe_load(f)
    overrides = [f"training.iterations={args.iterations}"] if args.iterations else []
    iterations = args.iterations or base_spec["training"]["iterations"]
    machine = machine_info()

    title = ("the sweep rows" if args.sweeps_only else "the MNIST-size workload" if args.mnist_only
             else f"{base_spec['name']}, {iterations} iterations")
    print(f"# dnn-run benchmark: {title}\n")
    print_machine(machine)
    dropped = [k for k in BASELINE_ENV_DROP if k in os.environ]
    if dropped:
        print(f"unset for the Python baselines: {', '.join(dropped)}")

    rows, torch_note, checks = [], None, []
    if not args.sweeps_only and not args.mnist_only:
        rows, torch_note, checks = run_main_table(args, spec, base_spec, binary, overrides)

    sweeps = None
    if not args.skip_sweeps and not args.mnist_only:
        sweeps, sweep_checks = run_sweep_rows(args, binary, machine["cores"])
        checks += sweep_checks

    mnist = None
    if not args.skip_mnist and not args.sweeps_only:
        mnist, mnist_checks = run_mnist(args, binary, machine["cores"])
        checks += mnist_checks

    scaling = None
    if args.skip_scaling or args.sweeps_only or args.mnist_only:
        pass
    elif not os.path.exists(binary):
        print(f"\nScaling skipped: no dnn-run at {binary}")
    else:
        print(f"scaling (budget {args.scaling_budget:.0f} s) ...", file=sys.stderr)
        with tempfile.TemporaryDirectory(prefix="dnn-run-bench-scaling-") as workdir:
            scaling = run_scaling(binary, base_spec, args.scaling_sizes, args.scaling_iterations,
                                  max(args.repeat, 1), args.scaling_budget, workdir)
        print_scaling(scaling, base_spec["training"]["iterations"])

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": machine, "spec": spec, "binary": binary, "iterations": iterations,
                       "rows": rows, "torch_note": torch_note,
                       "checks": [{"target": t, "verdict": v, "detail": d} for t, v, d in checks],
                       "scaling": scaling, "sweeps": sweeps, "mnist": mnist}, f, indent=1)
        print(f"\nraw results: {args.json}")
    if args.strict and any(verdict == "FAIL" for _, verdict, _ in checks):
        sys.exit(1)


def describe_blas(blas):
    """numpy's BLAS as course_numpy.py reported it, in one line."""
    if isinstance(blas, list):  # threadpoolctl
        return "; ".join(f"{p.get('internal_api')} {p.get('version')} ({p.get('architecture')} kernels, "
                         f"{p.get('num_threads')} threads)" for p in blas) or "none found"
    if isinstance(blas, dict):  # np.show_config
        return blas.get("openblas configuration") or f"{blas.get('name')} {blas.get('version')}"
    return str(blas)


if __name__ == "__main__":
    main()
