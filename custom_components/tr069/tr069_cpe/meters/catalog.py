"""Lookups over the kinds table: what a type name, a reading key or an OBIS code means."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
import re
from typing import Final

from .keys import fold
from .kinds import KINDS, KindSpec, ObisTemplate, ReadingSpec
from .model import MeterKind
from .obis import ABSTRACT, CURRENT, Obis, parse_obis
from .units import WMBUS_SUFFIXES


@dataclass(frozen=True, slots=True)
class TypeInfo:
    """What a meter type says.

    ``kind`` None means the type does not tell (e.g. "OBIS", "meter"): the kind is
    inferred from the readings, and the meter is generic if they do not tell either.
    ``variant`` is the reading a plain volume is ("warm" for a hot-water meter).
    """

    kind: MeterKind | None
    variant: str | None = None


@dataclass(frozen=True, slots=True)
class ReadingMatch:
    """A key recognised as a reading of a kind."""

    spec: ReadingSpec
    name: str
    unit: str | None = None
    """The unit the key itself gives (wM-Bus ``_kwh`` suffixes)."""


_NEUTRAL_TYPES: Final = frozenset(
    {
        "obis",
        "obisrecord",
        "meter",
        "device",
        "sensor",
        "record",
        "smartmeter",
        "mbus",
        "wmbus",
        "other",
        "unknown",
    }
)
_NUMBER: Final = "{n}"
_WMBUS_KEY: Final = re.compile(r"(?P<base>.+)_(?P<suffix>[A-Za-z0-9]{1,4})")


@lru_cache(maxsize=1024)
def classify_type(type_name: str) -> TypeInfo:
    """The kind a meter type names; unknown types are generic."""
    folded = fold(type_name)
    if folded in _NEUTRAL_TYPES:
        return TypeInfo(None)
    for spec in KINDS.values():
        if folded.startswith(spec.type_exclusions) and spec.type_exclusions:
            continue
        if (
            folded in spec.type_names
            or (spec.type_prefixes and folded.startswith(spec.type_prefixes))
            or any(word in folded for word in spec.type_words)
        ):
            return TypeInfo(spec.kind, _variant(spec, folded))
    return TypeInfo(MeterKind.GENERIC)


def _variant(spec: KindSpec, folded: str) -> str | None:
    named = [reading for reading, words in spec.variants.items() if any(w in folded for w in words)]
    return named[0] if len(named) == 1 else None


class _Aliases:
    """The folded keys of one kind's readings: exact ones, and numbered patterns."""

    def __init__(self, spec: KindSpec) -> None:
        self.exact: dict[str, tuple[ReadingSpec, str]] = {}
        self.numbered: list[tuple[re.Pattern[str], ReadingSpec]] = []
        for reading in spec.readings:
            if not reading.numbered:
                for alias in (fold(reading.name), *reading.aliases):
                    self.exact[alias] = (reading, reading.name)
                continue
            canonical = fold(reading.name.replace(_NUMBER, "")) + _NUMBER
            for alias in (canonical, *reading.aliases):
                regex = re.escape(alias).replace(re.escape(_NUMBER), r"(\d{1,2})")
                self.numbered.append((re.compile(regex), reading))

    def find(self, folded: str) -> tuple[ReadingSpec, str] | None:
        known = self.exact.get(folded)
        if known is not None:
            return known
        for regex, reading in self.numbered:
            match = regex.fullmatch(folded)
            if match is not None and int(match[1]) in reading.numbers:
                return reading, reading.name.replace(_NUMBER, str(int(match[1])))
        return None


_ALIASES: Final = {kind: _Aliases(spec) for kind, spec in KINDS.items()}


def obis_reading(kind: MeterKind, code: Obis) -> tuple[ReadingSpec, str] | None:
    """The reading of this kind an OBIS code stands for (current values only)."""
    spec = KINDS.get(kind)
    if spec is None or code.f != CURRENT or code.a == ABSTRACT:
        return None
    for reading in spec.readings:
        for template in reading.obis:
            number = _obis_number(template, code)
            if number is not None and (not reading.numbered or number in reading.numbers):
                return reading, reading.name.replace(_NUMBER, str(number))
    return None


def _obis_number(template: ObisTemplate, code: Obis) -> int | None:
    """0 when the code matches a fixed template, its number for a numbered one."""
    if (code.a, code.d) != (template.a, template.d):
        return None
    if isinstance(template.c, tuple):
        if code.c not in template.c or code.e != template.e:
            return None
        return template.c.index(code.c) + 1
    if code.c != template.c:
        return None
    if template.e is None:
        return code.e if code.e > 0 else None
    return 0 if code.e == template.e else None


