"""bench_gemm.py: the MNIST-size workload's dgemm rates and FLOP floors (Benchmarks/README.md,
"The MNIST-size rows"): every BLAS on the machine, and DeepNet's kernel in each of its
arithmetics, on a 2000 x 2000 product and on each product shape of the workload, each in
its own child (gemm_rates.py); the workload's FLOPs and its two floors; the kernel's target
(within 10% of the best BLAS on each of the workload's shapes); and every harness that could
not be built or run, as a FAIL line (a library this CPU cannot run, or one not installed,
as a SKIP line), never a missing row.
"""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from bench_child import NOISY_CORES, noise_note

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
KERNELS = ROOT / "Sources/CKernels"

# The BLAS libraries measured, Debian's packages (libblis4, libopenblas0-pthread).
BLIS_PATH = "/usr/lib/x86_64-linux-gnu/libblis.so.4"
OPENBLAS_PATH = "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0"
# BLIS 0.9.0 reads BLIS_ARCH_TYPE as the number of its configuration (its arch_t enum);
# gemm_rates.py reports the configuration BLIS then names, so a wrong number shows.
BLIS_ARCHS = {"skx": 0, "haswell": 3, "zen3": 6}
OPENBLAS_CORETYPES = ("SkylakeX", "Haswell")
# The CPU flag a forced configuration needs: without it, it stops on an illegal instruction.
NEEDS_FLAG = {"skx": "avx512f", "haswell": "avx2", "zen3": "avx2", "SkylakeX": "avx512f", "Haswell": "avx2"}
GEMM_SQUARE = 2000
GEMM_TIMEOUT = 600

# DeepNet's kernel's arithmetics (kernels.h's dnn_gemm_set_arithmetic), the default first.
KERNEL_ARITHMETICS = ("fma", "kernel")
# The target (issue 24): the default arithmetic's kernel at least 0.9x the best BLAS measured
# on each of the workload's product shapes.
KERNEL_FACTOR = 0.9
# Flags SwiftPM gives every C target in a release build (.build/release.yaml), before the
# target's own cSettings.
SWIFTPM_RELEASE_FLAGS = ["-O2", "-DSWIFT_PACKAGE=1", "-fno-omit-frame-pointer"]


# ---------------------------------------------------------------------------------------
# The products and their FLOPs

def products(m, layer_dims):
    """The matrix products one iteration of the course algorithm needs, as (what, M, N,
    K, trans): forward W_l A_{l-1}, backward dW_l = dZ_l A_{l-1}^T for every layer and
    dA_{l-1} = W_l^T dZ_l for l >= 2 (dA_0 is never used)."""
    out = []
    for l in range(1, len(layer_dims)):
        n, n_prev = layer_dims[l], layer_dims[l - 1]
        out.append((f"Z{l} = W{l} A{l - 1}", n, m, n_prev, "NN"))
        out.append((f"dW{l} = dZ{l} A{l - 1}^T", n, n_prev, m, "NT"))
        if l >= 2:
            out.append((f"dA{l - 1} = W{l}^T dZ{l}", n_prev, m, n, "TN"))
    return out


def shape_key(M, N, K, trans):
    return f"{M}x{N}x{K}:{trans}"


def parse_key(key):
    dims, _, trans = key.partition(":")
    M, N, K = (int(x) for x in dims.split("x"))
    return M, N, K, trans


def product_label(M, N, K, trans):
    """As the issue writes it: (M x K) x (K x N)."""
    return f"({M}x{K})x({K}x{N})"


def flops_of(M, N, K):
    return 2 * M * N * K


def gf(value):
    return "" if value is None else f"{value:.1f}"


# ---------------------------------------------------------------------------------------
# DeepNet's kernel as a shared library

