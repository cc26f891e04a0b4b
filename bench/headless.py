"""The headless runner as operators run it (``python -m tr069_cpe``), in its own process.

Measured the way GenieACS users measure genieacs-sim: from the outside, against the
ACS process.

- Start-up: from spawning the runner (fresh state each time: BOOTSTRAP) to its Inform
  arriving at the ACS, the CPU it used by then, and its resident memory once idle.
  Floor: Python importing aiohttp's client and POSTing the same Inform.
- Connection Request sessions, GenieACS's exchange: a Digest Connection Request (GET,
  challenge, GET), the Inform, one task (none, a GetParameterValues of 10 names, a
  SetParameterValues of one), the empty POST and the 204. The runner's CPU per session
  is read from /proc over a round of sessions, every thread included (the state save
  after the SetParameterValues runs in one). Floor: a bare endpoint in a process of
  its own that answers the Connection Request without checking anything and replays
  the runner's recorded session with a bare client.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
import contextlib
from dataclasses import dataclass
import os
from pathlib import Path
import signal
import sys
import tempfile
import time
from typing import Any

from .child import ROOT, ChildProcess
from .context import Context
from .figures import Figure, Target
from .proc import cpu_ms, rss_mb

FIGURES = (
    "headless.start",
    "headless.start_cpu",
    "headless.idle_rss",
    "headless.cr_none",
    "headless.cr_gpv10",
    "headless.cr_spv1",
)
CR_USERNAME = "bench-cr"
CR_PASSWORD = "bench-cr-secret"
IDLE = 1.0  # seconds after the first Inform before memory is read
_INFO = "Device.DeviceInfo."
TASKS: dict[str, list[dict[str, Any]]] = {
    "none": [],
    "gpv10": [
        {
            "method": "GetParameterValues",
            "names": [
                f"{_INFO}{name}"
                for name in (
                    "Manufacturer",
                    "ManufacturerOUI",
                    "ModelName",
                    "Description",
                    "ProductClass",
                    "SerialNumber",
                    "HardwareVersion",
                    "SoftwareVersion",
                    "ProvisioningCode",
                    "UpTime",
                )
            ],
        }
    ],
    "spv1": [
        {
            "method": "SetParameterValues",
            "params": [[f"{_INFO}ProvisioningCode", "bench-{n}", "xsd:string"]],
            "key": "key-{n}",
        }
    ],
}


@dataclass(frozen=True, slots=True)
class Plan:
    """Repetitions."""

    starts: int
    warmup: int
    rounds: int
    per_round: int


FULL = Plan(starts=8, warmup=20, rounds=8, per_round=25)
QUICK = Plan(starts=1, warmup=2, rounds=1, per_round=3)


@dataclass(slots=True)
class _Start:
    """One start: wall and CPU milliseconds to the first Inform, idle memory."""

    wall: float
    cpu: float
    rss: float


async def run(ctx: Context) -> list[Figure]:
    """Start-ups, then Connection Request sessions of each task, each against its floor."""
    plan = ctx.pick(QUICK, FULL)
    await _compile_core()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        starts: list[_Start] = []
        floors: list[_Start] = []
        for number in range(plan.starts):
            start, inform = await _start_runner(ctx, work / f"start{number}", number)
            starts.append(start)
            floors.append(await _start_floor(ctx, work / f"floor{number}.xml", inform, number))
        sessions = await _sessions(ctx, plan, work / "sessions")
    return _figures(starts, floors, sessions)


async def _compile_core() -> None:
    """Compile the core's bytecode first, as ``scripts/cpe`` does (where the environment
    says not to write bytecode, every start would otherwise compile it again)."""
    compiler = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "compileall", "-q", str(ROOT / "custom_components/tr069/tr069_cpe")
    )
    await compiler.wait()


def _runner_command(url: str, state: Path, serial: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "tr069_cpe",
        "--acs-url",
        url,
        "--state-dir",
        str(state),
        "--cr-port",
        "0",
        "--serial",
        serial,
        "--cr-rate",
        "1000",
    ]


@contextlib.asynccontextmanager
async def _process(command: list[str], log: Path) -> AsyncIterator[asyncio.subprocess.Process]:
    """A child process with stdin open (closing it ends the floors), stopped at the end."""
    environment = {
        **os.environ,
        "TR069_CR_USERNAME": CR_USERNAME,
        "TR069_CR_PASSWORD": CR_PASSWORD,
    }
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as output:
        process = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.PIPE,
            stdout=output,
            stderr=output,
            cwd=ROOT,
            env=environment,
        )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            if process.stdin is not None:
                process.stdin.close()
        await process.wait()


async def _watched(ctx: Context, serial: str, started: float) -> tuple[float, float]:
    answer = await ctx.acs.call("watched", serial=serial, timeout=30)
    return (answer["at"] - started) * 1000, answer["cpu_ms"]


async def _start_runner(ctx: Context, work: Path, number: int) -> tuple[_Start, bytes]:
    """Spawn the runner with a fresh state; returns the figures and its Inform."""
    serial = f"HEADLESS{number:04d}"
    started = time.time()  # the ACS stamps arrivals with the wall clock
    command = _runner_command(ctx.acs.url, work / "state", serial)
    async with _process(command, work / "runner.log") as process:
        await ctx.acs.call("watch", serial=serial, pid=process.pid)
        wall, cpu = await _watched(ctx, serial, started)
        await asyncio.sleep(IDLE)
        rss = rss_mb(process.pid)
    session = await ctx.acs.call("last_session", serial=serial)
    return _Start(wall, cpu, rss), base64.b64decode(session["outgoing"][0])


async def _start_floor(ctx: Context, inform_file: Path, inform: bytes, number: int) -> _Start:
    serial = f"HEADLESS{number:04d}"
    await asyncio.to_thread(inform_file.write_bytes, inform)
    started = time.time()  # the ACS stamps arrivals with the wall clock
    command = [sys.executable, "-m", "bench.floor_start", ctx.acs.url, str(inform_file)]
    async with _process(command, inform_file.with_suffix(".log")) as process:
        await ctx.acs.call("watch", serial=serial, pid=process.pid)
        wall, cpu = await _watched(ctx, serial, started)
        await asyncio.sleep(IDLE)
        rss = rss_mb(process.pid)
    return _Start(wall, cpu, rss)


async def _sessions(
    ctx: Context, plan: Plan, work: Path
) -> dict[str, tuple[list[float], list[float]]]:
    """Per task: the runner's and the floor's CPU per session, one sample per round."""
    serial = "HEADLESSCR01"
    results: dict[str, tuple[list[float], list[float]]] = {}
    command = _runner_command(ctx.acs.url, work / "state", serial)
    async with _process(command, work / "runner.log") as runner:
        await ctx.acs.call("watch", serial=serial, pid=runner.pid)
        url = (await ctx.acs.call("watched", serial=serial, timeout=30))["connection_request_url"]
        async with ChildProcess("bench.floor_cpe", [], work / "floor.log") as floor:
            await _tasks(ctx, plan, serial, url, runner.pid, floor, results)
    return results


async def _tasks(
    ctx: Context,
    plan: Plan,
    serial: str,
    url: str,
    pid: int,
    floor: ChildProcess,
    results: dict[str, tuple[list[float], list[float]]],
) -> None:
    """Each task's rounds, the runner's and the floor's."""
    await asyncio.sleep(IDLE)
    for task, rpcs in TASKS.items():
        await ctx.acs.call("plan", serial=serial, rpcs=rpcs)
        await _connection_requests(ctx, url, serial, plan.warmup)
        recorded = await ctx.acs.call("last_session", serial=serial)
        await floor.call("replay", acs_url=ctx.acs.url, **recorded)
        await _connection_requests(ctx, floor.hello["url"], serial, plan.warmup)
        agent, floor_samples = [], []
        for _ in range(plan.rounds):
            agent.append(await _round(ctx, url, serial, pid, plan.per_round))
            floor_samples.append(
                await _round(ctx, floor.hello["url"], serial, floor.pid, plan.per_round)
            )
        results[task] = (agent, floor_samples)


