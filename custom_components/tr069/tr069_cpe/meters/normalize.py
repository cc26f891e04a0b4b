"""From a JSON-like tree to the model; shared by all formats.

A format parser turns its file into a tree of ``dict`` (str keys), ``list``, ``str``,
``int``, ``float`` (or :class:`~decimal.Decimal`), ``bool`` and ``None`` (what :mod:`json`
gives; XML gives only dicts, lists and strings) and hands it to
:func:`configuration_from_tree`, or hands ready meter records to :func:`build_configuration`.
Either validates everything before returning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from . import keys
from .catalog import EXPECTED, TypeInfo, classify_type, is_water_volume, recognize
from .errors import ConfigurationFileError
from .keys import child, fold, item, where
from .limits import MAX_METERS, MAX_READINGS
from .model import ConfigurationFile, Meter, MeterKind, Reading
from .obis import parse_obis
from .values import (
    canonical_value,
    coordinate,
    describe,
    flag,
    generic_value,
    optional_text,
    quote,
    text,
    timestamp,
    unit_text,
)

type Tree = object

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
"""Folded meter-record key → what it gives; every other key of a meter is a reading."""

_OBIS: Final = "obis"
_ID: Final = "id"
_VALUE: Final = "value"
_TEXT: Final = "text"
_UNIT: Final = "unit"
_DESCRIPTION: Final = "description"

_READING_ROLES: Final[dict[str, str]] = {
    **dict.fromkeys(keys.DESCRIPTION_KEYS, _DESCRIPTION),
    **dict.fromkeys(keys.READING_ID_KEYS, _ID),
    **dict.fromkeys(keys.OBIS_KEYS, _OBIS),
    **dict.fromkeys(keys.VALUE_KEYS, _VALUE),
    **dict.fromkeys(keys.TEXT_KEYS, _TEXT),
    **dict.fromkeys(keys.UNIT_KEYS, _UNIT),
    **dict.fromkeys(keys.TIMESTAMP_KEYS, _TIMESTAMP),
}
"""Folded reading-record key → its role; other keys are an error."""


def decode_utf8(data: bytes) -> str:
    """The file as text: UTF-8, optionally with a byte-order mark."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ConfigurationFileError("the file is UTF-16 or UTF-32; only UTF-8 is accepted")
    offset = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        return data[offset:].decode("utf-8")
    except UnicodeDecodeError as err:
        position = offset + err.start
        raise ConfigurationFileError(
            f"the file is not UTF-8 (byte 0x{data[position]:02x} at offset {position})"
        ) from None


def is_meter_key(key: str) -> bool:
    """True if ``key`` is not a reading when it appears on a meter record."""
    return fold(key) in _METER_ROLES


class ReadingRecord(dict[str, Tree]):
    """A reading record placed directly on a meter record, under any unique key.

    For formats whose readings are not all in one list (XML's ``<reading>`` elements
    among other child elements): the key only names the reading's place in error
    messages, e.g. ``reading[2]``; JSON never produces these.
    """

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class MeterRecord:
    """One meter's record as found in a file, before validation."""

    path: str
    record: Tree
    serial: str | None = None
    """The serial given outside the record, e.g. as the key of a map of meters."""


@dataclass(slots=True)  # not frozen: frozen dataclasses are slow to create
class _RawReading:
    path: str
    """Where the reading is."""
    idents: tuple[str, ...]
    """Its key, or the OBIS code and/or names of a reading record (OBIS code first)."""
    obis: bool
    """True if idents[0] was given as an OBIS code."""
    value_path: str
    value: Tree
    is_text: bool
    unit: str | None
    timestamp: datetime | None


# --- top level -------------------------------------------------------------------------


