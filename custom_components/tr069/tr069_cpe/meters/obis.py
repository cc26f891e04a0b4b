"""OBIS codes (IEC 62056-61): parsing the usual spellings, mapping to reading names.

An OBIS code has six groups ``A-B:C.D.E*F``: A the medium (1 electricity, 8 cold water,
9 hot water), B the channel, C the quantity, D the processing, E the tariff (0 total),
F the billing period (255 = current value / not used).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
import re

from .model import MeterKind

_FULL = re.compile(
    r"(?:(?P<a>\d{1,3})-(?P<b>\d{1,3}):)?"
    r"(?P<c>\d{1,3})\.(?P<d>\d{1,3})\.(?P<e>\d{1,3})"
    r"(?:[*.&](?P<f>\d{1,3}))?"
)
_SIX_DOTTED = re.compile(r"(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})")

MEDIUM_ELECTRICITY = 1
MEDIUM_COLD_WATER = 8
MEDIUM_HOT_WATER = 9
CURRENT = 255


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
    """Parse ``1-0:1.8.1``, ``1-0:1.8.1*255``, ``1-0:1.8.1.255``, ``1.8.1`` or ``1.0.1.8.1.255``.

    Returns None when ``text`` is not an OBIS code.  Short forms without ``A-B:`` are
    electricity codes (A = 1, B = 0).
    """
    text = text.strip()
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


def reading_name(code: Obis) -> tuple[MeterKind, str] | None:
    """The meter kind and canonical reading name an OBIS code stands for, if supported.

    * ``1-x:1.8.0`` active energy import total → ``total``; ``1-x:1.8.n`` → ``Tn``
    * ``1-x:2.8.0`` active energy export total → ``export_total``; ``1-x:2.8.n`` → ``export_Tn``
    * ``9-x:1.0.0`` hot water volume → ``warm``; ``8-x:1.0.0`` cold water volume → ``cold``

    Only current values (F = 255) are supported.
    """
    if code.f != CURRENT:
        return None
    if code.a == MEDIUM_ELECTRICITY and code.d == 8 and code.c in (1, 2) and code.e <= 99:
        prefix = "" if code.c == 1 else "export_"
        suffix = "total" if code.e == 0 else f"T{code.e}"
        return MeterKind.ELECTRICITY, prefix + suffix
    if (code.a, code.c, code.d, code.e) == (MEDIUM_HOT_WATER, 1, 0, 0):
        return MeterKind.WATER, "warm"
    if (code.a, code.c, code.d, code.e) == (MEDIUM_COLD_WATER, 1, 0, 0):
        return MeterKind.WATER, "cold"
    return None
