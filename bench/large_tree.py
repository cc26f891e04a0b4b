"""A large data model: GetParameterNames of the whole tree and GetParameterValues of the root.

Two sizes: the issue's 1,000 meters x 8 readings (with the meter extension's 8
parameters per meter and 4 per reading, about 40,000 parameters) and a tree of about
10,000 parameters, which the latency targets are stated for.  The ACS (another process)
asks for both at every Inform; the agent's work is measured from the request's arrival
to the answer's departure, with a loop-lag probe running (a stall counts when it
overlaps that window, whatever blocked the loop: the answer itself or the agent's
background state save).  The floor, measured after each session, parses the request
with expat alone and joins the same response from the already extracted names and
values.  The agent keeps rendered structs until their values change, so GPV of the
root is also timed right after every meter reading changed (as after a configuration
file): the cold case.  Peak memory is measured in separate sessions with tracemalloc
on (it slows everything down, so those are not timed).  The state export that every
save runs on the event loop (serialising and writing run in a worker) is timed on its
own, against a copy of a dict of the same size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
import time
from typing import Any

from tr069_cpe.cwmp.datamodel import DataModel, RootObject, root_spec

from .agent import OUI, SERIAL, BenchAgent, Message
from .context import Context
from .figures import Figure, Stat, Target
from .floors import join_names, join_values, name_items, parse_with_expat, value_items
from .meterdata import make_meters
from .probes import GcPauses, LoopLagProbe, memory_now, peak_since, reset_peak, traced_memory
from .tree import MeterTree, meter_tree

FIGURES = tuple(
    f"{tree}.{figure}"
    for tree in ("tree10k", "tree")
    for figure in (
        "memory_per_parameter",
        "memory_per_meter",
        "state_save",
        *(
            f"{rpc}.{what}"
            for rpc in ("gpn", "gpv")
            for what in ("latency", "bytes", "peak_memory", "max_stall")
        ),
        "gpv_changed.latency",
        "gpv_changed.max_stall",
    )
)
TARIFFS = 8
MB = 1024 * 1024
GPN = "GetParameterNames"
GPV = "GetParameterValues"
FLOOR_WHAT = "expat parse + string join"


@dataclass(frozen=True, slots=True)
class Size:
    """One tree: its figure id prefix, how it is described, its meters."""

    key: str
    title: str
    meters: int


@dataclass(frozen=True, slots=True)
class Plan:
    """Sizes and repetitions."""

    sizes: tuple[Size, ...]
    warmup: int
    sessions: int
    memory_sessions: int


def meters_for(parameters: int) -> int:
    """How many 8-reading meters make a tree of about ``parameters`` parameters."""
    standard = _count(0)
    per_meter = _count(1) - standard
    return max(1, round((parameters - standard) / per_meter))


def _count(meters: int) -> int:
    model = _model(meter_tree(make_meters(meters, TARIFFS), OUI))
    return sum(1 for _ in model.parameters(""))


def _model(tree: MeterTree) -> DataModel:
    model = DataModel(root_spec(RootObject.DEVICE, tree.extensions))
    tree.populate(model)
    return model


FULL = Plan(
    sizes=(
        Size("tree10k", f"{meters_for(10_000)} meters", meters_for(10_000)),
        Size("tree", "1,000 meters x 8", 1000),
    ),
    warmup=1,
    sessions=7,
    memory_sessions=1,
)
QUICK = Plan(
    sizes=(Size("tree10k", "3 meters", 3), Size("tree", "6 meters x 8", 6)),
    warmup=1,
    sessions=2,
    memory_sessions=1,
)


@dataclass(slots=True)
class _Rpc:
    """Samples of one RPC (agent and floor)."""

    latency: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    stall: list[float] = field(default_factory=list)
    gc: list[float] = field(default_factory=list)
    size: list[float] = field(default_factory=list)
    peak: list[float] = field(default_factory=list)
    floor_latency: list[float] = field(default_factory=list)
    floor_size: list[float] = field(default_factory=list)
    floor_peak: list[float] = field(default_factory=list)


async def run(ctx: Context) -> list[Figure]:
    """Both sizes, one after the other."""
    plan = ctx.pick(QUICK, FULL)
    figures: list[Figure] = []
    for size in plan.sizes:
        figures.extend(await _run_size(ctx, plan, size))
    return figures


@dataclass(slots=True)
class _Tree:
    """Everything measured on one tree."""

    parameters: int
    memory: float
    memory_floor: float
    meter_memory: float
    meter_memory_floor: float
    rpcs: dict[str, _Rpc] = field(default_factory=lambda: {GPN: _Rpc(), GPV: _Rpc()})
    changed: _Rpc = field(default_factory=_Rpc)
    save: list[float] = field(default_factory=list)
    save_floor: list[float] = field(default_factory=list)


async def _run_size(ctx: Context, plan: Plan, size: Size) -> list[Figure]:
    tree = meter_tree(make_meters(size.meters, TARIFFS), OUI)
    memory, memory_floor, parameters = _memory_per_parameter(tree)
    meter_memory, meter_memory_floor = _memory_per_meter(tree, size.meters)
    measured = _Tree(parameters, memory, memory_floor, meter_memory, meter_memory_floor)
    async with BenchAgent(ctx.acs.url, tree) as bench:
        root = bench.agent.datamodel.root_name
        await ctx.acs.call("plan", serial=SERIAL, rpcs=rpc_plan(root))
        for _ in range(plan.warmup):
            await bench.session()
        floors: dict[str, Callable[[], bytes]] = {}
        with GcPauses() as collections:
            async with LoopLagProbe() as probe:
                for _ in range(plan.sessions):
                    await _timed_session(bench, probe, collections, measured.rpcs, floors)
                    await ctx.acs.call("reset")  # the ACS keeps every message otherwise
                readings = _reading_values(bench)
                for number in range(plan.sessions):
                    bench.agent.datamodel.set_many_local(
                        {path: str(number * 7 + index % 997) for index, path in enumerate(readings)}
                    )
                    cold = {GPN: _Rpc(), GPV: measured.changed}
                    await _timed_session(bench, probe, collections, cold, floors)
                    await ctx.acs.call("reset")
        with traced_memory():
            for _ in range(plan.memory_sessions):
                await _traced_session(bench, measured.rpcs, floors)
        measured.save, measured.save_floor = _state_save(bench, plan.sessions)
    return _figures(size, measured)


def _reading_values(bench: BenchAgent) -> list[str]:
    """The paths of every meter reading's value."""
    root = bench.agent.datamodel.root_name
    return [
        node.path
        for node in bench.agent.datamodel.parameters(f"{root}.")
        if node.path.endswith(".Value") and ".Reading." in node.path
    ]