def configuration_from_tree(tree: Tree, *, format_name: str) -> ConfigurationFile:
    """Validate a whole JSON-like tree.

    Accepted shapes: an object with a list or map of meters under a meters key (items,
    meters, devices, records …) plus optional ``partial`` and ``timestamp``; a single
    meter record (an object with a serial); a map of meter records keyed by serial; a
    list of meter records.
    """
    if isinstance(tree, list):
        if not tree:
            raise ConfigurationFileError(
                'the file is an empty list; declare "no meters" as {"meters": []}'
            )
        return build_configuration(meter_records("", tree), partial=False, format_name=format_name)
    if not isinstance(tree, dict):
        raise ConfigurationFileError(
            f"the file is {describe(tree)}, expected an object or a list of meters"
        )
    list_key: str | None = None
    partial_key: str | None = None
    timestamp_key: str | None = None
    serial_key: str | None = None
    for key in tree:
        folded = fold(key)
        if folded in keys.METER_LIST_KEYS:
            if list_key is not None:
                raise ConfigurationFileError(
                    f'both "{list_key}" and "{key}" list meters; use one list'
                )
            list_key = key
        elif folded in keys.PARTIAL_KEYS:
            if partial_key is not None:
                raise ConfigurationFileError(
                    f'both "{partial_key}" and "{key}" give the partial flag'
                )
            partial_key = key
        elif folded in keys.TIMESTAMP_KEYS:
            if timestamp_key is not None:
                raise ConfigurationFileError(
                    f'both "{timestamp_key}" and "{key}" give the timestamp'
                )
            timestamp_key = key
        elif folded in keys.SERIAL_KEYS:
            serial_key = key
    if list_key is None:
        if serial_key is not None:
            return build_configuration(
                [MeterRecord("", tree)], partial=False, format_name=format_name
            )
        if tree and all(isinstance(value, dict) for value in tree.values()):
            return build_configuration(
                meter_records("", tree), partial=False, format_name=format_name
            )
        raise ConfigurationFileError(
            "no meters found: expected a list of meters under a key such as "
            '"items" or "meters", a single meter record with a serial, '
            "or an object of meter records keyed by serial"
        )
    for key, value in tree.items():
        if key in (list_key, partial_key, timestamp_key):
            continue
        if isinstance(value, dict | list):
            raise ConfigurationFileError(
                f'unknown top-level key "{key}" (only one list of meters is allowed)'
            )
        if _METER_ROLES.get(fold(key)) in (_SERIAL, _VENDOR, _TYPE):
            raise ConfigurationFileError(
                where(key, "belongs on a meter record, not at the top level")
            )
    partial = False if partial_key is None else flag(partial_key, tree[partial_key])
    default_time = None if timestamp_key is None else timestamp(timestamp_key, tree[timestamp_key])
    return build_configuration(
        meter_records(list_key, tree[list_key]),
        partial=partial,
        format_name=format_name,
        default_timestamp=default_time,
    )


def meter_records(path: str, container: Tree) -> list[MeterRecord]:
    """The records of a list of meters or of a map of meters keyed by serial."""
    if isinstance(container, list):
        if len(container) > MAX_METERS:
            raise _too_many(len(container))
        return [MeterRecord(item(path, index), record) for index, record in enumerate(container)]
    if isinstance(container, dict):
        if len(container) > MAX_METERS:
            raise _too_many(len(container))
        return [MeterRecord(child(path, key), record, key) for key, record in container.items()]
    raise ConfigurationFileError(
        where(path, f"is {describe(container)}, expected a list of meters")
    )


def _too_many(count: int) -> ConfigurationFileError:
    return ConfigurationFileError(f"{count} meters; at most {MAX_METERS} are allowed")


def build_configuration(
    records: Sequence[MeterRecord],
    *,
    partial: bool,
    format_name: str,
    default_timestamp: datetime | None = None,
) -> ConfigurationFile:
    """Validate meter records into a configuration (an empty sequence means no meters)."""
    if len(records) > MAX_METERS:
        raise _too_many(len(records))
    meters: list[Meter] = []
    seen: dict[str, str] = {}
    for record in records:
        meter = build_meter(record, default_timestamp)
        if meter.serial in seen:
            raise ConfigurationFileError(
                where(
                    record.path,
                    f"duplicate serial {quote(meter.serial)} (also at {seen[meter.serial]})",
                )
            )
        seen[meter.serial] = record.path
        meters.append(meter)
    return ConfigurationFile(tuple(meters), partial, format_name)


# --- meters ----------------------------------------------------------------------------


