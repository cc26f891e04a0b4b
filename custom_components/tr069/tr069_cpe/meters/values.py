"""Scalar values: numbers with units, unit conversion, timestamps, flags.

Every function raises :class:`ConfigurationFileError` with ``path`` in the message.
Numbers are handled as :class:`~decimal.Decimal` until the end so that unit conversion
does not add binary noise (``1.1 MWh`` is ``1100.0`` kWh, not ``1100.0000000000002``).
"""

from __future__ import annotations

from datetime import UTC, datetime
import decimal
from decimal import Decimal
import math
import re
from typing import Final

from .errors import ConfigurationFileError
from .keys import where
from .model import MeterKind

_CONTEXT: Final = decimal.Context(prec=34, traps=[decimal.InvalidOperation, decimal.Overflow])

# A number (dot or a lone comma as decimal mark, optional exponent), then an optional unit
# that starts with a letter or a unit symbol and has at most two words ("% RH", "deg C").
_NUMBER_WITH_UNIT: Final = re.compile(
    r"\s*(?P<number>[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?)"
    r"\s*(?P<unit>(?:[^\W\d_]|[%°℃℉‰µ$€£])\S*(?:\s\S+)?)?\s*"
)
_THOUSANDS_LIKE: Final = re.compile(r"\d+,\d{3}")
_MAX_NUMBER_TEXT: Final = 80


def describe(raw: object) -> str:
    """A short description of a wrongly typed value for error messages."""
    if raw is None:
        return "null"
    if isinstance(raw, bool):
        return "a boolean"
    if isinstance(raw, dict):
        return "an object"
    if isinstance(raw, list):
        return "a list"
    if isinstance(raw, float | Decimal):
        return "a fractional number"
    if isinstance(raw, int):
        return "a number"
    if isinstance(raw, str):
        return "a string"
    return type(raw).__name__