def _figures(size: Size, measured: _Tree) -> list[Figure]:
    detail = {
        "parameters": measured.parameters,
        "meters": size.meters,
        "readings_per_meter": TARIFFS,
    }
    title = f"{size.title} ({measured.parameters:,} params)"
    figures = [
        Figure(
            f"{size.key}.memory_per_parameter",
            f"{title}: memory per parameter",
            "bytes",
            [measured.memory],
            [measured.memory_floor],
            "dict of path -> value text",
            targets=(Target(2048.0),),
            detail=detail,
        ),
        Figure(
            f"{size.key}.memory_per_meter",
            f"{title}: data-model memory per meter",
            "bytes",
            [measured.meter_memory],
            [measured.meter_memory_floor],
            "dict of its path -> value text",
            detail=detail,
        ),
        Figure(
            f"{size.key}.state_save",
            f"{title}: state export (each save, on the loop)",
            "ms",
            measured.save,
            measured.save_floor,
            "copy of a dict of the persisted values",
            targets=(Target(50.0, stat=Stat.MAX),),
        ),
    ]
    latency_targets = (Target(100.0), Target(3.0, stat=Stat.RATIO))
    for method, label in ((GPN, "GPN whole tree"), (GPV, "GPV root")):
        samples = measured.rpcs[method]
        prefix = f"{size.key}.{'gpn' if method == GPN else 'gpv'}"
        what = f"{title}: {label}"
        is_gpv_10k = method == GPV and size.key == "tree10k"
        figures += [
            _latency(prefix, what, samples, detail, latency_targets if is_gpv_10k else ()),
            Figure(
                f"{prefix}.bytes",
                f"{what}: response size",
                "bytes",
                samples.size,
                samples.floor_size,
                FLOOR_WHAT,
            ),
            Figure(
                f"{prefix}.peak_memory",
                f"{what}: peak memory",
                "MB",
                samples.peak,
                samples.floor_peak,
                FLOOR_WHAT,
            ),
            _stall(prefix, what, samples),
        ]
    prefix = f"{size.key}.gpv_changed"
    what = f"{title}: GPV root, every reading changed"
    targets = latency_targets if size.key == "tree10k" else ()
    return [
        *figures,
        _latency(prefix, what, measured.changed, detail, targets),
        _stall(prefix, what, measured.changed),
    ]


def _latency(
    prefix: str, what: str, samples: _Rpc, detail: dict[str, Any], targets: tuple[Target, ...]
) -> Figure:
    return Figure(
        f"{prefix}.latency",
        f"{what}: latency",
        "ms",
        samples.latency,
        samples.floor_latency,
        FLOOR_WHAT,
        targets=targets,
        detail={**detail, "agent_cpu_ms": samples.cpu},
    )


