"""The readings of one meter record: found (flat keys, maps, lists of records), then named.

Finding is the same for every kind; naming depends on the kind: a key the kind does not
know is ignored and reported, unless it could change what a value means (a scaler, a
factor, a unit), which rejects the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from . import keys
from .catalog import is_plain_volume, kind_display, kinds_of, match_reading
from .context import ReadContext
from .errors import ConfigurationFileError
from .keys import changes_meaning, child, fold, is_metadata, item, where
from .limits import MAX_READINGS
from .model import MeterKind, Reading
from .obis import parse_obis
from .values import (
    canonical_value,
    describe,
    generic_value,
    quote,
    text,
    timestamp,
    unit_text,
)

type Tree = object

_OBIS: Final = "obis"
_ID: Final = "id"
_VALUE: Final = "value"
_TEXT: Final = "text"
_UNIT: Final = "unit"
_SCALER: Final = "scaler"
_TIMESTAMP: Final = "timestamp"
_DESCRIPTION: Final = "description"
_MAX_SCALER: Final = 9

_READING_ROLES: Final[dict[str, str]] = {
    **dict.fromkeys(keys.DESCRIPTION_KEYS, _DESCRIPTION),
    **dict.fromkeys(keys.READING_ID_KEYS, _ID),
    **dict.fromkeys(keys.OBIS_KEYS, _OBIS),
    **dict.fromkeys(keys.VALUE_KEYS, _VALUE),
    **dict.fromkeys(keys.TEXT_KEYS, _TEXT),
    **dict.fromkeys(keys.UNIT_KEYS, _UNIT),
    **dict.fromkeys(keys.SCALER_KEYS, _SCALER),
    **dict.fromkeys(keys.TIMESTAMP_KEYS, _TIMESTAMP),
}
"""Folded reading-record key → its role; other keys are ignored (or rejected, see above)."""


@dataclass(slots=True)  # not frozen: frozen dataclasses are slow to create
class RawReading:
    """A reading as found, before it is named for the meter's kind."""

    path: str
    idents: tuple[str, ...]
    """Its key, or the OBIS code and/or names of a reading record (OBIS code first)."""
    obis: bool
    value_path: str
    value: Tree
    is_text: bool
    unit: str | None
    scaler: int
    timestamp: datetime | None
    flat: bool
    """A key of the meter record itself (not in a readings container)."""


def is_reading_record(value: Tree) -> bool:
    """An object that is one reading: it has a value (``{"value": 53, "unit": "kWh"}``)."""
    return isinstance(value, dict) and any(
        _READING_ROLES.get(fold(key)) in (_VALUE, _TEXT) for key in value
    )


def collect(
    path: str,
    record: dict[str, Tree],
    reading_keys: Sequence[str],
    *,
    containers: frozenset[str],
    record_time: datetime | None,
    context: ReadContext,
) -> list[RawReading]:
    """Every reading a meter record holds, in file order (``containers``: container keys)."""
    raw: list[RawReading] = []
    for key in reading_keys:
        key_path, value = child(path, key), record[key]
        if key in containers:
            _container(key_path, value, record_time, context, raw)
        else:
            raw.append(_keyed(key_path, key, value, record_time, context, flat=True))
        if len(raw) > MAX_READINGS:
            raise _too_many(path)
    return raw


def _keyed(
    path: str,
    key: str,
    value: Tree,
    record_time: datetime | None,
    context: ReadContext,
    *,
    flat: bool,
) -> RawReading:
    """The reading under a key: a reading record named by the key, or a plain value."""
    if is_reading_record(value):
        return _record(path, value, record_time, context, name=key)
    return RawReading(path, (key,), False, path, value, False, None, 0, record_time, flat)


def _too_many(path: str) -> ConfigurationFileError:
    return ConfigurationFileError(where(path, f"more than {MAX_READINGS} readings"))


def unwrap(value: Tree, names: frozenset[str]) -> tuple[str, Tree] | None:
    """``{"Register": [...]}`` (an XML wrapper element) → its only key and value."""
    if isinstance(value, dict) and len(value) == 1:
        ((key, inner),) = value.items()
        if fold(key) in names and isinstance(inner, dict | list):
            return key, inner
    return None


