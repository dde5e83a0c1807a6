#!/usr/bin/env python3
"""Load dnn-run results trees into an MLflow tracking store.

    python3 scripts/mlflow_import.py PATH... [--tracking-uri URI] [--artifact-root DIR]

PATH is a run folder (results/<name>/default for the spec as written,
results/<name>/<key=value,...> for a sweep point or --set; results/<name> itself in a tree
of results format 2), an experiment folder (results/<name>) or a whole results directory. Every completed run found there
becomes one MLflow run in the MLflow experiment named after the dnn-run experiment (the
spec's `name`):

* params: the run's resolved spec.yaml flattened into dotted keys (training.learning_rate,
  model.layer_dims, data.train, ...), each value as spec.yaml writes it;
* metrics: every number in metrics.json (final_cost, train_accuracy, test_accuracy,
  seconds, iterations), and the cost history of costs.csv as metric `cost` with
  step = iteration;
* artifacts: spec.yaml, manifest.json and costs.csv;
* tags: dnn_run.folder (the folder inside the results tree, e.g.
  cat_lr_seed/training.learning_rate=0.01,training.seed=2) and dnn_run.spec_sha256, which
  together identify the run, plus the manifest's engine, version, host and data hashes,
  and from its provenance (when recorded) the git commit as mlflow.source.git.commit, the
  spec file as mlflow.source.name and the command line.
  The run's start and end times are the manifest's.

Importing again adds nothing: a run whose folder and spec_sha256 are already in the store
(as a finished MLflow run) is reported as "already in the store"; an unfinished one, left by
an import that was killed half-way, is deleted and the run imported again. Runs that are
not completed (failed, interrupted, staging folders) are skipped, each with its reason.

The tracking store is --tracking-uri, else $MLFLOW_TRACKING_URI, else sqlite:///mlflow.db
(a SQLite file in the working directory). For a SQLite store, an experiment this script
creates keeps its artifacts in mlartifacts/<experiment>/ beside the database file, or in
DIR/<experiment>/ with --artifact-root DIR; other stores use their own default.

Exit status: 0 every completed run is in the store; 1 a run folder could not be read or
the store failed; 2 bad usage or a PATH that is not a results tree (nothing is written).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shlex
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

DEFAULT_TRACKING_URI = "sqlite:///mlflow.db"
ARTIFACTS = ("spec.yaml", "manifest.json", "costs.csv")
TAG_FOLDER = "dnn_run.folder"
TAG_SHA = "dnn_run.spec_sha256"
# How far below a PATH run folders are looked for: results/<name>/<key=value,...>/.
MAX_DEPTH = 2
# MLflow's limits per log_batch call.
BATCH_METRICS = 1000
BATCH_PARAMS = 100
BATCH_TAGS = 100

PROG = "mlflow_import.py"


class UsageError(Exception):
    """Bad usage or input: exit status 2, nothing written."""


class RunFolderError(Exception):
    """A run folder that says it is completed but cannot be read."""


@dataclass
class Candidate:
    """A folder holding a manifest.json: a run folder or a staging folder."""

    path: Path
    staging: bool
    manifest: dict | None = None
    problem: str | None = None

    def read_manifest(self) -> None:
        try:
            manifest = load_json(self.path / "manifest.json", "manifest.json")
            if (not isinstance(manifest, dict) or not isinstance(manifest.get("status"), str)
                    or not isinstance(manifest.get("spec_sha256"), str)):
                raise RunFolderError("manifest.json has no status and spec_sha256: "
                                     "not a dnn-run manifest")
            self.manifest = manifest
        except RunFolderError as error:
            self.problem = str(error)


@dataclass
class Run:
    """A completed run folder, read whole before anything goes to the store."""

    path: Path
    folder: str
    experiment: str
    spec_sha256: str
    params: dict[str, str]
    metrics: dict[str, float]
    costs: list[tuple[int, float]]
    tags: dict[str, str]
    start_ms: int | None
    end_ms: int | None
    description: str | None = None


@dataclass
class Report:
    """Counts, and one line per run folder on stdout as it is handled."""

    imported: int = 0
    present: int = 0
    skipped: int = 0
    errors: int = 0

    def say(self, line: str) -> None:
        print(line, flush=True)

    def error(self, line: str) -> None:
        self.errors += 1
        print(line, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- finding runs


def find_candidates(root: Path) -> list[Candidate]:
    """Every folder with a manifest.json at `root` or up to MAX_DEPTH below it.

    In a tree of results format 2, results/<name>/ can be a run folder (a spec without
    sweep) and hold the run folders of --set overrides at once, so run folders are searched
    below run folders too. Hidden staging folders (.tmp-<folder>~<maker>, .tmp-<folder>-<pid>
    before results format 3) are returned marked as such; other
    hidden entries (.lock-* files) are ignored.
    """
    found: list[Candidate] = []

    def visit(directory: Path, depth: int, staging: bool) -> None:
        if (directory / "manifest.json").is_file():
            found.append(Candidate(directory, staging))
        if depth == MAX_DEPTH or staging:
            return
        try:
            entries = sorted(directory.iterdir())
        except OSError:
            return
        for entry in entries:
            if not entry.is_dir() or entry.is_symlink():
                continue
            if entry.name.startswith("."):
                if entry.name.startswith(".tmp-"):
                    visit(entry, depth + 1, True)
                continue
            visit(entry, depth + 1, False)

    visit(root, 0, root.name.startswith(".tmp-"))
    return found


def check_paths(paths: list[str]) -> list[tuple[Path, list[Candidate]]]:
    """Each PATH with its candidates; a UsageError for one that is not a results tree."""
    checked = []
    for text in paths:
        path = Path(text)
        if not path.exists():
            raise UsageError(f"{text}: no such file or directory; expected a dnn-run results "
                             "tree: a run folder, an experiment folder or a results directory")
        if not path.is_dir():
            raise UsageError(f"{text}: not a directory; expected a dnn-run results tree: a run "
                             "folder, an experiment folder or a results directory")
        candidates = find_candidates(path)
        for candidate in candidates:
            candidate.read_manifest()
        if not any(candidate.manifest is not None for candidate in candidates):
            raise UsageError(
                f"{text}: not a dnn-run results tree: no dnn-run manifest.json in it or in its "
                f"sub-folders (searched {MAX_DEPTH} levels down, as in "
                "results/<name>/<key=value,...>/manifest.json)\n"
                "  hint: pass the folder given to dnn-run --results (default ./results), "
                "results/<name> or one run folder")
        checked.append((path, candidates))
    return checked


# ----------------------------------------------------------------------------- reading runs


def load_yaml_text(path: Path):
    """spec.yaml with every scalar kept as the text dnn-run wrote (0.0075 stays "0.0075")."""
    import yaml

    try:
        with path.open(encoding="utf-8") as stream:
            return yaml.load(stream, Loader=yaml.BaseLoader)
    except OSError as error:
        raise RunFolderError(f"cannot read spec.yaml: {error.strerror}") from error
    except yaml.YAMLError as error:
        raise RunFolderError(f"spec.yaml is not valid YAML: {error}") from error


def flatten(value, prefix: str = "") -> dict[str, str]:
    """Nested mappings as dotted keys; a list as its flow-style text, [12288, 7, 1]."""
    if isinstance(value, dict):
        flat: dict[str, str] = {}
        for key, item in value.items():
            flat.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(value, list):
        return {prefix: "[" + ", ".join(flatten_scalar(item) for item in value) + "]"}
    return {prefix: flatten_scalar(value)}


def flatten_scalar(value) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(", ", ": "))
    return str(value)


def load_json(path: Path, what: str):
    try:
        with path.open(encoding="utf-8") as stream:
            return json.load(stream)
    except FileNotFoundError as error:
        raise RunFolderError(f"{what} is missing") from error
    except OSError as error:
        raise RunFolderError(f"cannot read {what}: {error.strerror}") from error
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise RunFolderError(f"{what} is not valid JSON: {error}") from error


def load_costs(path: Path) -> list[tuple[int, float]]:
    """costs.csv: the header iteration,cost, then one integer and one number per row."""
    try:
        with path.open(encoding="utf-8", newline="") as stream:
            rows = list(csv.reader(stream))
    except FileNotFoundError as error:
        raise RunFolderError("costs.csv is missing") from error
    except OSError as error:
        raise RunFolderError(f"cannot read costs.csv: {error.strerror}") from error
    if not rows or rows[0] != ["iteration", "cost"]:
        raise RunFolderError("costs.csv:1: expected the header 'iteration,cost'")
    costs = []
    for line, row in enumerate(rows[1:], start=2):
        try:
            if len(row) != 2:
                raise ValueError
            costs.append((int(row[0]), float(row[1])))
        except ValueError:
            raise RunFolderError(f"costs.csv:{line}: expected an integer iteration and a "
                                 f"number, found {','.join(row)!r}") from None
    return costs


def timestamp_ms(text) -> int | None:
    if not isinstance(text, str):
        return None
    try:
        return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)
    except ValueError:
        return None


def relative_folder(path: Path, name: str) -> str:
    """The run's folder inside the results tree: <name>/default, <name>/<key=value,...>, or
    <name> for a plain run of results format 2."""
    if path.name == name:
        return name
    if path.parent.name == name:
        return f"{name}/{path.name}"
    return path.name


def read_run(path: Path, manifest: dict) -> Run:
    spec = load_yaml_text(path / "spec.yaml")
    if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
        raise RunFolderError("spec.yaml has no 'name': not a resolved dnn-run spec")
    name = spec["name"]
    metrics_json = load_json(path / "metrics.json", "metrics.json")
    if not isinstance(metrics_json, dict):
        raise RunFolderError("metrics.json is not a JSON object")
    metrics = {key: float(value) for key, value in metrics_json.items()
               if isinstance(value, (int, float)) and not isinstance(value, bool)}
    costs = load_costs(path / "costs.csv")
    for artifact in ARTIFACTS:
        if not (path / artifact).is_file():
            raise RunFolderError(f"{artifact} is missing")

    folder = relative_folder(path, name)
    tags = {
        TAG_FOLDER: folder,
        TAG_SHA: manifest["spec_sha256"],
        "dnn_run.path": str(path.resolve()),
        "dnn_run.status": str(manifest.get("status")),
    }
    for key in ("dnn_run_version", "engine", "engine_reason", "blas_library",
                "blas_threads", "host", "iterations_completed"):
        if manifest.get(key) is not None:
            tags[f"dnn_run.{key.removeprefix('dnn_run_')}"] = str(manifest[key])
    provenance = manifest.get("provenance") if isinstance(manifest.get("provenance"), dict) else {}
    git = provenance.get("git") if isinstance(provenance.get("git"), dict) else {}
    if isinstance(git.get("commit"), str):
        tags["mlflow.source.git.commit"] = git["commit"]
        tags["dnn_run.git_dirty"] = json.dumps(git.get("dirty"))
    if isinstance(provenance.get("spec_file"), str):
        tags["mlflow.source.name"] = provenance["spec_file"]
    if isinstance(provenance.get("command"), list):
        tags["dnn_run.command"] = shlex.join(str(word) for word in provenance["command"])
    for dataset in manifest.get("datasets") or []:
        if isinstance(dataset, dict) and "split" in dataset:
            tags[f"dnn_run.data.{dataset['split']}.sha256"] = str(dataset.get("sha256"))
            tags[f"dnn_run.data.{dataset['split']}.path"] = str(dataset.get("path"))
    description = spec.get("description") if isinstance(spec.get("description"), str) else None
    return Run(path=path, folder=folder, experiment=name, spec_sha256=manifest["spec_sha256"],
               params=flatten(spec), metrics=metrics, costs=costs, tags=tags,
               start_ms=timestamp_ms(manifest.get("started")),
               end_ms=timestamp_ms(manifest.get("finished")), description=description)


def classify(candidate: Candidate, report: Report) -> Run | None:
    """The completed run in `candidate`, or None after reporting why it is skipped."""
    path = candidate.path
    manifest = candidate.manifest
    if manifest is None:
        report.error(f"error   {path}: {candidate.problem}")
        return None
    status = manifest["status"]
    if candidate.staging:
        report.skipped += 1
        report.say(f"skipped {path}: the hidden staging folder of a run that was "
                            f"interrupted or is still training (status {status})")
        return None
    if status != "completed":
        reason = f"status {status}"
        if manifest.get("error"):
            reason += f": {manifest['error']}"
        report.skipped += 1
        report.say(f"skipped {path}: {reason}")
        return None
    try:
        return read_run(path, manifest)
    except RunFolderError as error:
        report.error(f"error   {path}: completed, but {error}")
        return None


# ----------------------------------------------------------------------------- the store


def default_artifact_root(tracking_uri: str) -> str | None:
    """mlartifacts/ beside a SQLite database file; None (the store's default) otherwise."""
    if not tracking_uri.startswith("sqlite:///"):
        return None
    database = tracking_uri[len("sqlite:///"):].split("?", 1)[0]
    if not database or database == ":memory:":
        return None
    return str((Path(database).resolve().parent / "mlartifacts"))


class Store:
    def __init__(self, tracking_uri: str, artifact_root: str | None):
        from mlflow.tracking import MlflowClient

        self.client = MlflowClient(tracking_uri=tracking_uri)
        self.artifact_root = artifact_root
        self.experiments: dict[str, str] = {}
        self.present: dict[str, set[tuple[str, str]]] = {}

    def experiment_id(self, name: str, description: str | None) -> str:
        if name in self.experiments:
            return self.experiments[name]
        experiment = self.client.get_experiment_by_name(name)
        if experiment is None:
            tags = {"mlflow.note.content": description} if description else None
            location = None if self.artifact_root is None else f"{self.artifact_root}/{name}"
            experiment_id = self.client.create_experiment(
                name, artifact_location=location, tags=tags)
        elif experiment.lifecycle_stage != "active":
            raise RuntimeError(f"the MLflow experiment '{name}' is deleted; restore it "
                               f"(mlflow experiments restore --experiment-id "
                               f"{experiment.experiment_id}) or delete it for good "
                               "(mlflow gc), then import again")
        else:
            experiment_id = experiment.experiment_id
        self.experiments[name] = experiment_id
        self.present[experiment_id] = self._finished_identities(experiment_id)
        return experiment_id

    def _finished_identities(self, experiment_id: str) -> set[tuple[str, str]]:
        """(folder, spec_sha256) of every finished run; unfinished ones (an import that was
        killed half-way) are deleted so that the import redoes them whole."""
        identities = set()
        token = None
        while True:
            page = self.client.search_runs([experiment_id], max_results=1000, page_token=token)
            for run in page:
                folder = run.data.tags.get(TAG_FOLDER)
                sha = run.data.tags.get(TAG_SHA)
                if folder is None or sha is None:
                    continue
                if run.info.status == "FINISHED":
                    identities.add((folder, sha))
                else:
                    self.client.delete_run(run.info.run_id)
            token = page.token
            if not token:
                return identities

    def contains(self, run: Run) -> bool:
        experiment_id = self.experiment_id(run.experiment, run.description)
        return (run.folder, run.spec_sha256) in self.present[experiment_id]

    def add(self, run: Run) -> str:
        """One MLflow run holding everything of `run`; on failure nothing stays behind."""
        from mlflow.entities import Metric, Param, RunTag

        experiment_id = self.experiment_id(run.experiment, run.description)
        tags = dict(run.tags)
        if run.description:
            tags["mlflow.note.content"] = run.description
        created = self.client.create_run(
            experiment_id, start_time=run.start_ms, run_name=Path(run.folder).name,
            tags={TAG_FOLDER: run.folder, TAG_SHA: run.spec_sha256})
        run_id = created.info.run_id
        try:
            stamp = run.end_ms if run.end_ms is not None else int(time.time() * 1000)
            params = [Param(key, value) for key, value in run.params.items()]
            tag_list = [RunTag(key, value) for key, value in tags.items()]
            metrics = [Metric(key, value, stamp, 0) for key, value in run.metrics.items()]
            metrics += [Metric("cost", cost, stamp, iteration) for iteration, cost in run.costs]
            for start in range(0, len(params), BATCH_PARAMS):
                self.client.log_batch(run_id, params=params[start:start + BATCH_PARAMS])
            for start in range(0, len(tag_list), BATCH_TAGS):
                self.client.log_batch(run_id, tags=tag_list[start:start + BATCH_TAGS])
            for start in range(0, len(metrics), BATCH_METRICS):
                self.client.log_batch(run_id, metrics=metrics[start:start + BATCH_METRICS])
            for artifact in ARTIFACTS:
                self.client.log_artifact(run_id, str(run.path / artifact))
            self.client.set_terminated(run_id, status="FINISHED", end_time=run.end_ms)
        except BaseException:
            try:
                self.client.delete_run(run_id)
            except Exception:  # the original error says more
                pass
            raise
        self.present[experiment_id].add((run.folder, run.spec_sha256))
        return run_id


# ----------------------------------------------------------------------------- main


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Load dnn-run results trees (run folders, experiment folders or "
                    "results directories) into an MLflow tracking store.")
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="a run folder, an experiment folder or a results directory")
    parser.add_argument("--tracking-uri", metavar="URI",
                        help="the MLflow tracking store (default: $MLFLOW_TRACKING_URI, "
                             f"else {DEFAULT_TRACKING_URI})")
    parser.add_argument("--artifact-root", metavar="DIR",
                        help="an experiment this import creates keeps its artifacts in "
                             "DIR/<experiment> (default for a SQLite store: mlartifacts/ "
                             "beside the database; other stores: their own default)")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    arguments = parse_arguments(argv)
    tracking_uri = (arguments.tracking_uri or os.environ.get("MLFLOW_TRACKING_URI")
                    or DEFAULT_TRACKING_URI)
    try:
        checked = check_paths(arguments.paths)
    except UsageError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
    try:
        import mlflow  # noqa: F401
        import yaml  # noqa: F401
    except ImportError as error:
        print(f"{PROG}: error: {error.name} is not installed; install MLflow "
              "(pip install mlflow, or mlflow-skinny with sqlalchemy and alembic)",
              file=sys.stderr)
        return 2

    report = Report()
    runs: list[Run] = []
    seen: set[Path] = set()
    for _, candidates in checked:
        for candidate in candidates:
            real = candidate.path.resolve()
            if real in seen:
                continue
            seen.add(real)
            run = classify(candidate, report)
            if run is not None:
                runs.append(run)

    if arguments.artifact_root is not None:
        artifact_root = str(Path(arguments.artifact_root).resolve())
    else:
        artifact_root = default_artifact_root(tracking_uri)
    try:
        store = Store(tracking_uri, artifact_root) if runs else None
        for run in runs:
            if store.contains(run):
                report.present += 1
                report.say(f"present {run.folder}: already in the store "
                                    f"(experiment {run.experiment})")
                continue
            run_id = store.add(run)
            report.imported += 1
            report.say(f"added   {run.folder}: run {run_id} in experiment "
                                f"{run.experiment}")
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; the run being imported was removed, import again "
              "to finish", file=sys.stderr)
        return 1
    except Exception as error:  # MLflow's own errors are many kinds
        print(f"{PROG}: error: the tracking store {tracking_uri} failed: "
              f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1

    summary = (f"{len(runs) + report.skipped + report.errors} run folders: "
               f"{report.imported} imported, {report.present} already in the store, "
               f"{report.skipped} skipped (not completed)")
    if report.errors:
        summary += f", {report.errors} unreadable"
    print(f"{summary} -> {tracking_uri}")
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
