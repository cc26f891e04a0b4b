"""OBIS codes (IEC 62056-61): parsing the usual spellings, mapping to reading names.

An OBIS code has six groups ``A-B:C.D.E*F``: A the medium (1 electricity, 8 cold water,
9 hot water), B the channel, C the quantity, D the processing, E the tariff (0 total),
F the billing period (255 = current value / not used).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
import re
from typing import Final

_FULL = re.compile(
    r"(?:(?P<a>\d{1,3})-(?P<b>\d{1,3}):)?"
    r"(?P<c>\d{1,3})\.(?P<d>\d{1,3})\.(?P<e>\d{1,3})"
    r"(?:[*.&](?P<f>\d{1,3}))?"
)
_SIX_DOTTED = re.compile(r"(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})")
# Six bytes in hexadecimal, as SML and DLMS logical names write them: 0100010801FF.
_HEX: Final = re.compile(r"(?:[0-9A-Fa-f]{2} ?){5}[0-9A-Fa-f]{2}")

ABSTRACT: Final = 0
"""Medium A = 0: abstract objects (device ID, clock), never a reading."""
CURRENT: Final = 255
"""Billing period F = 255: the current value (others are historical)."""


@dataclass(frozen=True, slots=True)
class Obis:
    """A parsed OBIS code; A and B default to 1 and 0 and F to 255 when omitted."""

    a: int
    b: int
    c: int
    d: int
    e: int
    f: int

    def __str__(self) -> str:
        """The canonical spelling ``A-B:C.D.E*F``."""
        return f"{self.a}-{self.b}:{self.c}.{self.d}.{self.e}*{self.f}"


@lru_cache(maxsize=1024)
def parse_obis(text: str) -> Obis | None:
    """Parse an OBIS code in any usual spelling; None when ``text`` is not one.

    ``1-0:1.8.1``, ``1-0:1.8.1*255``, ``1-0:1.8.1.255``, ``1.8.1``, ``1.0.1.8.1.255``
    and ``0100010801FF`` are the same code. Short forms without ``A-B:`` are electricity
    codes (A = 1, B = 0).
    """
    text = text.strip()
    if _HEX.fullmatch(text):
        return Obis(*bytes.fromhex(text.replace(" ", "")))
    match = _FULL.fullmatch(text)
    groups: tuple[str, ...]
    if match is not None:
        groups = (
            match["a"] or "1",
            match["b"] or "0",
            match["c"],
            match["d"],
            match["e"],
            match["f"] or "255",
        )
    else:
        six = _SIX_DOTTED.fullmatch(text)
        if six is None:
            return None
        groups = six.groups()
    values = [int(group) for group in groups]
    if any(value > 255 for value in values):
        return None
    return Obis(*values)
