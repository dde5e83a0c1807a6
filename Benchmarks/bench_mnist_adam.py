#!/usr/bin/env python3
"""bench_mnist_adam.py: MNIST-size mini-batch training (issue 25): bench_mnist_data.py's
synthetic 60000 x 784 set, `layer_dims: [784, 128, 64, 1]`, `init: he`, Adam (learning rate
0.001, the course's betas and epsilon), mini-batches of 128, 3 epochs, the cost of every
epoch recorded; trained by numpy (course2_numpy.py, the optimization notebook's
algorithm), PyTorch CPU float64 (course2_torch.py, the same steps) and dnn-run's primal
engine, side by side in one run; the machine's dgemm rates on the mini-batch products'
own shapes (bench_gemm.py) and the workload's FLOP floor at them.

bench.py runs it after the MNIST-size rows (`--skip-mnist` skips both); it also runs alone:

    python3 Benchmarks/bench_mnist_adam.py [--binary .build/release/dnn-run]
        [--mnist-examples 10000] [--epochs 1] [--no-torch] [--json FILE]

Every row is its own child process (bench.py's run_measured: wall, the child's own peak
RSS, others' CPU).
"""
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import bench_gemm
import bench_mnist
import bench_mnist_data
from bench_child import noise_note
from bench_table import ratio

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

EXAMPLES, LAYER_DIMS = bench_mnist_data.EXAMPLES, bench_mnist_data.LAYER_DIMS
EPOCHS, BATCH, LEARNING_RATE = 3, 128, 0.001
TRAINING = {"optimizer": "adam", "mini_batch_size": BATCH, "learning_rate": LEARNING_RATE}

# The targets (issue 25).
SPEEDUP = 2.0          # dnn-run's training loop >= 2x faster than numpy's
FLOOR_FACTOR = 2.0     # dnn-run's training loop <= 2x the FLOP floor (each product at its shape's best rate)
COST_TOLERANCE = 1e-9  # every recorded cost within 1e-9 of numpy's
DNN_RUN_REPEAT = 2     # dnn-run runs this often (seconds: the fastest); the baselines once


