"""In Home Assistant: from the Download RPC to every meter sensor existing with its value.

Home Assistant runs in its own process (:mod:`bench.ha_worker`) with the integration
against the ACS process.  The ACS serves a file of 1,000 meters (3,000 readings), queues
a Download ("3 Vendor Configuration File") and sends a Connection Request; the time runs
from the moment the ACS sent the Download (its clock) to the moment the last sensor had
its value (Home Assistant's clock; both are the machine's wall clock).  Then the same
with a file that changes every reading, until every sensor's state has changed.  Each
repetition uses a fresh Home Assistant.  The floor is Home Assistant's state machine
alone: ``hass.states.async_set`` of as many states (created, then changed).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .child import ChildProcess
from .context import Context
from .figures import Figure, Target
from .meterdata import changed, configuration_file, make_meters

FIGURES = ("ha.download_to_entities", "ha.update_all_readings")
FILE_TYPE = "3 Vendor Configuration File"


@dataclass(frozen=True, slots=True)
class Plan:
    """Meters in the file and fresh Home Assistants."""

    meters: int
    repeats: int


FULL = Plan(meters=1000, repeats=3)
QUICK = Plan(meters=20, repeats=1)


class HaProcess(ChildProcess):
    """Home Assistant with the integration's gateway, ready (first session over)."""

    def __init__(self, acs_url: str, log_path: Path) -> None:
        super().__init__("bench.ha_worker", ["--acs-url", acs_url], log_path)

    @property
    def serial(self) -> str:
        """The gateway's serial number."""
        return str(self.hello["serial"])


@dataclass(slots=True)
class _Samples:
    create: list[float]
    update: list[float]
    floor_create: list[float]
    floor_update: list[float]
    cpu_create: list[float]
    cpu_update: list[float]


async def run(ctx: Context) -> list[Figure]:
    """Repetitions on fresh Home Assistants; the two figures."""
    plan = ctx.pick(QUICK, FULL)
    meters = make_meters(plan.meters)
    readings = sum(len(meter.readings) for meter in meters)
    files = {
        "create": ctx.work_dir / "ha-create.json",
        "update": ctx.work_dir / "ha-update.json",
    }
    files["create"].write_bytes(configuration_file(meters))
    files["update"].write_bytes(configuration_file(changed(meters)))
    samples = _Samples([], [], [], [], [], [])
    for repeat in range(plan.repeats):
        async with HaProcess(ctx.acs.url, ctx.work_dir / "ha.log") as ha:
            for phase in ("create", "update"):
                seconds, cpu = await _phase(ctx, ha, phase, files[phase], readings, repeat)
                getattr(samples, phase).append(seconds)
                getattr(samples, f"cpu_{phase}").append(cpu)
            floor = await ha.call("floor", count=readings)
            samples.floor_create.append(floor["create"])
            samples.floor_update.append(floor["update"])
    floor_what = f"hass.states.async_set of {readings:,} states"
    detail = {"meters": plan.meters, "sensors": readings, "harness": "HA test harness"}
    return [
        Figure(
            "ha.download_to_entities",
            f"HA: Download -> {plan.meters:,} meters' {readings:,} sensors with values",
            "s",
            samples.create,
            samples.floor_create,
            floor_what,
            targets=(Target(3.0),),
            detail={**detail, "ha_cpu_s": samples.cpu_create},
        ),
        Figure(
            "ha.update_all_readings",
            f"HA: Download -> all {readings:,} readings updated",
            "s",
            samples.update,
            samples.floor_update,
            floor_what,
            targets=(Target(1.0),),
            detail={**detail, "ha_cpu_s": samples.cpu_update},
        ),
    ]


async def _phase(
    ctx: Context, ha: HaProcess, phase: str, path: Path, expected: int, repeat: int
) -> tuple[float, float]:
    """One Download; seconds from the ACS sending it to the sensors, and HA's CPU."""
    await ha.call("watch", phase=phase, expected=expected)
    await ctx.acs.call(
        "download",
        serial=ha.serial,
        name=f"{phase}-{repeat}.json",
        path=str(path),
        file_type=FILE_TYPE,
    )
    await ctx.acs.call(
        "cr",
        url=ha.hello["cr_url"],
        username=ha.hello["cr_username"],
        password=ha.hello["cr_password"],
        serial=ha.serial,
        count=1,
        settle=0.0,
    )
    sent = (await ctx.acs.call("sent_at", serial=ha.serial, method="Download"))["at"]
    result = await ha.call("wait", timeout=120.0)
    if sent is None:
        raise RuntimeError("the ACS did not send the Download")
    return float(result["done_at"]) - float(sent), float(result["cpu"])