def build_meter(source: MeterRecord, default_timestamp: datetime | None = None) -> Meter:
    """Validate one meter record."""
    path, record = source.path, source.record
    if not isinstance(record, dict):
        raise ConfigurationFileError(where(path, f"is {describe(record)}, expected a meter object"))
    found: dict[str, str] = {}
    reading_keys: list[str] = []  # flat readings, reading records and containers, in order
    for key, value in record.items():
        role = _METER_ROLES.get(fold(key))
        if role is None or role == _READINGS or isinstance(value, ReadingRecord):
            reading_keys.append(key)
        elif role in found:
            raise ConfigurationFileError(
                where(path, f'both "{found[role]}" and "{key}" give the {role}')
            )
        else:
            found[role] = key
    if len(reading_keys) > MAX_READINGS:
        raise _too_many_readings(path)

    serial = _serial(path, record, found.get(_SERIAL), source.serial)
    type_key = found.get(_TYPE)
    type_name = (
        None if type_key is None else text(child(path, type_key), record[type_key], what="a type")
    )
    time_key = found.get(_TIMESTAMP)
    record_time = (
        default_timestamp
        if time_key is None
        else timestamp(child(path, time_key), record[time_key])
    )
    name_key = found.get(_NAME)
    name = (
        None
        if name_key is None
        else optional_text(child(path, name_key), record[name_key], what="a name")
    )
    vendor_key = found.get(_VENDOR)
    vendor = "" if vendor_key is None else _vendor(child(path, vendor_key), record[vendor_key])
    location = _location(path, record, found)

    raw: list[_RawReading] = []
    for key in reading_keys:
        key_path, value = child(path, key), record[key]
        if isinstance(value, ReadingRecord):
            raw.append(_reading_record(key_path, value, record_time))
        elif _METER_ROLES.get(fold(key)) == _READINGS:
            _collect(key_path, value, record_time, raw)
        else:
            raw.append(
                _RawReading(key_path, (key,), False, key_path, value, False, None, record_time)
            )
    if not raw:
        raise ConfigurationFileError(where(path, f"meter {quote(serial)} has no readings"))

    info = TypeInfo(None) if type_name is None else classify_type(type_name)
    kind = info.kind or _infer_kind(path, raw, required=type_name is None)
    readings = _readings(kind, info.water, raw)
    return Meter(
        serial=serial,
        vendor=vendor,
        kind=kind,
        type_name=kind.value if type_name is None else type_name,
        name=name,
        readings=readings,
        location=location,
    )


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
    path: str, record: dict[str, Tree], found: dict[str, str]
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
            raise ConfigurationFileError(
                where(child(location_path, key), "unexpected key in a location")
            )
    if lat is None or lng is None:
        raise ConfigurationFileError(
            where(location_path, "location needs both latitude and longitude")
        )
    return (
        coordinate(child(location_path, lat[0]), lat[1], limit=90),
        coordinate(child(location_path, lng[0]), lng[1], limit=180),
    )


# --- raw readings ------------------------------------------------------------------------


def _collect(
    path: str, container: Tree, record_time: datetime | None, raw: list[_RawReading]
) -> None:
    """Add the readings of a nested map (key → value) or list of reading records."""
    if isinstance(container, dict):
        for key, value in container.items():
            key_path = child(path, key)
            raw.append(
                _RawReading(key_path, (key,), False, key_path, value, False, None, record_time)
            )
            if len(raw) > MAX_READINGS:
                raise _too_many_readings(path)
        return
    if not isinstance(container, list):
        raise ConfigurationFileError(
            where(path, f"is {describe(container)}, expected readings as an object or a list")
        )
    if len(raw) + len(container) > MAX_READINGS:
        raise _too_many_readings(path)
    for index, record in enumerate(container):
        raw.append(_reading_record(item(path, index), record, record_time))


def _too_many_readings(path: str) -> ConfigurationFileError:
    return ConfigurationFileError(where(path, f"more than {MAX_READINGS} readings"))


def _reading_record(path: str, record: Tree, record_time: datetime | None) -> _RawReading:
    """One record of a list of readings: identifier(s), value or text, unit, timestamp."""
    if not isinstance(record, dict):
        raise ConfigurationFileError(
            where(path, f"is {describe(record)}, expected a reading object")
        )
    obis_key: str | None = None
    id_keys: list[str] = []
    found: dict[str, str] = {}
    for key, value in record.items():
        role = _READING_ROLES.get(fold(key))
        if role is None:
            raise ConfigurationFileError(where(child(path, key), "unknown key in a reading"))
        if role == _ID:
            id_keys.append(key)
        elif role == _DESCRIPTION:
            if value is not None and not isinstance(value, str):
                raise ConfigurationFileError(
                    where(child(path, key), f"is {describe(value)}, expected a text")
                )
        elif role in found:
            raise ConfigurationFileError(
                where(path, f'both "{found[role]}" and "{key}" give the {role}')
            )
        else:
            found[role] = key
            if role == _OBIS:
                obis_key = key

    idents: list[str] = []
    if obis_key is not None:
        idents.append(text(child(path, obis_key), record[obis_key], what="an OBIS code"))
        if parse_obis(idents[0]) is None:
            raise ConfigurationFileError(
                where(child(path, obis_key), f"{quote(idents[0])} is not an OBIS code")
            )
    idents.extend(text(child(path, key), record[key], what="a reading name") for key in id_keys)
    if not idents:
        raise ConfigurationFileError(where(path, "reading has no name, type or OBIS code"))

    value_key, text_key = found.get(_VALUE), found.get(_TEXT)
    if value_key is not None and text_key is not None:
        raise ConfigurationFileError(
            where(path, f'both "{value_key}" and "{text_key}" give the value')
        )
    if value_key is None and text_key is None:
        raise ConfigurationFileError(where(path, "reading has no value"))
    chosen = value_key if value_key is not None else text_key
    assert chosen is not None
    unit_key = found.get(_UNIT)
    unit = None if unit_key is None else unit_text(child(path, unit_key), record[unit_key])
    time_key = found.get(_TIMESTAMP)
    time = record_time if time_key is None else timestamp(child(path, time_key), record[time_key])
    return _RawReading(
        path=path,
        idents=tuple(idents),
        obis=obis_key is not None,
        value_path=child(path, chosen),
        value=record[chosen],
        is_text=text_key is not None,
        unit=unit,
        timestamp=time,
    )


