"""bench_machine.py: what bench.py prints at its top (Benchmarks/README.md, "The machine and
the kernel"): memory and cores; the CPU, lscpu's model name and the flags that decide
DeepNet's kernel (fma, avx2, avx512f); what the dnn-run timed multiplies with, from the
manifest of a 1-iteration run (blas_library, arithmetic); and which arithmetics its rows are
timed in (`--arithmetic fma` and `--arithmetic kernel` side by side where the binary has the
flag), with the target that the default one is no slower than the other.
"""
import glob
import json
import os
import platform
import re
import subprocess
import tempfile
from pathlib import Path

from bench_child import noise_note
from bench_sweeps import write_planar_csv

# The flags that decide which instruction set DeepNet's kernel runs.
KERNEL_FLAGS = ("fma", "avx2", "avx512f")
# dnn-run's --arithmetic values timed side by side, where the binary has the flag, the
# default first ("blis", the third, is for runs made through BLIS, not timed).
ARITHMETICS = ("fma", "kernel")
# The default arithmetic's training loop at most this times the other's: "no slower" up to
# the run-to-run variation of a quiet machine.
NO_SLOWER_FACTOR = 1.05


# ---------------------------------------------------------------------------------------
# The machine and its CPU

def lscpu_fields(text):
    """lscpu's "Key: value" lines as a dict.

    >>> f = lscpu_fields("Architecture:  x86_64\\nVendor ID:   AuthenticAMD\\nModel name:  AMD EPYC\\n"
    ...                  "CPU family: 25\\nFlags: fpu sse2 fma avx2\\n")
    >>> f["Model name"], f["Vendor ID"], f["Flags"].split()[-1]
    ('AMD EPYC', 'AuthenticAMD', 'avx2')
    """
    fields = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and key.strip() not in fields:
            fields[key.strip()] = value.strip()
    return fields


def cpu_info():
    """{model, vendor, family, model_number, flags, source}: lscpu's Model name, Vendor ID,
    CPU family, Model and Flags, or /proc/cpuinfo's where lscpu is missing."""
    try:
        fields = lscpu_fields(subprocess.run(["lscpu"], capture_output=True, text=True, timeout=30).stdout)
        source = "lscpu"
    except (OSError, subprocess.SubprocessError):
        fields, source = {}, None
    if "Model name" not in fields:
        try:
            with open("/proc/cpuinfo") as f:
                text = f.read().split("\n\n")[0]
            info = lscpu_fields(text)
            fields = {"Model name": info.get("model name"), "Vendor ID": info.get("vendor_id"),
                      "CPU family": info.get("cpu family"), "Model": info.get("model"),
                      "Flags": info.get("flags", "")}
            source = "/proc/cpuinfo"
        except OSError:
            fields = {}
    flags = set((fields.get("Flags") or "").split())
    return {"model": fields.get("Model name") or "unknown", "vendor": fields.get("Vendor ID"),
            "family": fields.get("CPU family"), "model_number": fields.get("Model"), "source": source,
            "flags": {flag: flag in flags for flag in KERNEL_FLAGS}, "all_flags": sorted(flags)}


def machine_info():
    cpu = cpu_info()
    memory = None
    try:
        with open("/proc/meminfo") as f:
            memory = next(int(line.split()[1]) * 1024 for line in f if line.startswith("MemTotal:"))
    except (OSError, StopIteration, ValueError):
        pass
    limit = None
    try:
        with open("/sys/fs/cgroup/memory.max") as f:
            text = f.read().strip()
            limit = None if text == "max" else int(text)
    except (OSError, ValueError):
        pass
    return {"cpu": cpu["model"], "cpu_info": cpu, "cores": len(os.sched_getaffinity(0)), "memory_bytes": memory,
            "cgroup_memory_limit_bytes": limit, "platform": platform.platform(),
            "python": platform.python_version(), "load_average": os.getloadavg()}


def describe_cpu(cpu):
    """The CPU line at the top of the output.

    >>> describe_cpu({"model": "AMD EPYC", "vendor": "AuthenticAMD", "family": "25", "model_number": "1",
    ...               "source": "lscpu", "flags": {"fma": True, "avx2": True, "avx512f": False}})
    'CPU: AMD EPYC (lscpu: Model name; AuthenticAMD, family 25, model 1); fma yes, avx2 yes, avx512f no'
    """
    ids = ", ".join(x for x in (cpu.get("vendor"), cpu.get("family") and f"family {cpu['family']}",
                                cpu.get("model_number") and f"model {cpu['model_number']}") if x)
    flags = ", ".join(f"{flag} {'yes' if present else 'no'}" for flag, present in cpu["flags"].items())
    source = f"{cpu['source']}: Model name" if cpu.get("source") else "no lscpu or /proc/cpuinfo"
    return f"CPU: {cpu['model']} ({source}{'; ' + ids if ids else ''}); {flags}"


