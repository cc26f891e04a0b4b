"""Synthetic meters and the configuration files that list them.

The same :class:`~tr069_cpe.meters.Meter` objects feed the configuration
file benchmark (written with ``serialize_configuration``) and the data-model tree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from tr069_cpe.meters import Meter, MeterKind, Reading, serialize_configuration

_T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
_VENDORS = ("PIKKETRON", "WEBTECH", "BONEGA", "ACME")


_UNITS = {"warm": "L", "cold": "L", "temperature": "°C", "humidity": "%"}
# The mix of configuration files: 3 readings per meter on average.
_MIX: tuple[tuple[MeterKind, tuple[str, ...]], ...] = (
    (MeterKind.ELECTRICITY, ("T1", "T2", "T3", "total")),
    (MeterKind.WATER, ("warm", "cold")),
    (MeterKind.ELECTRICITY, ("T1", "T2", "T3", "total")),
    (MeterKind.TEMPERATURE_HUMIDITY, ("temperature", "humidity")),
)


def make_meters(count: int, tariffs: int | None = None) -> list[Meter]:
    """``count`` meters, numbered from 1.

    Without ``tariffs``: a mix averaging 3 readings per meter (electricity T1, T2, T3,
    total; water warm, cold; temperature, humidity).  With ``tariffs``: electricity
    meters with readings T1..T<tariffs>.
    """
    meters = []
    for number in range(1, count + 1):
        names: tuple[str, ...]
        if tariffs is None:
            kind, names = _MIX[number % len(_MIX)]
        else:
            kind, names = MeterKind.ELECTRICITY, tuple(f"T{n}" for n in range(1, tariffs + 1))
        readings = tuple(
            Reading(name, float((number * 7 + index * 13) % 90 + 1), _UNITS.get(name, "kWh"), _T0)
            for index, name in enumerate(names)
        )
        meters.append(
            Meter(
                serial=f"{100000 + number}",
                vendor=_VENDORS[number % len(_VENDORS)],
                kind=kind,
                type_name=kind.value,
                name=f"Meter {number}",
                readings=readings,
            )
        )
    return meters


def changed(meters: Sequence[Meter]) -> list[Meter]:
    """The same meters with every reading value changed and a new timestamp."""
    later = _T0 + timedelta(minutes=15)
    return [
        replace(
            meter,
            readings=tuple(
                replace(reading, value=float(reading.value) + 1.5, timestamp=later)
                for reading in meter.readings
            ),
        )
        for meter in meters
    ]


def configuration_file(meters: Sequence[Meter]) -> bytes:
    """The meters as a JSON configuration file (the project's own writer)."""
    return serialize_configuration(meters)
