"""What another process costs, read from /proc: CPU on every thread, resident memory."""

from __future__ import annotations

from pathlib import Path


def cpu_ms(pid: int) -> float:
    """Milliseconds the process has run on a CPU, all threads (``schedstat``, ns resolution)."""
    total = 0
    for path in Path(f"/proc/{pid}/task").glob("*/schedstat"):
        try:
            total += int(path.read_text().split()[0])
        except (OSError, IndexError, ValueError):  # a thread ended meanwhile
            continue
    return total / 1e6


def rss_mb(pid: int) -> float:
    """Resident memory in MB (``VmRSS``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise ValueError(f"no VmRSS for {pid}")