def quote(text: str, limit: int = 40) -> str:
    """``text`` in double quotes, shortened for error messages."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f'"{text}"'


def split_number(text: str) -> tuple[Decimal, str | None] | None:
    """Split ``"41000 Wh"`` into ``(Decimal("41000"), "Wh")``; None if not a number.

    A comma is a decimal mark only when it is the sole separator and is not followed by
    exactly three digits (``"25,5"`` is 25.5; ``"1,234"`` is ambiguous and not a number).
    """
    if len(text) > _MAX_NUMBER_TEXT:  # also keeps the regular expression linear
        return None
    match = _NUMBER_WITH_UNIT.fullmatch(text)
    if match is None:
        return None
    number = match["number"]
    if "," in number:
        if _THOUSANDS_LIKE.fullmatch(number.lstrip("+-").split("e")[0].split("E")[0]):
            return None
        number = number.replace(",", ".")
    return Decimal(number), match["unit"]


def decimal_of(path: str, raw: object) -> tuple[Decimal, str | None]:
    """A number and the unit written after it, from a JSON/XML scalar."""
    if isinstance(raw, bool) or raw is None or isinstance(raw, dict | list):
        raise ConfigurationFileError(where(path, f"is {describe(raw)}, expected a number"))
    if isinstance(raw, int | Decimal):
        return Decimal(raw), None
    if isinstance(raw, float):
        return Decimal(repr(raw)), None
    if isinstance(raw, str):
        split = split_number(raw)
        if split is None:
            raise ConfigurationFileError(where(path, f"{quote(raw)} is not a number"))
        return split
    raise ConfigurationFileError(where(path, f"is {describe(raw)}, expected a number"))


def finite(path: str, number: Decimal) -> float:
    """``number`` as a float, rejecting NaN, infinities and overflows."""
    try:
        value = float(number)
    except (ArithmeticError, ValueError):
        value = math.inf
    if not math.isfinite(value):
        raise ConfigurationFileError(where(path, f"{number} is not a finite number"))
    return value + 0.0  # -0.0 becomes 0.0


# --- units ------------------------------------------------------------------------------
# Canonical unit per kind, and the accepted spellings with their conversion to it.
# Conversions: (factor, offset) meaning canonical = value * factor + offset.

_KWH: Final = "kWh"
_LITRE: Final = "L"
_CELSIUS: Final = "°C"
_PERCENT: Final = "%"

_ONE: Final = Decimal(1)
_ZERO: Final = Decimal(0)

_ENERGY_UNITS: Final[dict[str, tuple[Decimal, Decimal]]] = {
    **dict.fromkeys(("kWh", "kwh", "KWh", "KWH", "kW h", "kW·h"), (_ONE, _ZERO)),
    **dict.fromkeys(("Wh", "wh", "WH", "W h", "W·h"), (Decimal("0.001"), _ZERO)),
    **dict.fromkeys(("MWh", "MWH", "MW h", "MW·h"), (Decimal(1000), _ZERO)),
}
_VOLUME_UNITS: Final[dict[str, tuple[Decimal, Decimal]]] = {
    **dict.fromkeys(
        ("L", "l", "\N{SCRIPT SMALL L}", "litre", "litres", "liter", "liters", "ltr", "dm3", "dm³"),
        (_ONE, _ZERO),
    ),
    **dict.fromkeys(("m3", "m³", "m^3", "M3", "M³", "cbm"), (Decimal(1000), _ZERO)),
}
_FIVE_NINTHS: Final = Decimal(5) / Decimal(9)
_TEMPERATURE_UNITS: Final[dict[str, tuple[Decimal, Decimal]]] = {
    **dict.fromkeys(
        ("°C", "°c", "C", "c", "℃", "degC", "deg C", "celsius", "Celsius"), (_ONE, _ZERO)
    ),
    **dict.fromkeys(
        ("°F", "°f", "F", "℉", "degF", "deg F", "fahrenheit", "Fahrenheit"),
        (_FIVE_NINTHS, Decimal(-32) * _FIVE_NINTHS),
    ),
    **dict.fromkeys(("K", "kelvin", "Kelvin"), (_ONE, Decimal("-273.15"))),
}
_HUMIDITY_UNITS: Final[dict[str, tuple[Decimal, Decimal]]] = dict.fromkeys(
    ("%", "%RH", "% RH", "%rh", "% rh", "RH", "rh", "percent"), (_ONE, _ZERO)
)

_ABSOLUTE_ZERO: Final = Decimal("-273.15")


def _convert(
    path: str,
    raw: object,
    number: Decimal,
    unit: str | None,
    *,
    units: dict[str, tuple[Decimal, Decimal]],
    accepted: str,
) -> Decimal:
    if unit is None:
        return number
    conversion = units.get(unit)
    if conversion is None:
        shown = quote(raw) if isinstance(raw, str) and raw.strip() != unit else quote(unit)
        raise ConfigurationFileError(where(path, f"{shown} is not a number in {accepted}"))
    factor, offset = conversion
    if factor == _ONE and offset == _ZERO:
        return number
    try:
        return _CONTEXT.add(_CONTEXT.multiply(number, factor), offset)
    except ArithmeticError:
        raise ConfigurationFileError(where(path, f"{number} is not a finite number")) from None


def canonical_value(
    path: str, kind: MeterKind, name: str, raw: object, unit_field: str | None
) -> tuple[float, str]:
    """Value and unit of a reading of a known kind, converted to the canonical unit.

    ``raw`` is the scalar from the file, ``unit_field`` a separately given unit.  Readings
    without a unit are taken to be in the canonical unit already.
    """
    number, unit = decimal_of(path, raw)
    unit = merge_units(path, unit, unit_field)
    if kind is MeterKind.ELECTRICITY:
        converted = _convert(
            path, raw, number, unit, units=_ENERGY_UNITS, accepted="kWh, Wh or MWh"
        )
        canonical = _KWH
    elif kind is MeterKind.WATER:
        converted = _convert(path, raw, number, unit, units=_VOLUME_UNITS, accepted="L or m3")
        canonical = _LITRE
    elif name == "temperature":
        converted = _convert(
            path, raw, number, unit, units=_TEMPERATURE_UNITS, accepted="°C, °F or K"
        )
        if converted < _ABSOLUTE_ZERO:
            raise ConfigurationFileError(where(path, f"{_shown(raw)} is below absolute zero"))
        return finite(path, converted), _CELSIUS
    else:
        converted = _convert(path, raw, number, unit, units=_HUMIDITY_UNITS, accepted="%")
        if not 0 <= converted <= 100:
            raise ConfigurationFileError(where(path, f"{_shown(raw)} is not between 0 and 100 %"))
        return finite(path, converted), _PERCENT
    if converted < 0:
        raise ConfigurationFileError(where(path, f"{_shown(raw)} is negative; a counter cannot be"))
    return finite(path, converted), canonical


def generic_value(path: str, raw: object, unit_field: str | None) -> tuple[float | str, str | None]:
    """Value and unit of a reading of a generic meter: a number or, failing that, text."""
    if isinstance(raw, str):
        split = split_number(raw)
        if split is None:
            if unit_field is not None:
                raise ConfigurationFileError(
                    where(path, f"{quote(raw)} is not a number but has a unit")
                )
            return raw, None
        number, unit = split
    else:
        number, unit = decimal_of(path, raw)
    return finite(path, number), merge_units(path, unit, unit_field)


def merge_units(path: str, in_value: str | None, in_field: str | None) -> str | None:
    """The unit written after the number and the one given separately must agree."""
    if in_field is None:
        return in_value
    if in_value is not None and in_value != in_field:
        raise ConfigurationFileError(
            where(path, f"unit {quote(in_value)} contradicts unit {quote(in_field)}")
        )
    return in_field


def unit_text(path: str, raw: object) -> str | None:
    """A separately given unit; empty or null means none."""
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise ConfigurationFileError(where(path, f"is {describe(raw)}, expected a unit text"))
    return raw.strip() or None


# --- other scalars --------------------------------------------------------------------


def text(path: str, raw: object, *, what: str) -> str:
    """A non-empty string (numbers are accepted for serials and identifiers)."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(raw)
    if not isinstance(raw, str):
        raise ConfigurationFileError(where(path, f"is {describe(raw)}, expected {what}"))
    stripped = raw.strip()
    if not stripped:
        raise ConfigurationFileError(where(path, f"is empty, expected {what}"))
    return stripped


