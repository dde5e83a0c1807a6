#!/usr/bin/env python3
"""regenerate_golden.py: every golden value the tests compare dnn-run with, made by numpy.

    .venv-test/bin/python Tests/Fixtures/regenerate_golden.py [--out DIR] [--quick | --long]

(from the package root, with the test venv of `make test-venv`, where numpy, h5py,
PyYAML and scikit-learn are pinned). It writes, under DIR (default: the package root,
overwriting the committed files), at the paths the tests read:

  Tests/Fixtures/golden_numpy.json
      NumpyRandomTests' numbers (np.random.seed(s) then randn, random_sample, normal,
      shuffle, permutation) and SweepKindTests' (numpy.linspace and numpy.geomspace,
      the random search's draws, legacy randint), each with the numpy call that made it.
  Tests/Fixtures/golden_generated.json
      GeneratedDataTests' data sets: scikit-learn's make_moons and make_circles and the
      course's load_planar_dataset after np.random.seed(seed), features (2, m) as X.T.
  Tests/CLITests/Fixtures/oracle_cat_{2,5}layer_300.json
      Benchmarks/course_numpy.py on experiments/cat_{2,5}layer.yaml, 300 iterations with
      a cost every 10 (ParityTests).
  Tests/CLITests/Fixtures/oracle_moons_generated.json
      Benchmarks/course_numpy.py on Tests/CLITests/Fixtures/moons_generated.yaml (generated
      moons, 100 iterations) with the test set's probabilities (GeneratedDataCLITests).
  Tests/CLITests/Fixtures/oracle_cat_{2,5}layer_2500.json
      the same, the specs' full 2500 iterations, a cost every 100 (ParityTests,
      ReproduceTests).
  Tests/CLITests/Fixtures/oracle_techniques.json
      Benchmarks/course2_numpy.py (the course's second part: mini-batches, momentum,
      Adam, decay) on each spec of Tests/CLITests/Fixtures/techniques/, with the final
      parameters of the small ones (TechniqueParityTests).
  Tests/CLITests/Fixtures/oracle_course2.json
      the same on the course's optimization runs, experiments/course2/{opt,dec}_*.yaml
      (TechniqueParityTests, ReproduceTests).
  Tests/CLITests/Fixtures/numpy_cat_5layer_test_predictions.json
      the 2500-iteration 5-layer model's probabilities on the 50 test images of
      datasets/test_catvnoncat.h5, its predictions (AL > 0.5) and the labels (PredictTests).

--quick writes golden_numpy.json, golden_generated.json, the 300-iteration oracles, the
generated moons' oracle and the techniques' only (seconds); --long only the 2500-iteration
oracles, the course's optimization runs and the predictions (a minute or two). GoldenFixtureTests
runs this script into a temporary folder and compares what it writes with the committed
files: --quick in every `make test`, --long with DNN_RUN_FULL_PARITY=1 (make check-parity).
OpenBLAS runs on one thread (OPENBLAS_NUM_THREADS, unless set), so that its sums do not
depend on the number of threads; they still depend on the processor's kernel, so the
tests compare costs and probabilities within a relative 1e-12.
"""
import json
import math
import os
import subprocess
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COURSE_NUMPY = "Benchmarks/course_numpy.py"
COURSE2_NUMPY = "Benchmarks/course2_numpy.py"
TECHNIQUES = "Tests/CLITests/Fixtures/techniques"
COURSE2_RUNS = ["opt_gd", "opt_mom", "opt_adam", "dec_inv", "dec_stair", "dec_stair_mom", "dec_stair_adam"]
GOLDEN = "Tests/Fixtures/golden_numpy.json"
GOLDEN_GENERATED = "Tests/Fixtures/golden_generated.json"
FIXTURES = "Tests/CLITests/Fixtures"
PREDICTIONS = f"{FIXTURES}/numpy_cat_5layer_test_predictions.json"
GENERATED_SPEC = f"{FIXTURES}/moons_generated.yaml"
GENERATED_ORACLE = f"{FIXTURES}/oracle_moons_generated.json"
TEST_SET = "datasets/test_catvnoncat.h5"
MADE_BY = "Tests/Fixtures/regenerate_golden.py"


# NumpyRandomTests: numpy's legacy global generator.
RANDN_SEEDS = [0, 1, 2, 3, 7, 42, 1234, 2_147_483_647, 4_294_967_295]
LONG_STREAM_SEEDS = [1, 99]


