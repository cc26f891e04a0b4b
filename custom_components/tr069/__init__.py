"""TR-069 (CWMP): Home Assistant as a gateway managed by the operator's ACS."""

from __future__ import annotations

from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError, ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.typing import ConfigType
from homeassistant.util.hass_dict import HassKey

from .agent_config import async_build_agent_config
from .const import DOMAIN
from .coordinator import Tr069ConfigEntry, Tr069Coordinator
from .profile_folder import async_install_folder_profiles
from .services import async_setup_services
from .store import HomeAssistantStateStore
from .tr069_cpe import StateStoreError, build_gateway
from .unique_id import unique_id_for

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
        await gateway.agent.shutdown()
        raise ConfigEntryNotReady(f"the agent's state cannot be read: {err}") from err
    except OSError as err:
        await gateway.agent.shutdown()
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="port_in_use",
            translation_placeholders={
                "port": str(config.connection_request_port),
                "error": str(err),
            },
        ) from err
    coordinator = Tr069Coordinator(hass, entry, gateway)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = coordinator
    await async_install_folder_profiles(hass, gateway.meters)
    coordinator.register_gateway_device()
    coordinator.start()
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    entry.async_on_unload(entry.add_update_listener(_async_options_updated))
    return True


async def async_migrate_entry(hass: HomeAssistant, entry: Tr069ConfigEntry) -> bool:
    """Entries of 1.1 had a unique ID with the whole ACS URL lowercased."""
    if entry.version > 1:
        return False
    if entry.minor_version < 2:
        hass.config_entries.async_update_entry(
            entry, unique_id=unique_id_for(entry.data), minor_version=2
        )
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
    for domain, identifier in device.identifiers:
        if domain == DOMAIN and identifier.startswith(f"{coordinator.gateway_id}_meter_"):
            serial = identifier.removeprefix(f"{coordinator.gateway_id}_meter_")
            await coordinator.async_remove_meter(serial)
            return True
    return False


async def _async_options_updated(hass: HomeAssistant, entry: Tr069ConfigEntry) -> None:
    await hass.config_entries.async_reload(entry.entry_id)


async def _adopt_probe_state(
    hass: HomeAssistant, entry: Tr069ConfigEntry, store: HomeAssistantStateStore
) -> None:
    probe_state = hass.data.get(PROBE_STATES, {}).pop(entry.unique_id or "", None)
    if probe_state is not None and await store.load() is None:
        await store.save(probe_state)


__all__ = ["PROBE_STATES", "Tr069ConfigEntry", "Tr069Coordinator"]
