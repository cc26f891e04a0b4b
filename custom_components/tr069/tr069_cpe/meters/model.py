"""The typed model a configuration file is turned into."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class MeterKind(StrEnum):
    """What a meter measures; decides the canonical reading names and units."""

    ELECTRICITY = "electricityMeter"
    WATER = "waterMeter"
    TEMPERATURE_HUMIDITY = "temperatureHumidity"
    HEAT = "heatMeter"
    GAS = "gasMeter"
    GENERIC = "generic"


@dataclass(frozen=True, slots=True)
class Reading:
    """One value of a meter.

    ``name`` is canonical for known kinds ("T1", "T2", "total", "export_T1" ... for
    electricity, "warm"/"cold" for water, "temperature"/"humidity"), and the source key
    as given for generic meters.  Numeric values are floats in the canonical unit
    (kWh, L, °C, %); only generic meters have text (``str``) values.
    """

    name: str
    value: float | str
    unit: str | None
    timestamp: datetime | None


@dataclass(frozen=True, slots=True)
class Meter:
    """One meter behind the gateway."""

    serial: str
    vendor: str
    kind: MeterKind
    type_name: str
    name: str | None
    readings: tuple[Reading, ...]
    location: tuple[float, float] | None = None


@dataclass(frozen=True, slots=True)
class ConfigurationFile:
    """A fully validated configuration file, and what reading it noticed.

    ``partial`` is True when the file only adds/updates the meters it lists, False when
    it is the complete set of meters.  ``format`` names the parser that accepted it.
    ``ignored`` lists the keys that were not needed (list indices as ``[*]``, at most
    50; ``more_ignored`` counts the others); ``superseded`` the older telegrams of a
    meter in JSON lines; ``profile`` the format profile used; ``local_time_zone`` the
    zone times without one were read in (None when there were none).
    """

    meters: tuple[Meter, ...]
    partial: bool
    format: str
    ignored: tuple[str, ...] = ()
    more_ignored: int = 0
    superseded: tuple[str, ...] = ()
    profile: str | None = None
    local_time_zone: str | None = None
