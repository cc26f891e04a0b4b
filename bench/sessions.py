"""Whole sessions: Inform, a 32-name GetParameterValues, a 3-parameter SetParameterValues.

The ACS (another process) queues GenieACS's batch of 32 names and a SetParameterValues
of 3 parameters at every Inform; the session ends with the CPE's empty POST and the
ACS's 204.  Batches of agent sessions alternate with batches of the floor: a bare
aiohttp client replaying the agent's recorded envelopes.  The agent's CPU is the
process clock of this process (the ACS runs elsewhere); the per-RPC work is the thread
CPU between the request's arrival and the answer's departure, and its floor is expat
on the request plus a string join of the response.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import time

from tr069_cpe.cwmp.datamodel import DataModel

from .agent import OUI, SERIAL, BenchAgent, method_of
from .context import Context
from .figures import Figure, Target
from .floors import fixed_response, join_values, parse_with_expat, value_items
from .meterdata import make_meters
from .replay import Replayer
from .tree import MeterTree, meter_tree

FIGURES = (
    "sessions.rate",
    "sessions.wall",
    "sessions.agent_cpu",
    "sessions.acs_cpu",
    "sessions.gpv32_cpu",
    "sessions.spv3_cpu",
)
GPV_BATCH = 32  # GenieACS's GPV_BATCH_SIZE
GPV = "GetParameterValues"
SPV = "SetParameterValues"
SPV_RESPONSE = f"<cwmp:{SPV}Response><Status>0</Status></cwmp:{SPV}Response>"
EXPECTED = (
    "Inform",
    "InformResponse",
    "empty",
    GPV,
    f"{GPV}Response",
    SPV,
    f"{SPV}Response",
    "empty",
)


@dataclass(frozen=True, slots=True)
class Plan:
    """Sizes of the run."""

    meters: int
    tariffs: int
    warmup: int
    rounds: int
    per_round: int
    floor_calls: int


FULL = Plan(meters=10, tariffs=8, warmup=30, rounds=12, per_round=40, floor_calls=40)
QUICK = Plan(meters=2, tariffs=2, warmup=3, rounds=2, per_round=4, floor_calls=4)


@dataclass(slots=True)
class _Samples:
    """Per batch: sessions/s and ACS CPU; per session: wall and CPU; per RPC: work."""

    rate: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    acs_cpu: list[float] = field(default_factory=list)
    gpv: list[float] = field(default_factory=list)
    spv: list[float] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Recorded:
    """One session as the agent did it: what it sent, what it got."""

    outgoing: list[bytes]
    incoming: list[bytes]

    @property
    def gpv(self) -> tuple[bytes, bytes]:
        """The GetParameterValues request and the agent's response."""
        return self.incoming[1], self.outgoing[2]

    @property
    def spv_request(self) -> bytes:
        """The SetParameterValues request."""
        return self.incoming[2]


def rpc_plan(model: DataModel, tree: MeterTree) -> list[dict[str, object]]:
    """GenieACS's batch of 32 names, then 3 values that change at every session."""
    root = f"{model.root_name}."
    names = [node.path for node in model.parameters("")][:GPV_BATCH]
    if len(names) < GPV_BATCH:
        raise RuntimeError(f"the tree has only {len(names)} parameters")
    return [
        {"method": GPV, "names": names},
        {
            "method": SPV,
            "params": [
                [f"{root}DeviceInfo.ProvisioningCode", "bench-{n}", "xsd:string"],
                [f"{root}ManagementServer.PeriodicInformInterval", "{n}00", "xsd:unsignedInt"],
                [f"{root}{tree.writable}", "meter-{n}", "xsd:string"],
            ],
            "key": "key-{n}",
        },
    ]


async def run(ctx: Context) -> list[Figure]:
    """Measure sessions and their floor; returns the figures."""
    plan = ctx.pick(QUICK, FULL)
    tree = meter_tree(make_meters(plan.meters, plan.tariffs), OUI)
    agent, floor = _Samples(), _Samples()
    async with BenchAgent(ctx.acs.url, tree) as bench:
        model = bench.agent.datamodel
        await ctx.acs.call("plan", serial=SERIAL, rpcs=rpc_plan(model, tree))
        for _ in range(plan.warmup):
            await bench.session()
        recorded = await _record(bench)
        replayer = Replayer(ctx.acs.url, recorded.outgoing, recorded.incoming)
        for _ in range(plan.warmup):
            await replayer.session()
        for _ in range(plan.rounds):
            await _agent_batch(ctx, plan.per_round, bench, agent)
            await _floor_batch(ctx, plan.per_round, replayer, floor)
            _rpc_floors(plan.floor_calls, recorded, floor)
            await ctx.acs.call("reset")  # the ACS keeps every message otherwise
        stats = await ctx.acs.call("stats")
        parameters = sum(1 for _ in model.parameters(""))
    detail = {
        "data_model_parameters": parameters,
        "meters": plan.meters,
        "readings_per_meter": plan.tariffs,
        "sessions_measured": plan.rounds * plan.per_round,
        "bytes_sent_per_session": sum(len(body) for body in recorded.outgoing),
        "bytes_received_per_session": sum(len(body) for body in recorded.incoming),
        "acs_schema_validation": ctx.acs.validation,
        "acs_protocol_errors": stats["protocol_error_count"],
        "acs_validation_failures": stats["validation_failures"],
    }
    return _figures(agent, floor, detail)


