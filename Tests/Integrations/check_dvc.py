"""Checks what DVC reported (run.sh saved it in OUT) against the results trees.

    python check_dvc.py OUT

OUT holds: repro-run/ (the run folder `dvc repro` made), repro-again.txt (a second
`dvc repro`), metrics.json and plots.json (`dvc metrics show --json`, `dvc plots show
--json` after it), exp-run/, spec.diff (git diff of the spec), metrics-exp.json and
exp-show.json (after `dvc exp run -S ...learning_rate=0.01`), and direct/: the same spec
run by dnn-run without DVC, as it is and with --set training.learning_rate=0.01.
"""

from __future__ import annotations

import sys
from pathlib import Path

from checks import DETERMINISTIC_METRICS, Checks, read_costs, read_json

RUN = "experiments/dvc/results/cat_2layer/default"
SPEC = "experiments/dvc/cat_2layer.yaml"


def only_revision(report: dict, what: str, checks: Checks) -> dict:
    """`dvc metrics show --json` is {revision: {"data": {file: {"data": {...}}}}}."""
    checks.equal(len(report), 1, f"{what}: one revision (the workspace)")
    return next(iter(report.values()))["data"]


def y_fields(node) -> set[str]:
    """Every field a Vega-Lite spec puts on the y axis."""
    found = set()
    if isinstance(node, dict):
        y = node.get("encoding", {}).get("y") if isinstance(node.get("encoding"), dict) else None
        if isinstance(y, dict) and "field" in y:
            found.add(y["field"])
        for value in node.values():
            found |= y_fields(value)
    elif isinstance(node, list):
        for value in node:
            found |= y_fields(value)
    return found


def main(out: Path) -> None:
    checks = Checks("dvc")
    repro_run = out / "repro-run"
    exp_run = out / "exp-run"
    direct = out / "direct" / "cat_2layer" / "default"
    direct_exp = out / "direct" / "cat_2layer" / "training.learning_rate=0.01"

    # dvc repro ran the spec: the same numbers as dnn-run without DVC.
    manifest = read_json(repro_run / "manifest.json")
    checks.equal(manifest["status"], "completed", "dvc repro: the run folder is completed")
    repro_metrics = read_json(repro_run / "metrics.json")
    direct_metrics = read_json(direct / "metrics.json")
    for key in DETERMINISTIC_METRICS:
        checks.equal(repro_metrics[key], direct_metrics[key],
                     f"dvc repro: {key} {repro_metrics[key]} as dnn-run without DVC")
    checks.equal((repro_run / "costs.csv").read_bytes(), (direct / "costs.csv").read_bytes(),
                 "dvc repro: costs.csv byte for byte as dnn-run without DVC")
    checks.equal((repro_run / "parameters.json").read_bytes(),
                 (direct / "parameters.json").read_bytes(),
                 "dvc repro: parameters.json byte for byte as dnn-run without DVC")

    again = (out / "repro-again.txt").read_text()
    checks.check("Running stage" not in again and "didn't change, skipping" in again,
                 "a second dvc repro runs nothing (\"didn't change, skipping\")", again)

    # dvc metrics show: metrics.json of the run folder, every key and value.
    shown = only_revision(read_json(out / "metrics.json"), "dvc metrics show", checks)
    checks.equal(sorted(shown), [f"{RUN}/metrics.json"], "dvc metrics show: the run's metrics.json")
    checks.equal(shown[f"{RUN}/metrics.json"]["data"], repro_metrics,
                 "dvc metrics show: every value of metrics.json")

    # dvc plots show --json: costs.csv, x = iteration, y = cost.
    plots = read_json(out / "plots.json")["data"]
    checks.equal(sorted(plots), [f"{RUN}/costs.csv"], "dvc plots show: one plot, of costs.csv")
    content = plots[f"{RUN}/costs.csv"][0]["content"]
    points = [(value["iteration"], value["cost"]) for value in content["data"]["values"]]
    costs = read_costs(repro_run / "costs.csv")
    checks.equal(len(points), len(costs), f"dvc plots show: {len(costs)} points, one per costs.csv row")
    checks.equal(points, costs, "dvc plots show: every (iteration, cost) of costs.csv")
    checks.equal(content["encoding"]["x"]["field"], "iteration", "dvc plots show: x is iteration")
    checks.equal(y_fields(content), {"cost"}, "dvc plots show: y is cost")

    # dvc exp run -S ...learning_rate=0.01: the spec edited, the run as dnn-run --set gives it.
    changed = [line for line in (out / "spec.diff").read_text().splitlines()
               if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    checks.equal(changed, ["-  learning_rate: 0.0075", "+  learning_rate: 0.01"],
                 "dvc exp run -S: the spec file changed in that one line")
    checks.check("learning_rate: 0.01\n" in (exp_run / "spec.yaml").read_text(),
                 "dvc exp run -S: the run's resolved spec has learning_rate 0.01")
    exp_metrics = read_json(exp_run / "metrics.json")
    direct_exp_metrics = read_json(direct_exp / "metrics.json")
    for key in DETERMINISTIC_METRICS:
        checks.equal(exp_metrics[key], direct_exp_metrics[key],
                     f"dvc exp run: {key} {exp_metrics[key]} as dnn-run --set "
                     "training.learning_rate=0.01")
    checks.check(exp_metrics["final_cost"] != repro_metrics["final_cost"],
                 "dvc exp run: a final cost other than the baseline's")
    checks.equal((exp_run / "costs.csv").read_bytes(), (direct_exp / "costs.csv").read_bytes(),
                 "dvc exp run: costs.csv byte for byte as dnn-run --set")
    shown = only_revision(read_json(out / "metrics-exp.json"), "dvc metrics show after exp run",
                          checks)
    checks.equal(shown[f"{RUN}/metrics.json"]["data"], exp_metrics,
                 "dvc metrics show after exp run: the experiment's metrics.json")

    # dvc exp show: the baseline commit and the experiment, with their params and metrics.
    rows = read_json(out / "exp-show.json")
    baseline = [row for row in rows if row["rev"] != "workspace"]
    checks.equal(len(baseline), 1, "dvc exp show: one baseline commit")
    experiments = baseline[0]["experiments"] or []
    checks.equal(len(experiments), 1, "dvc exp show: one experiment on it")

    def summary(row):
        data = row["data"]
        params = data["params"][SPEC]["data"]
        metrics = data["metrics"][f"{RUN}/metrics.json"]["data"]
        return params["training"]["learning_rate"], params["model"]["layer_dims"], metrics["final_cost"]

    checks.equal(summary(baseline[0]), (0.0075, [12288, 7, 1], repro_metrics["final_cost"]),
                 "dvc exp show: the baseline's learning_rate, layer_dims and final cost")
    if experiments:
        checks.equal(summary(experiments[0]["revs"][0]),
                     (0.01, [12288, 7, 1], direct_exp_metrics["final_cost"]),
                     "dvc exp show: the experiment's learning_rate, layer_dims and final cost")
    checks.finish()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
