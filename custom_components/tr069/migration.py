"""Config entry migrations, and moving a gateway's devices and entities to a new identity.

Only unique IDs and device identifiers change: entity IDs, names, areas, history and
statistics stay with the same registry entries.
"""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .agent_config import DEFAULT_ROOT, ROOT_OPTIONS
from .const import CONF_IDENTITY, CONF_ROOT, DOMAIN
from .coordinator import Tr069ConfigEntry
from .unique_id import gateway_entity_id, meter_identifier, reading_entity_id, unique_id_for

_LOGGER = logging.getLogger(__name__)

CURRENT_MINOR_VERSION = 3
# Minor version 3 stores the data model root as a translation key (hassfest's rule).
_ROOT_KEYS = {root.value: key for key, root in ROOT_OPTIONS.items()}


async def async_migrate_entry(hass: HomeAssistant, entry: Tr069ConfigEntry) -> bool:
    """Entries of 1.1 and 1.2 had identities made of their entry ID and the ACS URL."""
    if entry.version > 1:
        return False
    if entry.minor_version >= CURRENT_MINOR_VERSION:
        return True
    data = _lower_case_root(entry.data)
    unique_id = unique_id_for(data)
    if any(
        other.unique_id == unique_id and other.entry_id != entry.entry_id
        for other in hass.config_entries.async_entries(DOMAIN)
    ):
        _LOGGER.error(
            "%s and another entry are the same gateway at the same ACS host; remove one of them",
            entry.title,
        )
        return False
    await _async_rekey_from_entry_id(hass, entry, unique_id)
    hass.config_entries.async_update_entry(
        entry, data=data, unique_id=unique_id, minor_version=CURRENT_MINOR_VERSION
    )
    return True


def _lower_case_root(data: Any) -> dict[str, Any]:
    identity = dict(data[CONF_IDENTITY])
    root = identity.get(CONF_ROOT, DEFAULT_ROOT)
    identity[CONF_ROOT] = root if root in ROOT_OPTIONS else _ROOT_KEYS.get(root, DEFAULT_ROOT)
    return {**data, CONF_IDENTITY: identity}


async def _async_rekey_from_entry_id(
    hass: HomeAssistant, entry: Tr069ConfigEntry, gateway: str
) -> None:
    """Identities made of the entry ID, to the gateway's.

    Device identifiers were ``<OUI>-<class>-<serial>@<entry ID>[_meter_<serial>]``, unique
    IDs ``<entry ID>_<key>`` and ``<entry ID>_<serial>_<reading>``.
    """
    registry = dr.async_get(hass)
    old_gateway = f"@{entry.entry_id}"
    old_meter = f"@{entry.entry_id}_meter_"
    meter_of_device: dict[str, str] = {}
    for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
        for domain, identifier in device.identifiers:
            if domain != DOMAIN:
                continue
            if identifier.endswith(old_gateway):
                new = gateway
            elif old_meter in identifier:
                serial = identifier.split(old_meter, 1)[1]
                meter_of_device[device.id] = serial
                new = meter_identifier(gateway, serial)
            else:
                continue
            identifiers = device.identifiers - {(domain, identifier)} | {(DOMAIN, new)}
            registry.async_update_device(device.id, new_identifiers=identifiers)

    @callback
    def new_unique_id(entity: er.RegistryEntry) -> dict[str, Any] | None:
        rest = entity.unique_id.removeprefix(f"{entry.entry_id}_")
        if rest == entity.unique_id:
            return None
        serial = meter_of_device.get(entity.device_id or "")
        if serial is None:
            return {"new_unique_id": gateway_entity_id(gateway, rest)}
        reading = rest.removeprefix(f"{serial}_")
        return {"new_unique_id": reading_entity_id(gateway, serial, reading)}

    await er.async_migrate_entries(hass, entry.entry_id, new_unique_id)


async def async_move_identity(
    hass: HomeAssistant, entry: Tr069ConfigEntry, old: str, new: str
) -> None:
    """The gateway's identity changed (a new ACS host): its devices and entities follow."""
    registry = dr.async_get(hass)
    for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
        identifiers = {
            (domain, _moved(identifier, old, new) if domain == DOMAIN else identifier)
            for domain, identifier in device.identifiers
        }
        if identifiers != device.identifiers:
            registry.async_update_device(device.id, new_identifiers=identifiers)

    @callback
    def new_unique_id(entity: er.RegistryEntry) -> dict[str, Any] | None:
        moved = _moved(entity.unique_id, old, new)
        return None if moved == entity.unique_id else {"new_unique_id": moved}

    await er.async_migrate_entries(hass, entry.entry_id, new_unique_id)


def _moved(identity: str, old: str, new: str) -> str:
    if identity == old:
        return new
    if identity.startswith(f"{old}/"):
        return new + identity.removeprefix(old)
    return identity
