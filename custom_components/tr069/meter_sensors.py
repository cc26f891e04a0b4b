"""How each kind of meter reading becomes a sensor (device class, unit, state class)."""

from __future__ import annotations

from dataclasses import dataclass
import re

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, UnitOfEnergy, UnitOfTemperature, UnitOfVolume

from .tr069_cpe import MeterKind

_TARIFF = re.compile(r"(export_)?T(\d+)")


@dataclass(frozen=True, kw_only=True)
class ReadingDescription:
    """A reading's sensor description and its name placeholders."""

    entity: SensorEntityDescription
    placeholders: dict[str, str]


def _energy(name: str) -> ReadingDescription:
    if match := _TARIFF.fullmatch(name):
        key = "energy_export_tariff" if match.group(1) else "energy_tariff"
        placeholders = {"tariff": f"T{match.group(2)}"}
    else:
        key = "energy_export_total" if name == "export_total" else "energy_total"
        placeholders = {}
    return ReadingDescription(
        entity=SensorEntityDescription(
            key=name,
            translation_key=key,
            device_class=SensorDeviceClass.ENERGY,
            native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
            state_class=SensorStateClass.TOTAL_INCREASING,
            suggested_display_precision=3,
        ),
        placeholders=placeholders,
    )


def _water(name: str) -> ReadingDescription:
    return ReadingDescription(
        entity=SensorEntityDescription(
            key=name,
            translation_key=f"water_{name}",
            device_class=SensorDeviceClass.WATER,
            native_unit_of_measurement=UnitOfVolume.LITERS,
            state_class=SensorStateClass.TOTAL_INCREASING,
        ),
        placeholders={},
    )


def _climate(name: str) -> ReadingDescription:
    if name == "temperature":
        entity = SensorEntityDescription(
            key=name,
            device_class=SensorDeviceClass.TEMPERATURE,
            native_unit_of_measurement=UnitOfTemperature.CELSIUS,
            state_class=SensorStateClass.MEASUREMENT,
            suggested_display_precision=1,
        )
    else:
        entity = SensorEntityDescription(
            key=name,
            device_class=SensorDeviceClass.HUMIDITY,
            native_unit_of_measurement=PERCENTAGE,
            state_class=SensorStateClass.MEASUREMENT,
            suggested_display_precision=0,
        )
    return ReadingDescription(entity=entity, placeholders={})


def _generic(name: str, unit: str | None, numeric: bool) -> ReadingDescription:
    return ReadingDescription(
        entity=SensorEntityDescription(
            key=name,
            translation_key="reading",
            native_unit_of_measurement=unit if numeric else None,
            state_class=SensorStateClass.MEASUREMENT if numeric else None,
        ),
        placeholders={"reading": name},
    )


def describe_reading(
    kind: MeterKind, name: str, unit: str | None, numeric: bool
) -> ReadingDescription:
    """The sensor description for a reading of a meter of this kind."""
    if kind is MeterKind.ELECTRICITY:
        return _energy(name)
    if kind is MeterKind.WATER:
        return _water(name)
    if kind is MeterKind.TEMPERATURE_HUMIDITY:
        return _climate(name)
    return _generic(name, unit, numeric)
