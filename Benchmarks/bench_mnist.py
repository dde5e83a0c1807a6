#!/usr/bin/env python3
"""bench_mnist.py: the MNIST-size workload (issue 11): synthetic 8-bit data of 60000
examples x 784 features, `layer_dims: [784, 128, 64, 1]`, `init: he`, learning rate 0.05,
100 iterations, trained by numpy (the course algorithm), PyTorch CPU float64 and dnn-run
from HDF5 and from CSV (in each arithmetic of the binary, side by side, issue 24); the
machine's dgemm rates on the workload's own product shapes and the workload's FLOP floors
(bench_gemm.py); dnn-run's loading against pandas and h5py (bench_loading.py). The data
and specs are bench_mnist_data.py's. See Benchmarks/README.md, "The MNIST-size rows".

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
import resource
import sys
import tempfile
import time
from pathlib import Path

import bench_gemm
import bench_loading
import bench_machine
import bench_mnist_data
from bench_child import noise_note
from bench_table import arithmetic_mismatch


HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# The workload (issue 11): bench_mnist_data.py's EXAMPLES, FEATURES, LAYER_DIMS, ...
EXAMPLES, TEST_EXAMPLES, ITERATIONS = bench_mnist_data.EXAMPLES, bench_mnist_data.TEST_EXAMPLES, bench_mnist_data.ITERATIONS
FEATURES, LAYER_DIMS, LEARNING_RATE = bench_mnist_data.FEATURES, bench_mnist_data.LAYER_DIMS, bench_mnist_data.LEARNING_RATE
SPEC_NAME = bench_mnist_data.SPEC_NAME
# --quick: a smoke test of the rows, not the targets' workload.
QUICK_EXAMPLES, QUICK_ITERATIONS = 10000, 5

# The targets (issues 11 and 24).
TRAINING_SPEEDUP = 1.5     # dnn-run's training loop >= 1.5x faster than numpy's (issue 24; 1.3x in issue 11)
FLOOR_FACTOR = 1.3         # dnn-run's training loop <= 1.3x the FLOP floor
RSS_FRACTION = 0.6         # dnn-run's peak RSS <= 0.6 x numpy's
COST_TOLERANCE = 1e-9      # every recorded cost within 1e-9 of numpy's

# Runs of each arithmetic where two are compared, interleaved (--arithmetic-repeat).
ARITHMETIC_REPEAT = 2
# A process this many times slower than numpy's time is called hung and killed.
ROW_TIMEOUT_FACTOR = 10


def add_arguments(parser):
    """The options of this workload, shared by bench.py and running this file alone."""
    parser.add_argument("--mnist-examples", type=int, metavar="N",
                        help=f"training examples (default {EXAMPLES}; {QUICK_EXAMPLES} with --quick)")
    parser.add_argument("--mnist-iterations", type=int, metavar="N",
                        help=f"iterations (default {ITERATIONS}; {QUICK_ITERATIONS} with --quick)")
    parser.add_argument("--arithmetic-repeat", type=int, default=ARITHMETIC_REPEAT, metavar="N",
                        help="where two arithmetics are compared (the cat model's primal rows, the MNIST-size "
                             f"HDF5 rows): runs of each, interleaved, the best kept (default {ARITHMETIC_REPEAT})")


def settle_arguments(parser, args, quick=False):
    """Defaults of --mnist-examples/--mnist-iterations, checked."""
    if args.arithmetic_repeat < 1:
        parser.error("--arithmetic-repeat must be at least 1")
    if args.mnist_examples is None:
        args.mnist_examples = QUICK_EXAMPLES if quick else EXAMPLES
    if args.mnist_iterations is None:
        args.mnist_iterations = QUICK_ITERATIONS if quick else ITERATIONS
    if not 10 <= args.mnist_examples <= 1_000_000:
        parser.error("--mnist-examples must be between 10 and 1000000")
    if not 1 <= args.mnist_iterations <= 100_000:
        parser.error("--mnist-iterations must be between 1 and 100000")


# ---------------------------------------------------------------------------------------
# The rows

def run_dnn_run(harness, binary, spec, engine, overrides, label, timeout=None, arithmetic=None):
    """A dnn-run row read back from its results tree, with the manifest's engine_reason; in
    `arithmetic` ((name, extra argv) of bench_machine.probe_kernel) if given, else the
    binary's default."""
    name = f"dnn-run {engine}, {label}" + (f", {arithmetic[0]}" if arithmetic else "")
    extra = arithmetic[1] if arithmetic else []
    row = {"name": name, "engine": engine, "arithmetic": arithmetic[0] if arithmetic else None}
    if not os.access(binary, os.X_OK):
        return {**row, "error": f"no dnn-run executable at {binary}"}
    with tempfile.TemporaryDirectory(prefix="dnn-run-bench-mnist-") as results:
        cmd = [binary, str(spec), "--set", f"training.engine={engine}",
               *harness.set_arguments(overrides), "--results", results, "--quiet", *extra]
        run = harness.run_measured(cmd, timeout=timeout)
        row.update(wall_seconds=run["wall"], maxrss_mb=run["maxrss_mb"], other_cores=run["other_cores"])
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
        row["error"] = arithmetic_mismatch(row, extra)
        return row


