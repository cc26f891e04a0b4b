"""Units: each quantity's canonical unit, the spellings accepted for it, the conversions.

A conversion ``(factor, offset)`` means ``canonical = value * factor + offset``; numbers
stay :class:`~decimal.Decimal` so that ``1.1 MWh`` is exactly 1100 kWh.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final

type Conversion = tuple[Decimal, Decimal]

_ONE: Final = Decimal(1)
_ZERO: Final = Decimal(0)


def _same(*spellings: str) -> dict[str, Conversion]:
    return dict.fromkeys(spellings, (_ONE, _ZERO))


def _times(factor: Decimal | int | str, *spellings: str) -> dict[str, Conversion]:
    return dict.fromkeys(spellings, (Decimal(factor), _ZERO))


@dataclass(frozen=True, slots=True)
class Quantity:
    """A physical quantity: its canonical unit and every accepted spelling."""

    name: str
    """What it is, for messages ("energy", "volume")."""
    canonical: str
    spellings: dict[str, Conversion]

    @property
    def accepted(self) -> str:
        """The usual spellings, for messages (``kWh, Wh or MWh``)."""
        shown = list(dict.fromkeys(self._main_spellings()))
        return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} or {shown[-1]}"

    def _main_spellings(self) -> list[str]:
        main = [self.canonical]
        main.extend(spelling for spelling in self.spellings if spelling in _SHOWN)
        return main

    def conversion(self, unit: str) -> Conversion | None:
        """How a value in ``unit`` becomes canonical (None: not a unit of this quantity)."""
        return self.spellings.get(unit)


_SHOWN: Final = frozenset(
    {"Wh", "MWh", "m3", "L", "°F", "K", "kW", "MW", "kV", "mA", "kHz", "L/h", "L/min"}
)

TEXT: Final = Quantity("text", "", {})
"""Not a quantity: a reading that is a text (a meter's status) has no unit."""
ENERGY: Final = Quantity(
    "energy",
    "kWh",
    {
        **_same("kWh", "kwh", "KWh", "KWH", "kW h", "kW·h"),
        **_times("0.001", "Wh", "wh", "WH", "W h", "W·h"),
        **_times(1000, "MWh", "MWH", "MW h", "MW·h"),
        # 1 MJ = 1/3.6 kWh; the 34-digit context keeps the float exact enough.
        **dict.fromkeys(("MJ", "mj"), (_ONE / Decimal("3.6"), _ZERO)),
        **dict.fromkeys(("GJ", "gj"), (Decimal(1000) / Decimal("3.6"), _ZERO)),
    },
)
LITRES: Final = Quantity(
    "volume",
    "L",
    {
        **_same("L", "l", "\N{SCRIPT SMALL L}", "litre", "litres", "liter", "liters", "ltr"),
        **_same("dm3", "dm³"),
        **_times(1000, "m3", "m³", "m^3", "M3", "M³", "cbm"),
    },
)
CUBIC_METRES: Final = Quantity(
    "volume",
    "m³",
    {
        **_same("m³", "m3", "m^3", "M3", "M³", "cbm"),
        **_times("0.001", "L", "l", "litre", "litres", "liter", "liters", "dm3", "dm³"),
    },
)
_FIVE_NINTHS: Final = Decimal(5) / Decimal(9)
TEMPERATURE: Final = Quantity(
    "temperature",
    "°C",
    {
        **_same("°C", "°c", "C", "c", "℃", "degC", "deg C", "celsius", "Celsius"),
        **dict.fromkeys(
            ("°F", "°f", "F", "f", "℉", "degF", "deg F", "fahrenheit", "Fahrenheit"),
            (_FIVE_NINTHS, Decimal(-32) * _FIVE_NINTHS),
        ),
        **dict.fromkeys(("K", "k", "kelvin", "Kelvin"), (_ONE, Decimal("-273.15"))),
    },
)
HUMIDITY: Final = Quantity(
    "relative humidity",
    "%",
    _same("%", "%RH", "% RH", "%rh", "% rh", "RH", "rh", "pct", "percent"),
)
POWER: Final = Quantity(
    "power",
    "W",
    {
        **_same("W", "w"),
        **_times(1000, "kW", "kw", "KW"),
        **_times(1_000_000, "MW", "MW"),
    },
)
VOLTAGE: Final = Quantity(
    "voltage", "V", {**_same("V", "v"), **_times(1000, "kV", "kv"), **_times("0.001", "mV")}
)
CURRENT: Final = Quantity("current", "A", {**_same("A", "a"), **_times("0.001", "mA", "ma")})
FREQUENCY: Final = Quantity("frequency", "Hz", {**_same("Hz", "hz", "HZ"), **_times(1000, "kHz")})
FLOW: Final = Quantity(
    "flow",
    "m³/h",
    {
        **_same("m³/h", "m3/h", "m3h", "m^3/h", "cbm/h"),
        **_times("0.001", "L/h", "l/h", "lh"),
        **_times("0.06", "L/min", "l/min"),
    },
)

WMBUS_SUFFIXES: Final[dict[str, str]] = {
    "kwh": "kWh",
    "wh": "Wh",
    "mj": "MJ",
    "gj": "GJ",
    "w": "W",
    "kw": "kW",
    "m3": "m3",
    "l": "L",
    "m3h": "m3/h",
    "lh": "L/h",
    "c": "°C",
    "f": "°F",
    "k": "K",
    "v": "V",
    "a": "A",
    "hz": "Hz",
    "rh": "%",
    "pct": "%",
}
"""Unit suffixes of wM-Bus decoder keys (``total_energy_consumption_kwh``) → unit spelling."""