def _container(
    path: str,
    container: Tree,
    record_time: datetime | None,
    context: ReadContext,
    raw: list[RawReading],
) -> None:
    """The readings of a nested map (key → value or record) or list of reading records."""
    wrapped = unwrap(container, keys.READING_ELEMENTS)
    if wrapped is not None:
        path, container = child(path, wrapped[0]), wrapped[1]
    if container == "":
        return  # an empty XML element
    if isinstance(container, dict) and is_reading_record(container) and _has_ident(container):
        container = [container]
    if isinstance(container, dict | list) and len(raw) + len(container) > MAX_READINGS:
        raise _too_many(path)
    if isinstance(container, dict):
        raw.extend(
            _keyed(child(path, key), key, value, record_time, context, flat=False)
            for key, value in container.items()
        )
        return
    if not isinstance(container, list):
        raise ConfigurationFileError(
            where(path, f"is {describe(container)}, expected readings as an object or a list")
        )
    for index, record in enumerate(container):
        raw.append(_record(item(path, index), record, record_time, context))


def _has_ident(record: dict[str, Tree]) -> bool:
    return any(_READING_ROLES.get(fold(key)) in (_ID, _OBIS, _DESCRIPTION) for key in record)


def _record(
    path: str,
    record: Tree,
    record_time: datetime | None,
    context: ReadContext,
    *,
    name: str | None = None,
) -> RawReading:
    """One reading record: identifier(s), value or text, unit, scaler, timestamp."""
    if not isinstance(record, dict):
        raise ConfigurationFileError(
            where(path, f"is {describe(record)}, expected a reading object")
        )
    found, id_keys, descriptions = _roles(path, record, context)
    idents = [] if name is None else [name]
    obis_key = found.get(_OBIS)
    if obis_key is not None:
        code = text(child(path, obis_key), record[obis_key], what="an OBIS code")
        if parse_obis(code) is None:
            raise ConfigurationFileError(
                where(child(path, obis_key), f"{quote(code)} is not an OBIS code")
            )
        idents.insert(0, code)
    idents.extend(text(child(path, key), record[key], what="a reading name") for key in id_keys)
    if not idents:
        idents.extend(descriptions)
    if not idents:
        raise ConfigurationFileError(where(path, "reading has no name, type or OBIS code"))
    idents = list(dict.fromkeys(idents))
    value_key, text_key = found.get(_VALUE), found.get(_TEXT)
    if value_key is not None and text_key is not None:
        raise ConfigurationFileError(
            where(path, f'both "{value_key}" and "{text_key}" give the value')
        )
    chosen = value_key if value_key is not None else text_key
    if chosen is None:
        raise ConfigurationFileError(where(path, "reading has no value"))
    unit_key, scaler_key, time_key = found.get(_UNIT), found.get(_SCALER), found.get(_TIMESTAMP)
    return RawReading(
        path=path,
        idents=tuple(idents),
        obis=obis_key is not None,
        value_path=child(path, chosen),
        value=record[chosen],
        is_text=text_key is not None,
        unit=None if unit_key is None else unit_text(child(path, unit_key), record[unit_key]),
        scaler=0 if scaler_key is None else _scaler(child(path, scaler_key), record[scaler_key]),
        timestamp=record_time
        if time_key is None
        else timestamp(child(path, time_key), record[time_key], context),
        flat=False,
    )


def _roles(
    path: str, record: dict[str, Tree], context: ReadContext
) -> tuple[dict[str, str], list[str], list[str]]:
    """The record's keys by role, its identifier keys, and its descriptions."""
    found: dict[str, str] = {}
    id_keys: list[str] = []
    descriptions: list[str] = []
    for key, value in record.items():
        role = _READING_ROLES.get(fold(key))
        if role is None:
            if changes_meaning(key):
                raise _untrusted(child(path, key))
            context.ignore(child(path, key))
        elif role == _ID:
            id_keys.append(key)
        elif role == _DESCRIPTION:
            if isinstance(value, str) and value.strip():
                descriptions.append(value.strip())
        elif role in found:
            raise ConfigurationFileError(
                where(path, f'both "{found[role]}" and "{key}" give the {role}')
            )
        else:
            found[role] = key
    return found, id_keys, descriptions


def _untrusted(path: str) -> ConfigurationFileError:
    return ConfigurationFileError(
        where(
            path,
            "unknown key that may change what the value means (a scaler, factor, "
            "offset, decimals or unit); the reading cannot be trusted",
        )
    )


def _scaler(path: str, raw: Tree) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise ConfigurationFileError(where(path, f"is {describe(raw)}, expected an integer"))
    try:
        scaler = int(raw)
    except ValueError:
        raise ConfigurationFileError(where(path, f"{quote(str(raw))} is not an integer")) from None
    if not -_MAX_SCALER <= scaler <= _MAX_SCALER:
        raise ConfigurationFileError(
            where(path, f"scaler {scaler} is not between -{_MAX_SCALER} and {_MAX_SCALER}")
        )
    return scaler


# --- the meter's kind -----------------------------------------------------------------


