#!/usr/bin/env python3
"""course2_torch.py: course2_numpy.py's algorithm (the optimization notebook's mini-batches,
momentum, Adam and decay) in PyTorch on the CPU in float64, for the bench's MNIST-size
mini-batch rows: the same steps written out (no autograd, no torch.optim), from the same
initial parameters and the same shuffles (numpy's legacy RNG, copied into tensors).

    python3 course2_torch.py SPEC.yaml [--set KEY=VALUE]...

prints the JSON object course2_numpy.py prints, with torch's version and threads. The
hidden activation is relu (the bench's workloads); another one is refused.
"""
import json
import os
import sys
import time

import numpy as np

import course2_numpy
import course_numpy
import course_spec
from course_torch import IMPORT_FAILED, blas_info

try:
    import torch
except ImportError as error:
    print(f"import torch fails: {error}", file=sys.stderr)
    sys.exit(IMPORT_FAILED)


def forward(X, W, b):
    caches, A, L = [], X, len(W)
    for l in range(L):
        Z = W[l] @ A + b[l]
        caches.append((A, Z))
        A = torch.clamp_min(Z, 0) if l < L - 1 else 1 / (1 + torch.exp(-Z))
    return A, caches


def cost_total(AL, Y):
    """The notebook's mini-batch compute_cost: the cross-entropy summed."""
    return float(torch.sum(torch.where(Y == 1, -torch.log(AL), -torch.log(1 - AL))))


def backward(AL, Y, caches, W):
    L, m = len(caches), AL.shape[1]
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
    return dW + db


def step(P, G, state, t, rate, s):
    """update_parameters_with_gd / _momentum / _adam, on the list P = W + b."""
    for k in range(len(P)):
        if s["optimizer"] == "gd":
            P[k] = P[k] - rate * G[k]
        elif s["optimizer"] == "momentum":
            state["v"][k] = s["beta"] * state["v"][k] + (1 - s["beta"]) * G[k]
            P[k] = P[k] - rate * state["v"][k]
        else:
            state["v"][k] = s["beta1"] * state["v"][k] + (1 - s["beta1"]) * G[k]
            v_corrected = state["v"][k] / (1 - s["beta1"] ** t)
            state["s"][k] = s["beta2"] * state["s"][k] + (1 - s["beta2"]) * torch.pow(G[k], 2)
            s_corrected = state["s"][k] / (1 - s["beta2"] ** t)
            P[k] = P[k] - rate * v_corrected / (torch.sqrt(s_corrected) + s["epsilon"])


def main(argv):
    spec_path, overrides = course_numpy.parse_arguments(argv)
    torch.set_num_threads(len(os.sched_getaffinity(0)))
    spec = course_spec.load_spec(spec_path, overrides)
    s = course2_numpy.settings_of(spec)
    if s["hidden"] != "relu":
        sys.exit(f"course2_torch.py does relu hidden layers only, not {s['hidden']}")
    X, Y = course_spec.load_split(spec, "train")
    test = course_spec.load_split(spec, "test")
    initial = course_numpy.initialize_parameters_deep(s["layer_dims"], s["init"], s["seed"])
    L = len(s["layer_dims"]) - 1
    P = ([torch.from_numpy(initial["W" + str(l)]) for l in range(1, L + 1)]
         + [torch.from_numpy(initial["b" + str(l)]) for l in range(1, L + 1)])
    state = {"v": [torch.zeros_like(p) for p in P], "s": [torch.zeros_like(p) for p in P]}
    m = X.shape[1]
    size = s["mini_batch_size"] or m
    Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
    seed, rate0, rate, t, costs, rates = s["shuffle_seed"], s["learning_rate"], s["learning_rate"], 0, [], []
    start = time.perf_counter()
    for i in range(s["iterations"]):
        seed += 1
        if size >= m:
            batches = [(Xt, Yt)]
        else:
            np.random.seed(seed)
            order = torch.from_numpy(np.random.permutation(m))
            shuffled_X, shuffled_Y = Xt[:, order], Yt[:, order]
            batches = [(shuffled_X[:, k:k + size], shuffled_Y[:, k:k + size]) for k in range(0, m, size)]
        total = 0.0
        for bx, by in batches:
            AL, caches = forward(bx, P[:L], P[L:])
            if i % s["record_every"] == 0:
                total = (-float(torch.sum(by * torch.log(AL) + (1 - by) * torch.log(1 - AL))) / m
                         if len(batches) == 1 else total + cost_total(AL, by))
            G = backward(AL, by, caches, P[:L])
            t += 1
            step(P, G, state, t, rate, s)
        rate = course2_numpy.decayed(s, rate0, i)
        if i % s["record_every"] == 0:
            costs.append([i, total if len(batches) == 1 else total / m])
            if s["decay"] != "none":
                rates.append([i, rate])
    seconds = time.perf_counter() - start

    def accuracy(X, Y):
        AL, _ = forward(torch.from_numpy(X), P[:L], P[L:])
        return float(torch.mean(((AL > 0.5) == torch.from_numpy(Y)).double()))

    AL, _ = forward(Xt, P[:L], P[L:])
    result = {"implementation": "PyTorch " + torch.__version__, "costs": costs,
              "final_cost": -float(torch.sum(Yt * torch.log(AL) + (1 - Yt) * torch.log(1 - AL))) / m,
              "train_accuracy": accuracy(X, Y), "test_accuracy": accuracy(*test) if test else None,
              "iterations": s["iterations"], "seconds": seconds, "threads": torch.get_num_threads(),
              "blas": blas_info()}
    if rates:
        result["learning_rates"] = rates
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv)
