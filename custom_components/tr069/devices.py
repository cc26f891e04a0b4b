"""The gateway's device and its meters' devices in Home Assistant's device registry.

The devices are registered here, before any entity names them, so that a meter's device
exists (and its events can name it) as soon as the meter does.
"""

from __future__ import annotations

import inspect
import re
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, translation
from homeassistant.helpers.device_registry import DeviceInfo

from .const import DOMAIN
from .tr069_cpe import Identity, MeterKind, MeterView
from .unique_id import meter_identifier, meter_serial_of

# Home Assistant 2026.8 links a device to its hub by device ID (``via_device_id``);
# ``via_device`` (an identifier) is reported from 2026.9 and stops working in 2027.8.
VIA_DEVICE_ID = (
    "via_device_id" in inspect.signature(dr.DeviceRegistry.async_get_or_create).parameters
)

GATEWAY_TRANSLATION_KEY = "gateway"
_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def model_translation_key(kind: MeterKind) -> str:
    """The ``device`` translation that names a kind of meter (``electricity_meter``)."""
    return _CAMEL_HUMP.sub("_", kind.value).lower()


async def async_load_device_names(hass: HomeAssistant) -> dict[str, str]:
    """The integration's ``device`` translations in Home Assistant's language, by key."""
    translations = await translation.async_get_translations(
        hass, hass.config.language, "device", {DOMAIN}
    )
    prefix = f"component.{DOMAIN}.device."
    return {
        key.removeprefix(prefix).removesuffix(".name"): name
        for key, name in translations.items()
        if key.startswith(prefix)
    }


def gateway_device_info(gateway: str) -> DeviceInfo:
    """How an entity names the gateway's device."""
    return DeviceInfo(identifiers={(DOMAIN, gateway)})


def meter_device_info(gateway: str, serial: str) -> DeviceInfo:
    """How an entity names a meter's device."""
    return DeviceInfo(identifiers={(DOMAIN, meter_identifier(gateway, serial))})


class GatewayDevices:
    """The devices of one config entry: the gateway, and a device per meter behind it."""

    def __init__(
        self, hass: HomeAssistant, entry_id: str, gateway: str, names: dict[str, str]
    ) -> None:
        self._hass = hass
        self._entry_id = entry_id
        self.gateway = gateway
        self._names = names
        self.gateway_device_id = ""
        self._meter_device_ids: dict[str, str] = {}

    @property
    def _registry(self) -> dr.DeviceRegistry:
        return dr.async_get(self._hass)

    @callback
    def register_gateway(self, identity: Identity) -> None:
        """The gateway's device, named after its identity."""
        device = self._registry.async_get_or_create(
            config_entry_id=self._entry_id,
            identifiers={(DOMAIN, self.gateway)},
            manufacturer=identity.manufacturer,
            model=identity.model_name,
            model_id=identity.product_class,
            serial_number=identity.serial_number,
            sw_version=identity.software_version,
            hw_version=identity.hardware_version or None,
            translation_key=GATEWAY_TRANSLATION_KEY,
            translation_placeholders={"serial_number": identity.serial_number},
        )
        self.gateway_device_id = device.id

    def _meter_details(self, meter: MeterView) -> dict[str, Any]:
        key = model_translation_key(meter.kind)
        return {
            "manufacturer": meter.vendor or None,
            "model": self._names.get(key, meter.kind.value),
            "model_id": meter.type_name or None,
            "serial_number": meter.serial,
            "name": meter.name or f"{meter.vendor} {meter.serial}".strip(),
        }

    @callback
    def sync_meter(self, meter: MeterView) -> str:
        """Create the meter's device, or bring it up to date; its device ID."""
        details = self._meter_details(meter)
        device = self.meter_device(meter.serial)
        if device is None:
            hub: dict[str, Any] = (
                {"via_device_id": self.gateway_device_id}
                if VIA_DEVICE_ID
                else {"via_device": (DOMAIN, self.gateway)}
            )
            device = self._registry.async_get_or_create(
                config_entry_id=self._entry_id,
                identifiers={(DOMAIN, meter_identifier(self.gateway, meter.serial))},
                **hub,
                **details,
            )
        elif any(getattr(device, field) != value for field, value in details.items()):
            device = self._registry.async_update_device(device.id, **details) or device
        self._meter_device_ids[meter.serial] = device.id
        return device.id

    def meter_device(self, serial: str) -> dr.DeviceEntry | None:
        """A meter's device (looked up within this entry: identifiers are per entry)."""
        device_id = self._meter_device_ids.get(serial)
        if device_id is not None and (device := self._device(device_id)):
            return device
        self._meter_device_ids = {
            found: device.id
            for device in dr.async_entries_for_config_entry(self._registry, self._entry_id)
            if (found := meter_serial_of(self.gateway, device.identifiers)) is not None
        }
        device_id = self._meter_device_ids.get(serial)
        return self._device(device_id) if device_id is not None else None

    def _device(self, device_id: str) -> dr.DeviceEntry | None:
        # From Home Assistant 2026.9 the registry also holds child devices (not ours).
        device = self._registry.async_get(device_id)
        return device if isinstance(device, dr.DeviceEntry) else None

    def meter_device_id(self, serial: str) -> str | None:
        """The ID of a meter's device, if it has one."""
        device = self.meter_device(serial)
        return device.id if device is not None else None

    @callback
    def remove_meter(self, serial: str) -> None:
        """A meter left the data model: its device goes too."""
        if (device := self.meter_device(serial)) is not None:
            self._registry.async_remove_device(device.id)
        self._meter_device_ids.pop(serial, None)

    @callback
    def remove_stale(self, serials: set[str]) -> None:
        """Devices of meters the data model no longer holds.

        The agent's state is saved at once, the device registry later: a crash in
        between leaves the device of a deleted meter behind.
        """
        registry = self._registry
        for device in dr.async_entries_for_config_entry(registry, self._entry_id):
            serial = meter_serial_of(self.gateway, device.identifiers)
            if serial is not None and serial not in serials:
                registry.async_remove_device(device.id)