def infer_kind(path: str, raw: Sequence[RawReading], *, required: bool) -> MeterKind:
    """The one kind the recognised readings belong to; generic, or an error if ``required``."""
    common: set[MeterKind] | None = None
    for reading in raw:
        kinds = {kind for ident in reading.idents for kind in kinds_of(ident)}
        if kinds:
            common = kinds if common is None else common & kinds
    if common is not None and len(common) == 1:
        return common.pop()
    if not required:
        return MeterKind.GENERIC
    names = ", ".join(quote(reading.idents[0]) for reading in raw[:5])
    raise ConfigurationFileError(
        where(path, f"meter has no type and its readings ({names}) do not tell which kind it is")
    )


# --- naming ---------------------------------------------------------------------------


def name_readings(
    kind: MeterKind, variant: str | None, raw: Sequence[RawReading], context: ReadContext
) -> tuple[Reading, ...]:
    """The readings of a meter of ``kind``, in the canonical names and units."""
    readings: list[Reading] = []
    seen: dict[str, str] = {}
    for source in raw:
        if kind is MeterKind.GENERIC:
            reading = _generic(source, context)
        else:
            reading = _known(kind, variant, source, context)
        if reading is None:
            continue
        if reading.name in seen:
            raise ConfigurationFileError(
                where(
                    source.path,
                    f"duplicate reading {quote(reading.name)} (also at {seen[reading.name]})",
                )
            )
        seen[reading.name] = source.path
        readings.append(reading)
    return tuple(readings)


def _known(
    kind: MeterKind, variant: str | None, source: RawReading, context: ReadContext
) -> Reading | None:
    matches = {
        match.name: match
        for ident in source.idents
        if (match := match_reading(kind, ident, variant)) is not None
    }
    if len(matches) > 1:
        shown = " and ".join(quote(ident) for ident in source.idents)
        raise ConfigurationFileError(where(source.path, f"{shown} name different readings"))
    if not matches:
        _unknown(kind, variant, source, context)
        return None
    (match,) = matches.values()
    if match.spec.text:
        text = _text_value(source)
        if text is None:  # a status given as a structure: metadata, not a reading
            context.ignore(source.path)
            return None
        return Reading(match.name, text, None, source.timestamp)
    if source.is_text:
        raise ConfigurationFileError(
            where(source.value_path, f"a {kind_display(kind)} reading cannot be text")
        )
    value, unit = canonical_value(
        source.value_path,
        match.spec,
        source.value,
        (source.unit, match.unit),
        scaler=source.scaler,
        numbers=context.options.numbers,
    )
    return Reading(match.name, value, unit, source.timestamp)


def _text_value(source: RawReading) -> str | None:
    """A text reading's value: a string (a whole number is taken as its digits), no unit.

    None when it is not a scalar (an object or a list is not understood).
    """
    value = source.value
    if isinstance(value, dict | list):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ConfigurationFileError(
            where(source.value_path, f"is {describe(value)}, expected a text")
        )
    if source.unit is not None or source.scaler:
        raise ConfigurationFileError(where(source.path, "a text reading cannot have a unit"))
    return value.strip()


def _unknown(
    kind: MeterKind, variant: str | None, source: RawReading, context: ReadContext
) -> None:
    """A reading the kind does not have: ignored and reported.

    Unless it is a volume of unknown temperature or may change a value's meaning: then
    the file is rejected.
    """
    ident = source.idents[0]
    if variant is None and is_plain_volume(kind, ident):
        raise ConfigurationFileError(
            where(
                source.path,
                f"{quote(ident)} does not say warm or cold and the meter type does not either",
            )
        )
    if changes_meaning(ident) and not source.obis:
        raise _untrusted(source.path)
    context.ignore(source.path)


def _generic(source: RawReading, context: ReadContext) -> Reading | None:
    name = source.idents[0]
    if source.flat and (is_metadata(name) or isinstance(source.value, dict | list)):
        context.ignore(source.path)
        return None
    if source.flat and changes_meaning(name):
        raise _untrusted(source.path)
    if len(source.idents) > 1 and not source.obis:
        raise ConfigurationFileError(
            where(source.path, "reading has more than one name; give one, or an OBIS code")
        )
    if source.is_text:
        if not isinstance(source.value, str):
            raise ConfigurationFileError(
                where(source.value_path, f"is {describe(source.value)}, expected a text")
            )
        if source.unit is not None:
            raise ConfigurationFileError(where(source.path, "a text reading cannot have a unit"))
        return Reading(name, source.value, None, source.timestamp)
    value, unit = generic_value(
        source.value_path, source.value, source.unit, context.options.numbers, source.scaler
    )
    return Reading(name, value, unit, source.timestamp)
