"""CWMP parameter types (TR-106 data types as carried in ``xsi:type``)."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime, timedelta
from enum import StrEnum
import re
from typing import Final

type Value = str | int | bool | datetime

UNKNOWN_TIME: Final = datetime(1, 1, 1, tzinfo=UTC)
_DATETIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?"
)
_INT_RANGES: Final = {
    "int": (-(2**31), 2**31 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "long": (-(2**63), 2**63 - 1),
    "unsignedLong": (0, 2**64 - 1),
}


class ParamType(StrEnum):
    """The types a CWMP parameter value can have."""

    STRING = "string"
    INT = "int"
    UNSIGNED_INT = "unsignedInt"
    LONG = "long"
    UNSIGNED_LONG = "unsignedLong"
    BOOLEAN = "boolean"
    DATETIME = "dateTime"
    BASE64 = "base64"
    HEX_BINARY = "hexBinary"

    @property
    def xsd(self) -> str:
        """The ``xsi:type`` attribute value, e.g. ``xsd:unsignedInt``."""
        return _XSD[self]

    @property
    def is_integer(self) -> bool:
        """Whether values are integers."""
        return self.value in _INT_RANGES

    def parse(self, text: str) -> Value:
        """Parse the wire text of a value; raises ValueError when it is not of this type."""
        if self is ParamType.STRING:
            return text
        text = text.strip()
        if self.is_integer:
            return _parse_int(text, *_INT_RANGES[self.value])
        if self is ParamType.BOOLEAN:
            return _parse_bool(text)
        if self is ParamType.DATETIME:
            return parse_datetime(text)
        if self is ParamType.BASE64:
            return _check_base64(text)
        return _check_hex(text)

    def to_text(self, value: Value) -> str:
        """Wire text of a value of this type."""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, datetime):
            return format_datetime(value)
        return str(value)

    def default(self) -> Value:
        """The neutral value of the type (empty string, 0, false, unknown time)."""
        if self.is_integer:
            return 0
        if self is ParamType.BOOLEAN:
            return False
        if self is ParamType.DATETIME:
            return UNKNOWN_TIME
        return ""


_XSD: Final = {kind: f"xsd:{kind.value}" for kind in ParamType}


def quoted(text: str) -> str:
    """A value as a fault message shows it: quoted, and cut when long."""
    return repr(text) if len(text) <= 64 else f"{text[:64]!r}..."


def _parse_int(text: str, low: int, high: int) -> int:
    if not re.fullmatch(r"[+-]?[0-9]{1,40}", text):
        raise ValueError(f"{quoted(text)} is not an integer")
    number = int(text)
    if not low <= number <= high:
        raise ValueError(f"{number} is outside {low}..{high}")
    return number


def _parse_bool(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("1", "true"):
        return True
    if lowered in ("0", "false"):
        return False
    raise ValueError(f"{quoted(text)} is not a boolean")


def _check_base64(text: str) -> str:
    try:
        base64.b64decode(text, validate=True)
    except binascii.Error as err:
        raise ValueError(f"not base64: {err}") from err
    return text


def _check_hex(text: str) -> str:
    if len(text) % 2 or not re.fullmatch(r"[0-9A-Fa-f]*", text):
        raise ValueError(f"{quoted(text)} is not hexBinary")
    return text


def parse_datetime(text: str) -> datetime:
    """Parse an ``xsd:dateTime``; values without a zone are taken as UTC."""
    match = _DATETIME.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{quoted(text)} is not a dateTime")
    try:
        return _datetime_of(match)
    except OverflowError as err:  # a zone offset that leaves year 1..9999
        raise ValueError(f"{quoted(text)} is outside the years 1 to 9999") from err


def _datetime_of(match: re.Match[str]) -> datetime:
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    fraction, zone = match.group(7), match.group(8)
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
    parsed = datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        offset_minutes = sign * (int(zone[1:3]) * 60 + int(zone[4:6]))
        if year == 1:
            return UNKNOWN_TIME
        parsed -= timedelta(minutes=offset_minutes)
    return parsed


def format_datetime(value: datetime) -> str:
    """UTC wire text of a dateTime; the unknown time stays ``0001-01-01T00:00:00Z``."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    fraction = f".{value.microsecond:06d}".rstrip("0") if value.microsecond else ""
    return f"{value.year:04d}-{value:%m-%dT%H:%M:%S}{fraction}Z"


def xsd_local_name(xsi_type: str) -> str:
    """``xsd:unsignedInt`` (any prefix) → ``unsignedInt``."""
    return xsi_type.rpartition(":")[2].strip()