# --- kinds and readings ---------------------------------------------------------------------


def _infer_kind(path: str, raw: Sequence[_RawReading], *, required: bool) -> MeterKind:
    """The one kind all readings belong to; generic (or an error if ``required``) otherwise."""
    common: set[MeterKind] | None = None
    for reading in raw:
        kinds = {known[0] for ident in reading.idents if (known := recognize(ident))}
        common = kinds if common is None else common & kinds
        if not common:
            break
    if common is not None and len(common) == 1:
        return common.pop()
    if not required:
        return MeterKind.GENERIC
    names = ", ".join(quote(reading.idents[0]) for reading in raw[:5])
    raise ConfigurationFileError(
        where(path, f"meter has no type and its readings ({names}) do not tell which kind it is")
    )


def _readings(
    kind: MeterKind, water: str | None, raw: Sequence[_RawReading]
) -> tuple[Reading, ...]:
    readings: list[Reading] = []
    seen: dict[str, str] = {}
    for source in raw:
        if kind is MeterKind.GENERIC:
            name, reading = _generic_reading(source)
        else:
            name = _canonical_name(kind, water, source)
            if source.is_text:
                raise ConfigurationFileError(
                    where(source.value_path, f"a {_kind_text(kind)} reading cannot be text")
                )
            value, unit = canonical_value(source.value_path, kind, name, source.value, source.unit)
            reading = Reading(name, value, unit, source.timestamp)
        if name in seen:
            raise ConfigurationFileError(
                where(source.path, f"duplicate reading {quote(name)} (also at {seen[name]})")
            )
        seen[name] = source.path
        readings.append(reading)
    return tuple(readings)


def _generic_reading(source: _RawReading) -> tuple[str, Reading]:
    if len(source.idents) > 1 and not source.obis:
        raise ConfigurationFileError(
            where(source.path, "reading has more than one name; give one, or an OBIS code")
        )
    name = source.idents[0]
    if source.is_text:
        if not isinstance(source.value, str):
            raise ConfigurationFileError(
                where(source.value_path, f"is {describe(source.value)}, expected a text")
            )
        if source.unit is not None:
            raise ConfigurationFileError(where(source.path, "a text reading cannot have a unit"))
        return name, Reading(name, source.value, None, source.timestamp)
    value, unit = generic_value(source.value_path, source.value, source.unit)
    return name, Reading(name, value, unit, source.timestamp)


def _canonical_name(kind: MeterKind, water: str | None, source: _RawReading) -> str:
    names: set[str] = set()
    for ident in source.idents:
        known = recognize(ident)
        if known is not None and known[0] is kind:
            names.add(known[1])
        elif kind is MeterKind.WATER and water is not None and is_water_volume(ident):
            names.add(water)
    if len(names) == 1:
        return names.pop()
    if names:
        shown = " and ".join(quote(ident) for ident in source.idents)
        raise ConfigurationFileError(where(source.path, f"{shown} name different readings"))
    ident = source.idents[0]
    if kind is MeterKind.WATER and is_water_volume(ident):
        raise ConfigurationFileError(
            where(
                source.path,
                f"{quote(ident)} does not say warm or cold and the meter type does not either",
            )
        )
    raise ConfigurationFileError(
        where(
            source.path,
            f"unknown reading {quote(ident)} for a {_kind_text(kind)} (expected {EXPECTED[kind]})",
        )
    )


def _kind_text(kind: MeterKind) -> str:
    return {
        MeterKind.ELECTRICITY: "electricity meter",
        MeterKind.WATER: "water meter",
        MeterKind.TEMPERATURE_HUMIDITY: "temperature/humidity sensor",
        MeterKind.GENERIC: "generic meter",
    }[kind]


__all__ = [
    "MeterRecord",
    "ReadingRecord",
    "Tree",
    "build_configuration",
    "build_meter",
    "configuration_from_tree",
    "decode_utf8",
    "is_meter_key",
    "meter_records",
]
