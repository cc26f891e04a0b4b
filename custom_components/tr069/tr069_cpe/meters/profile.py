"""Format profiles: an operator's declarative description of its configuration files.

A profile is a small JSON document (its JSON Schema is ``format_profile.schema.json``
beside this module; FORMATS.md has a complete example). It says where the meters are,
which fields are the serial, vendor, type, name and time, where the readings are and
which field identifies a reading, and maps the operator's type names, reading codes and
unit spellings to the built-in ones. It never loosens the value rules.

:func:`parse_profile` validates a profile strictly: anything unknown or of the wrong
type rejects it with the reason (:class:`ProfileError`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase
import json
import re
from typing import Any, Final
import zoneinfo

from .context import NumberStyle
from .errors import ConfigurationFileError
from .values import time_layout

PROFILE_VERSION: Final = 1
"""The version of the profile format this gateway reads (``"profile_format"``)."""
MAX_PROFILE_SIZE: Final = 64 * 1024
"""Largest profile, in bytes (and so in characters), from the ACS or a folder."""
MAX_PROFILES: Final = 32
"""Most profiles a gateway keeps (a folder's first ones by name)."""
MAX_ENTRIES: Final = 1000
MAX_TEXT: Final = 256
FORMATS: Final = ("json", "jsonl", "xml", "csv")
_NAME: Final = re.compile(r"[A-Za-z0-9._-]{1,64}")
_FIELDS: Final = ("serial", "vendor", "type", "name", "timestamp", "latitude", "longitude")
_READING_FIELDS: Final = ("id", "value", "unit", "scaler", "timestamp")


class ProfileError(ConfigurationFileError):
    """A format profile that cannot be used (the message says why and where)."""


@dataclass(frozen=True, slots=True)
class ProfileMatch:
    """When a profile applies to a file (every condition given must hold)."""

    format: str | None = None
    columns: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    filename: str | None = None


@dataclass(frozen=True, slots=True)
class FormatProfile:
    """A validated format profile."""

    name: str
    version: str
    description: str
    source_format: str
    match: ProfileMatch
    delimiter: str | None
    numbers: NumberStyle
    time_formats: tuple[str, ...]
    time_zone: str | None
    epoch_milliseconds: bool
    meters_path: tuple[str, ...]
    rows_per_reading: bool
    fields: dict[str, str]
    defaults: dict[str, str]
    readings_path: tuple[str, ...]
    reading: dict[str, tuple[str, ...]]
    columns: dict[str, tuple[str, str | None]]
    types: dict[str, str]
    readings: dict[str, str]
    units: dict[str, str]
    ignore: tuple[str, ...]
    reject_if: dict[str, tuple[str, ...]]
    reject_unmapped: bool
    text: str = field(compare=False)
    """The profile as stored (canonical JSON)."""

    def matches(self, detected: str, filename: str | None, has: HasPaths) -> bool:
        """Whether this profile is for a file of format ``detected``."""
        match = self.match
        if detected != self.source_format or (match.format and match.format != detected):
            return False
        if match.filename and not (filename and fnmatchcase(filename, match.filename)):
            return False
        return all(has(path) for path in (*match.columns, *match.paths))


type HasPaths = Any
"""``has(path) -> bool``: whether the file has a column or a dotted path."""


# --- validation -------------------------------------------------------------------------


def parse_profile(data: bytes) -> FormatProfile:
    """A profile from its JSON, strictly validated; ProfileError says what is wrong."""
    if len(data) > MAX_PROFILE_SIZE:
        raise ProfileError(f"the profile has {len(data)} bytes; at most {MAX_PROFILE_SIZE}")
    try:
        raw = json.loads(data.decode("utf-8-sig"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise ProfileError(f"the profile is not valid JSON: {err}") from None
    document = _Object("", raw)
    document.only(
        "profile",
        "profile_format",
        "version",
        "description",
        "$schema",
        "match",
        "source",
        "meters",
        "readings",
        "map",
        "ignore",
        "reject_if",
        "unmapped",
    )
    if document.get("profile_format", int) != PROFILE_VERSION:
        raise ProfileError(f"profile_format: this gateway reads profile_format {PROFILE_VERSION}")
    name = document.text("profile", required=True) or ""
    if not _NAME.fullmatch(name):
        raise ProfileError('profile: use 1 to 64 letters, digits, ".", "_" or "-"')
    version = document.get("version", (str, int))
    if version is not None and len(str(version)) > 32:
        raise ProfileError("version: longer than 32 characters")
    source = document.object("source")
    source_format = source.choice("format", FORMATS, required=True) or ""
    meters, readings, mapping = (document.object(key) for key in ("meters", "readings", "map"))
    profile = FormatProfile(
        name=name,
        version="" if version is None else str(version),
        description=document.text("description") or "",
        source_format=source_format,
        match=_match(document.object("match")),
        delimiter=_delimiter(source),
        numbers=_numbers(source.object("numbers")),
        time_formats=_time_formats(source.object("timestamps")),
        time_zone=_time_zone(source.object("timestamps")),
        epoch_milliseconds=source.object("timestamps").choice("epoch", ("s", "ms")) == "ms",
        meters_path=_path(meters.text("path")),
        rows_per_reading=meters.choice("layout", ("rows_per_reading", "row_per_meter"))
        != "row_per_meter",
        fields=_fields(meters.object("fields")),
        defaults=meters.object("defaults").texts(("vendor", "type")),
        readings_path=_path(readings.text("path")),
        reading=_reading(readings),
        columns=_columns(readings.object("columns")),
        types=mapping.mapping("types"),
        readings=mapping.mapping("readings"),
        units=mapping.mapping("units"),
        ignore=document.strings("ignore"),
        reject_if=_reject_if(document.object("reject_if")),
        reject_unmapped=document.choice("unmapped", ("ignore", "reject")) == "reject",
        text=json.dumps(raw, ensure_ascii=False, separators=(",", ":"), sort_keys=True),
    )
    _check_complete(profile)
    return profile


def _no_constant(name: str) -> object:
    raise ProfileError(f"the profile is not valid JSON: {name} is not a number")


class _Object:
    """A JSON object of the profile, read key by key with its path in errors."""

    def __init__(self, path: str, raw: object) -> None:
        self.path = path
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise ProfileError(f"{path or 'the profile'}: expected an object")
        self.raw: dict[str, object] = raw

    def where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def only(self, *allowed: str) -> None:
        unknown = sorted(set(self.raw) - set(allowed))
        if unknown:
            raise ProfileError(
                f"{self.where(unknown[0])}: unknown key (expected {', '.join(allowed)})"
            )

    def get(self, key: str, kind: type | tuple[type, ...]) -> Any:
        value = self.raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, kind):
            raise ProfileError(f"{self.where(key)}: wrong type ({type(value).__name__})")
        return value

    def text(self, key: str, *, required: bool = False) -> str | None:
        value = self.get(key, str)
        if value is None or not value.strip():
            if required:
                raise ProfileError(f"{self.where(key)}: required")
            return None
        if len(value) > MAX_TEXT:
            raise ProfileError(f"{self.where(key)}: longer than {MAX_TEXT} characters")
        return str(value)

    def choice(self, key: str, allowed: tuple[str, ...], *, required: bool = False) -> str | None:
        value = self.text(key, required=required)
        if value is not None and value not in allowed:
            raise ProfileError(f"{self.where(key)}: {value!r} is not one of {', '.join(allowed)}")
        return value

    def object(self, key: str) -> _Object:
        return _Object(self.where(key), self.raw.get(key))

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.get(key, (list, str))
        if value is None:
            return ()
        items = [value] if isinstance(value, str) else value
        if len(items) > MAX_ENTRIES or not all(
            isinstance(item, str) and len(item) <= MAX_TEXT for item in items
        ):
            raise ProfileError(f"{self.where(key)}: expected a list of texts")
        return tuple(items)

    def mapping(self, key: str) -> dict[str, str]:
        value = self.object(key).raw
        if len(value) > MAX_ENTRIES:
            raise ProfileError(f"{self.where(key)}: more than {MAX_ENTRIES} entries")
        for entry, target in value.items():
            if not isinstance(target, str) or len(entry) > MAX_TEXT or len(target) > MAX_TEXT:
                raise ProfileError(f"{self.where(key)}.{entry}: expected a text")
        return {str(entry): str(target) for entry, target in value.items()}

    def texts(self, allowed: tuple[str, ...]) -> dict[str, str]:
        self.only(*allowed)
        return {key: text for key in allowed if (text := self.text(key)) is not None}


def _match(match: _Object) -> ProfileMatch:
    match.only("format", "columns", "paths", "filename")
    return ProfileMatch(
        format=match.choice("format", FORMATS),
        columns=match.strings("columns"),
        paths=match.strings("paths"),
        filename=match.text("filename"),
    )


def _delimiter(source: _Object) -> str | None:
    source.only("format", "csv", "numbers", "timestamps")
    csv = source.object("csv")
    csv.only("delimiter", "header_row")
    if csv.get("header_row", int) not in (None, 1):
        raise ProfileError(f"{csv.where('header_row')}: only 1 (the first line) is supported")
    return csv.choice("delimiter", (";", ",", "\t", "|"))


def _numbers(numbers: _Object) -> NumberStyle:
    numbers.only("decimal", "thousands")
    decimal = numbers.choice("decimal", (".", ","))
    thousands = numbers.choice("thousands", (".", ",", " ", "'"))
    if thousands is not None and thousands == decimal:
        raise ProfileError(f"{numbers.path}: decimal and thousands separators are the same")
    if thousands is not None and decimal is None:
        raise ProfileError(f"{numbers.where('decimal')}: required with thousands")
    return NumberStyle(decimal=decimal, thousands=thousands)


def _time_formats(timestamps: _Object) -> tuple[str, ...]:
    timestamps.only("formats", "timezone", "epoch")
    formats = timestamps.strings("formats")
    for layout in formats:
        if "YYYY" not in layout or "DD" not in layout or "MM" not in layout:
            raise ProfileError(f"{timestamps.where('formats')}: {layout!r} needs YYYY, MM and DD")
        time_layout(layout)
    return formats


def _time_zone(timestamps: _Object) -> str | None:
    name = timestamps.text("timezone")
    if name is not None:
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ProfileError(
                f"{timestamps.where('timezone')}: {name!r} is not a time zone"
            ) from None
    return name


def _path(text: str | None) -> tuple[str, ...]:
    return () if not text else tuple(part for part in text.split(".") if part)


def _fields(fields: _Object) -> dict[str, str]:
    fields.only(*_FIELDS, "lat", "lng")
    found = {key: text for key in (*_FIELDS, "lat", "lng") if (text := fields.text(key))}
    for short, long in (("lat", "latitude"), ("lng", "longitude")):
        if short in found:
            found[long] = found.pop(short)
    return found


def _reading(readings: _Object) -> dict[str, tuple[str, ...]]:
    readings.only("layout", "path", "columns", "modifiers", *_READING_FIELDS)
    readings.choice("layout", ("list", "map", "columns", "rows"))
    if readings.raw.get("modifiers"):
        raise ProfileError(f"{readings.where('modifiers')}: declared modifiers are not supported")
    found: dict[str, tuple[str, ...]] = {}
    for key in _READING_FIELDS:
        value = readings.get(key, (str, list))
        if value is not None:
            found[key] = readings.strings(key)
    return found


def _columns(columns: _Object) -> dict[str, tuple[str, str | None]]:
    found: dict[str, tuple[str, str | None]] = {}
    for column in columns.raw:
        entry = columns.object(column)
        entry.only("reading", "unit")
        found[column] = (str(entry.text("reading", required=True)), entry.text("unit"))
    return found


def _reject_if(reject_if: _Object) -> dict[str, tuple[str, ...]]:
    return {key: reject_if.strings(key) for key in reject_if.raw}


def _check_complete(profile: FormatProfile) -> None:
    """A profile must say where the serial, and the readings, are."""
    if "serial" not in profile.fields:
        raise ProfileError("meters.fields.serial: required (the key or column of the serial)")
    if not profile.columns and ("value" not in profile.reading or "id" not in profile.reading):
        raise ProfileError("readings: give id and value (the keys of a reading record), or columns")
    if profile.source_format in ("json", "xml") and not profile.meters_path:
        raise ProfileError("meters.path: required for JSON and XML (where the meters are)")
