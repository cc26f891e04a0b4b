"""From a JSON-like tree to the model; shared by all formats.

A format parser turns its file into a tree of ``dict`` (str keys), ``list``, ``str``,
``int``, ``float`` (or :class:`~decimal.Decimal`), ``bool`` and ``None`` (what :mod:`json`
gives; XML and CSV give only dicts, lists and strings) and hands it to
:func:`configuration_from_tree`, or hands ready meter records to :func:`build_configuration`.
Either validates everything before returning, and reports what it ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from . import keys
from .catalog import TypeInfo, canonical_names, classify_type, kind_display
from .context import ReadContext
from .discovery import PARTIAL, TIMESTAMP, locate
from .errors import ConfigurationFileError
from .keys import child, fold, item, where
from .limits import MAX_METERS, MAX_READINGS
from .model import ConfigurationFile, Meter
from .readings import Tree, collect, infer_kind, name_readings
from .values import coordinate, describe, flag, optional_text, quote, text, timestamp

_SERIAL: Final = "serial"
_VENDOR: Final = "vendor"
_TYPE: Final = "type"
_NAME: Final = "name"
_LOCATION: Final = "location"
_LATITUDE: Final = "latitude"
_LONGITUDE: Final = "longitude"
_TIMESTAMP: Final = "timestamp"
_READINGS: Final = "readings"

_METER_ROLES: Final[dict[str, str]] = {
    **dict.fromkeys(keys.SERIAL_KEYS, _SERIAL),
    **dict.fromkeys(keys.VENDOR_KEYS, _VENDOR),
    **dict.fromkeys(keys.TYPE_KEYS, _TYPE),
    **dict.fromkeys(keys.NAME_KEYS, _NAME),
    **dict.fromkeys(keys.LOCATION_KEYS, _LOCATION),
    **dict.fromkeys(keys.LATITUDE_KEYS, _LATITUDE),
    **dict.fromkeys(keys.LONGITUDE_KEYS, _LONGITUDE),
    **dict.fromkeys(keys.TIMESTAMP_KEYS, _TIMESTAMP),
    **dict.fromkeys(keys.READINGS_KEYS, _READINGS),
}
"""Folded meter-record key → what it gives; every other key may be a reading."""


def decode_utf8(data: bytes) -> str:
    """The file as text: UTF-8, optionally with a byte-order mark."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ConfigurationFileError("the file is UTF-16 or UTF-32; only UTF-8 is accepted")
    offset = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        return data[offset:].decode("utf-8")
    except UnicodeDecodeError as err:
        position = offset + err.start
        line = data[:position].count(b"\n") + 1
        raise ConfigurationFileError(
            f"the file is not UTF-8 (byte 0x{data[position]:02x} at offset {position}, line {line})"
        ) from None


def is_meter_key(key: str) -> bool:
    """True if ``key`` is a field of a meter record (never a reading)."""
    return fold(key) in _METER_ROLES


@dataclass(frozen=True, slots=True)
class MeterRecord:
    """One meter's record as found in a file, before validation."""

    path: str
    record: Tree
    serial: str | None = None
    """The serial given outside the record, e.g. as the key of a map of meters."""
    kind_type: str | None = None
    """The built-in type name that decides the kind (a profile's ``map.types``); the
    record's own type is still what the meter is called."""
    line: int | None = None
    """The record's line, when the format has one per record (JSON lines)."""


# --- top level -------------------------------------------------------------------------


def configuration_from_tree(
    tree: Tree, *, format_name: str, context: ReadContext | None = None
) -> ConfigurationFile:
    """Validate a whole JSON-like tree (see :mod:`.discovery` for the shapes)."""
    context = context or ReadContext()
    found = locate(tree, context)
    partial = found.settings.get(PARTIAL)
    default_time = found.settings.get(TIMESTAMP)
    return build_configuration(
        [MeterRecord(path, record, serial) for path, record, serial in found.records],
        partial=False if partial is None else flag(*partial),
        format_name=format_name,
        default_timestamp=None if default_time is None else timestamp(*default_time, context),
        context=context,
    )


