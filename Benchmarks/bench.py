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
and loading against pandas and h5py. At the top, the CPU (lscpu's model name, fma, avx2,
avx512f) and what the binary multiplies with (bench_machine.py); where it takes
`--arithmetic`, its rows run in both arithmetics, fma and kernel, side by side. A harness
that cannot be built or run is a FAIL line, never a missing row.
See Benchmarks/README.md for how to read the output.
"""
import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import bench_child
import bench_course2
import bench_gemm
import bench_loading
import bench_machine
import bench_mnist
import bench_mnist_adam
import bench_mnist_data
import bench_scaling
import bench_sweeps
import bench_table
# What bench_mnist.py and bench_sweeps.py use of the harness, which passes itself to them.
from bench_child import (BASELINE_ENV_DROP, failure, print_checks, run_measured,  # noqa: F401
                         set_arguments)
from bench_machine import machine_info, print_machine  # noqa: F401
from bench_table import (TORCH_IMPORT_FAILED, best_of, compare_costs, describe_blas,  # noqa: F401
                         print_table, read_run_folder, run_python_baseline)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# Python modules the harness and the baselines import, and their pip packages.
PYTHON_NEEDS = {"numpy": "numpy", "yaml": "pyyaml", "h5py": "h5py", "threadpoolctl": "threadpoolctl",
                "pandas": "pandas"}

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
    p.add_argument("--scaling-sizes", default=",".join(map(str, bench_scaling.SCALING_SIZES)),
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


# ---------------------------------------------------------------------------------------

def run_main_table(args, spec, base_spec, binary, overrides, probe):
    """The main table (numpy, PyTorch, each dnn-run engine in each arithmetic of `probe`,
    bench_machine.probe_kernel's) and its targets, printed; returns (rows, torch_note, checks)."""
    def repeated(run):
        return bench_table.best_of([run() for _ in range(max(args.repeat, 1))])

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
    by_engine = {}
    for engine in args.engines:
        def run_one(arithmetic):
            print(f"running dnn-run {engine}, arithmetic {arithmetic[0]} ...", file=sys.stderr)
            return bench_table.run_dnn_run(binary, spec, base_spec["name"], engine, overrides, arithmetic)
        # The primal engine's arithmetics are compared (issue 24): interleaved, best of
        # --arithmetic-repeat each; every row the best of --repeat at least.
        n = bench_machine.compare_repeat(probe["arithmetics"], args.arithmetic_repeat) if engine == "primal" else 1
        runs = bench_machine.interleaved(run_one, probe["arithmetics"], max(args.repeat, n))
        for i, (name, runs_of) in enumerate(runs.items()):
            row = {**bench_table.best_of(runs_of), "default_arithmetic": i == 0}
            rows.append(row)
            by_engine.setdefault(engine, {})[name] = row
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
    compared = by_engine.get("primal", {})
    if len(compared) > 1:
        print(f"\nthe primal rows: each arithmetic the best of {next(iter(compared.values())).get('repeats', 1)} "
              f"runs, interleaved ({' '.join(compared)}, then the other way round; --arithmetic-repeat)")

    checks = bench_table.check_targets(rows, reference, torch_row, torch_note)
    if "primal" in by_engine:
        checks += bench_machine.check_no_slower({"primal": by_engine["primal"]}, base_spec["name"])
    print("\n## Targets\n")
    print_checks(checks)
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
    baseline_env = bench_child.baseline_env()
    cat = bench_sweeps.run_cat_sweep(binary, sweep_bench, sweep_bench_error, cores, run_measured,
                                     failure, baseline_env)

    bench_sweeps.print_sweep_overhead(overhead)
    bench_sweeps.print_cat_sweep(cat)
    checks = bench_sweeps.check_sweep_overhead(overhead) + bench_sweeps.check_cat_sweep(cat)
    print("\n## Sweep targets\n")
    print_checks(checks)
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


def run_mnist(args, binary, machine, probe):
    """The MNIST-size workload (bench_mnist.py), printed with its targets; returns
    (result, checks)."""
    baseline_env = bench_child.baseline_env()
    result = bench_mnist.run(sys.modules[__name__], binary, machine, probe, baseline_env, args.mnist_examples,
                             args.mnist_iterations, args.no_torch, args.arithmetic_repeat)
    return result, bench_mnist.report(sys.modules[__name__], result)


def main():
    args = parse_arguments()
    bench_child.set_wait_idle(args.wait_idle)
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
    probe = bench_machine.probe_kernel(binary, run_measured, failure)
    bench_machine.print_kernel(probe)
    checks = bench_machine.check_probe(probe)
    print_checks(checks)
    dropped = [k for k in BASELINE_ENV_DROP if k in os.environ]
    if dropped:
        print(f"unset for the Python baselines: {', '.join(dropped)}")

    rows, torch_note = [], None
    if not args.sweeps_only and not args.mnist_only:
        rows, torch_note, table_checks = run_main_table(args, spec, base_spec, binary, overrides, probe)
        checks += table_checks

    sweeps = None
    if not args.skip_sweeps and not args.mnist_only:
        sweeps, sweep_checks = run_sweep_rows(args, binary, machine["cores"])
        checks += sweep_checks

    course2 = None
    if not args.sweeps_only and not args.mnist_only:
        course2, course2_checks = bench_course2.run(binary, args.repeat)
        print_checks(course2_checks)
        checks += course2_checks

    mnist, mnist_adam = None, None
    if not args.skip_mnist and not args.sweeps_only:
        mnist, mnist_checks = run_mnist(args, binary, machine, probe)
        checks += mnist_checks
        mnist_adam = bench_mnist_adam.run(sys.modules[__name__], binary, machine, bench_child.baseline_env(),
                                          args.mnist_examples, bench_mnist_adam.EPOCHS, args.no_torch)
        checks += bench_mnist_adam.report(sys.modules[__name__], mnist_adam)

    scaling = None
    if args.skip_scaling or args.sweeps_only or args.mnist_only:
        pass
    elif not os.path.exists(binary):
        print(f"\nScaling skipped: no dnn-run at {binary}")
    else:
        print(f"scaling (budget {args.scaling_budget:.0f} s) ...", file=sys.stderr)
        with tempfile.TemporaryDirectory(prefix="dnn-run-bench-scaling-") as workdir:
            scaling = bench_scaling.run_scaling(binary, base_spec, args.scaling_sizes, args.scaling_iterations,
                                                max(args.repeat, 1), args.scaling_budget, workdir)
        bench_scaling.print_scaling(scaling, base_spec["training"]["iterations"])

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": machine, "kernel": probe, "spec": spec, "binary": binary, "iterations": iterations,
                       "rows": rows, "torch_note": torch_note,
                       "checks": [{"target": t, "verdict": v, "detail": d} for t, v, d in checks],
                       "scaling": scaling, "sweeps": sweeps, "mnist": mnist, "mnist_adam": mnist_adam,
                       "course2": course2}, f, indent=1)
        print(f"\nraw results: {args.json}")
    if args.strict and any(verdict == "FAIL" for _, verdict, _ in checks):
        sys.exit(1)


def doctests_of_every_module():
    """`python3 -m doctest bench.py` (make test) finds only this file's doctests; this one
    runs those of every module the harness is made of, each in its own namespace:

    >>> import doctest
    >>> [m.__name__ for m in DOCTESTED if doctest.testmod(m, verbose=False).failed]
    []
    """


DOCTESTED = (bench_child, bench_machine, bench_table, bench_scaling, bench_sweeps, bench_mnist, bench_gemm,
             bench_loading, bench_mnist_data, bench_mnist_adam, bench_course2)


if __name__ == "__main__":
    main()