def target_flags(package_swift, target="CKernels"):
    """The unsafeFlags of `target`'s cSettings in Package.swift's text ([] if none).

    >>> target_flags('.target(name: "CKernels", path: "Sources/CKernels", cSettings: [.unsafeFlags(["-O2"])]),')
    ['-O2']
    >>> target_flags('.target(name: "CKernels", cSettings: [.unsafeFlags(["-O3", "-mno-fma"])]),\\n'
    ...              '.target(name: "X", cSettings: [.unsafeFlags(["-O0"])])')
    ['-O3', '-mno-fma']
    >>> target_flags('.target(name: "CKernels", path: "Sources/(CKernels)"),\\n.target(name: "X", cSettings: [.unsafeFlags(["-O0"])])')
    []
    """
    start = package_swift.find(f'name: "{target}"')
    if start < 0:
        return []
    depth, i, quoted = 1, start, False
    while i < len(package_swift) and depth:  # to the parenthesis that closes .target(
        ch = package_swift[i]
        if ch == '"' and package_swift[i - 1] != "\\":
            quoted = not quoted
        elif not quoted:
            depth += {"(": 1, ")": -1}.get(ch, 0)
        i += 1
    found = re.search(r"unsafeFlags\(\s*\[(.*?)\]", package_swift[start:i], re.S)
    return re.findall(r'"((?:[^"\\]|\\.)*)"', found.group(1)) if found else []


def kernel_build_command(out):
    """clang's command line for the kernel's shared library: deepnet_cblas.c and every
    Sources/CKernels/*.c (found by glob, so that a new file is never left out), with the
    flags SwiftPM compiles CKernels with; -Wl,--no-undefined, so that a missing symbol
    fails the build, not the load."""
    sources = sorted(str(p) for p in KERNELS.glob("*.c"))
    try:
        flags = target_flags((ROOT / "Package.swift").read_text())
    except OSError:
        flags = []
    return (["clang", *SWIFTPM_RELEASE_FLAGS, *flags, "-shared", "-fPIC",
             "-I", str(KERNELS / "include"), "-I", str(KERNELS), str(HERE / "deepnet_cblas.c"), *sources,
             "-o", str(out), "-Wl,--no-undefined", "-lm", "-lpthread"], sources)


def build_deepnet_kernel(workdir):
    """DeepNet's kernel as a shared library with cblas_dgemm: {path, command, sources} or
    {error: why (the compiler's stderr tail), command, sources}."""
    out = Path(workdir) / "libdeepnet_cblas.so"
    cmd, sources = kernel_build_command(out)
    built = {"command": " ".join(cmd), "sources": [os.path.relpath(s, ROOT) for s in sources], "path": None}
    if not sources:
        return {**built, "error": f"no C files in {KERNELS}"}
    try:
        done = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as error:
        return {**built, "error": f"cannot run clang: {error.strerror}"}
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-12:]
        return {**built, "error": "\n".join([f"clang failed (exit status {done.returncode}):", *tail])}
    return {**built, "path": str(out), "error": None}


def kernel_arithmetics():
    """The arithmetics the kernel's sources offer: KERNEL_ARITHMETICS when kernels.h declares
    dnn_gemm_set_arithmetic, else (None,), its one arithmetic (the unfused "kernel")."""
    try:
        header = (KERNELS / "include/kernels.h").read_text()
    except OSError:
        return (None,)
    return KERNEL_ARITHMETICS if "dnn_gemm_set_arithmetic" in header else (None,)


# ---------------------------------------------------------------------------------------
# dgemm rates

def gemm_variants(baseline_env):
    """Every BLAS to measure, {name, argv (gemm_rates.py's library argument and options), env,
    needs (the CPU flag a forced configuration needs)}, and those this machine lacks, {name,
    error, skip}."""
    base = {k: v for k, v in baseline_env.items() if k not in ("BLIS_ARCH_TYPE",)}
    variants, missing = [{"name": "numpy's own BLAS", "argv": ["numpy"], "env": base}], []
    if os.path.exists(BLIS_PATH):
        variants.append({"name": "BLIS (Debian), auto-detected", "argv": [f"blis:{BLIS_PATH}"], "env": base})
        for arch, number in BLIS_ARCHS.items():
            variants.append({"name": f"BLIS (Debian), BLIS_ARCH_TYPE={number} ({arch})", "argv": [f"blis:{BLIS_PATH}"],
                             "env": {**base, "BLIS_ARCH_TYPE": str(number)}, "needs": NEEDS_FLAG[arch]})
    else:
        missing.append({"name": "BLIS (Debian)", "error": f"not installed: no {BLIS_PATH} (Debian's libblis4)"})
    if os.path.exists(OPENBLAS_PATH):
        verbose = {**base, "OPENBLAS_VERBOSE": "2"}
        variants.append({"name": "OpenBLAS (Debian), auto-detected", "argv": [f"openblas:{OPENBLAS_PATH}"],
                         "env": verbose})
        for core in OPENBLAS_CORETYPES:
            variants.append({"name": f"OpenBLAS (Debian), OPENBLAS_CORETYPE={core}",
                             "argv": [f"openblas:{OPENBLAS_PATH}"],
                             "env": {**verbose, "OPENBLAS_CORETYPE": core}, "needs": NEEDS_FLAG[core]})
    else:
        missing.append({"name": "OpenBLAS (Debian)",
                        "error": f"not installed: no {OPENBLAS_PATH} (make bench installs libopenblas-dev)"})
    variants.append({"name": "PyTorch's BLAS", "argv": ["torch"], "env": base})
    return variants, [{**m, "skip": True, "other_cores": None} for m in missing]


