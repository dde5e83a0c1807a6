"""bench_scaling.py: bench.py's scaling table (Benchmarks/README.md, "The scaling table"):
dnn-run's primal and dual engines on synthetic data of 12288 features as the number of
examples grows, each (engine, m) from a run of 1 iteration and a longer one.
"""
import math
import sys
import tempfile
import time
from pathlib import Path

from bench_child import failure, run_measured
from bench_table import read_run_folder

SCALING_SIZES = [100, 200, 500, 1000, 2000, 5000, 10000, 20000]
SCALING_FEATURES = (64, 64, 3)  # 12288 features, like the cat images
SCALING_MIN_LOOP_SECONDS = 0.3   # a shorter loop is measured again, longer
SCALING_MAX_ITERATIONS = 20000


def write_synthetic_dataset(path, m):
    """m random uint8 images (m, 64, 64, 3) and random 0/1 labels, as train_set_x/_y."""
    import h5py
    import numpy as np
    rng = np.random.default_rng(m)
    with h5py.File(path, "w") as f:
        f["train_set_x"] = rng.integers(0, 256, size=(m, *SCALING_FEATURES), dtype=np.uint8)
        f["train_set_y"] = rng.integers(0, 2, size=m, dtype=np.int64)


def write_scaling_spec(path, base_spec, data_path, engine, iterations):
    """The base experiment's model and training on the synthetic data, with `engine`."""
    import yaml
    spec = {"name": "scaling", "description": "bench.py scaling run",
            "data": {"train": str(data_path), "scale": 255},
            "model": base_spec["model"],
            "training": {**base_spec["training"], "engine": engine, "iterations": iterations}}
    with open(path, "w") as f:
        yaml.safe_dump(spec, f, sort_keys=False)


def available_memory_bytes():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def run_scaling(binary, base_spec, sizes, iterations, repeat, budget, workdir):
    """Per size and engine, one run of 1 iteration and one of `iterations`. The slope of
    the training seconds is the cost of an iteration; the whole process of the short run
    less one iteration is the fixed cost (start-up, loading, the dual's Gram matrix
    X^T X wherever dnn-run computes it, writing results). Stops before a size whose predicted time exceeds what is left of
    `budget` seconds, or whose data would not fit in memory."""
    features = math.prod(SCALING_FEATURES)
    start = time.perf_counter()
    points, note = [], None
    def growth(engine, r):
        """How an engine's iteration grows when m grows r times: linear for the primal
        engine, quadratic for the dual (2 n_1 m^2 for C G)."""
        return r if engine == "primal" else r * r

    previous = None  # (m, {engine: wall seconds of its two runs})
    for m in sizes:
        left = budget - (time.perf_counter() - start)
        if previous:
            r = m / previous[0]
            predicted = sum(wall * growth(engine, r) for engine, wall in previous[1].items())
            if predicted > left:
                note = f"stopped before m={m}: predicted {predicted:.0f} s, {left:.0f} s of the budget left"
                break
        needed = 8 * m * features * 2 + 8 * m * m  # X in float64 (twice, while loading) and G
        memory = available_memory_bytes()
        if memory is not None and needed > 0.7 * memory:
            note = f"stopped before m={m}: needs about {needed / 1e9:.1f} GB"
            break
        data = Path(workdir) / f"synthetic_{m}.h5"
        write_synthetic_dataset(data, m)
        point, walls = {"m": m}, {}
        for engine in ("primal", "dual"):
            # What an iteration should cost, from the size before.
            expected = None
            if points and not points[-1][engine].get("error") and not points[-1][engine].get("within_noise"):
                expected = points[-1][engine]["seconds_per_iteration"] * growth(engine, m / points[-1]["m"])
            point[engine], walls[engine] = measure_scaling_engine(
                binary, base_spec, data, engine, iterations, repeat, workdir,
                timeout=max(budget - (time.perf_counter() - start), 1), expected=expected)
        data.unlink()
        points.append(point)
        print(f"  m={m}: {format_scaling_point(point)}", file=sys.stderr)
        if point["primal"].get("error") and point["dual"].get("error"):
            note = f"stopped at m={m}: both engines failed"
            break
        previous = (m, walls)
    return {"iterations": iterations, "points": points, "note": note,
            "seconds": time.perf_counter() - start}


