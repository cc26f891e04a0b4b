"""Idle cost: CPU seconds per hour with a periodic Inform every 300 s.

Waiting 300 s per Inform would take too long, so the two parts are measured apart and
scaled: the CPU of one periodic session (the interval shortened to 1 s; from the end of
the BOOT session to the end of the n-th periodic one, minus the idle CPU of that time) and
the CPU of the agent idling with periodic Informs switched off.  Per hour:
``idle CPU per second x 3600 + 12 x CPU per Inform``.  The floor does the same with no
agent: this process sleeping, and a bare client replaying a recorded periodic session
once a second.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import time

from .agent import OUI, SERIAL, BenchAgent, method_of
from .context import Context
from .figures import Figure, Target
from .meterdata import make_meters
from .replay import Replayer
from .tree import MeterTree, meter_tree

FIGURES = ("idle.cpu_per_hour", "idle.cpu_per_inform", "idle.idle_cpu")
INTERVAL = 300
INFORMS_PER_HOUR = 3600 / INTERVAL


@dataclass(frozen=True, slots=True)
class Plan:
    """Rounds; periodic Informs and idle seconds per round."""

    meters: int
    rounds: int
    informs: int
    idle_seconds: float


FULL = Plan(meters=10, rounds=3, informs=4, idle_seconds=4.0)
QUICK = Plan(meters=2, rounds=1, informs=1, idle_seconds=1.0)


@dataclass(slots=True)
class _Round:
    """CPU seconds per Inform and per idle second."""

    per_inform: float
    idle_rate: float

    @property
    def per_hour(self) -> float:
        return self.idle_rate * 3600 + INFORMS_PER_HOUR * self.per_inform


async def run(ctx: Context) -> list[Figure]:
    """Alternate agent rounds and floor rounds."""
    plan = ctx.pick(QUICK, FULL)
    tree = meter_tree(make_meters(plan.meters, 8), OUI)
    await ctx.acs.call("plan", serial=SERIAL, rpcs=[])
    agent_rounds: list[_Round] = []
    floor_rounds: list[_Round] = []
    for _ in range(plan.rounds):
        round_, replayer = await _agent_round(ctx, plan, tree)
        agent_rounds.append(round_)
        floor_rounds.append(await _floor_round(plan, replayer))
    floor_what = "no agent: sleeping, and a bare client replaying the Inform session"
    return [
        Figure(
            "idle.cpu_per_hour",
            f"Idle cost, periodic Inform every {INTERVAL} s",
            "CPU s/h",
            [r.per_hour for r in agent_rounds],
            [r.per_hour for r in floor_rounds],
            floor_what,
            targets=(Target(1.0),),
        ),
        Figure(
            "idle.cpu_per_inform",
            "Idle cost: CPU per periodic Inform session",
            "ms",
            [r.per_inform * 1000 for r in agent_rounds],
            [r.per_inform * 1000 for r in floor_rounds],
            "bare client replaying the Inform session",
        ),
        Figure(
            "idle.idle_cpu",
            "Idle cost: CPU between Informs",
            "CPU s/h",
            [r.idle_rate * 3600 for r in agent_rounds],
            [r.idle_rate * 3600 for r in floor_rounds],
            "this process sleeping, no agent",
        ),
    ]


async def _agent_round(ctx: Context, plan: Plan, tree: MeterTree) -> tuple[_Round, Replayer]:
    async with BenchAgent(ctx.acs.url, tree, run=True, periodic_inform_interval=1) as bench:
        counter = bench.counter
        await counter.wait_for(1)  # the BOOT session
        bench.log.clear()
        cpu, wall = time.process_time(), time.perf_counter()
        await counter.wait_for(1 + plan.informs)
        inform_cpu, inform_wall = time.process_time() - cpu, time.perf_counter() - wall
        last = _last_session(bench)
        root = bench.agent.datamodel.root_name
        bench.agent.datamodel.set_local(f"{root}.ManagementServer.PeriodicInformEnable", False)
        await asyncio.sleep(0.1)  # the change is saved
        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.sleep(plan.idle_seconds)
        idle_rate = (time.process_time() - cpu) / (time.perf_counter() - wall)
    per_inform = (inform_cpu - idle_rate * inform_wall) / plan.informs
    return _Round(per_inform, idle_rate), Replayer(ctx.acs.url, *last)


def _last_session(bench: BenchAgent) -> tuple[list[bytes], list[bytes]]:
    """The outgoing and incoming bodies of the last (periodic) session in the log."""
    messages = bench.log.messages
    starts = [
        i for i, m in enumerate(messages) if m.direction == "out" and method_of(m.body) == "Inform"
    ]
    session = messages[starts[-1] :]
    methods = [method_of(m.body) for m in session]
    if methods != ["Inform", "InformResponse", "empty", "empty"]:
        raise RuntimeError(f"unexpected periodic session: {methods}")
    return (
        [m.body for m in session if m.direction == "out"],
        [m.body for m in session if m.direction == "in"],
    )


async def _floor_round(plan: Plan, replayer: Replayer) -> _Round:
    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.sleep(plan.idle_seconds)
    idle_rate = (time.process_time() - cpu) / (time.perf_counter() - wall)
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(plan.informs):
        await asyncio.sleep(1.0)
        await replayer.session()
    inform_cpu, inform_wall = time.process_time() - cpu, time.perf_counter() - wall
    return _Round((inform_cpu - idle_rate * inform_wall) / plan.informs, idle_rate)