def print_machine(machine):
    memory = "memory unknown" if machine["memory_bytes"] is None else \
        f"{machine['memory_bytes'] / 2**30:.1f} GiB memory"
    if machine.get("cgroup_memory_limit_bytes"):
        memory += f" (cgroup limit {machine['cgroup_memory_limit_bytes'] / 2**30:.1f} GiB)"
    print(f"machine: {machine['cpu']}, {machine['cores']} cores, {memory}, {machine['platform']}")
    print(describe_cpu(machine["cpu_info"]))
    print(f"load average at start: {machine['load_average'][0]:.2f}"
          + ("  (other work shares the CPU: timings are unreliable)" if machine["load_average"][0] > 0.5 else ""))


# ---------------------------------------------------------------------------------------
# What dnn-run multiplies with

def kernel_isa(blas_library):
    """The instruction set of DeepNet's kernel a manifest's blas_library names, or None.

    >>> kernel_isa("DeepNet kernel (avx2), BLIS 0.9.0 for matrix-vector products")
    'avx2'
    >>> kernel_isa("DeepNet kernel (avx512f, fma)"), kernel_isa("BLIS 0.9.0") is None
    ('avx512f', True)
    """
    found = re.match(r"DeepNet kernel \(([^,)]+)", blas_library or "")
    return found.group(1).strip() if found else None


def recorded_arithmetic(manifest):
    """(arithmetic, how it is known): the manifest's "arithmetic", or for a dnn-run that does
    not record one, what its blas_library implies (as dnn-run verify reads old runs).

    >>> recorded_arithmetic({"arithmetic": "fma", "blas_library": "DeepNet kernel (avx2, fma)"})
    ('fma', 'recorded')
    >>> recorded_arithmetic({"blas_library": "DeepNet kernel (avx2), BLIS 0.9.0 for matrix-vector products"})
    ('kernel', 'not recorded: implied by blas_library')
    >>> recorded_arithmetic({"blas_library": "BLIS 0.9.0"})
    ('blis', 'not recorded: implied by blas_library')
    """
    if manifest.get("arithmetic"):
        return manifest["arithmetic"], "recorded"
    library = manifest.get("blas_library") or ""
    implied = "kernel" if library.startswith("DeepNet kernel") else "blis" if library.startswith("BLIS") else None
    return implied, "not recorded: implied by blas_library" if implied else "not recorded"


PROBE_SPEC = ("name: kernel_probe\ndescription: bench.py, what dnn-run multiplies with (1 iteration)\n"
              "data:\n  train: planar.csv\nmodel:\n  layer_dims: [2, 4, 1]\n"
              "training:\n  learning_rate: 1.2\n  iterations: 1\n")


def probe_kernel(binary, run_measured, failure):
    """What the binary multiplies with, from the manifests of 1-iteration runs of a tiny
    model: its default's blas_library and arithmetic, and each of ARITHMETICS it takes as
    `--arithmetic` (none when it has no such flag). {blas_library, isa, arithmetic, how,
    arithmetics: [(name, extra argv)], libraries, has_flag, error}."""
    probe = {"blas_library": None, "isa": None, "arithmetic": None, "how": None, "arithmetics": [("unknown", [])],
             "libraries": {}, "has_flag": False, "error": None}
    if not os.access(binary, os.X_OK):
        return {**probe, "error": f"no dnn-run executable at {binary}"}
    with tempfile.TemporaryDirectory(prefix="dnn-run-bench-probe-") as tmp:
        write_planar_csv(Path(tmp) / "planar.csv")
        (Path(tmp) / "probe.yaml").write_text(PROBE_SPEC)

        def manifest_of(extra, results):
            run = run_measured([binary, str(Path(tmp) / "probe.yaml"), "--results", str(Path(tmp) / results),
                                "--quiet", *extra], timeout=120)
            if run["status"] != 0:
                return None, run
            found = glob.glob(str(Path(tmp) / results / "**" / "manifest.json"), recursive=True)
            if len(found) != 1:
                return None, {**run, "status": 1, "stderr": f"expected one manifest.json, found {len(found)}"}
            with open(found[0]) as f:
                return json.load(f), run

        manifest, run = manifest_of([], "default")
        if manifest is None:
            return {**probe, "error": "a 1-iteration run failed: " + failure(run)}
        probe["blas_library"] = manifest.get("blas_library")
        probe["isa"] = kernel_isa(probe["blas_library"])
        probe["arithmetic"], probe["how"] = recorded_arithmetic(manifest)
        probe["arithmetics"] = []
        for name in ARITHMETICS:
            manifest, run = manifest_of(["--arithmetic", name], name)
            if manifest is None and "Unknown option '--arithmetic'" in run["stderr"]:
                break  # a dnn-run with one arithmetic: its rows are timed without the flag
            probe["has_flag"] = True
            if manifest is None:
                probe["error"] = f"dnn-run --arithmetic {name} failed: " + failure(run)
            elif manifest.get("arithmetic") != name:
                probe["error"] = (f"dnn-run --arithmetic {name} recorded \"arithmetic\": "
                                  f"{json.dumps(manifest.get('arithmetic'))}")
            else:
                probe["libraries"][name] = manifest.get("blas_library")
                probe["arithmetics"].append((name, ["--arithmetic", name]))
    if not probe["has_flag"]:
        probe["arithmetics"] = [(probe["arithmetic"] or "unknown", [])]
    probe["arithmetics"].sort(key=lambda a: a[0] != probe["arithmetic"])  # the default first
    return probe


