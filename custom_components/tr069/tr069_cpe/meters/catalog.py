"""What meter types and reading keys mean: kinds, canonical reading names, aliases."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
import re
from typing import Final

from .keys import fold
from .model import MeterKind
from .obis import parse_obis, reading_name

WARM: Final = "warm"
COLD: Final = "cold"
TEMPERATURE: Final = "temperature"
HUMIDITY: Final = "humidity"
TOTAL: Final = "total"
EXPORT_TOTAL: Final = "export_total"


@dataclass(frozen=True, slots=True)
class TypeInfo:
    """What a meter type says.

    ``kind`` None means the type does not tell (e.g. "OBIS", "meter"): the kind is
    inferred from the readings, and the meter is generic if they do not tell either.
    ``water`` is "warm" or "cold" when the type names hot or cold water.
    """

    kind: MeterKind | None
    water: str | None = None


_NEUTRAL_TYPES: Final = frozenset(
    {"obis", "obisrecord", "meter", "device", "sensor", "record", "smartmeter", "mbus", "wmbus"}
)
_ELECTRICITY_TYPES: Final = frozenset(
    {"elec", "power", "powermeter", "energy", "energymeter", "kwhmeter", "elmeter"}
)
_CLIMATE_TYPES: Final = frozenset(
    {
        "th",
        "thsensor",
        "temphum",
        "temphumidity",
        "temphumsensor",
        "humiditytemperature",
        "thermohygrometer",
        "hygrometer",
        "thermometer",
        "temp",
        "tempsensor",
        "roomsensor",
        "roomclimate",
    }
)
_CLIMATE_PREFIXES: Final = ("temperature", "humidity", "climate")


def classify_type(type_name: str) -> TypeInfo:
    """The kind a meter type names; unknown types are generic."""
    folded = fold(type_name)
    if folded in _NEUTRAL_TYPES:
        return TypeInfo(None)
    if folded == "generic":
        return TypeInfo(MeterKind.GENERIC)
    if folded.startswith("electric") or folded in _ELECTRICITY_TYPES:
        return TypeInfo(MeterKind.ELECTRICITY)
    if "water" in folded:
        hot = "hot" in folded or "warm" in folded
        cold = "cold" in folded
        return TypeInfo(MeterKind.WATER, WARM if hot and not cold else COLD if cold else None)
    if folded in _CLIMATE_TYPES or folded.startswith(_CLIMATE_PREFIXES):
        return TypeInfo(MeterKind.TEMPERATURE_HUMIDITY)
    return TypeInfo(MeterKind.GENERIC)


_ALIASES: Final[dict[str, tuple[MeterKind, str]]] = {
    **dict.fromkeys(
        (
            "total",
            "import",
            "importtotal",
            "totalimport",
            "energy",
            "energytotal",
            "totalenergy",
        ),
        (MeterKind.ELECTRICITY, TOTAL),
    ),
    **dict.fromkeys(
        ("export", "exporttotal", "totalexport"), (MeterKind.ELECTRICITY, EXPORT_TOTAL)
    ),
    **dict.fromkeys(
        ("warm", "warmwater", "hot", "hotwater", "hw", "waterwarm", "waterhot"),
        (MeterKind.WATER, WARM),
    ),
    **dict.fromkeys(("cold", "coldwater", "cw", "watercold"), (MeterKind.WATER, COLD)),
    **dict.fromkeys(
        ("temperature", "temp", "t", "tmp", "airtemperature"),
        (MeterKind.TEMPERATURE_HUMIDITY, TEMPERATURE),
    ),
    **dict.fromkeys(
        ("humidity", "hum", "rh", "humid", "relativehumidity", "airhumidity"),
        (MeterKind.TEMPERATURE_HUMIDITY, HUMIDITY),
    ),
}
_TARIFF: Final = re.compile(
    r"(?P<export>export|exportt|exporttariff)?"
    r"(?(export)|(?:t|tariff|tarif|rate|importt|importtariff|energyt|energytariff))"
    r"(?P<number>\d{1,2})"
)
_WATER_NEUTRAL: Final = frozenset(
    {"volume", "value", "total", "consumption", "reading", "index", "counter", "water"}
)

EXPECTED: Final[dict[MeterKind, str]] = {
    MeterKind.ELECTRICITY: "T1, T2 …, total, export_T1 … or export_total",
    MeterKind.WATER: "warm or cold",
    MeterKind.TEMPERATURE_HUMIDITY: "temperature or humidity",
}


@lru_cache(maxsize=4096)
def recognize(key: str) -> tuple[MeterKind, str] | None:
    """The kind and canonical name a reading key or OBIS code stands for, if known."""
    code = parse_obis(key)
    if code is not None:
        return reading_name(code)
    folded = fold(key)
    known = _ALIASES.get(folded)
    if known is not None:
        return known
    match = _TARIFF.fullmatch(folded)
    if match is None:
        return None
    number = int(match["number"])
    prefix = "export_" if match["export"] else ""
    return MeterKind.ELECTRICITY, prefix + (f"T{number}" if number else TOTAL)


def is_water_volume(key: str) -> bool:
    """True for keys that name a water volume without saying hot or cold."""
    return fold(key) in _WATER_NEUTRAL
