"""Scalar values: numbers with units, unit conversion, timestamps, flags.

Every function raises :class:`ConfigurationFileError` with ``path`` in the message.
Numbers are handled as :class:`~decimal.Decimal` until the end so that unit conversion
does not add binary noise (``1.1 MWh`` is ``1100.0`` kWh, not ``1100.0000000000002``).
"""

from __future__ import annotations

from datetime import UTC, datetime
import decimal
from decimal import Decimal
from functools import lru_cache
import math
import re
from typing import Final

from .context import NumberStyle, ReadContext
from .errors import ConfigurationFileError
from .keys import where
from .kinds import ReadingSpec
from .units import TEMPERATURE

_CONTEXT: Final = decimal.Context(prec=34, traps=[decimal.InvalidOperation, decimal.Overflow])
_BUILT_IN: Final = NumberStyle()

# A number (dot or a lone comma as decimal mark, optional exponent), then an optional unit
# that starts with a letter or a unit symbol and has at most two words ("% RH", "deg C").
_UNIT: Final = r"\s*(?P<unit>(?:[^\W\d_]|[%°℃℉‰µ$€£])\S*(?:\s\S+)?)?\s*"
_NUMBER_WITH_UNIT: Final = re.compile(
    r"\s*(?P<number>[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?)" + _UNIT
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


@lru_cache(maxsize=32)
def _grouped(style: NumberStyle) -> re.Pattern[str]:
    """Numbers with a fixed decimal mark and optional thousands groups (``12.345,678``)."""
    decimal_mark = re.escape(style.decimal or ".")
    digits = r"\d+"
    if style.thousands is not None:
        group = re.escape(style.thousands)
        digits = rf"(?:\d{{1,3}}(?:{group}\d{{3}})+|\d+)"
    return re.compile(
        rf"\s*(?P<number>[+-]?{digits}(?:{decimal_mark}\d+)?(?:[eE][+-]?\d+)?)" + _UNIT
    )


def split_number(text: str, style: NumberStyle = _BUILT_IN) -> tuple[Decimal, str | None] | None:
    """Split ``"41000 Wh"`` into ``(Decimal("41000"), "Wh")``; None if not a number.

    Built in, a comma is a decimal mark only when it is the sole separator and is not
    followed by exactly three digits (``"25,5"`` is 25.5; ``"1,234"`` is ambiguous and
    not a number).  ``style`` may fix the decimal mark and allow thousands groups.
    """
    if len(text) > _MAX_NUMBER_TEXT:  # also keeps the regular expressions linear
        return None
    if style.decimal in (",", "."):
        match = _grouped(style).fullmatch(text)
        if match is None:
            return None
        number = match["number"]
        if style.thousands is not None:
            number = number.replace(style.thousands, "")
        return Decimal(number.replace(style.decimal, ".")), match["unit"]
    match = _NUMBER_WITH_UNIT.fullmatch(text)
    if match is None:
        return None
    number = match["number"]
    if "," in number:
        mantissa = number.lstrip("+-").split("e")[0].split("E")[0]
        if style.decimal is None and _THOUSANDS_LIKE.fullmatch(mantissa):
            return None
        number = number.replace(",", ".")
    return Decimal(number), match["unit"]


def decimal_of(
    path: str, raw: object, style: NumberStyle = _BUILT_IN
) -> tuple[Decimal, str | None]:
    """A number and the unit written after it, from a JSON/XML/CSV scalar."""
    if isinstance(raw, bool) or raw is None or isinstance(raw, dict | list):
        raise ConfigurationFileError(where(path, f"is {describe(raw)}, expected a number"))
    if isinstance(raw, int | Decimal):
        return Decimal(raw), None
    if isinstance(raw, float):
        return Decimal(repr(raw)), None
    if isinstance(raw, str):
        split = split_number(raw, style)
        if split is None:
            raise ConfigurationFileError(where(path, f"{quote(raw)} is {_not_a_number(raw)}"))
        return split
    raise ConfigurationFileError(where(path, f"is {describe(raw)}, expected a number"))


_AMBIGUOUS: Final = re.compile(r"\s*[+-]?(\d{1,3}),(\d{3})(?:\s*[^\d.,\s]\S*(?:\s\S+)?)?\s*")


def _not_a_number(raw: str) -> str:
    """Why a text is not a number: ``1,234`` could be 1234 or 1.234."""
    match = _AMBIGUOUS.fullmatch(raw)
    if match is not None and len(raw) <= _MAX_NUMBER_TEXT:
        whole, part = match.groups()
        return f"ambiguous ({whole}{part} or {whole}.{part}?) and not a number"
    return "not a number"


def finite(path: str, number: Decimal) -> float:
    """``number`` as a float, rejecting NaN, infinities and overflows."""
    try:
        value = float(number)
    except (ArithmeticError, ValueError):
        value = math.inf
    if not math.isfinite(value):
        raise ConfigurationFileError(where(path, f"{number} is not a finite number"))
    return value + 0.0  # -0.0 becomes 0.0


# --- readings ---------------------------------------------------------------------------


def canonical_value(
    path: str,
    spec: ReadingSpec,
    raw: object,
    units: tuple[str | None, ...],
    *,
    scaler: int = 0,
    numbers: NumberStyle = _BUILT_IN,
) -> tuple[float, str]:
    """Value and unit of a reading of a known kind, converted to the canonical unit.

    ``raw`` is the scalar from the file; ``units`` the units given beside it (a unit
    field, a unit in the key), which must agree with any unit written after the number.
    ``scaler`` multiplies by a power of ten (COSEM ``scaler_unit``).  A reading without
    a unit is in the canonical unit already.
    """
    quantity = spec.quantity
    number, unit = decimal_of(path, raw, numbers)
    if unit is not None and quantity.conversion(unit) is None:
        raise ConfigurationFileError(
            where(path, f"{_shown(raw)} is not a number in {quantity.accepted}")
        )
    for given in units:
        unit = merge_units(path, unit, given)
    if scaler:
        number = _CONTEXT.scaleb(number, scaler)
    converted = number
    if unit is not None:
        conversion = quantity.conversion(unit)
        if conversion is None:
            raise ConfigurationFileError(
                where(
                    path,
                    f"unit {quote(unit)} is not a unit of {quantity.name} ({quantity.accepted})",
                )
            )
        factor, offset = conversion
        try:
            converted = _CONTEXT.add(_CONTEXT.multiply(number, factor), offset)
        except ArithmeticError:
            raise ConfigurationFileError(where(path, f"{number} is not a finite number")) from None
    value = finite(path, converted)
    _check_range(path, spec, converted, raw)
    return value, quantity.canonical


def _check_range(path: str, spec: ReadingSpec, value: Decimal, raw: object) -> None:
    canonical = spec.quantity.canonical
    if spec.counter and value < 0:
        raise ConfigurationFileError(where(path, f"{_shown(raw)} is negative; a counter cannot be"))
    low, high = spec.minimum, spec.maximum
    if low is not None and high is not None and not low <= value <= high:
        raise ConfigurationFileError(
            where(
                path,
                f"{_shown(raw)} is not between {_plain(low)} and {_plain(high)} {canonical}",
            )
        )
    if low is not None and value < low:
        floor = "absolute zero" if spec.quantity is TEMPERATURE else f"{_plain(low)} {canonical}"
        raise ConfigurationFileError(where(path, f"{_shown(raw)} is below {floor}"))


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def generic_value(
    path: str,
    raw: object,
    unit_field: str | None,
    style: NumberStyle = _BUILT_IN,
    scaler: int = 0,
) -> tuple[float | str, str | None]:
    """Value and unit of a reading of a generic meter: a number or, failing that, text.

    ``scaler`` multiplies a number by a power of ten, as for the readings of known kinds.
    """
    if isinstance(raw, str):
        split = split_number(raw, style)
        if split is None:
            if unit_field is not None:
                raise ConfigurationFileError(
                    where(path, f"{quote(raw)} is not a number but has a unit")
                )
            return raw, None
        number, unit = split
    else:
        number, unit = decimal_of(path, raw, style)
    if scaler:
        number = _CONTEXT.scaleb(number, scaler)
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


_DAY_FIRST: Final = re.compile(
    r"(?P<DD>\d{1,2})(?P<sep>[./])(?P<MM>\d{1,2})(?P=sep)(?P<YYYY>\d{4})"
    r"(?:[ T]+(?P<hh>\d{1,2}):(?P<mm>\d{2})(?::(?P<ss>\d{2}))?)?"
)
_TOKENS: Final = {
    "YYYY": r"(?P<YYYY>\d{4})",
    "MM": r"(?P<MM>\d{1,2})",
    "DD": r"(?P<DD>\d{1,2})",
    "hh": r"(?P<hh>\d{1,2})",
    "mm": r"(?P<mm>\d{2})",
    "ss": r"(?P<ss>\d{2})",
}
_TOKEN: Final = re.compile("|".join(_TOKENS))


@lru_cache(maxsize=64)
def time_layout(layout: str) -> re.Pattern[str]:
    """A profile's time layout (``DD.MM.YYYY hh:mm``: tokens, the rest literal) as a regex."""
    parts: list[str] = []
    position = 0
    for token in _TOKEN.finditer(layout):
        parts.append(re.escape(layout[position : token.start()]))
        parts.append(_TOKENS[token.group()])
        position = token.end()
    parts.append(re.escape(layout[position:]))
    return re.compile("".join(parts))


def timestamp(path: str, raw: object, context: ReadContext | None = None) -> datetime:
    """ISO 8601, Unix seconds, or a day-first ``31.12.2025 23:59`` / ``31/12/2025``.

    A time without a zone is in the context's zone (the gateway's, or a profile's).
    """
    context = context or ReadContext()
    options = context.options
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal | str):
        raise ConfigurationFileError(
            where(path, f"is {describe(raw)}, expected an ISO 8601 time or Unix seconds")
        )
    if isinstance(raw, str):
        stripped = raw.strip()
        split = split_number(stripped) if "," not in stripped else None
        if split is None or split[1] is not None:
            return _local(_text_time(path, raw, options.time_formats), context)
        seconds = split[0]
    else:
        seconds = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    if options.epoch_milliseconds:
        seconds = seconds / 1000
    try:
        return datetime.fromtimestamp(float(seconds), UTC)
    except (ArithmeticError, ValueError, OverflowError, OSError):
        raise ConfigurationFileError(
            where(path, f"{seconds} is out of range for Unix seconds")
        ) from None


def _text_time(path: str, raw: str, layouts: tuple[str, ...]) -> datetime:
    stripped = raw.strip()
    for pattern in (*map(time_layout, layouts), _DAY_FIRST):
        match = pattern.fullmatch(stripped)
        if match is not None:
            parts = match.groupdict()
            try:
                return datetime(  # noqa: DTZ001 - the zone is added by _local
                    int(parts["YYYY"]),
                    int(parts["MM"]),
                    int(parts["DD"]),
                    int(parts.get("hh") or 0),
                    int(parts.get("mm") or 0),
                    int(parts.get("ss") or 0),
                )
            except ValueError as err:
                raise ConfigurationFileError(
                    where(path, f"{quote(raw)} is not a valid date ({err})")
                ) from None
    try:
        return datetime.fromisoformat(stripped)
    except ValueError:
        raise ConfigurationFileError(
            where(path, f"{quote(raw)} is not an ISO 8601 time or Unix seconds")
        ) from None


def _local(moment: datetime, context: ReadContext) -> datetime:
    if moment.tzinfo is not None:
        return moment
    context.zone_used = True
    return moment.replace(tzinfo=context.options.time_zone)


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