def _too_many(count: int) -> ConfigurationFileError:
    return ConfigurationFileError(f"{count} meters; at most {MAX_METERS} are allowed")


def build_configuration(
    records: Sequence[MeterRecord],
    *,
    partial: bool,
    format_name: str,
    default_timestamp: datetime | None = None,
    context: ReadContext | None = None,
    latest_wins: bool = False,
    profile: str | None = None,
) -> ConfigurationFile:
    """Validate meter records into a configuration (an empty sequence means no meters).

    ``latest_wins``: records of one serial are successive telegrams (JSON lines of a
    wM-Bus decoder); the newest is used and the others are reported as superseded.
    Otherwise a serial given twice rejects the file.
    """
    context = context or ReadContext()
    if len(records) > MAX_METERS:
        raise _too_many(len(records))
    meters: dict[str, tuple[Meter, MeterRecord]] = {}
    superseded: list[str] = []
    for record in records:
        meter = build_meter(record, default_timestamp, context)
        previous = meters.get(meter.serial)
        if previous is not None:
            if not latest_wins:
                raise ConfigurationFileError(
                    where(
                        record.path,
                        f"duplicate serial {quote(meter.serial)} (also at {previous[1].path})",
                    )
                )
            older, newer = sorted((previous, (meter, record)), key=_age)
            superseded.append(
                f"{older[1].path}: {quote(meter.serial)} superseded by {newer[1].path}"
            )
            meters[meter.serial] = newer
            continue
        meters[meter.serial] = (meter, record)
    ignored, more = context.ignored_report()
    zone = context.options.time_zone
    return ConfigurationFile(
        meters=tuple(meter for meter, _ in meters.values()),
        partial=partial,
        format=format_name,
        ignored=ignored,
        more_ignored=more,
        superseded=tuple(superseded),
        profile=profile,
        local_time_zone=str(zone) if context.zone_used else None,
    )


def _age(entry: tuple[Meter, MeterRecord]) -> tuple[float, int]:
    """Telegrams sort by their newest reading time, then by their place in the file."""
    meter, record = entry
    times = [reading.timestamp.timestamp() for reading in meter.readings if reading.timestamp]
    return (max(times) if times else float("-inf"), record.line or 0)


# --- meters ----------------------------------------------------------------------------


def build_meter(
    source: MeterRecord,
    default_timestamp: datetime | None = None,
    context: ReadContext | None = None,
) -> Meter:
    """Validate one meter record."""
    context = context or ReadContext()
    path, record = source.path, source.record
    if not isinstance(record, dict):
        raise ConfigurationFileError(where(path, f"is {describe(record)}, expected a meter object"))
    found: dict[str, str] = {}
    reading_keys: list[str] = []  # flat readings and containers, in order
    containers: set[str] = set()
    for key, value in record.items():
        role = _METER_ROLES.get(fold(key))
        if _is_container(key, role, value):
            containers.add(key)
            reading_keys.append(key)
        elif role is None or role == _READINGS:
            reading_keys.append(key)
        elif role in found:
            raise ConfigurationFileError(
                where(path, f'both "{found[role]}" and "{key}" give the {role}')
            )
        else:
            found[role] = key
    if len(reading_keys) > MAX_READINGS:
        raise ConfigurationFileError(where(path, f"more than {MAX_READINGS} readings"))

    serial = _serial(path, record, found.get(_SERIAL), source.serial)
    type_key = found.get(_TYPE)
    type_name = (
        None if type_key is None else text(child(path, type_key), record[type_key], what="a type")
    )
    time_key = found.get(_TIMESTAMP)
    record_time = (
        default_timestamp
        if time_key is None
        else timestamp(child(path, time_key), record[time_key], context)
    )
    name_key = found.get(_NAME)
    name = (
        None
        if name_key is None
        else optional_text(child(path, name_key), record[name_key], what="a name")
    )
    vendor_key = found.get(_VENDOR)
    vendor = "" if vendor_key is None else _vendor(child(path, vendor_key), record[vendor_key])
    location = _location(path, record, found, context)

    raw = collect(
        path,
        record,
        reading_keys,
        containers=frozenset(containers),
        record_time=record_time,
        context=context,
    )
    classified_by = source.kind_type or type_name
    info = TypeInfo(None) if classified_by is None else classify_type(classified_by)
    kind = info.kind or infer_kind(path, raw, required=classified_by is None)
    readings = name_readings(kind, info.variant, raw, context)
    if not readings:
        display = kind_display(kind)
        article = "an" if display[0] in "aeiou" else "a"
        expected = "" if not raw else f"; {article} {display} has {canonical_names(kind)}"
        raise ConfigurationFileError(
            where(path, f"meter {quote(serial)} has no readings{expected}")
        )
    return Meter(
        serial=serial,
        vendor=vendor,
        kind=kind,
        type_name=kind.value if type_name is None else type_name,
        name=name,
        readings=readings,
        location=location,
    )