def _stall(prefix: str, what: str, samples: _Rpc) -> Figure:
    return Figure(
        f"{prefix}.max_stall",
        f"{what}: longest loop stall",
        "ms",
        samples.stall,
        samples.floor_latency,
        "the floor (never yields)",
        targets=(Target(50.0, stat=Stat.MAX),),
        detail={"longest_gc_pause_ms": samples.gc},
    )


async def _timed_session(
    bench: BenchAgent,
    probe: LoopLagProbe,
    collections: GcPauses,
    rpcs: dict[str, _Rpc],
    floors: dict[str, Callable[[], bytes]],
) -> None:
    """One session with the probe on; each answer timed, then its floor."""
    bench.log.clear()
    await bench.session()
    for method, received, sent in bench.log.answers():
        samples = rpcs[method]
        samples.latency.append((sent.wall - received.wall) * 1000)
        samples.cpu.append((sent.cpu - received.cpu) * 1000)
        samples.stall.append(probe.max_stall(received.wall, sent.wall) * 1000)
        samples.gc.append(collections.longest(received.wall, sent.wall)[0] * 1000)
        samples.size.append(len(sent.body))
        floor = floors.get(method) or floors.setdefault(method, _floor(method, received, sent))
        start = time.perf_counter()
        result = floor()
        samples.floor_latency.append((time.perf_counter() - start) * 1000)
        samples.floor_size.append(len(result))


async def _traced_session(
    bench: BenchAgent, rpcs: dict[str, _Rpc], floors: dict[str, Callable[[], bytes]]
) -> None:
    """One session under tracemalloc: peak allocation of each answer, then of its floor."""
    bench.log.clear()
    await bench.session()
    for method, received, sent in bench.log.answers():
        assert received.memory is not None
        assert sent.memory is not None
        rpcs[method].peak.append((sent.memory - received.memory) / MB)
        baseline = reset_peak()
        floors[method]()
        rpcs[method].floor_peak.append(peak_since(baseline) / MB)


def rpc_plan(root: str) -> list[dict[str, object]]:
    """What the ACS asks at every Inform: GPN of the whole tree, GPV of the root."""
    return [
        {"method": GPN, "path": "", "next_level": False},
        {"method": GPV, "names": [f"{root}."]},
    ]


def _floor(method: str, received: Message, sent: Message) -> Callable[[], bytes]:
    """The floor of one answer: expat on the request, a join of the extracted items."""
    request = received.body
    if method == GPN:
        names = name_items(sent.body)

        def gpn() -> bytes:
            parse_with_expat(request)
            return join_names("1", names)

        return gpn
    values = value_items(sent.body)

    def gpv() -> bytes:
        parse_with_expat(request)
        return join_values("1", values)

    return gpv


def _state_save(bench: BenchAgent, repeats: int) -> tuple[list[float], list[float]]:
    """The agent's state export (every save runs it on the event loop) and its floor."""
    values = dict(bench.agent.export_state()["datamodel"]["values"])
    agent: list[float] = []
    floor: list[float] = []
    for _ in range(repeats):
        start = time.perf_counter()
        bench.agent.export_state()
        middle = time.perf_counter()
        dict(values)
        end = time.perf_counter()
        agent.append((middle - start) * 1000)
        floor.append((end - middle) * 1000)
    return agent, floor


def _memory_per_meter(tree: MeterTree, meters: int) -> tuple[float, float]:
    """Bytes per meter of the data model (beyond the standard objects), and of a plain
    dict of the same path -> value text pairs."""
    empty = meter_tree((), OUI)
    with traced_memory():
        before = memory_now()
        bare = _model(empty)
        middle = memory_now()
        model = _model(tree)
        after = memory_now()
        standard = {node.path for node in bare.parameters("")}
        pairs = [
            (node.path, node.spec.type.to_text(node.current()))
            for node in model.parameters("")
            if node.path not in standard
        ]
        floor_before = memory_now()
        plain = {path.encode().decode(): text.encode().decode() for path, text in pairs}
        floor_after = memory_now()
        del plain, bare
    grown = (after - middle) - (middle - before)
    return grown / meters, (floor_after - floor_before) / meters


def _memory_per_parameter(tree: MeterTree) -> tuple[float, float, int]:
    """Bytes per parameter of the data model, and of a plain dict of the same values."""
    with traced_memory():
        before = memory_now()
        model = _model(tree)
        after = memory_now()
        nodes = list(model.parameters(""))
        pairs = [(node.path, node.spec.type.to_text(node.current())) for node in nodes]
        floor_before = memory_now()
        plain = {path.encode().decode(): text.encode().decode() for path, text in pairs}
        floor_after = memory_now()
        del plain
    count = len(nodes)
    return (after - before) / count, (floor_after - floor_before) / count, count
