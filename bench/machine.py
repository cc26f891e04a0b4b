"""The machine the benchmarks ran on (for the table header and the JSON)."""

from __future__ import annotations

import os
from pathlib import Path
import platform
import sys
from typing import Any

import aiohttp


def cpu_model() -> str:
    """The CPU model name (``/proc/cpuinfo`` on Linux, else what platform knows)."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            key, _, value = line.partition(":")
            if key.strip() in ("model name", "Hardware", "Processor") and value.strip():
                return value.strip()
    return platform.processor() or platform.machine() or "unknown"


def usable_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def describe() -> dict[str, Any]:
    """CPU model, cores, Python, OS and library versions."""
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable_cores(),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "os": platform.platform(),
        "aiohttp": aiohttp.__version__,
    }


def one_line(machine: dict[str, Any]) -> str:
    """``AMD EPYC, 2 cores, Python 3.13.0 (Linux-...)``."""
    return (
        f"{machine['cpu']}, {machine['usable_cores']} cores, "
        f"{machine['implementation']} {machine['python']} ({machine['os']})"
    )