@lru_cache(maxsize=8192)
def match_reading(kind: MeterKind, key: str, variant: str | None = None) -> ReadingMatch | None:
    """The reading of a meter of ``kind`` that ``key`` names, if any.

    ``key`` is a key, a name, an OBIS code, a description ("Import energy T1") or a
    wM-Bus decoder key with a unit suffix (``total_energy_consumption_kwh``).
    ``variant`` is the reading a plain volume stands for (from the type).
    """
    aliases = _ALIASES.get(kind)
    if aliases is None:
        return None
    return _match(kind, aliases, key, variant or KINDS[kind].default_variant)


def _match(
    kind: MeterKind, aliases: _Aliases, key: str, variant: str | None
) -> ReadingMatch | None:
    code = parse_obis(key)
    if code is not None:
        found = obis_reading(kind, code)
        return None if found is None else ReadingMatch(*found)
    named = _by_name(kind, aliases, fold(key), variant)
    if named is not None:
        return named
    split = _WMBUS_KEY.fullmatch(key.strip())
    if split is not None and (unit := WMBUS_SUFFIXES.get(split["suffix"].lower())):
        named = _by_name(kind, aliases, fold(split["base"]), variant)
        if named is not None:
            return ReadingMatch(named.spec, named.name, unit)
    return None


def _by_name(
    kind: MeterKind, aliases: _Aliases, folded: str, variant: str | None
) -> ReadingMatch | None:
    found = aliases.find(folded)
    if found is not None:
        return ReadingMatch(*found)
    spec = KINDS[kind]
    if variant is not None and folded in spec.plain_volume:
        found = aliases.find(fold(variant))
        return None if found is None else ReadingMatch(*found)
    return None


def is_plain_volume(kind: MeterKind, key: str) -> bool:
    """True for a volume key that does not say which reading it is (hot or cold)."""
    spec = KINDS.get(kind)
    if spec is None:
        return False
    split = _WMBUS_KEY.fullmatch(key.strip())
    base = split["base"] if split and split["suffix"].lower() in WMBUS_SUFFIXES else key
    return fold(key) in spec.plain_volume or fold(base) in spec.plain_volume


@lru_cache(maxsize=8192)
def kinds_of(key: str) -> frozenset[MeterKind]:
    """Every kind that has a reading named ``key`` (to infer a meter's kind).

    A plain volume ("total") names none: its meaning comes from the type.
    """
    return frozenset(
        kind for kind, aliases in _ALIASES.items() if _match(kind, aliases, key, None) is not None
    )


def reading_spec(kind: MeterKind, name: str) -> ReadingSpec | None:
    """The spec of a canonical reading name (None: not a reading of this kind)."""
    aliases = _ALIASES.get(kind)
    if aliases is None:
        return None
    found = aliases.find(fold(name))
    return found[0] if found is not None and found[1] == name else None


def canonical_names(kind: MeterKind) -> str:
    """The kind's readings, for messages (``T1, T2 …, total, …``)."""
    spec = KINDS.get(kind)
    if spec is None:
        return "any name"
    return ", ".join(reading.name.replace(_NUMBER, "N") for reading in spec.readings)


def kind_display(kind: MeterKind) -> str:
    """How messages name a meter of this kind."""
    spec = KINDS.get(kind)
    return spec.display if spec is not None else "generic meter"


@dataclass(frozen=True, slots=True)
class Presentation:
    """How a host shows a reading (Home Assistant's sensor description, in its words)."""

    unit: str | None
    device_class: str | None
    state_class: str | None
    translation_key: str | None
    placeholders: dict[str, str]
    icon: str | None
    precision: int | None
    counter: bool


def presentation(kind: MeterKind, name: str) -> Presentation | None:
    """How to show a canonical reading of a kind (None: generic, or not a reading)."""
    spec = reading_spec(kind, name)
    if spec is None:
        return None
    placeholders: dict[str, str] = {}
    if spec.numbered and spec.placeholder is not None:
        # "export_T{n}" named "export_T2" shows as "T2"; "voltage_L{n}" as "L1".
        placeholders[spec.placeholder] = name.rsplit("_", 1)[-1]
    return Presentation(
        unit=spec.unit,
        device_class=spec.device_class,
        state_class=spec.state_class,
        translation_key=spec.translation_key,
        placeholders=placeholders,
        icon=spec.icon,
        precision=spec.precision,
        counter=spec.counter,
    )
