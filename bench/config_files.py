"""Vendor Configuration Files of 100, 1,000 and 10,000 meters: parse, apply, memory.

The parse time is ``meters.parse_configuration`` on a JSON file written by the project's
own ``serialize_configuration`` (3 readings per meter on average); its floor is
``json.loads`` of the same bytes.  The apply time is :func:`apply_function` (the meter
table's ``apply``) on a fresh data model, then with a file that changes every reading;
its floor writes the same paths and values into a plain dict.  The same files in Home
Assistant: :mod:`bench.home_assistant`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import json
import time

from tr069_cpe.cwmp.datamodel import DataModel, RootObject, root_spec
from tr069_cpe.meters import ConfigurationFile, parse_configuration
from tr069_cpe.meters.table import MeterTable

from .agent import OUI
from .context import Context
from .figures import Figure, not_available
from .meterdata import changed, configuration_file, make_meters
from .probes import memory_now, traced_memory
from .tree import meter_tree

FIGURES = (
    *(
        f"config.{what}.{size}"
        for size in ("100", "1000", "10000")
        for what in ("parse", "apply", "apply_changed")
    ),
    "config.memory_per_meter",
)
type ApplyFunction = Callable[[DataModel, ConfigurationFile], object]


def apply_function() -> ApplyFunction | None:
    """The function that applies a parsed file to the data model (None: not implemented).

    The benchmark times it on a data model built with the meter extension, for every
    size, and again with a file that changes every reading.
    """

    def apply(model: DataModel, config: ConfigurationFile) -> object:
        return MeterTable(model, model.root_name, OUI).apply(config)

    return apply


@dataclass(frozen=True, slots=True)
class Size:
    """A file size: figure id suffix and number of meters, and how often to parse it."""

    key: str
    meters: int
    repeats: int


FULL = (Size("100", 100, 40), Size("1000", 1000, 15), Size("10000", 10_000, 5))
QUICK = (Size("100", 5, 3), Size("1000", 20, 3), Size("10000", 50, 2))


async def run(ctx: Context) -> list[Figure]:
    """Parse (and apply, once possible) every size; memory per meter of the largest."""
    sizes = ctx.pick(QUICK, FULL)
    apply = apply_function()
    figures: list[Figure] = []
    largest: tuple[Size, bytes] | None = None
    for size in sizes:
        meters = make_meters(size.meters)
        data = configuration_file(meters)
        update = configuration_file(changed(meters))
        largest = (size, data)
        readings = sum(len(meter.readings) for meter in meters)
        detail = {"meters": size.meters, "readings": readings, "bytes": len(data)}
        parse, floor = _time_parse(data, size.repeats)
        figures.append(
            Figure(
                f"config.parse.{size.key}",
                f"Parse a file of {size.meters:,} meters",
                "ms",
                parse,
                floor,
                "json.loads of the same bytes",
                detail=detail,
            )
        )
        figures.extend(_apply_figures(apply, size, data, update))
    assert largest is not None
    figures.append(_memory_per_meter(*largest))
    return figures


def _time_parse(data: bytes, repeats: int) -> tuple[list[float], list[float]]:
    parse_configuration(data)  # warm-up
    parse: list[float] = []
    floor: list[float] = []
    for _ in range(repeats):
        start = time.perf_counter()
        parse_configuration(data)
        middle = time.perf_counter()
        json.loads(data)
        end = time.perf_counter()
        parse.append((middle - start) * 1000)
        floor.append((end - middle) * 1000)
    return parse, floor


def _apply_figures(
    apply: ApplyFunction | None, size: Size, data: bytes, update: bytes
) -> list[Figure]:
    first = f"config.apply.{size.key}"
    again = f"config.apply_changed.{size.key}"
    title = f"Apply a file of {size.meters:,} meters"
    changed_title = f"{title}, every reading changed"
    if apply is None:
        return [not_available(first, title, "ms"), not_available(again, changed_title, "ms")]
    parsed, parsed_update = parse_configuration(data), parse_configuration(update)
    extensions = meter_tree((), OUI).extensions
    fresh: list[float] = []
    repeat: list[float] = []
    floor: list[float] = []
    floor_repeat: list[float] = []
    for _ in range(size.repeats):
        model = DataModel(root_spec(RootObject.DEVICE, extensions))
        start = time.perf_counter()
        apply(model, parsed)
        middle = time.perf_counter()
        apply(model, parsed_update)
        end = time.perf_counter()
        fresh.append((middle - start) * 1000)
        repeat.append((end - middle) * 1000)
        plain: dict[str, object] = {}
        start = time.perf_counter()
        _plain_apply(plain, parsed)
        middle = time.perf_counter()
        _plain_apply(plain, parsed_update)
        end = time.perf_counter()
        floor.append((middle - start) * 1000)
        floor_repeat.append((end - middle) * 1000)
    what = "the same paths and values into a dict"
    return [
        Figure(first, title, "ms", fresh, floor, what),
        Figure(again, changed_title, "ms", repeat, floor_repeat, what),
    ]


def _plain_apply(plain: dict[str, object], config: ConfigurationFile) -> None:
    """The apply floor: every value the data model gets, by path, into a dict."""
    for number, meter in enumerate(config.meters, 1):
        base = f"Device.Meter.{number}."
        plain[f"{base}SerialNumber"] = meter.serial
        plain[f"{base}Vendor"] = meter.vendor
        plain[f"{base}Type"] = meter.type_name
        plain[f"{base}Name"] = meter.name or ""
        for index, reading in enumerate(meter.readings, 1):
            row = f"{base}Reading.{index}."
            plain[f"{row}Name"] = reading.name
            plain[f"{row}Value"] = str(reading.value)
            plain[f"{row}Unit"] = reading.unit or ""
            plain[f"{row}LastUpdate"] = reading.timestamp


def _memory_per_meter(size: Size, data: bytes) -> Figure:
    parse_configuration(data)  # caches filled before tracing
    with traced_memory():
        before = memory_now()
        parsed = parse_configuration(data)
        after = memory_now()
        plain = json.loads(data)
        floor_after = memory_now()
    del parsed, plain
    return Figure(
        "config.memory_per_meter",
        f"Parsed file: memory per meter ({size.meters:,} meters)",
        "bytes",
        [(after - before) / size.meters],
        [(floor_after - after) / size.meters],
        "json.loads result",
    )
