"""A fleet of gateways in one process (``scripts/cpe --fleet N``): rate and memory.

The runner starts N complete gateways; each bootstraps with the ACS at once. The rate
is N divided by the time from the first of those sessions starting to the last one
ending; its floor is the same N sessions replayed concurrently by bare clients (the
ACS's own limit, with the least client work). Memory per gateway is the growth of the
process's resident memory from a fleet of the previous size, per added gateway, once
idle; its floor is the same growth for bare aiohttp servers, one per gateway.
"""

from __future__ import annotations

import asyncio
import base64
from dataclasses import dataclass
import itertools
from pathlib import Path
import sys
import tempfile
import time

from .child import ChildProcess
from .context import Context
from .figures import Figure
from .headless import IDLE, _process
from .proc import rss_mb
from .replay import Replayer

FIGURES = ("fleet.rate_100", "fleet.rate_1000", "fleet.memory_100", "fleet.memory_1000")


@dataclass(frozen=True, slots=True)
class Plan:
    """Fleet sizes: a baseline, then the two measured ones."""

    sizes: tuple[int, int, int]


FULL = Plan(sizes=(10, 100, 1000))
QUICK = Plan(sizes=(2, 4, 8))


@dataclass(slots=True)
class _Run:
    rate: float
    floor_rate: float
    rss: float
    floor_rss: float


async def run(ctx: Context) -> list[Figure]:
    """Three fleets, each against its floor."""
    sizes = ctx.pick(QUICK, FULL).sizes
    runs: list[_Run] = []
    with tempfile.TemporaryDirectory() as folder:
        for number, size in enumerate(sizes):
            runs.append(await _fleet(ctx, Path(folder) / f"fleet{number}", f"FLEET{number}", size))
    figures = []
    labels = ("100", "1000")
    for label, (before, after), (small, large) in zip(
        labels, itertools.pairwise(runs), itertools.pairwise(sizes), strict=True
    ):
        added = large - small
        figures.append(
            Figure(
                f"fleet.rate_{label}",
                f"Fleet of {large:,}: bootstrap sessions per second",
                "sessions/s",
                [after.rate],
                [after.floor_rate],
                "the same sessions replayed at once by bare clients",
                higher_is_better=True,
            )
        )
        figures.append(
            Figure(
                f"fleet.memory_{label}",
                f"Fleet of {large:,}: memory per gateway",
                "MB",
                [(after.rss - before.rss) / added],
                [(after.floor_rss - before.floor_rss) / added],
                "one bare aiohttp server per gateway",
            )
        )
    return figures


async def _fleet(ctx: Context, work: Path, prefix: str, size: int) -> _Run:
    command = [
        sys.executable,
        "-m",
        "tr069_cpe",
        "--acs-url",
        ctx.acs.url,
        "--state-dir",
        str(work),
        "--serial",
        prefix,
        "--cr-port",
        "0",
        "--fleet",
        str(size),
    ]
    async with _process(command, work / "fleet.log") as process:
        done = await ctx.acs.call("sessions_done", prefix=f"{prefix}-", count=size, timeout=600)
        await asyncio.sleep(IDLE)
        rss = rss_mb(process.pid)
    replayers = [await _recorded(ctx, f"{prefix}-{number}") for number in range(1, size + 1)]
    started = time.perf_counter()
    await asyncio.gather(*(replayer.session() for replayer in replayers))
    floor_rate = size / (time.perf_counter() - started)
    async with ChildProcess("bench.floor_servers", [str(size)], work / "floor.log") as floor:
        await asyncio.sleep(IDLE)
        floor_rss = rss_mb(floor.pid)
    return _Run(size / (done["last"] - done["first"]), floor_rate, rss, floor_rss)


async def _recorded(ctx: Context, serial: str) -> Replayer:
    session = await ctx.acs.call("last_session", serial=serial)
    return Replayer(
        ctx.acs.url,
        [base64.b64decode(body) for body in session["outgoing"]],
        [base64.b64decode(body) for body in session["incoming"]],
    )
