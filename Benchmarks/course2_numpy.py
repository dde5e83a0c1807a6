#!/usr/bin/env python3
"""course2_numpy.py: the course's second part ("Improving Deep Neural Networks", week 2,
the "Optimization Methods" notebook) in plain numpy, as the notebook writes it, driven by
an experiment spec: mini-batches (random_mini_batches), momentum and Adam
(update_parameters_with_momentum / _with_adam) and learning-rate decay (update_lr,
schedule_lr_decay), over the L-layer network of course_numpy.py with any hidden
activation. It is the bench's baseline for these runs and the source of the parity
fixtures of the techniques (Tests/Fixtures/regenerate_golden.py).

    python3 course2_numpy.py SPEC.yaml [--set KEY=VALUE]... [--parameters]

prints one JSON object like course_numpy.py's: costs [[pass, cost], ...] (and
learning_rates [[pass, rate after it], ...] with a decay), final_cost, train_accuracy,
test_accuracy, iterations, seconds (the training loop only); --parameters adds the final
parameters. The recorded cost of pass i (i % record_every == 0): with one batch, the
seed's compute_cost before the update; with mini-batches, the notebook's cost_total / m,
each batch's summed cross-entropy taken before its own update.
"""
import json
import sys
import time

import numpy as np

import course_numpy
import course_spec

ACTIVATIONS = {
    "relu": (lambda Z: np.maximum(0, Z), lambda dA, Z: np.where(Z <= 0, 0, dA)),
    "sigmoid": (lambda Z: 1 / (1 + np.exp(-Z)),
                lambda dA, Z: dA * (1 / (1 + np.exp(-Z))) * (1 - 1 / (1 + np.exp(-Z)))),
    "tanh": (np.tanh, lambda dA, Z: dA * (1 - np.tanh(Z) * np.tanh(Z))),
    "leaky_relu": (lambda Z: np.where(Z > 0, Z, 0.01 * Z), lambda dA, Z: np.where(Z > 0, dA, 0.01 * dA)),
}


def forward_propagation(X, parameters, hidden):
    L = len(parameters) // 2
    A, caches = X, []
    for l in range(1, L + 1):
        Z = parameters["W%d" % l].dot(A) + parameters["b%d" % l]
        caches.append((A, Z))
        A = ACTIVATIONS[hidden if l < L else "sigmoid"][0](Z)
    return A, caches


def compute_cost_total(AL, Y):
    """The notebook's compute_cost of the mini-batch version: the cross-entropy summed."""
    return float(np.sum(np.where(Y == 1, -np.log(AL), -np.log(1 - AL))))


def backward_propagation(AL, Y, caches, parameters, hidden):
    L = len(caches)
    m = AL.shape[1]
    grads = {}
    dA = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    for l in range(L, 0, -1):
        A_prev, Z = caches[l - 1]
        dZ = ACTIVATIONS[hidden if l < L else "sigmoid"][1](dA, Z)
        grads["dW%d" % l] = 1 / m * np.dot(dZ, A_prev.T)
        grads["db%d" % l] = 1 / m * np.sum(dZ, axis=1, keepdims=True)
        dA = np.dot(parameters["W%d" % l].T, dZ)
    return grads


def random_mini_batches(X, Y, mini_batch_size, seed):
    np.random.seed(seed)
    m = X.shape[1]
    permutation = list(np.random.permutation(m))
    shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation]
    return [(shuffled_X[:, k:k + mini_batch_size], shuffled_Y[:, k:k + mini_batch_size])
            for k in range(0, m, mini_batch_size)]


def initialize_velocity(parameters):
    return {k: np.zeros_like(p) for k, p in parameters.items()}


def update_parameters_with_gd(parameters, grads, learning_rate, state, t, settings):
    for k in parameters:
        parameters[k] = parameters[k] - learning_rate * grads["d" + k]


def update_parameters_with_momentum(parameters, grads, learning_rate, state, t, settings):
    beta = settings["beta"]
    v = state["v"]
    for k in parameters:
        v[k] = beta * v[k] + (1 - beta) * grads["d" + k]
        parameters[k] = parameters[k] - learning_rate * v[k]


def update_parameters_with_adam(parameters, grads, learning_rate, state, t, settings):
    beta1, beta2, epsilon = settings["beta1"], settings["beta2"], settings["epsilon"]
    v, s = state["v"], state["s"]
    for k in parameters:
        v[k] = beta1 * v[k] + (1 - beta1) * grads["d" + k]
        v_corrected = v[k] / (1 - beta1 ** t)
        s[k] = beta2 * s[k] + (1 - beta2) * np.power(grads["d" + k], 2)
        s_corrected = s[k] / (1 - beta2 ** t)
        parameters[k] = parameters[k] - learning_rate * v_corrected / (np.sqrt(s_corrected) + epsilon)