async def _record(bench: BenchAgent) -> _Recorded:
    """One session recorded, checked to be the exchange this benchmark is about."""
    bench.log.clear()
    await bench.session()
    messages = bench.log.messages
    methods = tuple(method_of(message.body) for message in messages)
    if methods != EXPECTED:
        raise RuntimeError(f"unexpected session: {methods}")
    return _Recorded(bench.log.outgoing(), bench.log.incoming())


async def _agent_batch(ctx: Context, count: int, bench: BenchAgent, samples: _Samples) -> None:
    """``count`` agent sessions, each timed; the work of each RPC from the log."""
    bench.log.clear()
    acs_before = await ctx.acs.cpu()
    walls = []
    for _ in range(count):
        wall, cpu = time.perf_counter(), time.process_time()
        await bench.session()
        walls.append(time.perf_counter() - wall)
        samples.cpu.append((time.process_time() - cpu) * 1000)
    _batch_done(samples, walls, await ctx.acs.cpu() - acs_before)
    for method, received, sent in bench.log.answers():
        work = (sent.cpu - received.cpu) * 1000
        (samples.gpv if method == GPV else samples.spv).append(work)


async def _floor_batch(ctx: Context, count: int, replayer: Replayer, samples: _Samples) -> None:
    """``count`` replayed sessions, each timed."""
    acs_before = await ctx.acs.cpu()
    walls = []
    for _ in range(count):
        wall, cpu = time.perf_counter(), time.process_time()
        await replayer.session()
        walls.append(time.perf_counter() - wall)
        samples.cpu.append((time.process_time() - cpu) * 1000)
    _batch_done(samples, walls, await ctx.acs.cpu() - acs_before)


def _batch_done(samples: _Samples, walls: list[float], acs_cpu: float) -> None:
    samples.wall.extend(wall * 1000 for wall in walls)
    samples.rate.append(len(walls) / sum(walls))
    samples.acs_cpu.append(acs_cpu / len(walls) * 1000)


def _rpc_floors(calls: int, recorded: _Recorded, samples: _Samples) -> None:
    """The floors of the two RPCs: expat on the request, a join or constant answer."""
    gpv_request, gpv_response = recorded.gpv
    items = value_items(gpv_response)
    for _ in range(calls):
        start = time.thread_time()
        parse_with_expat(gpv_request)
        join_values("1", items)
        middle = time.thread_time()
        parse_with_expat(recorded.spv_request)
        fixed_response("1", SPV_RESPONSE)
        end = time.thread_time()
        samples.gpv.append((middle - start) * 1000)
        samples.spv.append((end - middle) * 1000)


def _figures(agent: _Samples, floor: _Samples, detail: dict[str, object]) -> list[Figure]:
    replay = "bare aiohttp client replaying the recorded envelopes"
    return [
        Figure(
            "sessions.rate",
            "Whole sessions per second",
            "sessions/s",
            agent.rate,
            floor.rate,
            replay,
            higher_is_better=True,
            detail=detail,
        ),
        Figure("sessions.wall", "Session wall time", "ms", agent.wall, floor.wall, replay),
        Figure(
            "sessions.agent_cpu",
            "Agent CPU per whole session",
            "ms",
            agent.cpu,
            floor.cpu,
            replay,
            targets=(Target(5.0),),
        ),
        Figure(
            "sessions.acs_cpu",
            "ACS CPU per session (other process)",
            "ms",
            agent.acs_cpu,
            floor.acs_cpu,
            "the same ACS serving the replay",
        ),
        Figure(
            "sessions.gpv32_cpu",
            "GetParameterValues, 32 names: agent work",
            "ms",
            agent.gpv,
            floor.gpv,
            "expat parse + string join",
            targets=(Target(1.0),),
        ),
        Figure(
            "sessions.spv3_cpu",
            "SetParameterValues, 3 parameters: agent work (incl. state save)",
            "ms",
            agent.spv,
            floor.spv,
            "expat parse + fixed response",
        ),
    ]
