"""The base entity of the gateway device."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import Tr069Coordinator


def gateway_identifier(coordinator: Tr069Coordinator) -> tuple[str, str]:
    """Device registry identifier of the gateway (the CPE itself)."""
    identity = coordinator.agent.config.identity
    return DOMAIN, f"{identity.oui}-{identity.product_class}-{identity.serial_number}"


class Tr069GatewayEntity(CoordinatorEntity[Tr069Coordinator]):
    """An entity of the gateway device."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: Tr069Coordinator, key: str) -> None:
        super().__init__(coordinator)
        identity = coordinator.agent.config.identity
        self._attr_unique_id = f"{coordinator.config_entry.entry_id}_{key}"
        self._attr_device_info = DeviceInfo(
            identifiers={gateway_identifier(coordinator)},
            manufacturer=identity.manufacturer,
            model=identity.model_name,
            model_id=identity.product_class,
            serial_number=identity.serial_number,
            sw_version=identity.software_version,
            hw_version=identity.hardware_version,
            name="TR-069 gateway",
        )