def optional_text(path: str, raw: object, *, what: str) -> str | None:
    """A string; empty or blank means absent."""
    if not isinstance(raw, str):
        raise ConfigurationFileError(where(path, f"is {describe(raw)}, expected {what}"))
    return raw.strip() or None


def flag(path: str, raw: object) -> bool:
    """A boolean: JSON true/false, or the text true/false/1/0 (any case)."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str):
        folded = raw.strip().lower()
        if folded in ("true", "1"):
            return True
        if folded in ("false", "0"):
            return False
    raise ConfigurationFileError(where(path, f"{_shown(raw)} is not true or false"))


def _shown(raw: object) -> str:
    if isinstance(raw, str):
        return quote(raw)
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        return str(raw)
    return describe(raw)


def timestamp(path: str, raw: object) -> datetime:
    """An ISO 8601 date-time or Unix seconds; UTC when no zone is given."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal | str):
        raise ConfigurationFileError(
            where(path, f"is {describe(raw)}, expected an ISO 8601 time or Unix seconds")
        )
    seconds: Decimal | None = None
    if isinstance(raw, float):
        seconds = Decimal(repr(raw))
    elif isinstance(raw, int | Decimal):
        seconds = Decimal(raw)
    else:
        stripped = raw.strip()
        split = split_number(stripped) if "," not in stripped else None
        if split is not None and split[1] is None:
            seconds = split[0]
        else:
            try:
                parsed = datetime.fromisoformat(stripped)
            except ValueError:
                raise ConfigurationFileError(
                    where(path, f"{quote(raw)} is not an ISO 8601 time or Unix seconds")
                ) from None
            return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    try:
        return datetime.fromtimestamp(float(seconds), UTC)
    except (ArithmeticError, ValueError, OverflowError, OSError):
        raise ConfigurationFileError(
            where(path, f"{seconds} is out of range for Unix seconds")
        ) from None


def coordinate(path: str, raw: object, *, limit: int) -> float:
    """A latitude (limit 90) or longitude (limit 180) in degrees."""
    number, unit = decimal_of(path, raw)
    if unit is not None and unit not in ("°", "deg"):
        raise ConfigurationFileError(where(path, f"{_shown(raw)} is not a number of degrees"))
    value = finite(path, number)
    if not -limit <= value <= limit:
        raise ConfigurationFileError(where(path, f"{value} is not between -{limit} and {limit}"))
    return value


def dump_number(value: float) -> str:
    """The shortest text that parses back to ``value`` exactly."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)
