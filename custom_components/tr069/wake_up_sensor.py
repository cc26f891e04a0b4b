"""A diagnostic sensor per enabled way of waking the gateway (HTTP, XMPP, UDP with STUN)."""

from __future__ import annotations

from typing import Any

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity
from homeassistant.const import EntityCategory
from homeassistant.core import callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import Tr069ConfigEntry, Tr069Coordinator
from .entity import Tr069GatewayEntity
from .tr069_cpe import WakeUpState, WakeUpStatus


@callback
def async_add_wake_up_sensors(
    entry: Tr069ConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """A sensor for each method once it is enabled (by the user or by the ACS)."""
    coordinator = entry.runtime_data
    known: set[str] = set()

    @callback
    def add_enabled() -> None:
        new = [
            WakeUpMethodSensor(coordinator, status.method)
            for status in coordinator.data.wake_up
            if status.state is not WakeUpState.DISABLED and status.method not in known
        ]
        known.update(sensor.method for sensor in new)
        if new:
            async_add_entities(new)

    add_enabled()
    entry.async_on_unload(coordinator.async_add_listener(add_enabled))


class WakeUpMethodSensor(Tr069GatewayEntity, SensorEntity):
    """Where a way of waking the gateway stands: connected, binding, error..."""

    _attr_device_class = SensorDeviceClass.ENUM
    _attr_entity_category = EntityCategory.DIAGNOSTIC

    def __init__(self, coordinator: Tr069Coordinator, method: str) -> None:
        super().__init__(coordinator, f"wake_up_{method.lower()}")
        self._attr_options = [state.value for state in WakeUpState]
        self.method = method
        self._attr_translation_key = f"wake_up_{method.lower()}"

    @property
    def _status(self) -> WakeUpStatus | None:
        return next(
            (item for item in self.coordinator.data.wake_up if item.method == self.method), None
        )

    @property
    def native_value(self) -> str | None:
        """The method's state."""
        status = self._status
        return status.state.value if status is not None else None

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Why it is in error, when it is."""
        status = self._status
        return {"detail": status.detail} if status is not None and status.detail else {}