def deepnet_variants(library, baseline_env):
    """A variant per arithmetic of DeepNet's kernel (deepnet-fma, deepnet-kernel)."""
    out = []
    for arithmetic in kernel_arithmetics():
        argv = [f"deepnet:{library}"] + (["--arithmetic", arithmetic] if arithmetic else [])
        out.append({"name": f"DeepNet's kernel (deepnet-{arithmetic or 'kernel'})", "argv": argv,
                    "env": baseline_env, "deepnet": True, "arithmetic": arithmetic or "kernel"})
    return out


def not_measured(variant, run, failure, cpu_flags):
    """(why, skip): why a variant's child failed, and whether that is expected here (torch
    not installed, a forced configuration this CPU lacks the instructions of) rather than a
    harness that failed."""
    if variant["argv"][0] == "torch" and "No module named 'torch'" in run["stderr"]:
        return "torch is not installed (bench.py --install-torch)", True
    needs = variant.get("needs")
    if run["status"] == -4 and needs and needs not in cpu_flags:
        return f"this CPU lacks {needs}: the forced kernels stop on an illegal instruction (SIGILL)", True
    return failure(run), False


def measure_gemm_rates(harness, shapes, cores, baseline_env, workdir, cpu_flags=()):
    """Every variant's GFLOP/s on every shape, each variant in its own child, DeepNet's
    kernel (what dnn-run multiplies with) in each arithmetic among them: (libraries, build)."""
    variants, libraries = gemm_variants(baseline_env)
    build = build_deepnet_kernel(workdir)
    if build["error"]:
        libraries.append({"name": "DeepNet's kernel", "deepnet": True, "harness": "build", "other_cores": None,
                          "error": "its shared library could not be built: " + build["error"]})
    else:
        variants += deepnet_variants(build["path"], baseline_env)
    for variant in variants:
        print(f"  dgemm rates: {variant['name']} ...", file=sys.stderr)
        run = harness.run_measured([sys.executable, str(HERE / "gemm_rates.py"), *variant["argv"],
                                    "--threads", str(cores), "--shapes", ",".join(shapes)],
                                   env=variant["env"], timeout=GEMM_TIMEOUT)
        entry = {"name": variant["name"], "library": variant["argv"][0], "other_cores": run["other_cores"],
                 "deepnet": variant.get("deepnet", False), "arithmetic": variant.get("arithmetic")}
        for key in ("BLIS_ARCH_TYPE", "OPENBLAS_CORETYPE"):
            if variant["env"].get(key):
                entry[key] = variant["env"][key]
        if run["status"] != 0:
            entry["error"], entry["skip"] = not_measured(variant, run, harness.failure, cpu_flags)
        else:
            out = json.loads(run["stdout"])
            entry.update(error=None, version=out.get("version"), kernels=out.get("kernels"),
                         threads=out["threads"], library_threads=out.get("library_threads"),
                         rates={s["shape"]: s for s in out["shapes"]})
            if out.get("arithmetic"):
                entry["arithmetic"] = out["arithmetic"]
            cores_said = re.findall(r"^Core: (\S+)", run["stderr"], re.M)
            if "OPENBLAS_VERBOSE" in variant["env"] and cores_said:
                # numpy's own OpenBLAS, imported first, prints its line too: the last is Debian's.
                entry["verbose_core"] = cores_said[-1]
        libraries.append(entry)
    return libraries, build


