"""Sensors: the gateway's session diagnostics."""

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
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import Tr069ConfigEntry, Tr069Coordinator
from .cwmp.status import AgentStatus, SessionOutcome
from .entity import Tr069GatewayEntity

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class GatewaySensorDescription(SensorEntityDescription):
    """A gateway sensor and how it reads the agent's status."""

    value_fn: Callable[[AgentStatus], datetime | str | int | None]


GATEWAY_SENSORS: tuple[GatewaySensorDescription, ...] = (
    GatewaySensorDescription(
        key="last_inform",
        translation_key="last_inform",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
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
    """Add the gateway sensors."""
    coordinator = entry.runtime_data
    async_add_entities(GatewaySensor(coordinator, description) for description in GATEWAY_SENSORS)


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
