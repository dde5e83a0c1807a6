"""bench_machine.py: what bench.py prints at its top about the machine: memory, cores,
the CPU (lscpu's model name and the flags that decide DeepNet's kernel), and what the
dnn-run timed multiplies with (Benchmarks/README.md, "The machine and the kernel").
"""
import os
import platform


def machine_info():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
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
    return {"cpu": cpu, "cores": len(os.sched_getaffinity(0)), "memory_bytes": memory,
            "cgroup_memory_limit_bytes": limit, "platform": platform.platform(),
            "python": platform.python_version(), "load_average": os.getloadavg()}


def print_machine(machine):
    memory = "memory unknown" if machine["memory_bytes"] is None else \
        f"{machine['memory_bytes'] / 2**30:.1f} GiB memory"
    if machine.get("cgroup_memory_limit_bytes"):
        memory += f" (cgroup limit {machine['cgroup_memory_limit_bytes'] / 2**30:.1f} GiB)"
    print(f"machine: {machine['cpu']}, {machine['cores']} cores, {memory}, {machine['platform']}")
    print(f"load average at start: {machine['load_average'][0]:.2f}"
          + ("  (other work shares the CPU: timings are unreliable)" if machine["load_average"][0] > 0.5 else ""))