def best_rate(libraries, shape, deepnet=True):
    """(GFLOP/s, library name) of the fastest correct result on `shape` (of the other
    libraries only when not `deepnet`), or (None, None)."""
    best = (None, None)
    for lib in libraries:
        r = (lib.get("rates") or {}).get(shape)
        if lib.get("error") or not r or r.get("correct") is False or (lib.get("deepnet") and not deepnet):
            continue
        if best[0] is None or r["gflops"] > best[0]:
            best = (r["gflops"], lib["name"])
    return best


def floors(libraries, m, iterations, layer_dims):
    """The workload's FLOPs and its two floors: (a) all FLOPs at the best 2000 x 2000
    rate, (b) each product's FLOPs at the best rate measured on its own shape."""
    square = shape_key(GEMM_SQUARE, GEMM_SQUARE, GEMM_SQUARE, "NN")
    per_product = []
    for what, M, N, K, trans in products(m, layer_dims):
        key = shape_key(M, N, K, trans)
        rate, by = best_rate(libraries, key)
        flops = flops_of(M, N, K) * iterations
        per_product.append({"what": what, "shape": key, "label": product_label(M, N, K, trans),
                            "flops": flops, "best_gflops": rate, "best_by": by,
                            "seconds": flops / (rate * 1e9) if rate else None})
    total = sum(p["flops"] for p in per_product)
    rate, by = best_rate(libraries, square)
    result = {"flops": total, "flops_per_iteration": total // iterations, "products": per_product,
              "square_gflops": rate, "square_by": by,
              "floor_a_seconds": total / (rate * 1e9) if rate else None}
    if all(p["seconds"] is not None for p in per_product):
        result["floor_b_seconds"] = sum(p["seconds"] for p in per_product)
        result["floor_b_gflops"] = total / result["floor_b_seconds"] / 1e9
    else:
        result["floor_b_seconds"] = None
    return result


# ---------------------------------------------------------------------------------------
# Printing and the targets

def print_gemm(result):
    libs, shapes = result["gemm"], result["gemm_shapes"]
    print(f"\n### dgemm rates, GFLOP/s, {result['threads']} threads (best of up to 5 after a warm-up)\n")
    headers = ["2000x2000" if s.startswith(f"{GEMM_SQUARE}x") else f"{product_label(*parse_key(s))} {s[-2:]}"
               for s in shapes]
    print(f"| BLAS | kernels | {' | '.join(headers)} | others' CPU |")
    print("|---|---|" + "--:|" * len(shapes) + "--:|")
    for lib in libs:
        if lib.get("error"):  # a row all the same: what it is, and why it has no numbers
            why = lib["error"].splitlines()[0]
            print(f"| {lib['name']} | {'SKIP' if lib.get('skip') else 'FAIL'}: {why} |" + " |" * len(shapes)
                  + f" {'' if lib['other_cores'] is None else format(lib['other_cores'], '.2f')} |")
            continue
        cells = []
        for s in shapes:
            r = lib["rates"].get(s)
            cells.append("" if r is None else ("WRONG" if r.get("correct") is False else gf(r["gflops"])))
        kernels = lib.get("kernels") or ""
        if lib.get("deepnet"):
            kernels += f", arithmetic {lib.get('arithmetic')}"
        if lib.get("verbose_core"):
            kernels += f" (OPENBLAS_VERBOSE: Core: {lib['verbose_core']})"
        print(f"| {lib['name']} | {kernels} | {' | '.join(cells)} | {lib['other_cores']:.2f} |")
    build = result.get("kernel_build") or {}
    if build.get("command"):
        flags = [a for a in build["command"].split() if a.startswith(("-O", "-D", "-f", "-m"))]
        print(f"\nDeepNet's kernel: built by clang {' '.join(flags)} -shared from Benchmarks/deepnet_cblas.c and "
              f"{', '.join(build['sources'])}")
    for lib in libs:
        if lib.get("error") and len(lib["error"].splitlines()) > 1:
            print(f"{lib['name']}: not measured: " + "\n  ".join(lib["error"].splitlines()))
        elif lib.get("version") and not lib.get("deepnet"):  # the kernel's row names what it is
            print(f"{lib['name']}: {lib['version']}")
        wrong = [s for s, r in (lib.get("rates") or {}).items() if r.get("correct") is False]
        if wrong:
            print(f"  WRONG results (|C v - A (B v)| / |A (B v)| > 1e-8) on {', '.join(wrong)}: left out of the floors")
    busy = [lib["name"] for lib in libs if not lib.get("error") and lib["other_cores"] > NOISY_CORES]
    if busy:
        print(f"warning: other processes kept cores busy while these were measured: {', '.join(busy)}")


