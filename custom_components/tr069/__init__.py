"""TR-069 (CWMP): Home Assistant as a gateway managed by the operator's ACS."""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.typing import ConfigType
from homeassistant.util.hass_dict import HassKey

from .agent_config import async_build_agent_config
from .const import DOMAIN
from .coordinator import Tr069ConfigEntry, Tr069Coordinator
from .devices import async_load_device_names
from .migration import async_migrate_entry
from .profile_folder import async_install_folder_profiles
from .services import async_setup_services
from .store import HomeAssistantStateStore
from .tr069_cpe import StateStoreError, build_gateway
from .unique_id import meter_serial_of

_LOGGER = logging.getLogger(__name__)

PLATFORMS: list[Platform] = [Platform.BINARY_SENSOR, Platform.SENSOR]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

# State of the config flow's first session, handed to the entry it creates.
PROBE_STATES: HassKey[dict[str, dict[str, Any]]] = HassKey(f"{DOMAIN}_probe_states")


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's actions."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: Tr069ConfigEntry) -> bool:
    """Start the CPE agent of a config entry."""
    config = await async_build_agent_config(hass, entry.data, entry.options)
    store = HomeAssistantStateStore(hass, entry.entry_id)
    await _adopt_probe_state(hass, entry, store)
    gateway = build_gateway(config, store)
    try:
        await gateway.agent.setup()
    except StateStoreError as err:
        # The disk may come back (a remount, space freed): Home Assistant retries.
        await gateway.agent.shutdown()
        _LOGGER.debug("The stored state of %s cannot be read: %s", entry.title, err)
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN, translation_key="state_unreadable"
        ) from err
    except OSError as err:
        # Another program holds the port: Home Assistant retries until it is free.
        await gateway.agent.shutdown()
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="port_in_use",
            translation_placeholders={"port": str(config.connection_request_port)},
        ) from err
    coordinator = Tr069Coordinator(hass, entry, gateway, await async_load_device_names(hass))
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = coordinator
    await async_install_folder_profiles(hass, gateway.meters)
    coordinator.start()
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    entry.async_on_unload(entry.add_update_listener(_async_options_updated))
    return True


async def async_unload_entry(hass: HomeAssistant, entry: Tr069ConfigEntry) -> bool:
    """Stop the agent and release the Connection Request port."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: Tr069ConfigEntry) -> None:
    """Delete the agent's stored state with the entry."""
    await HomeAssistantStateStore(hass, entry.entry_id).remove()


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: Tr069ConfigEntry, device: dr.DeviceEntry
) -> bool:
    """A user may delete a meter's device (the meter goes too), not the gateway's."""
    coordinator = entry.runtime_data
    serial = meter_serial_of(coordinator.gateway_id, device.identifiers)
    if serial is None:
        return False
    await coordinator.async_remove_meter(serial)
    return True


async def _async_options_updated(hass: HomeAssistant, entry: Tr069ConfigEntry) -> None:
    await hass.config_entries.async_reload(entry.entry_id)


async def _adopt_probe_state(
    hass: HomeAssistant, entry: Tr069ConfigEntry, store: HomeAssistantStateStore
) -> None:
    probe_state = hass.data.get(PROBE_STATES, {}).pop(entry.unique_id or "", None)
    if probe_state is not None and await store.load() is None:
        await store.save(probe_state)


__all__ = ["PROBE_STATES", "Tr069ConfigEntry", "Tr069Coordinator", "async_migrate_entry"]