async def _round(ctx: Context, url: str, serial: str, pid: int, count: int) -> float:
    before = cpu_ms(pid)
    await _connection_requests(ctx, url, serial, count)
    return (cpu_ms(pid) - before) / count


async def _connection_requests(ctx: Context, url: str, serial: str, count: int) -> None:
    result = await ctx.acs.call(
        "cr",
        url=url,
        username=CR_USERNAME,
        password=CR_PASSWORD,
        serial=serial,
        count=count,
        settle=0.0,
    )
    if result["errors"]:
        raise RuntimeError(f"Connection Requests failed: {result['errors']}")


def _figures(
    starts: list[_Start],
    floors: list[_Start],
    sessions: dict[str, tuple[list[float], list[float]]],
) -> list[Figure]:
    start_floor = "python + aiohttp client POSTing the same Inform"
    session_floor = "bare endpoint + replay, in a process of its own"
    figures = [
        Figure(
            "headless.start",
            "scripts/cpe: start -> first Inform at the ACS",
            "ms",
            [start.wall for start in starts],
            [start.wall for start in floors],
            start_floor,
            targets=(Target(350.0),),
        ),
        Figure(
            "headless.start_cpu",
            "scripts/cpe: CPU to the first Inform",
            "ms",
            [start.cpu for start in starts],
            [start.cpu for start in floors],
            start_floor,
        ),
        Figure(
            "headless.idle_rss",
            "scripts/cpe: resident memory, idle",
            "MB",
            [start.rss for start in starts],
            [start.rss for start in floors],
            start_floor,
            targets=(Target(50.0),),
        ),
    ]
    titles = {
        "none": ("headless.cr_none", "no task", 3.0),
        "gpv10": ("headless.cr_gpv10", "GetParameterValues, 10 names", 3.5),
        "spv1": ("headless.cr_spv1", "SetParameterValues, 1 name", 4.0),
    }
    for task, (figure_id, what, limit) in titles.items():
        agent, floor = sessions[task]
        figures.append(
            Figure(
                figure_id,
                f"scripts/cpe: CPU per Connection Request session, {what}",
                "ms",
                agent,
                floor,
                session_floor,
                targets=(Target(limit),),
            )
        )
    return figures
