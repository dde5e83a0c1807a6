"""bench_child.py: how bench.py runs and measures one child process (Benchmarks/README.md,
"What is measured"), shared by every part of the benchmark: its wall seconds from spawn to
exit, its own peak RSS (through GNU time), the cores other processes kept busy meanwhile,
and why it failed; and how a target's verdict is printed.
"""
import os
import subprocess
import tempfile
import time

# Seconds to wait before each run for the machine to be idle (--wait-idle; set_wait_idle).
WAIT_FOR_IDLE_SECONDS = 0
# Variables that force OpenBLAS kernels: numpy's own OpenBLAS is measured as it comes.
BASELINE_ENV_DROP = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
# Others' CPU (cores kept busy by other processes, on average) above which a row's times
# are not to be trusted.
NOISY_CORES = 0.2


def set_wait_idle(seconds):
    global WAIT_FOR_IDLE_SECONDS
    WAIT_FOR_IDLE_SECONDS = seconds


def baseline_env():
    """The environment of the Python baselines and the BLAS measured: BASELINE_ENV_DROP unset."""
    return {k: v for k, v in os.environ.items() if k not in BASELINE_ENV_DROP}


def busy_cpu_seconds():
    """CPU seconds the whole machine has spent busy since boot (/proc/stat)."""
    with open("/proc/stat") as f:
        user, nice, system, idle, iowait, irq, softirq, steal = map(int, f.readline().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def wait_for_idle(limit):
    """Wait up to `limit` seconds for a second in which the machine is nearly idle."""
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        before = busy_cpu_seconds()
        time.sleep(1)
        if busy_cpu_seconds() - before < 0.1:
            return


# GNU time (Debian's package time, which make deps installs): it forks the measured
# program from its own small process, so that program's peak RSS is its own. Measured
# directly, a child's ru_maxrss is never below the harness's peak when it was spawned
# (Linux keeps the high-water mark of the address space an exec replaces): after the
# harness touched 500 MB, /bin/true reported 526 MB directly and 1 MB through GNU time.
GNU_TIME = "/usr/bin/time"


def run_measured(cmd, env=None, timeout=None):
    """Run `cmd` as a child process. Returns its exit status, wall seconds from spawn to
    exit, its own peak RSS in MB (10^6 bytes; through GNU time when installed, else from
    wait4, which a large harness inflates), the cores other processes kept busy meanwhile
    (on average), stdout, stderr and whether it was killed for exceeding `timeout` seconds."""
    wait_for_idle(WAIT_FOR_IDLE_SECONDS)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(mode="r", suffix=".rss") as rss:
        through_time = os.access(GNU_TIME, os.X_OK)
        argv = [GNU_TIME, "-f", "%M", "-o", rss.name, *cmd] if through_time else cmd
        busy = busy_cpu_seconds()
        start = time.perf_counter()
        try:
            child = subprocess.Popen(argv, stdout=out, stderr=err, env=env, start_new_session=True)
        except OSError as error:
            return {"status": None, "wall": 0.0, "maxrss_mb": None, "other_cores": None, "stdout": "",
                    "stderr": f"cannot start {argv[0]}: {error.strerror}", "timed_out": False}
        timed_out = False
        while True:  # poll so that a timeout can kill exactly this child (and GNU time's)
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if timeout is not None and time.perf_counter() - start > timeout and not timed_out:
                os.killpg(child.pid, 9)
                timed_out = True
            time.sleep(0.002)
        wall = time.perf_counter() - start
        others = busy_cpu_seconds() - busy - usage.ru_utime - usage.ru_stime
        code = os.waitstatus_to_exitcode(status)
        maxrss_mb = usage.ru_maxrss * 1024 / 1e6
        if through_time:
            # "%M" on the last line; a first line "Command terminated by signal N" or
            # "Command exited with non-zero status N" when it did not end well.
            lines = rss.read().split("\n")
            lines = [line for line in lines if line.strip()]
            maxrss_mb = int(lines[-1]) * 1024 / 1e6 if lines and lines[-1].strip().isdigit() else None
            if lines and lines[0].startswith("Command terminated by signal "):
                code = -int(lines[0].rsplit(" ", 1)[1])
        child.returncode = code
        out.seek(0)
        err.seek(0)
        return {"status": child.returncode, "wall": wall, "maxrss_mb": maxrss_mb,
                "other_cores": max(others, 0) / wall,
                "stdout": out.read().decode(errors="replace"),
                "stderr": err.read().decode(errors="replace"), "timed_out": timed_out}


def failure(run):
    """Why a child failed, and the tail of its stderr."""
    lines = run["stderr"].strip().splitlines()
    if run["status"] is None:
        return lines[0] if lines else "could not start"
    if run["timed_out"]:
        what = f"timed out after {run['wall']:.0f} s"
    elif run["status"] < 0:
        what = f"killed by signal {-run['status']}"
    else:
        what = f"exit status {run['status']}"
    return "\n".join([what, *lines[-12:]])


def set_arguments(overrides):
    return [arg for key_value in overrides for arg in ("--set", key_value)]


def noise_note(entries):
    """What a verdict judged on these rows (dicts with name and other_cores) must say when
    other processes kept cores busy while one of them ran, else "".

    >>> noise_note([{"name": "numpy", "other_cores": 0.05}, {"name": "dnn-run", "other_cores": 0.41}])
    " (not to be trusted: others' CPU 0.41 while dnn-run ran)"
    >>> noise_note([{"name": "numpy", "other_cores": 0.05}, {"name": "x", "error": "failed"}])
    ''
    """
    busy = [f"{e['other_cores']:.2f} while {e['name']} ran" for e in entries
            if e and e.get("other_cores") is not None and e["other_cores"] > NOISY_CORES]
    return f" (not to be trusted: others' CPU {', '.join(busy)})" if busy else ""


def print_checks(checks):
    """Each (target, verdict, detail) as "VERDICT  target: detail"; the lines of a detail
    after its first (a compiler's stderr, say) indented under it.

    >>> print_checks([("kernel", "FAIL", "clang failed\\nerror: x\\nerror: y"), ("rss", "PASS", "31 MB")])
    FAIL  kernel: clang failed
          error: x
          error: y
    PASS  rss: 31 MB
    """
    for target, verdict, detail in checks:
        first, *rest = str(detail).split("\n")
        print(f"{verdict}  {target}: {first}")
        for line in rest:
            print(f"      {line}")
