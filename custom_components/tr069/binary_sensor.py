"""The gateway's ACS connection, as a connectivity binary sensor."""

from __future__ import annotations

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import Tr069ConfigEntry, Tr069Coordinator
from .entity import Tr069GatewayEntity

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: Tr069ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the ACS connection sensor."""
    async_add_entities([AcsConnectionSensor(entry.runtime_data)])


class AcsConnectionSensor(Tr069GatewayEntity, BinarySensorEntity):
    """On while the last session with the ACS succeeded."""

    _attr_device_class = BinarySensorDeviceClass.CONNECTIVITY
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_translation_key = "acs_connection"

    def __init__(self, coordinator: Tr069Coordinator) -> None:
        super().__init__(coordinator, "acs_connection")

    @property
    def is_on(self) -> bool | None:
        """Whether the ACS is reachable (unknown before the first session)."""
        return self.coordinator.data.connected