def numpy_random():
    def randn(seed, *shape):
        np.random.seed(seed)
        return np.random.randn(*shape)

    long_streams = []
    for seed in LONG_STREAM_SEEDS:
        v = randn(seed, 100_001)
        long_streams.append({"seed": seed, "at_1000": float(v[1000]), "at_99999": float(v[99_999]),
                             "at_100000": float(v[100_000]), "sum": float(np.sum(v))})
    np.random.seed(1)
    samples = [float(np.random.random_sample()) for _ in range(2)]
    return {
        **shuffles(),
        "first_five": [{"seed": seed, "randn": randn(seed, 5).tolist()} for seed in RANDN_SEEDS],
        "seed_1_randn_6": randn(1, 6).tolist(),
        "long_streams": long_streams,
        "seed_5_randn_3x4": randn(5, 3, 4).tolist(),
        "seed_1_random_sample_2": samples,
    }


# NumpyRandomTests: legacy shuffle, permutation and normal. Permutations of the sizes the
# mini-batches shuffle (m = 300 after np.random.seed(shuffle_seed + e)), of sizes just
# past a power of two (the mask rejects most draws), and of 0, 1 and 2 elements.
PERMUTATIONS = [(11, 300), (12, 300), (0, 0), (0, 1), (5, 2), (1, 17), (3, 65), (42, 1025), (4_294_967_295, 70_000)]


def shuffles():
    permutations = []
    for seed, n in PERMUTATIONS:
        np.random.seed(seed)
        p = np.random.permutation(n)
        entry = {"seed": seed, "n": n}
        # The long one by checksum and a few entries; the others in full.
        entry.update({"values": p.tolist()} if n <= 1025 else
                     {"head": p[:5].tolist(), "tail": p[-5:].tolist(), "weighted_sum": int(np.sum(p * np.arange(n)))})
        permutations.append(entry)
    np.random.seed(3)
    shuffled = np.arange(10) * 10
    np.random.shuffle(shuffled)
    # One stream through every call: the Gaussian that randn(3) caches survives a permutation and
    # is what normal draws first.
    np.random.seed(7)
    mixed = {"randn_3": np.random.randn(3).tolist(), "permutation_6": np.random.permutation(6).tolist(),
             "normal_2x2": np.random.normal(scale=0.5, size=(2, 2)).ravel().tolist(),
             "random_sample": float(np.random.random_sample())}
    np.random.seed(3)
    normal = np.random.normal(scale=0.2, size=(4, 2)).ravel().tolist()
    np.random.seed(1)
    normal_loc = np.random.normal(loc=2.5, scale=3.0, size=5).tolist()
    return {
        "permutations": permutations,
        "seed_3_shuffle_tens": {"numpy": "np.random.seed(3); x = np.arange(10) * 10; np.random.shuffle(x)",
                                "values": shuffled.tolist()},
        "seed_7_mixed": {"numpy": "np.random.seed(7); randn(3); permutation(6); normal(scale=0.5, size=(2, 2)); "
                                  "random_sample()", **mixed},
        "seed_3_normal_4x2": {"numpy": "np.random.seed(3); np.random.normal(scale=0.2, size=(4, 2)).ravel()",
                              "values": normal},
        "seed_1_normal_loc": {"numpy": "np.random.seed(1); np.random.normal(loc=2.5, scale=3.0, size=5)",
                              "values": normal_loc},
    }


# SweepKindTests: each grid form as the spec writes it and numpy's values for it.
def spaced(form, start, stop, num):
    function = np.linspace if form == "linspace" else np.geomspace
    return {"form": f"{{{form}: [{start}, {stop}], num: {num}}}", "numpy": f"numpy.{form}({start}, {stop}, {num})",
            "values": [float(x) for x in function(start, stop, num)]}


# The random block of SweepKindTests.randomSweep (count 3): its text, and the draws as
# Sources/Spec/SweepGrammar+Blocks.swift makes them, point by point, key by key. The
# bounds as the spec writes them; numpy gets them as Python floats (as dnn-run's YAML does).
RANDOM_SEARCH = {"count": 3, "seed": 0, "loguniform": ("1e-4", "1e-1"), "choice": ["relu", "tanh"],
                 "randint": (1, 1000), "uniform": ("0.001", "0.01")}


