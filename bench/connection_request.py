"""Connection Requests: GET -> 200, and GET -> the Inform arriving at the ACS.

The ACS process sends the requests (GenieACS style: a GET, the Digest challenge, the
GET with credentials) one after the other and times them with its own clock; the
Inform's arrival is when the ACS has read and parsed the POST.  The floor is a bare
aiohttp server in this process that answers the same way without checking anything
and, on the 200, replays the agent's recorded Inform session with a bare client.
"""

from __future__ import annotations

from dataclasses import dataclass

from .agent import CR_PASSWORD, CR_USERNAME, OUI, SERIAL, BenchAgent
from .context import Context
from .figures import Figure, Stat, Target
from .floor_cpe import FloorCpe
from .meterdata import make_meters
from .replay import Replayer
from .tree import meter_tree

FIGURES = ("cr.get_200", "cr.inform")


@dataclass(frozen=True, slots=True)
class Plan:
    """Repetitions (count per round, alternating agent and floor)."""

    meters: int
    rounds: int
    per_round: int
    settle: float


FULL = Plan(meters=10, rounds=6, per_round=20, settle=0.03)
QUICK = Plan(meters=2, rounds=1, per_round=3, settle=0.01)


async def _connection_requests(
    ctx: Context, url: str, count: int, settle: float
) -> dict[str, list[float]]:
    """The ACS sends ``count`` Connection Requests, each followed by its session."""
    result = await ctx.acs.call(
        "cr",
        url=url,
        username=CR_USERNAME,
        password=CR_PASSWORD,
        serial=SERIAL,
        count=count,
        settle=settle,
    )
    if result["errors"]:
        raise RuntimeError(f"Connection Requests failed: {result['errors']}")
    return result


async def run(ctx: Context) -> list[Figure]:
    """Alternate rounds of Connection Requests to the agent and to the floor."""
    plan = ctx.pick(QUICK, FULL)
    tree = meter_tree(make_meters(plan.meters, 8), OUI)
    await ctx.acs.call("plan", serial=SERIAL, rpcs=[])
    answered: list[float] = []
    informed: list[float] = []
    floor_answered: list[float] = []
    floor_informed: list[float] = []
    async with BenchAgent(ctx.acs.url, tree, run=True) as bench:
        await bench.counter.wait_for(1)  # the BOOT session
        bench.log.clear()
        await _connection_requests(ctx, bench.cr_url, 1, plan.settle)
        await bench.counter.wait_for(2)
        replayer = Replayer(ctx.acs.url, bench.log.outgoing(), bench.log.incoming())
        async with FloorCpe(replayer) as floor:
            for _ in range(plan.rounds):
                for url, to_200, to_inform in (
                    (bench.cr_url, answered, informed),
                    (floor.url, floor_answered, floor_informed),
                ):
                    result = await _connection_requests(ctx, url, plan.per_round, plan.settle)
                    to_200.extend(seconds * 1000 for seconds in result["get_200"])
                    to_inform.extend(seconds * 1000 for seconds in result["inform"])
    floor_what = "bare aiohttp endpoint + replayed Inform"
    return [
        Figure(
            "cr.get_200",
            "Connection Request: GET -> 200 (with Digest)",
            "ms",
            answered,
            floor_answered,
            "bare aiohttp endpoint, no checks",
            targets=(),
        ),
        Figure(
            "cr.inform",
            "Connection Request: GET -> Inform at the ACS",
            "ms",
            informed,
            floor_informed,
            floor_what,
            targets=(Target(100.0, stat=Stat.P95),),
        ),
    ]