def print_kernel(probe):
    if probe["error"] and not probe["blas_library"]:
        print(f"DeepNet's kernel in this dnn-run: unknown ({probe['error'].splitlines()[0]})")
        return
    isa = probe["isa"] or "none (its products run through BLIS)"
    print(f"DeepNet's kernel in this dnn-run: {isa}; manifest of a 1-iteration run: "
          f"\"blas_library\": {json.dumps(probe['blas_library'])}, arithmetic {probe['arithmetic']} ({probe['how']})")
    if probe["has_flag"]:
        print("arithmetics timed side by side (dnn-run --arithmetic): "
              + ", ".join(f"{name} (\"blas_library\": {json.dumps(probe['libraries'][name])})"
                          for name, _ in probe["arithmetics"]))
    else:
        print(f"arithmetic of every dnn-run row: {probe['arithmetic']} (this dnn-run has no --arithmetic)")


def check_probe(probe):
    """A FAIL when what the binary multiplies with could not be found out."""
    if not probe["error"]:
        return []
    return [("harness: dnn-run's arithmetics (1-iteration runs of a tiny model)", "FAIL", probe["error"])]


def interleaved(run_one, arithmetics, repeat):
    """{arithmetic: [rows]}: `repeat` runs of each arithmetic ((name, extra argv)) in the
    order A B, B A, A B, ..., so that a drift in the machine's speed (another process,
    another virtual machine on the host, the clock) favors neither.

    >>> order = []
    >>> runs = interleaved(lambda a: order.append(a[0]) or a[0], [("fma", []), ("kernel", [])], 2)
    >>> order, runs
    (['fma', 'kernel', 'kernel', 'fma'], {'fma': ['fma', 'fma'], 'kernel': ['kernel', 'kernel']})
    """
    runs = {name: [] for name, _ in arithmetics}
    for r in range(repeat):
        for arithmetic in (arithmetics if r % 2 == 0 else arithmetics[::-1]):
            runs[arithmetic[0]].append(run_one(arithmetic))
    return runs


def compare_repeat(arithmetics, repeat):
    """Runs of each arithmetic where two are compared: `repeat` (--arithmetic-repeat); one
    where there is one arithmetic, nothing to compare."""
    return repeat if len(arithmetics) > 1 else 1


def check_no_slower(groups, what):
    """[(target, verdict, detail)]: in each group ({arithmetic: row}, the default first),
    the default arithmetic's training loop at most NO_SLOWER_FACTOR times the other's; a
    SKIP where the binary has one arithmetic.

    >>> rows = {"fma": {"name": "p fma", "train_seconds": 2.0, "other_cores": 0.0},
    ...         "kernel": {"name": "p kernel", "train_seconds": 2.1, "other_cores": 0.3}}
    >>> check_no_slower({"primal": rows}, "cat")
    [('cat primal: arithmetic fma no slower than kernel (<= 1.05x)', 'PASS', "2.000 s vs 2.100 s = 0.95x (not to be trusted: others' CPU 0.30 while p kernel ran)")]
    >>> check_no_slower({"primal": {"kernel": rows["fma"]}}, "cat")[0][1:]
    ('SKIP', 'this dnn-run has one arithmetic (kernel): no --arithmetic')
    """
    checks = []
    for group, by_arithmetic in groups.items():
        names = list(by_arithmetic)
        if len(names) < 2:
            checks.append((f"{what} {group}: the default arithmetic no slower than the other", "SKIP",
                           f"this dnn-run has one arithmetic ({names[0] if names else 'none ran'}): no --arithmetic"))
            continue
        first = by_arithmetic[names[0]]
        for other_name in names[1:]:
            other = by_arithmetic[other_name]
            target = f"{what} {group}: arithmetic {names[0]} no slower than {other_name} (<= {NO_SLOWER_FACTOR}x)"
            failed = [r["name"] for r in (first, other) if r.get("error")]
            if failed:
                checks.append((target, "FAIL", f"{', '.join(failed)} failed"))
                continue
            r = first["train_seconds"] / other["train_seconds"]
            checks.append((target, "PASS" if r <= NO_SLOWER_FACTOR else "FAIL",
                           f"{first['train_seconds']:.3f} s vs {other['train_seconds']:.3f} s = {r:.2f}x"
                           + noise_note([first, other])))
    return checks