def random_search():
    r = RANDOM_SEARCH
    sweep = (f"  random:\n    count: {r['count']}\n    seed: {r['seed']}\n"
             f"    training.learning_rate: {{loguniform: [{', '.join(r['loguniform'])}]}}\n"
             f"    model.hidden_activation: {{choice: [{', '.join(r['choice'])}]}}\n"
             f"    training.seed: {{randint: [{r['randint'][0]}, {r['randint'][1]}]}}\n"
             f"    data.scale: {{uniform: [{', '.join(r['uniform'])}]}}\n")
    np.random.seed(r["seed"])
    points = {"learning_rate": [], "hidden_activation": [], "seed": [], "scale": []}
    for _ in range(r["count"]):
        low, high = map(float, r["loguniform"])
        points["learning_rate"].append(math.exp(np.random.uniform(math.log(low), math.log(high))))
        points["hidden_activation"].append(r["choice"][np.random.randint(len(r["choice"]))])
        points["seed"].append(int(np.random.randint(*r["randint"])))
        points["scale"].append(float(np.random.uniform(*map(float, r["uniform"]))))
    return {"sweep": sweep,
            "numpy": "np.random.seed(seed); per point math.exp(np.random.uniform(math.log(low), math.log(high))), "
                     "values[np.random.randint(len(values))], np.random.randint(low, high), np.random.uniform(low, high)",
            **points}


RANDINT_CALLS = [[-5, 2**40]] * 3 + [[0, 2**32]] * 2 + [[3, 4], [0, 5]]


def legacy_randint():
    np.random.seed(7)
    return {"seed": 7, "calls": RANDINT_CALLS,
            "values": [int(np.random.randint(low, high)) for low, high in RANDINT_CALLS]}


def golden():
    return {
        "made_by": MADE_BY,
        "numpy": np.__version__,
        "numpy_random": numpy_random(),
        "sweeps": {
            "linspace": spaced("linspace", 0.001, 0.01, 10),
            "linspace_one": spaced("linspace", 3, 7, 1),
            "geomspace": spaced("geomspace", 1e-4, 1e-1, 7),
            "random_search": random_search(),
            "randint": legacy_randint(),
        },
    }


# GeneratedDataTests: the generated data sets, each as a spec writes it, made by
# scikit-learn (moons, circles) or the course's load_planar_dataset after np.random.seed
# (Benchmarks/generated_data.py).
# The course's own (moons 300 / 0.2 / 3, circles 300 / 0.05 / 1 and 100 / 0.05 / 2, planar
# 400 / 1) and edge cases: odd sizes, no noise, noise 0 (drawn and added), factor 0, the
# largest seed, the smallest sets, a planar petal of an odd size (randn's cached value).
GENERATED = [
    {"generate": "moons", "samples": 300, "noise": 0.2, "seed": 3},
    {"generate": "circles", "samples": 300, "noise": 0.05, "seed": 1},
    {"generate": "circles", "samples": 100, "noise": 0.05, "seed": 2},
    {"generate": "planar", "samples": 400, "seed": 1},
    {"generate": "moons", "samples": 7, "seed": 0},
    {"generate": "moons", "samples": 5, "noise": 0.0, "seed": 11},
    {"generate": "moons", "samples": 2, "noise": 1.5, "seed": 4_294_967_295},
    {"generate": "circles", "samples": 5, "factor": 0.3, "seed": 4_294_967_295},
    {"generate": "circles", "samples": 2, "noise": 0.1, "factor": 0.0, "seed": 9},
    {"generate": "circles", "samples": 1001, "noise": 0.3, "factor": 0.5, "seed": 77},
    {"generate": "planar", "samples": 2, "seed": 0},
    {"generate": "planar", "samples": 14, "seed": 5},
]


def generated():
    import sklearn
    sys.path.insert(0, os.path.join(ROOT, "Benchmarks"))
    from generated_data import generate
    sets = []
    for spec in GENERATED:
        (X, y), call = generate(spec)
        sets.append({"spec": spec, "made_by": call, "X": X.T.tolist(), "y": [int(label) for label in y]})
    return {"made_by": MADE_BY, "numpy": np.__version__, "scikit_learn": sklearn.__version__, "sets": sets}


