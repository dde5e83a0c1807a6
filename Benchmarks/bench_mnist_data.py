#!/usr/bin/env python3
"""bench_mnist_data.py: the MNIST-size workload's data and specs (Benchmarks/README.md,
"The MNIST-size rows", The data): synthetic 8-bit images and learnable 0/1 labels as HDF5
and as CSV, written by a child process (this file run as a script), and the specs that
read them.

    python3 bench_mnist_data.py DIR EXAMPLES TEST_EXAMPLES   # writes the files, prints JSON
"""
import json
import subprocess
import sys
import time
from pathlib import Path

from bench_loading import TINY_EXAMPLES

# The workload (issue 11).
EXAMPLES = 60000
TEST_EXAMPLES = 10000
FEATURES = 784
LAYER_DIMS = [FEATURES, 128, 64, 1]
LEARNING_RATE = 0.05
ITERATIONS = 100
DATA_SEED = 11
SPEC_NAME = "mnist_size"


def csv_bytes(rows):
    """Rows of integers 0 ... 255 as CSV text (no header, comma separated, one row a
    line), built with numpy: about 100 MB/s instead of np.savetxt's few MB/s."""
    import numpy as np
    digits = np.zeros((256, 4), np.uint8)
    lengths = np.zeros(256, np.int64)
    for v in range(256):
        text = str(v).encode() + b","
        digits[v, :len(text)] = list(text)
        lengths[v] = len(text)
    k = rows.shape[0]
    cells = digits[rows]                                 # (k, columns, 4)
    last = lengths[rows[:, -1]] - 1
    cells[np.arange(k), -1, last] = ord("\n")           # the last cell ends the line
    keep = np.arange(4)[None, None, :] < lengths[rows][:, :, None]
    return cells[keep].tobytes()


def write_data(workdir, examples, test_examples):
    """Synthetic 8-bit images and learnable 0/1 labels (the sign of a fixed random
    projection of the centered pixels), as HDF5 (train_set_x uint8 (m, 784), train_set_y,
    list_classes; test_set_* likewise) and as CSV (labels last, integers, no header).
    A tiny set of TINY_EXAMPLES examples in both formats measures dnn-run's fixed costs.
    Returns the paths and what it took."""
    import h5py
    import numpy as np
    start = time.perf_counter()
    rng = np.random.default_rng(DATA_SEED)
    direction = rng.standard_normal(FEATURES)
    classes = np.array([b"negative", b"positive"])
    paths = {}
    for split, m in (("train", examples), ("test", test_examples), ("tiny", TINY_EXAMPLES)):
        x = rng.integers(0, 256, size=(m, FEATURES), dtype=np.uint8)
        y = np.empty(m, dtype=np.int64)
        for s in range(0, m, 10000):
            y[s:s + 10000] = (x[s:s + 10000].astype(np.float64) - 127.5) @ direction > 0
        h5 = Path(workdir) / f"{split}.h5"
        with h5py.File(h5, "w") as f:
            f[f"{'train' if split == 'tiny' else split}_set_x"] = x
            f[f"{'train' if split == 'tiny' else split}_set_y"] = y
            f["list_classes"] = classes
        csv = Path(workdir) / f"{split}.csv"
        with open(csv, "wb") as f:
            for s in range(0, m, 5000):
                f.write(csv_bytes(np.concatenate([x[s:s + 5000], y[s:s + 5000, None].astype(np.uint8)], axis=1)))
        paths[f"{split}_h5"], paths[f"{split}_csv"] = h5, csv
        if split == "train":
            paths["positive_fraction"] = float(y.mean())
    paths["seconds"] = time.perf_counter() - start
    paths["bytes"] = {p.name: p.stat().st_size for p in paths.values() if isinstance(p, Path)}
    return paths


def write_data_in_child(workdir, examples, test_examples):
    """write_data in a child process. The harness itself stays small: on Linux a child's
    peak RSS (ru_maxrss from wait4) is never less than the spawning process's own peak,
    which is carried over at exec, so a harness grown by 60000 examples would raise the
    peak of every small process it then measures."""
    run = subprocess.run([sys.executable, str(Path(__file__).resolve()), str(workdir),
                          str(examples), str(test_examples)], stdout=subprocess.PIPE, text=True)
    if run.returncode != 0:
        raise SystemExit(f"bench_mnist_data.py: writing the data into {workdir} failed (exit status {run.returncode})")
    data = json.loads(run.stdout)
    return {k: Path(v) if k.endswith(("_h5", "_csv")) else v for k, v in data.items()}


def write_spec(path, train, test, iterations, csv):
    """The workload's spec (without a test set when `test` is None); the CSV files have
    no header row."""
    def split(p):
        return f"{{path: {p}, header: false}}" if csv else str(p)
    Path(path).write_text(
        f"name: {SPEC_NAME}\n"
        f"description: bench_mnist.py, synthetic 8-bit data the size of MNIST ({'CSV' if csv else 'HDF5'})\n"
        f"data:\n  train: {split(train)}\n" + (f"  test: {split(test)}\n" if test else "") + "  scale: 255\n"
        f"model:\n  layer_dims: [{', '.join(map(str, LAYER_DIMS))}]\n  init: he\n"
        f"training:\n  learning_rate: {LEARNING_RATE}\n  iterations: {iterations}\n"
        f"  record_every: 1\n  engine: primal\n")


if __name__ == "__main__":  # write_data_in_child's child: DIR EXAMPLES TEST_EXAMPLES
    written = write_data(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
    print(json.dumps({k: str(v) if isinstance(v, Path) else v for k, v in written.items()}))