def longer_scaling_run(n, one, many, expected=None):
    """The iterations to measure again with, or None. The extra iterations of the long run
    (its training seconds less the 1-iteration run's) must train for at least
    SCALING_MIN_LOOP_SECONDS and a quarter of the 1-iteration run, or they are lost in the
    noise of the one-time costs: the dual engine's iteration is tens of microseconds on a
    few hundred examples, and its Gram matrix takes a minute at m = 20000, varying by
    seconds. Where they came out at nothing measurable, the cost of an iteration is taken
    from `expected` (seconds, scaled from the size before); without it a short run is
    lengthened as far as allowed, a long one not at all (20,000 iterations of 131 ms once
    ran the bench out of its budget).

    >>> longer_scaling_run(20, 0.05, 0.07)     # 0.02 s of loop: 15 times as long
    300
    >>> longer_scaling_run(20, 0.05, 0.049)    # noise below zero, a short run: as long as allowed
    20000
    >>> longer_scaling_run(20, 0.05, 0.5) is None
    True
    >>> longer_scaling_run(20, 57.7, 60.3)     # 2.6 s of loop against a minute of G: 6 times
    120
    >>> longer_scaling_run(20, 57.7, 57.6) is None   # nothing measurable, nothing expected
    True
    >>> longer_scaling_run(20, 60.0, 59.9, expected=0.125)   # 15 s wanted at 125 ms: 120 + 1
    121
    >>> longer_scaling_run(20000, 0.01, 0.02) is None
    True
    """
    if n >= SCALING_MAX_ITERATIONS:
        return None
    wanted = max(SCALING_MIN_LOOP_SECONDS, 0.25 * one)
    loop = many - one
    if loop >= wanted:
        return None
    if loop <= 0.01 * wanted and one >= SCALING_MIN_LOOP_SECONDS:
        if not expected or expected <= 0:
            return None
        return min(SCALING_MAX_ITERATIONS, max(2 * n, math.ceil(wanted / expected) + 1))
    return min(SCALING_MAX_ITERATIONS, n * max(2, math.ceil(wanted / max(loop, 1e-4))))


def loop_within_noise(one, many):
    """Whether the extra iterations' seconds are too few to measure an iteration by: under
    a tenth of a 1-iteration run that trains for SCALING_MIN_LOOP_SECONDS or more (the dual
    engine's Gram matrix at m = 20000: a minute, which varies by more than 20 iterations).

    >>> loop_within_noise(57.7, 60.3), loop_within_noise(57.7, 57.1), loop_within_noise(2.0, 6.0)
    (True, True, False)
    >>> loop_within_noise(0.05, 0.051)   # short: lengthened instead (longer_scaling_run)
    False
    """
    return one >= SCALING_MIN_LOOP_SECONDS and abs(many - one) < 0.1 * one


