"""``python -m bench --profile``: where the agent's time goes (cProfile).

Profiles whole sessions (as in :mod:`bench.sessions`) and the large-tree answers (as in
:mod:`bench.large_tree`), prints the hottest functions (overall and of the core) and
writes the raw ``.pstats`` files next to the JSON report.  cProfile inflates the cost
of small functions, so use it for where the time goes, not for how much.  The clock
is the process CPU clock: waiting for the ACS is not counted.
"""

from __future__ import annotations

from collections.abc import Callable
import cProfile
from pathlib import Path
import pstats
import time

from tr069_cpe.cwmp.agent import CpeAgent

from . import large_tree, sessions
from .agent import OUI, SERIAL, BenchAgent
from .context import Context
from .meterdata import make_meters
from .tree import MeterTree, meter_tree

CORE = "tr069_cpe/"
ROWS = 12


async def run(ctx: Context) -> str:
    """Profile both workloads; the summary as text."""
    return "\n\n".join([await _sessions(ctx), await _large_tree(ctx)])


async def _sessions(ctx: Context) -> str:
    count = ctx.pick(20, 300)
    tree = meter_tree(make_meters(10, 8), OUI)
    profiler = await _profile(
        ctx, tree, lambda agent: sessions.rpc_plan(agent.datamodel, tree), warmup=20, count=count
    )
    return summary(
        profiler,
        f"{count} whole sessions (Inform, GPV 32 names, SPV 3 values)",
        count,
        ctx.work_dir / "profile-sessions.pstats",
    )


async def _large_tree(ctx: Context) -> str:
    meters = ctx.pick(20, 1000)
    count = 3
    tree = meter_tree(make_meters(meters, large_tree.TARIFFS), OUI)
    profiler = await _profile(
        ctx,
        tree,
        lambda agent: large_tree.rpc_plan(agent.datamodel.root_name),
        warmup=1,
        count=count,
    )
    return summary(
        profiler,
        f"{count} sessions with GPN of the whole tree and GPV of the root ({meters} meters)",
        count,
        ctx.work_dir / "profile-large-tree.pstats",
    )


async def _profile(
    ctx: Context,
    tree: MeterTree,
    plan: Callable[[CpeAgent], list[dict[str, object]]],
    *,
    warmup: int,
    count: int,
) -> cProfile.Profile:
    """``count`` sessions of an agent with ``tree`` under the profiler, after ``warmup``."""
    profiler = cProfile.Profile(time.process_time)
    async with BenchAgent(ctx.acs.url, tree) as bench:
        await ctx.acs.call("plan", serial=SERIAL, rpcs=plan(bench.agent))
        for _ in range(warmup):
            await bench.session()
        profiler.enable()
        for _ in range(count):
            await bench.session()
        profiler.disable()
    return profiler


def _where(key: tuple[str, int, str]) -> str:
    filename, line, function = key
    if CORE in filename:
        filename = filename[filename.index(CORE) + len(CORE) :]
    elif "site-packages/" in filename:
        filename = filename[filename.index("site-packages/") + len("site-packages/") :]
    else:
        filename = Path(filename).name
    return f"{filename}:{line}({function})" if line else function


def summary(profiler: cProfile.Profile, title: str, operations: int, path: Path) -> str:
    """Hottest functions by own time (all, then the core's) and the core's by total time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(path)
    stats = pstats.Stats(profiler)
    entries = stats.stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in entries.values())
    rows = [
        (key, calls, own, cumulative)
        for key, (_primitive, calls, own, cumulative, _callers) in entries.items()
    ]
    core = [row for row in rows if CORE in row[0][0]]

    def table(heading: str, chosen: list[tuple[tuple[str, int, str], int, float, float]]) -> str:
        lines = [heading, "  ms/op  own%   cum ms/op  calls/op  function"]
        for key, calls, own, cumulative in chosen[:ROWS]:
            lines.append(
                f"  {own * 1000 / operations:6.3f} {own / total:5.1%} "
                f"{cumulative * 1000 / operations:10.3f} {calls / operations:9.1f}  {_where(key)}"
            )
        return "\n".join(lines)

    by_own = sorted(rows, key=lambda row: row[2], reverse=True)
    core_by_own = sorted(core, key=lambda row: row[2], reverse=True)
    core_by_cumulative = sorted(core, key=lambda row: row[3], reverse=True)
    return "\n".join(
        [
            f"== {title}: {total * 1000 / operations:.2f} ms of profiled CPU per operation "
            f"({path})",
            table("Hottest functions (own time):", by_own),
            table("Hottest functions of the core (own time):", core_by_own),
            table("Core functions by total time (incl. callees):", core_by_cumulative),
        ]
    )