def _is_container(key: str, role: str | None, value: Tree) -> bool:
    """A nested map or list of readings (``readings``, or XML's ``<reading>`` elements)."""
    folded = fold(key)
    if role == _READINGS:
        return isinstance(value, dict | list) or value == ""
    return folded in keys.READING_ELEMENTS and isinstance(value, dict | list)


def _serial(path: str, record: dict[str, Tree], key: str | None, outside: str | None) -> str:
    if key is None:
        if outside is None:
            raise ConfigurationFileError(where(path, "meter has no serial"))
        return text(path, outside, what="a serial")
    serial = text(child(path, key), record[key], what="a serial")
    if outside is not None and serial != outside.strip():
        raise ConfigurationFileError(
            where(child(path, key), f"{quote(serial)} differs from the key {quote(outside)}")
        )
    return serial


def _vendor(path: str, raw: Tree) -> str:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(raw)
    return optional_text(path, raw, what="a vendor name") or ""


def _location(
    path: str, record: dict[str, Tree], found: dict[str, str], context: ReadContext
) -> tuple[float, float] | None:
    location_key = found.get(_LOCATION)
    lat_key, lng_key = found.get(_LATITUDE), found.get(_LONGITUDE)
    if location_key is None:
        if lat_key is None and lng_key is None:
            return None
        if lat_key is None or lng_key is None:
            raise ConfigurationFileError(where(path, "location needs both latitude and longitude"))
        return (
            coordinate(child(path, lat_key), record[lat_key], limit=90),
            coordinate(child(path, lng_key), record[lng_key], limit=180),
        )
    if lat_key is not None or lng_key is not None:
        raise ConfigurationFileError(
            where(path, f'both "{location_key}" and latitude/longitude keys give the location')
        )
    location_path = child(path, location_key)
    raw = record[location_key]
    if isinstance(raw, list):
        if len(raw) != 2:
            raise ConfigurationFileError(where(location_path, "expected [latitude, longitude]"))
        return (
            coordinate(item(location_path, 0), raw[0], limit=90),
            coordinate(item(location_path, 1), raw[1], limit=180),
        )
    if isinstance(raw, str):
        context.ignore(location_path)  # a place's name, not coordinates
        return None
    if not isinstance(raw, dict):
        raise ConfigurationFileError(
            where(location_path, f"is {describe(raw)}, expected an object with lat and lng")
        )
    lat: tuple[str, Tree] | None = None
    lng: tuple[str, Tree] | None = None
    for key, value in raw.items():
        folded = fold(key)
        if folded in keys.LATITUDE_KEYS and lat is None:
            lat = (key, value)
        elif folded in keys.LONGITUDE_KEYS and lng is None:
            lng = (key, value)
        else:
            context.ignore(child(location_path, key))
    if lat is None or lng is None:
        raise ConfigurationFileError(
            where(location_path, "location needs both latitude and longitude")
        )
    return (
        coordinate(child(location_path, lat[0]), lat[1], limit=90),
        coordinate(child(location_path, lng[0]), lng[1], limit=180),
    )


__all__ = [
    "MeterRecord",
    "Tree",
    "build_configuration",
    "build_meter",
    "configuration_from_tree",
    "decode_utf8",
    "is_meter_key",
]