def print_floors(result):
    fl, it = result["floors"], result["iterations"]
    print("\n### FLOPs and floors\n")
    print(f"| product | shape | GFLOP ({it} iterations) | best rate GFLOP/s | by | seconds at that rate |")
    print("|---|---|--:|--:|---|--:|")
    for p in fl["products"]:
        print(f"| {p['what']} | {p['label']} {p['shape'][-2:]} | {p['flops'] / 1e9:.1f} | {gf(p['best_gflops'])} "
              f"| {p['best_by'] or 'no rate'} | {'' if p['seconds'] is None else format(p['seconds'], '.2f')} |")
    print(f"\nworkload: {fl['flops_per_iteration'] / 1e9:.2f} GFLOP per iteration, {fl['flops'] / 1e9:.0f} GFLOP "
          f"in {it} iterations (forward W_l A_(l-1), dW_l for every layer, dA_(l-1) for l >= 2)")
    if fl["floor_a_seconds"]:
        print(f"floor (a): all FLOPs at the best 2000x2000 rate, {fl['square_gflops']:.1f} GFLOP/s "
              f"({fl['square_by']}): {fl['floor_a_seconds']:.2f} s")
    else:
        print("floor (a): no 2000x2000 rate was measured")
    if fl["floor_b_seconds"]:
        print(f"floor (b): each product at the best rate measured on its own shape: {fl['floor_b_seconds']:.2f} s "
              f"({fl['floor_b_gflops']:.1f} GFLOP/s overall)")
    else:
        print("floor (b): not every product shape has a rate")


def check_gemm(result):
    """[(target, PASS | FAIL | SKIP, detail)]: a FAIL for every harness that could not be built
    or run, a SKIP for a library this machine lacks or cannot run, and the kernel's target on
    each of the workload's product shapes (the default arithmetic's row)."""
    libs, checks = result["gemm"], []
    for lib in libs:
        if lib.get("error"):
            what = "DeepNet's kernel library" if lib.get("harness") == "build" else f"dgemm rates of {lib['name']}"
            checks.append((f"harness: {what}", "SKIP" if lib.get("skip") else "FAIL", lib["error"]))
    kernel = next((lib for lib in libs if lib.get("deepnet")), None)
    seen = {}
    for p in result["floors"]["products"]:
        seen.setdefault(p["shape"], []).append(p["what"].split(" = ")[0])
    for shape, names in seen.items():
        label = f"{product_label(*parse_key(shape))} {shape[-2:]} ({', '.join(names)})"
        name = kernel["name"] if kernel else "DeepNet's kernel"
        target = f"{name} within {100 - round(100 * KERNEL_FACTOR)}% of the best BLAS on {label}"
        mine = None if kernel is None or kernel.get("error") else kernel["rates"].get(shape)
        rate, by = best_rate(libs, shape, deepnet=False)
        if mine is None:
            checks.append((target, "FAIL", "DeepNet's kernel was not measured"))
        elif mine.get("correct") is False:
            checks.append((target, "FAIL", f"WRONG result (relative error {mine['relative_error']:.1e})"))
        elif rate is None:
            checks.append((target, "SKIP", "no other BLAS measured this shape"))
        else:
            other = next(lib for lib in libs if lib["name"] == by)
            checks.append((target, "PASS" if mine["gflops"] >= KERNEL_FACTOR * rate else "FAIL",
                           f"{mine['gflops']:.1f} vs {rate:.1f} GFLOP/s ({by}) = {mine['gflops'] / rate:.2f}x "
                           f"(at least {KERNEL_FACTOR}x)"
                           + noise_note([kernel, other])))
    return checks