def batch_products(m, batch, layer_dims):
    """(what, M, N, K, trans, times) of one epoch: bench_gemm.products of a full batch, m //
    batch times, and of the last, shorter batch once when batch does not divide m.

    >>> [(p[0], p[4], p[5]) for p in batch_products(300, 128, [4, 3, 1])][:3]
    [('Z1 = W1 A0', 'NN', 2), ('dW1 = dZ1 A0^T', 'NT', 2), ('Z2 = W2 A1', 'NN', 2)]
    >>> [(p[2], p[5]) for p in batch_products(300, 128, [4, 3, 1])][5:]
    [(44, 1), (4, 1), (44, 1), (3, 1), (44, 1)]
    """
    out = [(*p, m // batch) for p in bench_gemm.products(batch, layer_dims)] if m // batch else []
    if m % batch:
        out += [(*p, 1) for p in bench_gemm.products(m % batch, layer_dims)]
    return out


def floor(libraries, m, epochs):
    """The workload's FLOPs and its floor: each product at the best rate measured on its own
    shape (DeepNet's kernel included), as bench_gemm.floors' (b)."""
    total, seconds, missing = 0, 0.0, []
    for what, M, N, K, trans, times in batch_products(m, BATCH, LAYER_DIMS):
        flops = bench_gemm.flops_of(M, N, K) * times * epochs
        rate, _ = bench_gemm.best_rate(libraries, bench_gemm.shape_key(M, N, K, trans))
        total += flops
        if rate:
            seconds += flops / (rate * 1e9)
        else:
            missing.append(bench_gemm.product_label(M, N, K, trans))
    return {"flops": total, "seconds": None if missing else seconds, "missing": missing}


def write_spec(path, data, epochs):
    bench_mnist_data.write_spec(path, data["train_h5"], data["test_h5"], epochs, csv=False)
    text = Path(path).read_text().replace(f"learning_rate: {bench_mnist_data.LEARNING_RATE}\n",
                                          f"learning_rate: {LEARNING_RATE}\n")
    Path(path).write_text(text + f"  optimizer: adam\n  mini_batch_size: {BATCH}\n")


def run(harness, binary, machine, baseline_env, examples, epochs, no_torch):
    """The whole workload; returns the result dict (see report)."""
    start = time.perf_counter()
    cpu_flags = {flag for flag, present in machine["cpu_info"]["flags"].items() if present}
    test_examples = max(1, round(examples * bench_mnist_data.TEST_EXAMPLES / EXAMPLES))
    result = {"examples": examples, "epochs": epochs, "batch": BATCH, "layer_dims": LAYER_DIMS, **TRAINING}
    with tempfile.TemporaryDirectory(prefix="dnn-run-bench-adam-") as workdir:
        print(f"MNIST-size Adam: writing {examples} + {test_examples} examples ...", file=sys.stderr)
        data = bench_mnist_data.write_data_in_child(workdir, examples, test_examples)
        spec = Path(workdir) / "adam.yaml"
        write_spec(spec, data, epochs)
        shapes = []
        for _, M, N, K, trans, _ in batch_products(examples, BATCH, LAYER_DIMS):
            if bench_gemm.shape_key(M, N, K, trans) not in shapes:
                shapes.append(bench_gemm.shape_key(M, N, K, trans))
        result["gemm"], _ = bench_gemm.measure_gemm_rates(harness, shapes, machine["cores"], baseline_env,
                                                          workdir, cpu_flags)
        result["floor"] = floor(result["gemm"], examples, epochs)

        print("  numpy (Adam, mini-batches) ...", file=sys.stderr)
        reference = harness.run_python_baseline("numpy (course2_numpy.py)", "course2_numpy.py", str(spec), [])
        rows, result["torch_note"] = [reference], None
        if no_torch:
            result["torch_note"] = "PyTorch skipped (--no-torch)"
        else:
            print("  PyTorch (Adam, mini-batches) ...", file=sys.stderr)
            torch_row = harness.run_python_baseline("PyTorch CPU float64 (course2_torch.py)", "course2_torch.py",
                                                    str(spec), [])
            if torch_row.get("status") == harness.TORCH_IMPORT_FAILED:
                result["torch_note"] = (f"PyTorch skipped: {torch_row['error'].splitlines()[-1]} "
                                        f"(pip install torch, or run bench.py with --install-torch)")
            else:
                rows.append(torch_row)
        timeout = None if reference["error"] else max(600, 10 * reference["wall_seconds"])
        runs = []
        for _ in range(DNN_RUN_REPEAT):
            print("  dnn-run (Adam, mini-batches) ...", file=sys.stderr)
            runs.append(bench_mnist.run_dnn_run(harness, binary, spec, "primal", [], "Adam", timeout))
        rows.append(harness.best_of(runs))
        for row in rows[1:]:
            harness.compare_costs(row, reference)
        result["rows"] = rows
    result["seconds"] = time.perf_counter() - start
    return result


def print_result(harness, result):
    print(f"\n## MNIST-size mini-batch training: {result['examples']} x {LAYER_DIMS[0]}, {LAYER_DIMS}, "
          f"Adam (learning rate {LEARNING_RATE}), batches of {BATCH}, {result['epochs']} epochs\n")
    reference = result["rows"][0]
    print("| implementation | training s | wall s | x numpy (training) | peak RSS MB | max cost diff | others' CPU |")
    print("|---|---|---|---|---|---|---|")
    for r in result["rows"]:
        if r["error"]:
            print(f"| {r['name']} | FAILED: {r['error'].splitlines()[0]} | | | | | |")
            continue
        diff = r.get("cost_difference")
        print(f"| {r['name']} | {r['train_seconds']:.2f} | {r['wall_seconds']:.2f} | "
              f"{ratio(reference.get('train_seconds'), r['train_seconds'])} | {r['maxrss_mb']:.0f} | "
              f"{'' if diff is None else format(diff, '.1e')} | {r['other_cores']:.2f} |")
    if result["torch_note"]:
        print(f"\n{result['torch_note']}")
    fl = result["floor"]
    print(f"\n{fl['flops'] / 1e9:.1f} GFLOP in the matrix products; floor, each product at the best rate measured "
          f"on its own shape: " + (f"{fl['seconds']:.2f} s" if fl["seconds"] else
                                   f"not measured ({', '.join(fl['missing'])})"))


def check(result):
    """[(target, PASS | FAIL | SKIP, detail)] of issue 25's targets for this workload."""
    rows = result["rows"]
    reference, ours = rows[0], rows[-1]
    torch_row = next((r for r in rows if r["name"].startswith("PyTorch")), None)
    name = "MNIST-size Adam"
    if reference["error"] or ours["error"]:
        which = "numpy" if reference["error"] else "dnn-run"
        return [(f"{name}: every target", "FAIL", f"the {which} row failed")]
    checks = []
    speedup = reference["train_seconds"] / ours["train_seconds"]
    checks.append((f"{name}: dnn-run training loop >= {SPEEDUP:g}x faster than numpy's",
                   "PASS" if speedup >= SPEEDUP else "FAIL",
                   f"{ours['train_seconds']:.2f} s vs {reference['train_seconds']:.2f} s, {speedup:.2f}x"
                   + noise_note([ours, reference])))
    target = f"{name}: dnn-run training loop faster than PyTorch float64's"
    if torch_row is None:
        checks.append((target, "SKIP", result["torch_note"] or "no PyTorch row"))
    elif torch_row["error"]:
        checks.append((target, "FAIL", "the PyTorch row failed"))
    else:
        checks.append((target, "PASS" if ours["train_seconds"] < torch_row["train_seconds"] else "FAIL",
                       f"{ours['train_seconds']:.2f} s vs {torch_row['train_seconds']:.2f} s"
                       + noise_note([ours, torch_row])))
    fl = result["floor"]["seconds"]
    target = f"{name}: dnn-run training loop within {FLOOR_FACTOR:g}x of the FLOP floor"
    if not fl:
        checks.append((target, "FAIL", "no floor: not every product shape has a dgemm rate"))
    else:
        checks.append((target, "PASS" if ours["train_seconds"] <= FLOOR_FACTOR * fl else "FAIL",
                       f"{ours['train_seconds']:.2f} s / {fl:.2f} s = {ours['train_seconds'] / fl:.2f}x"
                       + noise_note([ours])))
    checks.append((f"{name}: dnn-run peak RSS below numpy's",
                   "PASS" if ours["maxrss_mb"] < reference["maxrss_mb"] else "FAIL",
                   f"{ours['maxrss_mb']:.0f} MB vs {reference['maxrss_mb']:.0f} MB"))
    compared = [r for r in rows[1:] if not r["error"]]
    checks.append((f"{name}: every recorded cost within {COST_TOLERANCE:g} of numpy's",
                   "PASS" if all((r.get("cost_difference") is not None and r["cost_difference"] <= COST_TOLERANCE)
                                 for r in compared) else "FAIL",
                   ", ".join(f"{r['name']} " + ("n/a" if r.get("cost_difference") is None
                                                else format(r["cost_difference"], ".1e")) for r in compared)))
    return checks


def report(harness, result):
    """Print the result and its targets; returns the checks."""
    print_result(harness, result)
    checks = check(result)
    print("\n## MNIST-size Adam targets\n")
    harness.print_checks(checks)
    if (result["examples"], result["epochs"]) != (EXAMPLES, EPOCHS):
        print(f"(the targets are set for {EXAMPLES} examples and {EPOCHS} epochs; this run used "
              f"{result['examples']} and {result['epochs']})")
    return checks


def main():
    import argparse
    import bench as harness
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--binary", default=str(ROOT / ".build/release/dnn-run"))
    p.add_argument("--mnist-examples", type=int, default=EXAMPLES, metavar="N")
    p.add_argument("--epochs", type=int, default=EPOCHS, metavar="N")
    p.add_argument("--no-torch", action="store_true", help="skip the PyTorch row")
    p.add_argument("--json", metavar="FILE", help="also write every measurement to FILE")
    args = p.parse_args()
    harness.ensure_python_packages(False)
    machine = harness.machine_info()
    harness.print_machine(machine)
    result = run(harness, os.path.abspath(args.binary), machine, harness.bench_child.baseline_env(),
                 args.mnist_examples, args.epochs, args.no_torch)
    checks = report(harness, result)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": machine, "mnist_adam": result,
                       "checks": [{"target": t, "verdict": v, "detail": d} for t, v, d in checks]}, f, indent=1)


if __name__ == "__main__":
    main()
