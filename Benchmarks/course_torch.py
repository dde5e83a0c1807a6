#!/usr/bin/env python3
"""course_torch.py: the course's L-layer network trained with PyTorch on the CPU in
float64, for the benchmark. The same algorithm as course_numpy.py, step for step
(forward, cost, backward written out as the course does, no autograd), from the same
initial parameters: drawn by numpy's legacy RNG and copied into tensors.

    python3 course_torch.py SPEC.yaml [--set KEY=VALUE]...

prints the JSON object course_numpy.py prints, with torch's version and threads.
"""
import json
import os
import sys
import time

import course_numpy
import course_spec

# The exit status when torch cannot be imported: bench.py then skips the row.
IMPORT_FAILED = 3
try:
    import torch
except ImportError as error:
    print(f"import torch fails: {error}", file=sys.stderr)
    sys.exit(IMPORT_FAILED)


def L_model_forward(X, W, b):
    """AL (1, m) and the (A_prev, Z) of every layer: relu hidden layers, sigmoid output."""
    caches = []
    A = X
    L = len(W)
    for l in range(L):
        Z = W[l] @ A + b[l]
        caches.append((A, Z))
        A = torch.clamp_min(Z, 0) if l < L - 1 else 1 / (1 + torch.exp(-Z))
    return A, caches


def compute_cost(AL, Y):
    m = Y.shape[1]
    return float(-1 / m * torch.sum(Y * torch.log(AL) + (1 - Y) * torch.log(1 - AL)))


def L_model_backward(AL, Y, caches, W):
    """dW_l and db_l of every layer, from dAL = -(Y/AL - (1-Y)/(1-AL))."""
    L = len(caches)
    m = AL.shape[1]
    dW, db = [None] * L, [None] * L
    dA = -(Y / AL - (1 - Y) / (1 - AL))
    for l in reversed(range(L)):
        A_prev, Z = caches[l]
        if l == L - 1:
            s = 1 / (1 + torch.exp(-Z))
            dZ = dA * s * (1 - s)
        else:
            dZ = torch.where(Z <= 0, 0.0, dA)
        dW[l] = 1 / m * (dZ @ A_prev.T)
        db[l] = 1 / m * torch.sum(dZ, dim=1, keepdim=True)
        dA = W[l].T @ dZ
    return dW, db


def accuracy(X, Y, W, b):
    AL, _ = L_model_forward(X, W, b)
    return float(torch.mean(((AL > 0.5) == Y).double()))


def main(argv):
    spec_path, overrides = course_numpy.parse_arguments(argv)
    torch.set_num_threads(len(os.sched_getaffinity(0)))
    spec = course_spec.load_spec(spec_path, overrides)
    s = course_spec.model_settings(spec)
    X, Y = (torch.from_numpy(a) for a in course_spec.load_split(spec, "train"))
    test = course_spec.load_split(spec, "test")
    test = tuple(torch.from_numpy(a) for a in test) if test else None

    initial = course_numpy.initialize_parameters_deep(s["layer_dims"], s["init"], s["seed"])
    L = len(s["layer_dims"]) - 1
    W = [torch.from_numpy(initial["W" + str(l)]) for l in range(1, L + 1)]
    b = [torch.from_numpy(initial["b" + str(l)]) for l in range(1, L + 1)]

    costs = []
    start = time.perf_counter()
    for i in range(s["iterations"]):
        AL, caches = L_model_forward(X, W, b)
        if i % s["record_every"] == 0:
            costs.append([i, compute_cost(AL, Y)])
        dW, db = L_model_backward(AL, Y, caches, W)
        W = [W[l] - s["learning_rate"] * dW[l] for l in range(L)]
        b = [b[l] - s["learning_rate"] * db[l] for l in range(L)]
    seconds = time.perf_counter() - start

    AL, _ = L_model_forward(X, W, b)
    print(json.dumps({
        "implementation": "PyTorch " + torch.__version__,
        "costs": costs,
        "final_cost": compute_cost(AL, Y),
        "train_accuracy": accuracy(X, Y, W, b),
        "test_accuracy": accuracy(*test, W, b) if test else None,
        "iterations": s["iterations"],
        "seconds": seconds,
        "threads": torch.get_num_threads(),
        "blas": blas_info(),
    }))


def blas_info():
    """The BLAS line of torch's build configuration (MKL on x86 wheels)."""
    lines = [line.strip(" -") for line in torch.__config__.show().splitlines()]
    return next((line for line in lines if "Math Kernel" in line or "OpenBLAS" in line), "unknown")


if __name__ == "__main__":
    main(sys.argv)
