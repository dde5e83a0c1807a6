"""bench_table.py: bench.py's main table (Benchmarks/README.md, "What is measured", "The
targets"): the rows of numpy, PyTorch and each dnn-run engine on the course's cat model,
read back from what they print or write, and the project's targets judged on them.
"""
import glob
import json
import os
import sys
import tempfile
from pathlib import Path

from bench_child import BASELINE_ENV_DROP, NOISY_CORES, failure, noise_note, run_measured, set_arguments

HERE = Path(__file__).resolve().parent

# course_torch.py's exit status when it cannot import torch.
TORCH_IMPORT_FAILED = 3

# The project's targets.
WHOLE_PROCESS_SPEEDUP = 30
TRAINING_SPEEDUP = 50
PEAK_RSS_MB = 60
COST_TOLERANCE = 1e-9
PRIMAL_SPEEDUP = 2         # the cat model's primal engine (issue 24)


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


def run_dnn_run(binary, spec, spec_name, engine, overrides, arithmetic=("unknown", []), label=None):
    """A row for one engine of dnn-run in one arithmetic ((name, extra argv), as
    bench_machine.probe_kernel lists them), read back from the results tree it writes."""
    name, extra = arithmetic
    row = {"name": f"dnn-run {engine}, {label + ', ' if label else ''}{name}", "engine": engine, "arithmetic": name}
    if not os.access(binary, os.X_OK):
        return {**row, "error": f"no dnn-run executable at {binary}"}
    with tempfile.TemporaryDirectory(prefix="dnn-run-bench-") as results:
        cmd = [binary, spec, "--set", f"training.engine={engine}", *set_arguments(overrides),
               "--results", results, "--quiet", *extra]
        run = run_measured(cmd)
        row.update(wall_seconds=run["wall"], maxrss_mb=run["maxrss_mb"], other_cores=run["other_cores"])
        if run["status"] != 0:
            return {**row, "error": failure(run)}
        try:
            row.update(error=None, **read_run_folder(results, spec_name))
        except (OSError, ValueError, KeyError) as error:
            return {**row, "error": f"unreadable results: {error}"}
        row["error"] = arithmetic_mismatch(row, extra)
        return row


def arithmetic_mismatch(row, extra):
    """Why a row run with `--arithmetic NAME` does not count: its manifest records another
    arithmetic; else None.

    >>> arithmetic_mismatch({"arithmetic": "fma", "recorded_arithmetic": "kernel"}, ["--arithmetic", "fma"])
    'ran with --arithmetic fma, but its manifest records "arithmetic": "kernel"'
    >>> arithmetic_mismatch({"arithmetic": "kernel", "recorded_arithmetic": None}, []) is None
    True
    """
    if extra and row.get("recorded_arithmetic") != row["arithmetic"]:
        return (f"ran with --arithmetic {row['arithmetic']}, but its manifest records "
                f"\"arithmetic\": {json.dumps(row.get('recorded_arithmetic'))}")
    return None


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
            "engine_used": manifest.get("engine"), "blas": describe_dnn_run_blas(manifest),
            "recorded_arithmetic": manifest.get("arithmetic")}


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
            if r.get("other_cores") is not None and r["other_cores"] > NOISY_CORES]
    if busy:
        print(f"\nwarning: other processes kept cores busy (on average) while these ran: "
              f"{', '.join(busy)}; their times are not to be trusted")
    for row in rows:
        if row["error"]:
            print(f"\n{row['name']} failed: {row['error']}")
        elif row.get("cost_note"):
            print(f"\n{row['name']}: {row['cost_note']}")


