"""course_spec.py: the part of an experiment spec (../DESIGN.md) that the Python
baselines need, read the way dnn-run reads it: `--set KEY=VALUE` overrides, paths
relative to the spec file, HDF5 splits with their `_x`/`_y` datasets, images flattened
per example like numpy's reshape(m, -1).T, generated splits (generated_data.py),
features divided by data.scale.

Only what the baselines need is checked; dnn-run's validation is the strict one.
"""
import os

import numpy as np
import yaml


def load_spec(path, overrides=()):
    """The spec at `path` with each "dotted.key=value" of `overrides` applied; the value
    is parsed as YAML, so `training.iterations=300` sets an int."""
    with open(path) as f:
        spec = yaml.safe_load(f)
    for override in overrides:
        key, sep, text = override.partition("=")
        if not sep:
            raise SystemExit(f"--set expects KEY=VALUE, got {override!r}")
        node = spec
        *parents, leaf = key.split(".")
        for name in parents:
            node = node.setdefault(name, {})
        node[leaf] = yaml.safe_load(text)
    spec["_dir"] = os.path.dirname(os.path.abspath(path))
    return spec


def load_split(spec, split):
    """(X, Y) of data.<split>: X is (n_x, m) float64 divided by data.scale, Y is (1, m);
    None when the spec has no such split."""
    entry = spec["data"].get(split)
    if entry is None:
        return None
    if isinstance(entry, str):
        entry = {"path": entry}
    if "generate" in entry:
        from generated_data import generate
        (x, y), _ = generate(entry)
        return _scaled(x.T.astype(np.float64), spec), y.reshape(1, -1).astype(np.float64)
    if not entry["path"].endswith((".h5", ".hdf5", ".he5")):
        x, y = _csv(os.path.join(spec["_dir"], entry["path"]), entry)
        return _scaled(x.T.astype(np.float64), spec), y.reshape(1, -1).astype(np.float64)
    path = os.path.join(spec["_dir"], entry["path"])
    import h5py
    with h5py.File(path, "r") as f:
        x_name = entry.get("x") or _dataset_ending(f, "_x", path)
        y_name = entry.get("y") or _dataset_ending(f, "_y", path)
        x, y = f[x_name][:], f[y_name][:]
    X = x.reshape(x.shape[0], -1).T.astype(np.float64)
    return _scaled(X, spec), y.reshape(1, -1).astype(np.float64)


def _scaled(X, spec):
    scale = float(spec["data"].get("scale", 1))
    return X / scale if scale != 1 else X


def _csv(path, entry):
    """A CSV split: one example per row, the label in label_column (default the last)."""
    raw = np.loadtxt(path, delimiter=",", skiprows=1 if entry.get("header", True) else 0, ndmin=2)
    column = int(entry.get("label_column", -1)) % raw.shape[1]
    return np.delete(raw, column, axis=1), raw[:, column]


def _dataset_ending(f, suffix, path):
    names = [name for name in f.keys() if name.endswith(suffix)]
    if len(names) != 1:
        raise SystemExit(f"{path}: expected one dataset ending in {suffix}, found {names}")
    return names[0]


def model_settings(spec):
    """layer_dims, init, learning_rate, iterations, seed, record_every of the spec; the
    baselines implement the course's model only (relu hidden layers, sigmoid output)."""
    model, training = spec["model"], spec["training"]
    hidden = model.get("hidden_activation", "relu")
    output = model.get("output_activation", "sigmoid")
    if (hidden, output) != ("relu", "sigmoid"):
        raise SystemExit(f"the baselines implement relu/sigmoid only, not {hidden}/{output}")
    return {
        "layer_dims": [int(n) for n in model["layer_dims"]],
        "init": model.get("init", "lecun"),
        "learning_rate": float(training["learning_rate"]),
        "iterations": int(training["iterations"]),
        "seed": int(training.get("seed", 1)),
        "record_every": int(training.get("record_every", 100)),
    }
