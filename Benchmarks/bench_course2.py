"""bench_course2.py: the course's second part in `make bench` (issue 25): the optimization
notebook's Adam run (experiments/course2/opt_adam.yaml: moons, [2, 5, 2, 1], 10000 epochs of
5 mini-batches), dnn-run's whole process against the training loop alone of
course2_numpy.py (the notebook in numpy), side by side in one run, with its target: at
least 50x.
"""
import json
import os
import subprocess
import sys
import tempfile

import bench_child

HERE = os.path.dirname(os.path.abspath(__file__))
ADAM_SPEC = os.path.join(os.path.dirname(HERE), "experiments", "course2", "opt_adam.yaml")
TARGET = 50.0


def run(binary, repeat=1):
    """Times both; returns (rows, checks) as the other bench modules do."""
    numpy_seconds, numpy_rss, numpy_error = None, None, None
    for _ in range(max(repeat, 1)):
        child = bench_child.run_measured([sys.executable, os.path.join(HERE, "course2_numpy.py"), ADAM_SPEC],
                                         env=bench_child.baseline_env())
        if child["status"] != 0:
            numpy_error = bench_child.failure(child)
            break
        loop = json.loads(child["stdout"])["seconds"]
        numpy_seconds = loop if numpy_seconds is None else min(numpy_seconds, loop)
        numpy_rss = child["maxrss_mb"]
    ours, ours_rss, ours_error, others = None, None, None, None
    for _ in range(max(repeat, 1)):
        with tempfile.TemporaryDirectory(prefix="dnn-run-bench-course2-") as results:
            child = bench_child.run_measured([binary, ADAM_SPEC, "--results", results, "--quiet"])
        if child["status"] != 0:
            ours_error = bench_child.failure(child)
            break
        if ours is None or child["wall"] < ours:
            ours, ours_rss, others = child["wall"], child["maxrss_mb"], child["other_cores"]
    print("\nThe course's Adam run (experiments/course2/opt_adam.yaml, 10000 epochs of 5 mini-batches):")
    print(f"  numpy (course2_numpy.py), training loop only: "
          + (f"{numpy_seconds:.2f} s, {numpy_rss or 0:.0f} MB" if numpy_error is None else "FAILED: " + numpy_error))
    print(f"  dnn-run, whole process:                        "
          + (f"{ours:.3f} s, {ours_rss or 0:.0f} MB" if ours_error is None else "FAILED: " + ours_error))
    rows = [{"name": "numpy (course2_numpy.py) loop", "seconds": numpy_seconds, "maxrss_mb": numpy_rss},
            {"name": "dnn-run", "seconds": ours, "maxrss_mb": ours_rss, "other_cores": others}]
    target = f"the course's Adam run at least {TARGET:.0f}x numpy's training loop"
    if numpy_error or ours_error:
        return rows, [(target, "FAIL", numpy_error or ours_error)]
    ratio = numpy_seconds / ours
    note = bench_child.noise_note([{"name": "dnn-run", "other_cores": others}])
    return rows, [(target, "PASS" if ratio >= TARGET else "FAIL", f"{ratio:.1f}x ({numpy_seconds:.2f} s / {ours:.3f} s){note}")]


if __name__ == "__main__":
    bench_child.print_checks(run(sys.argv[1] if len(sys.argv) > 1 else ".build/release/dnn-run")[1])