def check_targets(rows, reference, torch_row, torch_note=None):
    """[(target, PASS | FAIL | SKIP, detail)] for the project's targets. The speed targets
    are judged on the rows of the default arithmetic (default_arithmetic; the first the
    bench runs), memory and costs on every row."""
    engines = [r for r in rows if r["name"].startswith("dnn-run")]
    ran = [r for r in engines if not r["error"]]
    judged = [r for r in ran if r.get("default_arithmetic", True)]
    failed = ", ".join(r["name"] for r in engines if r["error"])
    checks = []

    def add(target, passed, detail):
        checks.append((target, "PASS" if passed else "FAIL", detail))

    if reference["error"]:
        return [("every target", "FAIL", "the numpy reference failed")]
    if not judged:
        return [("every target", "FAIL", "no dnn-run engine ran" + (f" ({failed} failed)" if failed else ""))]

    fastest = min(judged, key=lambda r: r["wall_seconds"])
    speedup = reference["wall_seconds"] / fastest["wall_seconds"]
    add(f"whole process <= 1/{WHOLE_PROCESS_SPEEDUP} of numpy", speedup >= WHOLE_PROCESS_SPEEDUP,
        f"{fastest['name']}: {speedup:.1f}x" + noise_note([fastest, reference]))
    fastest = min(judged, key=lambda r: r["train_seconds"])
    speedup = reference["train_seconds"] / fastest["train_seconds"]
    add(f"training loop <= 1/{TRAINING_SPEEDUP} of numpy", speedup >= TRAINING_SPEEDUP,
        f"{fastest['name']}: {speedup:.1f}x" + noise_note([fastest, reference]))

    primal = next((r for r in engines if r.get("engine") == "primal" and r.get("default_arithmetic", True)), None)
    target = f"primal training loop >= {PRIMAL_SPEEDUP}x faster than numpy's (issue 24)"
    if primal is None:
        checks.append((target, "SKIP", "the primal engine was not run (--engines)"))
    elif primal["error"]:
        add(target, False, f"{primal['name']} failed")
    else:
        speedup = reference["train_seconds"] / primal["train_seconds"]
        add(target, speedup >= PRIMAL_SPEEDUP,
            f"{primal['name']} {primal['train_seconds']:.3f} s vs numpy {reference['train_seconds']:.3f} s = "
            f"{speedup:.2f}x" + noise_note([primal, reference]))

    if torch_row is None:
        checks.append(("primal faster than PyTorch", "SKIP", torch_note or "no PyTorch row"))
    elif torch_row["error"]:
        add("primal faster than PyTorch", False, "the PyTorch row failed")
    elif primal is None or primal["error"]:
        add("primal faster than PyTorch", False, "no primal result")
    else:
        add("primal faster than PyTorch", primal["train_seconds"] < torch_row["train_seconds"],
            f"{primal['train_seconds']:.3f} s vs {torch_row['train_seconds']:.3f} s" + noise_note([primal, torch_row]))

    add(f"dnn-run peak RSS <= {PEAK_RSS_MB} MB",
        not failed and all(r["maxrss_mb"] <= PEAK_RSS_MB for r in ran),
        ", ".join(f"{r['name']} {r['maxrss_mb']:.1f} MB" for r in ran) + (f"; {failed} failed" if failed else ""))
    add(f"every engine's costs within {COST_TOLERANCE:g} of numpy",
        not failed and all(r.get("cost_difference") is not None and r["cost_difference"] <= COST_TOLERANCE
                           for r in ran),
        ", ".join(f"{r['name']} {number(r.get('cost_difference'), '.1e') or 'n/a'}" for r in ran)
        + (f"; {failed} failed" if failed else ""))
    return checks


def describe_blas(blas):
    """numpy's BLAS as course_numpy.py reported it, in one line."""
    if isinstance(blas, list):  # threadpoolctl
        return "; ".join(f"{p.get('internal_api')} {p.get('version')} ({p.get('architecture')} kernels, "
                         f"{p.get('num_threads')} threads)" for p in blas) or "none found"
    if isinstance(blas, dict):  # np.show_config
        return blas.get("openblas configuration") or f"{blas.get('name')} {blas.get('version')}"
    return str(blas)


