"""generated_data.py: the generated data splits of a spec (`{generate: moons | circles |
planar, samples, noise, factor, seed}`, ../README.md "Generated data sets") as numpy
makes them: scikit-learn's make_moons and make_circles after np.random.seed(seed), and
the course's load_planar_dataset (week 3) for any even number of samples.

Defaults as dnn-run's: seed 0, no noise, factor 0.8 (scikit-learn's).
"""
import numpy as np


def load_planar_dataset(samples, seed):
    """The course's load_planar_dataset (week 3, planar_utils.py), for any even number of
    samples instead of its 400, and any seed instead of its 1."""
    np.random.seed(seed)
    N = samples // 2
    X = np.zeros((samples, 2))
    Y = np.zeros((samples, 1), dtype="uint8")
    for j in range(2):
        ix = range(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + np.random.randn(N) * 0.2
        r = 4 * np.sin(4 * t) + np.random.randn(N) * 0.2
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    return X, Y.ravel()


def generate(entry):
    """(X, y) of a generated split as numpy's generators return them: X (m, 2), y (m,);
    and the call that made them, for the fixtures' `made_by`."""
    kind, n, seed = entry["generate"], int(entry["samples"]), int(entry.get("seed", 0))
    if kind == "planar":
        return load_planar_dataset(n, seed), f"load_planar_dataset({n}, seed={seed})"
    import sklearn.datasets
    options = {key: entry[key] for key in ("noise", "factor") if key in entry}
    if kind == "moons":
        function = sklearn.datasets.make_moons
    elif kind == "circles":
        function = sklearn.datasets.make_circles
    else:
        raise SystemExit(f"unknown generator {kind!r}")
    np.random.seed(seed)  # scikit-learn draws from numpy's global generator (random_state=None)
    arguments = "".join(f", {key}={value!r}" for key, value in options.items())
    return function(n_samples=n, **options), f"np.random.seed({seed}); sklearn.datasets.make_{kind}(n_samples={n}{arguments})"
