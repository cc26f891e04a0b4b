"""Base entities: the gateway device and the meter devices behind it."""

from __future__ import annotations

from homeassistant.core import callback
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .coordinator import Tr069Coordinator
from .devices import gateway_device_info, meter_device_info
from .tr069_cpe import MeterView
from .unique_id import gateway_entity_id, reading_entity_id


class Tr069GatewayEntity(CoordinatorEntity[Tr069Coordinator]):
    """An entity of the gateway device (the CPE itself)."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: Tr069Coordinator, key: str) -> None:
        super().__init__(coordinator)
        self._attr_unique_id = gateway_entity_id(coordinator.gateway_id, key)
        self._attr_device_info = gateway_device_info(coordinator.gateway_id)


class Tr069MeterEntity(Entity):
    """An entity of a meter behind the gateway, updated when that meter changes."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, coordinator: Tr069Coordinator, meter: MeterView, key: str) -> None:
        self.coordinator = coordinator
        self.serial = meter.serial
        self._attr_unique_id = reading_entity_id(coordinator.gateway_id, meter.serial, key)
        self._attr_device_info = meter_device_info(coordinator.gateway_id, meter.serial)

    @property
    def meter(self) -> MeterView | None:
        """The meter as it stands now (None once it is gone)."""
        return self.coordinator.meters.get(self.serial)

    async def async_added_to_hass(self) -> None:
        """Follow the meter's changes."""
        self.async_on_remove(
            self.coordinator.async_add_meter_listener(self.serial, self._handle_meter_update)
        )

    @callback
    def _handle_meter_update(self) -> None:
        self.async_write_ha_state()
