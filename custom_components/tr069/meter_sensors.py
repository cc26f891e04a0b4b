"""How each reading of a meter becomes a sensor (device class, unit, state class).

Everything comes from the core's kinds table (one entry per kind of meter); this module
only puts it in Home Assistant's words. Icons come from icons.json, by translation key.
"""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntityDescription,
    SensorStateClass,
)

from .tr069_cpe import MeterKind, presentation


@dataclass(frozen=True, kw_only=True)
class ReadingDescription:
    """A reading's sensor description and its name placeholders."""

    entity: SensorEntityDescription
    placeholders: dict[str, str]


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
    shown = presentation(kind, name)
    if shown is None:
        return _generic(name, unit, numeric)
    return ReadingDescription(
        entity=SensorEntityDescription(
            key=name,
            translation_key=shown.translation_key,
            device_class=SensorDeviceClass(shown.device_class) if shown.device_class else None,
            native_unit_of_measurement=shown.unit,
            state_class=SensorStateClass(shown.state_class) if shown.state_class else None,
            suggested_display_precision=shown.precision,
        ),
        placeholders=shown.placeholders,
    )
