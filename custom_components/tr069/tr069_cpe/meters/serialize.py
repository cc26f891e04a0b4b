"""Writing meters back as a JSON configuration file (canonical shape (a) of FORMATS.md)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
import json

from .errors import ConfigurationFileError
from .keys import changes_meaning, is_metadata
from .model import Meter, MeterKind, Reading
from .normalize import is_meter_key
from .obis import parse_obis
from .parse import parse_configuration
from .values import dump_number, split_number


def serialize_configuration(meters: Iterable[Meter], *, partial: bool = False) -> bytes:
    """The meters as a UTF-8 JSON configuration file that parses back to equal meters.

    One meter per line, readings as flat keys with units (``"T1": "53 kWh"``); a meter
    whose readings have different timestamps, or that has readings that cannot be
    flat keys, lists them under ``"readings"`` instead.

    Raises ValueError if a meter cannot be written faithfully (e.g. a non-canonical
    reading name or unit for its kind, a naive timestamp, a non-finite value).
    """
    meters = tuple(meters)
    lines = [json.dumps(_meter(meter), ensure_ascii=False) for meter in meters]
    body = ",\n  ".join(lines)
    flag = "true" if partial else "false"
    text = (
        f'{{"partial": {flag}, "items": [\n  {body}\n]}}\n'
        if lines
        else (f'{{"partial": {flag}, "items": []}}\n')
    )
    try:
        data = text.encode("utf-8")
        parsed = parse_configuration(data)
    except (ConfigurationFileError, UnicodeError) as err:
        raise ValueError(f"the meters cannot be serialized: {err}") from err
    if parsed.meters != meters:
        for original, again in zip(meters, parsed.meters, strict=True):
            if original != again:
                raise ValueError(
                    f"meter {original.serial!r} cannot be serialized faithfully: "
                    f"{original!r} would be read back as {again!r}"
                )
    return data


def _meter(meter: Meter) -> dict[str, object]:
    record: dict[str, object] = {"serial": meter.serial}
    if meter.vendor:
        record["vendor"] = meter.vendor
    record["type"] = meter.type_name
    if meter.name is not None:
        record["name"] = meter.name
    if meter.location is not None:
        record["location"] = {"lat": meter.location[0], "lng": meter.location[1]}
    times = {reading.timestamp for reading in meter.readings}
    common = next(iter(times)) if len(times) == 1 else None
    flat = len(times) <= 1 and all(
        _flat_value(meter.kind, reading) is not None for reading in meter.readings
    )
    if flat:
        if common is not None:
            record["timestamp"] = _time(common)
        for reading in meter.readings:
            record[reading.name] = _flat_value(meter.kind, reading)
    else:
        record["readings"] = [_listed(meter.kind, reading) for reading in meter.readings]
    return record


def _time(moment: datetime) -> str:
    return moment.isoformat()


def _with_unit(value: float, unit: str | None) -> str:
    number = dump_number(value)
    return f"{number} {unit}" if unit else number


def _flat_value(kind: MeterKind, reading: Reading) -> str | None:
    """The reading as the value of a flat key, or None if that would not read back."""
    name = reading.name
    if is_meter_key(name) or is_metadata(name) or changes_meaning(name) or parse_obis(name):
        return None
    if isinstance(reading.value, str):
        if (
            kind is MeterKind.GENERIC
            and reading.unit is None
            and split_number(reading.value) is None
        ):
            return reading.value
        return None
    written = _with_unit(reading.value, reading.unit)
    if kind is not MeterKind.GENERIC:
        return written
    split = split_number(written)
    if split is None or split[1] != reading.unit or float(split[0]) != reading.value:
        return None
    return written


def _listed(kind: MeterKind, reading: Reading) -> dict[str, object]:
    listed: dict[str, object] = {"name": reading.name}
    if isinstance(reading.value, str):
        listed["text"] = reading.value
    elif kind is MeterKind.GENERIC:
        listed["value"] = reading.value
        if reading.unit is not None:
            listed["unit"] = reading.unit
    else:
        listed["value"] = _with_unit(reading.value, reading.unit)
    if reading.timestamp is not None:
        listed["timestamp"] = _time(reading.timestamp)
    return listed


__all__ = ["serialize_configuration"]
