#!/usr/bin/env python3
"""course_numpy.py: the course's L-layer network ("deep neural network step by step",
course 1 week 4) in plain numpy, as the notebook writes it, driven by an experiment spec.
It is the benchmark's baseline and the numbers every other implementation must agree
with.

    python3 course_numpy.py SPEC.yaml [--set KEY=VALUE]... [--test-probabilities]

prints one JSON object: costs [[iteration, cost], ...], final_cost, train_accuracy,
test_accuracy, iterations, seconds (the training loop only) and blas (numpy's BLAS).
--test-probabilities adds test_probabilities, the final model's AL of each test example
in order (Tests/Fixtures/regenerate_golden.py writes them into predict's fixture).

The model: [LINEAR -> RELU] * (L-1) -> LINEAR -> SIGMOID, cross-entropy cost, full-batch
gradient descent. The cost of iteration i is recorded when i % record_every == 0,
computed before that iteration's update; final_cost is the cost after the last update.
"""
import json
import sys
import time

import numpy as np

import course_spec


# Initialization: np.random.seed(seed) once, then randn(n_l, n_{l-1}) per layer in order.
WEIGHT_SCALINGS = {
    "lecun": lambda W, n_prev, n: W / np.sqrt(n_prev),
    "he": lambda W, n_prev, n: W * np.sqrt(2.0 / n_prev),
    "glorot": lambda W, n_prev, n: W * np.sqrt(2.0 / (n_prev + n)),
}


def initialize_parameters_deep(layer_dims, init="lecun", seed=1):
    """W1, b1, ..., WL, bL with Wl (n_l, n_{l-1}) and bl (n_l, 1) zeros. `init` is a
    scheme name or {scheme, scale}; "scaled" multiplies by scale (0.01 by default)."""
    scheme = init if isinstance(init, str) else init.get("scheme", "scaled")
    np.random.seed(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        n_prev, n = layer_dims[l - 1], layer_dims[l]
        W = np.random.randn(n, n_prev)
        if scheme == "scaled":
            scale = 0.01 if isinstance(init, str) else init.get("scale", 0.01)
            W = W * scale
        else:
            W = WEIGHT_SCALINGS[scheme](W, n_prev, n)
        parameters["W" + str(l)] = W
        parameters["b" + str(l)] = np.zeros((n, 1))
    return parameters


# Forward propagation.
def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def relu(Z):
    return np.maximum(0, Z)


def linear_forward(A, W, b):
    """Z = W A + b, (n_l, m); the cache is (A, W, b)."""
    return np.dot(W, A) + b, (A, W, b)


def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    A = relu(Z) if activation == "relu" else sigmoid(Z)
    return A, (linear_cache, Z)


def L_model_forward(X, parameters):
    """AL (1, m) and one cache per layer."""
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


def compute_cost(AL, Y):
    """Cross-entropy -1/m sum(Y log AL + (1 - Y) log(1 - AL))."""
    m = Y.shape[1]
    cost = -1 / m * np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL), axis=1, keepdims=True)
    return float(np.squeeze(cost))


# Backward propagation.
def relu_backward(dA, Z):
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


def sigmoid_backward(dA, Z):
    s = 1 / (1 + np.exp(-Z))
    return dA * s * (1 - s)


def linear_backward(dZ, cache):
    """dA_prev = W^T dZ, dW = 1/m dZ A_prev^T, db = 1/m sum(dZ) over examples."""
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1 / m * np.dot(dZ, A_prev.T)
    db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def linear_activation_backward(dA, cache, activation):
    linear_cache, Z = cache
    dZ = relu_backward(dA, Z) if activation == "relu" else sigmoid_backward(dA, Z)
    return linear_backward(dZ, linear_cache)


def L_model_backward(AL, Y, caches):
    """dA_l, dW_l, db_l of every layer, starting from dAL = -(Y/AL - (1-Y)/(1-AL))."""
    grads = {}
    L = len(caches)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
    return grads


def update_parameters(parameters, grads, learning_rate):
    for l in range(1, len(parameters) // 2 + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return parameters


def accuracy(X, Y, parameters):
    """The fraction of examples where (AL > 0.5) equals the label."""
    AL, _ = L_model_forward(X, parameters)
    return float(np.mean((AL > 0.5) == Y))


def L_layer_model(X, Y, layer_dims, init, learning_rate, iterations, seed, record_every):
    """Gradient descent from initialize_parameters_deep; returns the parameters, the
    recorded [iteration, cost] pairs and the seconds the loop took."""
    parameters = initialize_parameters_deep(layer_dims, init, seed)
    costs = []
    start = time.perf_counter()
    for i in range(iterations):
        AL, caches = L_model_forward(X, parameters)
        if i % record_every == 0:
            costs.append([i, compute_cost(AL, Y)])
        grads = L_model_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, learning_rate)
    return parameters, costs, time.perf_counter() - start


def blas_info():
    """numpy's BLAS as loaded at run time (threadpoolctl) or as built (show_config)."""
    try:
        from threadpoolctl import threadpool_info
        return [{k: pool.get(k) for k in ("internal_api", "version", "architecture", "num_threads")}
                for pool in threadpool_info() if pool.get("user_api") == "blas"]
    except ImportError:
        config = np.show_config(mode="dicts")
        return config["Build Dependencies"]["blas"]


def main(argv):
    with_probabilities = "--test-probabilities" in argv
    spec_path, overrides = parse_arguments([arg for arg in argv if arg != "--test-probabilities"])
    spec = course_spec.load_spec(spec_path, overrides)
    settings = course_spec.model_settings(spec)
    X, Y = course_spec.load_split(spec, "train")
    test = course_spec.load_split(spec, "test")
    parameters, costs, seconds = L_layer_model(X, Y, **settings)
    AL, _ = L_model_forward(X, parameters)
    result = {
        "implementation": "numpy " + np.__version__,
        "costs": costs,
        "final_cost": compute_cost(AL, Y),
        "train_accuracy": accuracy(X, Y, parameters),
        "test_accuracy": accuracy(*test, parameters) if test else None,
        "iterations": settings["iterations"],
        "seconds": seconds,
        "blas": blas_info(),
    }
    if with_probabilities:
        if not test:
            raise SystemExit(f"{spec_path}: --test-probabilities needs a data.test split")
        AL_test, _ = L_model_forward(test[0], parameters)
        result["test_probabilities"] = [float(p) for p in AL_test[0]]
    print(json.dumps(result))


def parse_arguments(argv):
    """SPEC and the values of every --set."""
    args, overrides = list(argv[1:]), []
    while "--set" in args:
        i = args.index("--set")
        overrides.append(args[i + 1])
        del args[i:i + 2]
    if len(args) != 1:
        raise SystemExit(f"usage: {argv[0]} SPEC.yaml [--set KEY=VALUE]...")
    return args[0], overrides


if __name__ == "__main__":
    main(sys.argv)