UPDATES = {"gd": update_parameters_with_gd, "momentum": update_parameters_with_momentum,
           "adam": update_parameters_with_adam}


def decayed(settings, learning_rate0, epoch_num):
    """update_lr (inverse_time) and schedule_lr_decay (staircase): the rate after epoch_num."""
    rate = settings["decay_rate"]
    if settings["decay"] == "inverse_time":
        return learning_rate0 / (1 + rate * epoch_num)
    if settings["decay"] == "staircase":
        return learning_rate0 / (1 + rate * np.floor(epoch_num / settings["decay_interval"]))
    return learning_rate0


def model(X, Y, settings):
    parameters = course_numpy.initialize_parameters_deep(settings["layer_dims"], settings["init"], settings["seed"])
    state = {"v": initialize_velocity(parameters), "s": initialize_velocity(parameters)}
    update = UPDATES[settings["optimizer"]]
    m = X.shape[1]
    size = settings["mini_batch_size"] or m
    seed = settings["shuffle_seed"]
    learning_rate0 = learning_rate = settings["learning_rate"]
    costs, rates, t = [], [], 0
    start = time.perf_counter()
    for i in range(settings["iterations"]):
        seed = seed + 1
        minibatches = [(X, Y)] if size >= m else random_mini_batches(X, Y, size, seed)
        cost_total = 0.0
        for minibatch_X, minibatch_Y in minibatches:
            AL, caches = forward_propagation(minibatch_X, parameters, settings["hidden"])
            if i % settings["record_every"] == 0:
                cost_total = (course_numpy.compute_cost(AL, minibatch_Y) if len(minibatches) == 1
                              else cost_total + compute_cost_total(AL, minibatch_Y))
            grads = backward_propagation(AL, minibatch_Y, caches, parameters, settings["hidden"])
            t = t + 1
            update(parameters, grads, learning_rate, state, t, settings)
        learning_rate = decayed(settings, learning_rate0, i)
        if i % settings["record_every"] == 0:
            costs.append([i, cost_total if len(minibatches) == 1 else cost_total / m])
            if settings["decay"] != "none":
                rates.append([i, learning_rate])
    return parameters, costs, rates, time.perf_counter() - start


def settings_of(spec):
    model_keys, training = spec["model"], spec["training"]
    return {
        "layer_dims": [int(n) for n in model_keys["layer_dims"]],
        "init": model_keys.get("init", "lecun"),
        "hidden": model_keys.get("hidden_activation", "relu"),
        "learning_rate": float(training["learning_rate"]),
        "iterations": int(training["iterations"]),
        "seed": int(training.get("seed", 1)),
        "record_every": int(training.get("record_every", 100)),
        "optimizer": training.get("optimizer", "gd"),
        "beta": float(training.get("beta", 0.9)),
        "beta1": float(training.get("beta1", 0.9)),
        "beta2": float(training.get("beta2", 0.999)),
        "epsilon": float(training.get("epsilon", 1e-8)),
        "mini_batch_size": training.get("mini_batch_size"),
        "shuffle_seed": int(training.get("shuffle_seed", 10)),
        "decay": training.get("decay", "none"),
        "decay_rate": float(training.get("decay_rate", 1.0)),
        "decay_interval": int(training.get("decay_interval", 1000)),
    }


def main(argv):
    with_parameters = "--parameters" in argv
    spec_path, overrides = course_numpy.parse_arguments([a for a in argv if a != "--parameters"])
    spec = course_spec.load_spec(spec_path, overrides)
    settings = settings_of(spec)
    X, Y = course_spec.load_split(spec, "train")
    test = course_spec.load_split(spec, "test")
    parameters, costs, rates, seconds = model(X, Y, settings)

    def accuracy(X, Y):
        AL, _ = forward_propagation(X, parameters, settings["hidden"])
        return float(np.mean((AL > 0.5) == Y))

    AL, _ = forward_propagation(X, parameters, settings["hidden"])
    result = {
        "implementation": "numpy " + np.__version__,
        "costs": costs,
        "final_cost": course_numpy.compute_cost(AL, Y),
        "train_accuracy": accuracy(X, Y),
        "test_accuracy": accuracy(*test) if test else None,
        "iterations": settings["iterations"],
        "seconds": seconds,
    }
    if rates:
        result["learning_rates"] = rates
    if with_parameters:
        result["parameters"] = {k: v.tolist() for k, v in parameters.items()}
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv)
