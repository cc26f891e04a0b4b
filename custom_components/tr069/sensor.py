"""Sensors: the gateway's session diagnostics and one sensor per meter reading."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import Tr069ConfigEntry, Tr069Coordinator
from .entity import Tr069GatewayEntity, Tr069MeterEntity
from .meter_sensors import describe_reading
from .outcome_sensor import OUTCOME_SENSORS, OutcomeSensor
from .tr069_cpe import AgentStatus, MeterKind, MeterView, SessionOutcome
from .wake_up_sensor import async_add_wake_up_sensors

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class GatewaySensorDescription(SensorEntityDescription):
    """A gateway sensor and how it reads the agent's status."""

    value_fn: Callable[[AgentStatus], datetime | str | int | None]


GATEWAY_SENSORS: tuple[GatewaySensorDescription, ...] = (
    # It changes at every Inform (288 times a day at the default interval), and so would
    # write as many logbook lines: off by default; "ACS connection" tells the same story
    # in its transitions only.
    GatewaySensorDescription(
        key="last_inform",
        translation_key="last_inform",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda status: status.last_inform,
    ),
    GatewaySensorDescription(
        key="last_session_outcome",
        translation_key="last_session_outcome",
        device_class=SensorDeviceClass.ENUM,
        options=[outcome.value for outcome in SessionOutcome],
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda status: status.last_outcome.value if status.last_outcome else None,
    ),
    GatewaySensorDescription(
        key="retry_count",
        translation_key="retry_count",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda status: status.retry_count,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: Tr069ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the gateway sensors, the meter sensors, and meter sensors as they appear."""
    coordinator = entry.runtime_data
    async_add_entities(GatewaySensor(coordinator, description) for description in GATEWAY_SENSORS)
    async_add_wake_up_sensors(entry, async_add_entities)
    async_add_entities(OutcomeSensor(coordinator, description) for description in OUTCOME_SENSORS)
    known: set[tuple[str, str]] = set()

    @callback
    def add_new_readings() -> None:
        new = [
            MeterReadingSensor(coordinator, meter, name)
            for meter in coordinator.meters.values()
            for name in meter.readings
            if (meter.serial, name) not in known
        ]
        known.update((sensor.serial, sensor.reading) for sensor in new)
        current = {
            (serial, name)
            for serial, meter in coordinator.meters.items()
            for name in meter.readings
        }
        known.intersection_update(current)
        if new:
            async_add_entities(new)

    add_new_readings()
    entry.async_on_unload(coordinator.async_add_listener(add_new_readings))


class GatewaySensor(Tr069GatewayEntity, SensorEntity):
    """A diagnostic sensor of the gateway."""

    entity_description: GatewaySensorDescription

    def __init__(
        self, coordinator: Tr069Coordinator, description: GatewaySensorDescription
    ) -> None:
        super().__init__(coordinator, description.key)
        self.entity_description = description

    @property
    def native_value(self) -> datetime | str | int | None:
        """The value from the agent's status."""
        return self.entity_description.value_fn(self.coordinator.data)


class MeterReadingSensor(Tr069MeterEntity, SensorEntity):
    """One reading of a meter (an energy tariff, a water volume, a temperature...)."""

    def __init__(self, coordinator: Tr069Coordinator, meter: MeterView, reading: str) -> None:
        super().__init__(coordinator, meter, reading)
        self.reading = reading
        self._shape: tuple[MeterKind, str | None, bool] | None = None
        self._describe(meter)

    def _describe(self, meter: MeterView) -> None:
        """Class, unit and state class from the reading as it is now.

        A generic reading may change unit ("230 W", then "0.5 kW") or turn to text;
        the sensor follows instead of showing a number in the wrong unit.
        """
        current = meter.readings.get(self.reading)
        if current is None:
            return
        shape = (meter.kind, current.unit, not isinstance(current.value, str))
        if shape == self._shape:
            return
        self._shape = shape
        described = describe_reading(meter.kind, self.reading, *shape[1:])
        entity = self.entity_description = described.entity
        self._attr_translation_placeholders = described.placeholders
        # Entity properties are cached; setting the attributes refreshes them.
        self._attr_device_class = entity.device_class
        self._attr_native_unit_of_measurement = entity.native_unit_of_measurement
        self._attr_state_class = entity.state_class

    @callback
    def _handle_meter_update(self) -> None:
        if (meter := self.meter) is not None:
            self._describe(meter)
        super()._handle_meter_update()

    @property
    def available(self) -> bool:
        """Available while the meter has this reading (its value may be unknown)."""
        meter = self.meter
        return meter is not None and self.reading in meter.readings

    @property
    def native_value(self) -> float | str | None:
        """The reading's value in its canonical unit (None: not read yet, never 0)."""
        meter = self.meter
        reading = meter.readings.get(self.reading) if meter is not None else None
        return reading.value if reading is not None else None
