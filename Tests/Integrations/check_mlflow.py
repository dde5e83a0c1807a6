"""Checks the MLflow store that scripts/mlflow_import.py filled against the results tree.

    python check_mlflow.py --results DIR --store DIR --importer FILE --not-a-tree DIR

--store holds mlflow.db (imported twice by run.sh) and import-1.txt, import-2.txt (what
the importer printed). Every completed run folder under --results must be in the store
exactly once, with the spec flattened into params, metrics.json as metrics, costs.csv as
the history of metric `cost`, and spec.yaml, manifest.json, costs.csv as artifacts; runs
that are not completed must not be. Then the importer's errors: a missing path and a
folder that is not a results tree exit with status 2, say why, and write nothing.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import mlflow
from mlflow.tracking import MlflowClient

from checks import Checks, read_costs, read_json

ARTIFACTS = ["costs.csv", "manifest.json", "spec.yaml"]


def run_folders(results: Path) -> list[Path]:
    """Every run folder of the tree, found here without the importer: results/<name>/ and
    results/<name>/<key=value,...>/ holding a manifest.json, hidden staging folders too."""
    folders = []
    for experiment in sorted(results.iterdir()):
        if (experiment / "manifest.json").is_file():
            folders.append(experiment)
        if experiment.is_dir():
            folders += sorted(p for p in experiment.iterdir() if (p / "manifest.json").is_file())
    return folders


def spec_params(path: Path) -> dict[str, str]:
    """spec.yaml's leaves as dotted keys and their text, read line by line (the resolved
    spec is block YAML of two-space indents, with flow lists only for layer_dims)."""
    params, stack = {}, []
    for line in path.read_text().splitlines():
        indent = (len(line) - len(line.lstrip(" "))) // 2
        key, _, value = line.strip().partition(":")
        stack = stack[:indent] + [key]
        value = value.strip()
        if value:
            if value.startswith('"'):
                value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
            params[".".join(stack)] = value
    return params


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", type=Path, required=True)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--importer", type=Path, required=True)
    parser.add_argument("--not-a-tree", type=Path, required=True)
    arguments = parser.parse_args()
    checks = Checks("mlflow")
    results, store = arguments.results, arguments.store
    uri = f"sqlite:///{store / 'mlflow.db'}"
    mlflow.set_tracking_uri(uri)
    client = MlflowClient(tracking_uri=uri)

    folders = run_folders(results)
    completed = [f for f in folders if read_json(f / "manifest.json")["status"] == "completed"
                 and not f.name.startswith(".")]
    others = [f for f in folders if f not in completed]
    checks.equal(len(completed), 10, "the results tree: 10 completed runs (cat_2layer and 9 of cat_lr_seed)")
    checks.equal(sorted(read_json(f / "manifest.json")["status"] for f in others),
                 ["failed", "interrupted"], "the results tree: a failed run and an interrupted one")

    first = (store / "import-1.txt").read_text()
    second = (store / "import-2.txt").read_text()
    checks.check("12 run folders: 10 imported, 0 already in the store, 2 skipped (not completed)"
                 in first, "first import: 10 imported, 2 skipped", first[-300:])
    for folder in others:
        line = next((l for l in first.splitlines() if l.startswith(f"skipped {folder}:")), "")
        reason = "staging folder" if folder.name.startswith(".tmp-") else "status failed: "
        checks.check(reason in line, f"first import: says why it skipped {folder.name} ({reason})", line)
    checks.check("12 run folders: 0 imported, 10 already in the store, 2 skipped (not completed)"
                 in second, "second import (the same runs by other paths): adds nothing", second[-300:])

    # mlflow.search_runs: every completed run exactly once, in its experiment.
    names = sorted({f.relative_to(results).parts[0] for f in completed})
    checks.equal(names, ["cat_2layer", "cat_lr_seed"], "the dnn-run experiments of the tree")
    frame = mlflow.search_runs(experiment_names=names)
    checks.equal(len(frame), len(completed), f"mlflow.search_runs: {len(completed)} runs in all")
    for name in names:
        experiment = client.get_experiment_by_name(name)
        checks.check(experiment is not None, f"MLflow experiment {name} exists")

    for folder in completed:
        relative = folder.relative_to(results).as_posix()
        manifest = read_json(folder / "manifest.json")
        rows = frame[frame["tags.dnn_run.folder"] == relative]
        if not checks.equal(len(rows), 1, f"{relative}: exactly one MLflow run"):
            continue
        row = rows.iloc[0]
        run = client.get_run(row["run_id"])
        experiment = client.get_experiment(run.info.experiment_id)
        checks.equal(experiment.name, folder.relative_to(results).parts[0],
                     f"{relative}: in the experiment named after the dnn-run experiment")
        checks.equal(run.info.status, "FINISHED", f"{relative}: status FINISHED")
        checks.equal(run.data.tags.get("dnn_run.spec_sha256"), manifest["spec_sha256"],
                     f"{relative}: tagged with its spec_sha256")

        git = (manifest.get("provenance") or {}).get("git") or {}
        if git.get("commit"):
            checks.equal(run.data.tags.get("mlflow.source.git.commit"), git["commit"],
                         f"{relative}: mlflow.source.git.commit is the manifest's git commit")

        params = spec_params(folder / "spec.yaml")
        checks.equal(run.data.params, params, f"{relative}: params are spec.yaml's {len(params)} keys")
        if "=" in folder.name:   # a sweep point: its folder name says its values
            for pair in folder.name.split(","):
                key, value = pair.split("=")
                checks.equal(run.data.params.get(key), value, f"{relative}: param {key} = {value}")

        metrics = read_json(folder / "metrics.json")
        checks.equal(run.data.metrics, {"cost": float(read_costs(folder / "costs.csv")[-1][1]),
                                        **{k: float(v) for k, v in metrics.items()}},
                     f"{relative}: metrics final_cost {metrics['final_cost']} and the rest of metrics.json")
        history = sorted(client.get_metric_history(run.info.run_id, "cost"), key=lambda m: m.step)
        costs = [(int(i), float(c)) for i, c in read_costs(folder / "costs.csv")]
        checks.equal([(m.step, m.value) for m in history], costs,
                     f"{relative}: metric cost has costs.csv's {len(costs)} (iteration, cost) pairs")

        listed = sorted(a.path for a in client.list_artifacts(run.info.run_id))
        checks.equal(listed, ARTIFACTS, f"{relative}: artifacts {', '.join(ARTIFACTS)}")
        with tempfile.TemporaryDirectory() as download:
            local = Path(client.download_artifacts(run.info.run_id, "", download))
            same = all((local / a).read_bytes() == (folder / a).read_bytes() for a in listed)
            checks.check(same, f"{relative}: the artifacts are the run folder's files, byte for byte")

    for folder in others:
        checks.check(not any(str(folder.name) in str(v) for v in frame["tags.dnn_run.path"]),
                     f"not imported: {folder.name}")

    # The importer's errors: exit 2, a message naming the path, nothing written.
    with tempfile.TemporaryDirectory() as scratch:
        database = Path(scratch) / "x.db"
        for path, expected in ((Path(scratch) / "missing", "no such file or directory"),
                               (arguments.not_a_tree, "not a dnn-run results tree")):
            done = subprocess.run(
                [sys.executable, str(arguments.importer), str(path), "--tracking-uri",
                 f"sqlite:///{database}"], capture_output=True, text=True)
            checks.equal(done.returncode, 2, f"importer on {path.name}: exit status 2")
            checks.check(str(path) in done.stderr and expected in done.stderr,
                         f"importer on {path.name}: says '{path}: {expected}'", done.stderr)
            checks.check(not database.exists(), f"importer on {path.name}: no store written")

        # A completed run folder whose costs.csv is damaged: the others are imported, exit 1.
        tree = Path(scratch) / "results" / "cat_lr_seed"
        points = [f for f in completed if f.parent.name == "cat_lr_seed"][:2]
        for point in points:
            shutil.copytree(point, tree / point.name)
        damaged = tree / points[0].name / "costs.csv"
        with damaged.open("a") as stream:
            stream.write("2500,not-a-number\n")
        line = len(damaged.read_text().splitlines())
        done = subprocess.run(
            [sys.executable, str(arguments.importer), str(tree), "--tracking-uri",
             f"sqlite:///{database}"], capture_output=True, text=True)
        checks.equal(done.returncode, 1, "importer with a damaged costs.csv: exit status 1")
        checks.check(f"{points[0].name}: completed, but costs.csv:{line}: expected an integer "
                     "iteration and a number, found '2500,not-a-number'" in done.stderr,
                     "importer with a damaged costs.csv: names the file, line and content",
                     done.stderr)
        checks.check("1 imported" in done.stdout and "1 unreadable" in done.stdout,
                     "importer with a damaged costs.csv: imports the other run", done.stdout)
    checks.finish()


if __name__ == "__main__":
    main()