# The oracle: the course's algorithm in numpy on the course's specs.
def course_numpy(model, iterations, overrides=(), probabilities=False, spec=None):
    """course_numpy.py on experiments/MODEL.yaml (or `spec`) with `--set` of each
    override: the oracle's fixture, and the test set's probabilities if asked for."""
    arguments = [COURSE_NUMPY, spec or f"experiments/{model}.yaml"]
    for override in overrides:
        arguments += ["--set", override]
    if probabilities:
        arguments.append("--test-probabilities")
    printed = subprocess.run([sys.executable] + arguments, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    result = json.loads(printed)
    if result["iterations"] != iterations:
        raise SystemExit(f"{' '.join(arguments)}: {result['iterations']} iterations, expected {iterations}")
    oracle = {"made_by": f"{MADE_BY}: python {' '.join(arguments)}", "numpy": np.__version__}
    oracle.update({key: result[key] for key in ("costs", "final_cost", "train_accuracy", "test_accuracy")})
    return oracle, result.get("test_probabilities")


def course2_numpy(spec, parameters=False):
    """course2_numpy.py on SPEC: costs, learning rates, final cost, accuracies (and the
    final parameters when asked for)."""
    arguments = [COURSE2_NUMPY, spec] + (["--parameters"] if parameters else [])
    printed = subprocess.run([sys.executable] + arguments, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    result = json.loads(printed)
    keys = ["costs", "learning_rates", "final_cost", "train_accuracy", "test_accuracy", "parameters"]
    return {"made_by": f"{MADE_BY}: python {' '.join(arguments)}", "numpy": np.__version__,
            **{key: result[key] for key in keys if key in result}}


def techniques():
    """Every spec of TECHNIQUES; the parameters of those whose first layer is small."""
    runs = {}
    for name in sorted(os.listdir(os.path.join(ROOT, TECHNIQUES))):
        if name.endswith(".yaml"):
            spec = f"{TECHNIQUES}/{name}"
            runs[name[:-5]] = course2_numpy(spec, parameters=not name.startswith("cat_"))
    return runs


def test_predictions(probabilities):
    import h5py
    with h5py.File(os.path.join(ROOT, TEST_SET), "r") as f:
        labels = [int(y) for y in f["test_set_y"][:]]
    assert len(probabilities) == len(labels) == 50, (len(probabilities), len(labels))
    return {"made_by": f"{MADE_BY}: python {COURSE_NUMPY} experiments/cat_5layer.yaml --test-probabilities",
            "numpy": np.__version__, "test_set": TEST_SET, "probabilities": probabilities,
            "predictions": [int(p > 0.5) for p in probabilities], "labels": labels}


def dump(value, indent=""):
    """JSON with one entry of each object or list of objects per line, lists of numbers on one."""
    inner = indent + "  "
    if isinstance(value, dict):
        entries = [f"{inner}{json.dumps(key)}: {dump(item, inner)}" for key, item in value.items()]
        return "{\n" + ",\n".join(entries) + "\n" + indent + "}"
    if isinstance(value, list) and any(isinstance(item, (dict, list)) for item in value):
        return "[\n" + ",\n".join(inner + dump(item, inner) for item in value) + "\n" + indent + "]"
    return json.dumps(value)


def write(out, path, value):
    target = os.path.join(out, path)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "w") as f:
        f.write(dump(value) + "\n")
    print(f"wrote {target}")


def main(argv):
    args = argv[1:]
    quick, long = "--quick" in args, "--long" in args
    args = [arg for arg in args if arg not in ("--quick", "--long")]
    out = ROOT
    if args[:1] == ["--out"] and len(args) == 2:
        out = os.path.abspath(args[1])
    elif args:
        quick = long = True
    if quick and long:
        raise SystemExit(f"usage: {argv[0]} [--out DIR] [--quick | --long]")
    if not long:
        write(out, GOLDEN, golden())
        write(out, GOLDEN_GENERATED, generated())
        for model in ["cat_2layer", "cat_5layer"]:
            oracle, _ = course_numpy(model, 300, ["training.iterations=300", "training.record_every=10"])
            write(out, f"{FIXTURES}/oracle_{model}_300.json", oracle)
        # A generated training and test set: the costs and the test set's probabilities.
        oracle, probabilities = course_numpy(None, 100, probabilities=True, spec=GENERATED_SPEC)
        write(out, GENERATED_ORACLE, {**oracle, "probabilities": probabilities})
        write(out, f"{FIXTURES}/oracle_techniques.json", techniques())
    if quick:
        return
    for model in ["cat_2layer", "cat_5layer"]:
        # The spec as written (2500 iterations, a cost every 100), as PredictTests trains it.
        oracle, probabilities = course_numpy(model, 2500, probabilities=model == "cat_5layer")
        write(out, f"{FIXTURES}/oracle_{model}_2500.json", oracle)
        if probabilities is not None:
            write(out, PREDICTIONS, test_predictions(probabilities))
    write(out, f"{FIXTURES}/oracle_course2.json",
          {run: course2_numpy(f"experiments/course2/{run}.yaml") for run in COURSE2_RUNS})


if __name__ == "__main__":
    main(sys.argv)