def measure_scaling_engine(binary, base_spec, data, engine, iterations, repeat, workdir, timeout, expected=None):
    """{seconds_per_iteration, fixed_seconds, ...} of one engine on one dataset (the best
    of `repeat` runs of each length), and the wall seconds its runs took."""
    spec = Path(workdir) / f"scaling_{engine}.yaml"
    write_scaling_spec(spec, base_spec, data, engine, iterations)
    result, wall, seconds = {}, 0.0, {}
    lengths = [1, iterations]
    while lengths:
        n = lengths.pop(0)
        for _ in range(repeat):
            with tempfile.TemporaryDirectory(prefix="dnn-run-scaling-", dir=workdir) as results:
                run = run_measured([binary, str(spec), "--set", f"training.iterations={n}",
                                    "--results", results, "--quiet"], timeout=timeout)
                wall += run["wall"]
                if run["status"] != 0:
                    return {"error": failure(run)}, wall
                try:
                    t = read_run_folder(results, "scaling")["train_seconds"]
                except (OSError, ValueError, KeyError) as error:
                    return {"error": f"unreadable results: {error}"}, wall
            seconds[n] = min(seconds.get(n, t), t)
            result[f"wall_seconds_{n}"] = min(result.get(f"wall_seconds_{n}", run["wall"]), run["wall"])
            result[f"maxrss_mb_{n}"] = max(result.get(f"maxrss_mb_{n}", 0), run["maxrss_mb"])
        if n > 1 and not lengths:
            longer = longer_scaling_run(n, seconds[1], seconds[n], expected)
            if longer:
                lengths.append(longer)
                iterations = longer
    result["iterations"] = iterations
    per_iteration = (seconds[iterations] - seconds[1]) / (iterations - 1)
    result["within_noise"] = loop_within_noise(seconds[1], seconds[iterations])
    result.update(seconds_per_iteration=per_iteration,
                  fixed_seconds=result["wall_seconds_1"] - per_iteration,
                  loop_setup_seconds=seconds[1] - per_iteration,
                  naive_seconds_per_iteration=seconds[iterations] / iterations)
    return result, wall


def engine_total(result, iterations):
    if result.get("error"):
        return None
    return result["fixed_seconds"] + iterations * result["seconds_per_iteration"]


def format_scaling_point(point):
    parts = []
    for engine in ("primal", "dual"):
        r = point[engine]
        parts.append(f"{engine} " + ("failed" if r.get("error") else
                                     f"{1e3 * r['seconds_per_iteration']:.3f} ms/iter ({r['iterations']} it.) + {r['fixed_seconds']:.2f} s"))
    return ", ".join(parts)


def print_scaling(scaling, full_iterations):
    print(f"\n## Scaling: seconds per iteration as examples grow (12288 features, "
          f"fit from runs of 1 and {scaling['iterations']} iterations, or more where marked: "
          f"until the extra iterations train for {SCALING_MIN_LOOP_SECONDS} s and a quarter of the 1-iteration run)\n")
    print(f"| m | primal ms/iter | primal fixed s | dual ms/iter | dual fixed s "
          f"| faster per iteration | faster for {full_iterations} iterations |")
    print("|--:|--:|--:|--:|--:|---|---|")
    for point in scaling["points"]:
        cells = []
        for engine in ("primal", "dual"):
            r = point[engine]
            if r.get("error"):
                cells += ["failed", ""]
            else:
                longer = f" ({r['iterations']} it.)" if r.get("iterations", scaling["iterations"]) != scaling["iterations"] else ""
                noise = " (noise)" if r.get("within_noise") else ""
                cells += [f"{1e3 * r['seconds_per_iteration']:.3f}{longer}{noise}", f"{r['fixed_seconds']:.2f}"]
        p, d = point["primal"], point["dual"]
        if p.get("error") or d.get("error"):
            ran = [engine for engine in ("primal", "dual") if not point[engine].get("error")]
            per_iteration = total = f"{ran[0]} (alone)" if ran else ""
        else:
            per_iteration = "primal" if p["seconds_per_iteration"] <= d["seconds_per_iteration"] else "dual"
            total = "primal" if engine_total(p, full_iterations) <= engine_total(d, full_iterations) else "dual"
        print(f"| {point['m']} | {' | '.join(cells)} | {per_iteration} | {total} |")
    if any(point[engine].get("within_noise") for point in scaling["points"] for engine in ("primal", "dual")):
        print("\n(noise): the extra iterations trained for less than a tenth of the 1-iteration run, "
              "whose one-time cost (the dual's Gram matrix) varies by more than that from run to run: "
              "not a measurement of an iteration (nor are the columns after it)")
    for point in scaling["points"]:
        for engine in ("primal", "dual"):
            if point[engine].get("error"):
                print(f"\nm={point['m']} {engine} failed: {point[engine]['error']}")
    if scaling["note"]:
        print(f"\n{scaling['note']}")