def run_rows(harness, binary, specs, no_torch, probe, repeat):
    """numpy, PyTorch, dnn-run from HDF5 and from CSV in each arithmetic of `probe`:
    (rows, reference, torch_row, torch_note)."""
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
        def run_one(arithmetic):
            print(f"  dnn-run from {fmt.upper()}, arithmetic {arithmetic[0]} ...", file=sys.stderr)
            return run_dnn_run(harness, binary, specs[fmt], "primal", [], f"from {fmt.upper()}", timeout, arithmetic)
        # The arithmetics are compared on the HDF5 rows: interleaved, the best of `repeat` each.
        n = bench_machine.compare_repeat(probe["arithmetics"], repeat) if fmt == "hdf5" else 1
        for i, runs in enumerate(bench_machine.interleaved(run_one, probe["arithmetics"], n).values()):
            rows.append({**harness.best_of(runs), "default_arithmetic": i == 0, "format": fmt})
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

def run(harness, binary, machine, probe, baseline_env, examples, iterations, no_torch, repeat=ARITHMETIC_REPEAT):
    """The whole workload, dnn-run's rows in each arithmetic of `probe` (bench_machine's);
    returns the result dict (see print_result and check)."""
    start = time.perf_counter()
    cores = machine["cores"]
    cpu_flags = {flag for flag, present in machine["cpu_info"]["flags"].items() if present}
    test_examples = max(1, round(examples * TEST_EXAMPLES / EXAMPLES))
    result = {"examples": examples, "test_examples": test_examples, "iterations": iterations,
              "layer_dims": LAYER_DIMS, "learning_rate": LEARNING_RATE, "threads": cores}
    with tempfile.TemporaryDirectory(prefix="dnn-run-bench-mnist-data-") as workdir:
        print(f"MNIST-size workload: writing {examples} + {test_examples} examples ...", file=sys.stderr)
        data = bench_mnist_data.write_data_in_child(workdir, examples, test_examples)
        result["data"] = {"seconds": data["seconds"], "bytes": data["bytes"],
                          "positive_fraction": data["positive_fraction"], "directory": workdir}
        specs = {}
        for fmt in ("hdf5", "csv"):
            ext = "csv" if fmt == "csv" else "h5"
            for key, train, test in ((fmt, "train", "test"), (f"load_full_{fmt}", "train", None),
                                     (f"load_tiny_{fmt}", "tiny", None)):
                specs[key] = Path(workdir) / f"{key}.yaml"
                bench_mnist_data.write_spec(specs[key], data[f"{train}_{ext}"], test and data[f"{test}_{ext}"], iterations, fmt == "csv")

        square = bench_gemm.GEMM_SQUARE
        shapes = [bench_gemm.shape_key(square, square, square, "NN")]
        for _, M, N, K, trans in bench_gemm.products(examples, LAYER_DIMS):
            if bench_gemm.shape_key(M, N, K, trans) not in shapes:
                shapes.append(bench_gemm.shape_key(M, N, K, trans))
        result["gemm"], result["kernel_build"] = bench_gemm.measure_gemm_rates(
            harness, shapes, cores, baseline_env, workdir, cpu_flags)
        result["gemm_shapes"] = shapes
        result["floors"] = bench_gemm.floors(result["gemm"], examples, iterations, LAYER_DIMS)

        rows, reference, torch_row, torch_note = run_rows(harness, binary, specs, no_torch, probe, repeat)
        result.update(rows=rows, torch_note=torch_note)
        result["auto"] = run_auto(harness, binary, specs["hdf5"])
        result["loading"] = bench_loading.measure_loading(harness, run_dnn_run, binary, specs, data, baseline_env)
    result["seconds"] = time.perf_counter() - start
    result["harness_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6
    return result


# ---------------------------------------------------------------------------------------
# Printing and the targets

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

    bench_gemm.print_gemm(result)
    bench_gemm.print_floors(result)

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
    compared = [r for r in rows if r.get("format") == "hdf5"]
    if len(compared) > 1:
        print(f"\nthe rows from HDF5: each arithmetic the best of {compared[0].get('repeats', 1)} runs, interleaved "
              f"({' '.join(r['arithmetic'] for r in compared)}, then the other way round; --arithmetic-repeat)")
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

    bench_loading.print_loading(result["loading"])
    print(f"\npeak RSS is each child's own, as GNU time reports it (bench.py's run_measured); the harness's "
          f"own peak, which wait4 on a child would carry over, is {result['harness_maxrss_mb']:.0f} MB")


def check(result):
    """[(target, PASS | FAIL | SKIP, detail)] of issue 11's and issue 24's targets for this
    workload: speed and floors judged on the default arithmetic's rows, memory and costs on
    every row; the default arithmetic no slower than the other; the dgemm rates' harnesses
    and DeepNet's kernel against the best BLAS (bench_gemm.check_gemm)."""
    rows = result["rows"]
    reference = rows[0]
    torch_row = next((r for r in rows if r["name"].startswith("PyTorch")), None)
    dnn = [r for r in rows if r["name"].startswith("dnn-run")]
    ran = [r for r in dnn if not r["error"]]
    judged = [r for r in ran if r.get("default_arithmetic", True)]
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
        if torch_row is None:
            skip(target, result.get("torch_note") or "no PyTorch row")
        elif torch_row["error"]:
            add(target, False, "the PyTorch row failed")
        else:
            rows_judged = judged if key == "train_seconds" else ran
            add(target, not failed and all(r[key] < torch_row[key] for r in rows_judged),
                each(f"{r['name']} {fmt(r[key])}" for r in rows_judged) + f" vs {fmt(torch_row[key])}"
                + (noise_note([*rows_judged, torch_row]) if key == "train_seconds" else ""))

    gemm_checks = [(f"MNIST-size: {t}", v, d) for t, v, d in bench_gemm.check_gemm(result)]
    if reference["error"]:
        return [("MNIST-size: every target", "FAIL", "the numpy reference failed")] + gemm_checks
    if not judged:
        return [("MNIST-size: every target", "FAIL", f"no dnn-run row ran ({failed} failed)")] + gemm_checks

    add(f"dnn-run training loop >= {TRAINING_SPEEDUP}x faster than numpy's",
        not failed and all(reference["train_seconds"] / r["train_seconds"] >= TRAINING_SPEEDUP for r in judged),
        each(f"{r['name']} {r['train_seconds']:.2f} s, {reference['train_seconds'] / r['train_seconds']:.2f}x"
             for r in judged) + f" (numpy {reference['train_seconds']:.2f} s)" + noise_note([*judged, reference]))
    below_torch("dnn-run training loop faster than PyTorch's", "train_seconds", lambda v: f"{v:.2f} s")

    fl = result["floors"]
    for key, what in (("floor_a_seconds", "(a): all FLOPs at the best 2000x2000 rate"),
                      ("floor_b_seconds", "(b): each product at the best rate on its shape")):
        target = f"dnn-run training loop within {FLOOR_FACTOR}x of FLOP floor {what}"
        if not fl.get(key):
            add(target, False, "no floor: the dgemm rates were not measured")
        else:
            add(target, not failed and all(r["train_seconds"] <= FLOOR_FACTOR * fl[key] for r in judged),
                each(f"{r['name']} {r['train_seconds']:.2f} s / {fl[key]:.2f} s = {r['train_seconds'] / fl[key]:.2f}x"
                     for r in judged) + noise_note(judged))
    groups = {}
    for r in dnn:
        if r["format"] == "hdf5":  # the rows run for the comparison (run_rows)
            groups.setdefault(f"from {r['format'].upper()}", {})[r["arithmetic"]] = r
    checks += bench_machine.check_no_slower(groups, "MNIST-size: dnn-run")

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

    checks += [(f"MNIST-size: {t}", v, d) for t, v, d in bench_loading.check_loading(result["loading"])]
    return checks + gemm_checks


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
    probe = bench_machine.probe_kernel(binary, harness.run_measured, harness.failure)
    bench_machine.print_kernel(probe)
    harness.print_checks(bench_machine.check_probe(probe))
    result = run(harness, binary, machine, probe, harness.bench_child.baseline_env(), args.mnist_examples,
                 args.mnist_iterations, args.no_torch, args.arithmetic_repeat)
    checks = bench_machine.check_probe(probe) + report(harness, result)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": machine, "kernel": probe, "binary": binary, "mnist": result,
                       "checks": [{"target": t, "verdict": v, "detail": d} for t, v, d in checks]}, f, indent=1)
        print(f"\nraw results: {args.json}")
    if args.strict and any(v == "FAIL" for _, v, _ in checks):
        sys.exit(1)


def report(harness, result):
    """Print the result and its targets; returns the checks."""
    print_result(harness, result)
    checks = check(result)
    print("\n## MNIST-size targets\n")
    harness.print_checks(checks)
    if note(result):
        print(note(result))
    return checks


if __name__ == "__main__":
    main()
