"""Entries of earlier versions: identities without the entry ID, lower-case root keys.

The devices and entities keep their registry entries (IDs, entity IDs, names the user
gave them, so their history): only identifiers and unique IDs change.
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.tr069.const import CONF_ACS_URL, CONF_IDENTITY, CONF_ROOT, DOMAIN
from custom_components.tr069.migration import CURRENT_MINOR_VERSION, async_migrate_entry
from custom_components.tr069.unique_id import (
    gateway_entity_id,
    meter_identifier,
    reading_entity_id,
    unique_id_for,
)
from local_acs import LocalAcs

from .common import ENTRY_ID, OUI, PRODUCT_CLASS, SERIAL, agent_of, gateway_device, session

pytestmark = pytest.mark.usefixtures("unload_at_end")

OLD_GATEWAY = f"{OUI}-{PRODUCT_CLASS}-{SERIAL}@{ENTRY_ID}"


def old_entry(template: MockConfigEntry, root: str = "Device", **changes: Any) -> MockConfigEntry:
    """The entry as version 1.2 stored it."""
    data = {**template.data, CONF_IDENTITY: {**template.data[CONF_IDENTITY], CONF_ROOT: root}}
    fields: dict[str, Any] = {
        "domain": DOMAIN,
        "minor_version": 2,
        "entry_id": ENTRY_ID,
        "title": template.title,
        "unique_id": f"{SERIAL}@{data[CONF_ACS_URL].rstrip('/')}",
        "data": data,
        "options": template.options,
    }
    return MockConfigEntry(**(fields | changes))


async def test_an_entry_of_version_1_2_keeps_its_devices_and_entities(
    hass: HomeAssistant,
    acs: LocalAcs,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
    mock_config_entry: MockConfigEntry,
) -> None:
    entry = old_entry(mock_config_entry)
    entry.add_to_hass(hass)
    gateway = device_registry.async_get_or_create(
        config_entry_id=ENTRY_ID, identifiers={(DOMAIN, OLD_GATEWAY)}, name="TR-069 gateway"
    )
    device_registry.async_update_device(gateway.id, name_by_user="Our gateway")
    link = entity_registry.async_get_or_create(
        "binary_sensor",
        DOMAIN,
        f"{ENTRY_ID}_acs_connection",
        config_entry=entry,
        device_id=gateway.id,
        suggested_object_id="acs_link",
    )
    entity_registry.async_update_entity(link.entity_id, name="ACS link")

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.minor_version == CURRENT_MINOR_VERSION
    assert entry.unique_id == unique_id_for(entry.data)
    assert entry.data[CONF_IDENTITY][CONF_ROOT] == "device"
    # The same device and entity, under the gateway's identity.
    device = gateway_device(device_registry, entry)
    assert device is not None
    assert device.id == gateway.id
    assert device.name_by_user == "Our gateway"
    moved = entity_registry.async_get(link.entity_id)
    assert moved is not None
    assert moved.id == link.id
    assert moved.unique_id == gateway_entity_id(entry.unique_id, "acs_connection")
    assert moved.name == "ACS link"
    # The running gateway uses that entity (no second one was created).
    await session(hass, acs, entry, "0 BOOTSTRAP", wake=False)
    assert hass.states.get("binary_sensor.acs_link").state == "on"
    ids = [item.entity_id for item in er.async_entries_for_config_entry(entity_registry, ENTRY_ID)]
    assert ids.count("binary_sensor.acs_link") == 1
    assert not [entity_id for entity_id in ids if entity_id.endswith("_acs_connection")]


async def test_meter_devices_and_sensors_take_the_new_identities(
    hass: HomeAssistant,
    acs: LocalAcs,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
    mock_config_entry: MockConfigEntry,
) -> None:
    entry = old_entry(mock_config_entry, root="InternetGatewayDevice")
    entry.add_to_hass(hass)
    # A serial number with an underscore: the old unique ID alone could not be split.
    meter = device_registry.async_get_or_create(
        config_entry_id=ENTRY_ID, identifiers={(DOMAIN, f"{OLD_GATEWAY}_meter_26_b")}
    )
    sensor = entity_registry.async_get_or_create(
        "sensor",
        DOMAIN,
        f"{ENTRY_ID}_26_b_export_T1",
        config_entry=entry,
        device_id=meter.id,
        suggested_object_id="main_meter_export",
    )
    other = entity_registry.async_get_or_create(
        "sensor", DOMAIN, "someone-else", config_entry=entry
    )

    assert await async_migrate_entry(hass, entry)
    gateway = unique_id_for(entry.data)
    assert entry.data[CONF_IDENTITY][CONF_ROOT] == "internet_gateway_device"
    migrated = device_registry.async_get(meter.id)
    assert migrated is not None
    assert migrated.identifiers == {(DOMAIN, meter_identifier(gateway, "26_b"))}
    moved = entity_registry.async_get(sensor.entity_id)
    assert moved is not None
    assert moved.unique_id == reading_entity_id(gateway, "26_b", "export_T1")
    untouched = entity_registry.async_get(other.entity_id)
    assert untouched is not None
    assert untouched.unique_id == "someone-else"
    # Migrated once: a second run changes nothing.
    assert await async_migrate_entry(hass, entry)
    assert entity_registry.async_get(sensor.entity_id) == moved


async def test_two_old_entries_of_one_gateway_at_one_acs_host(
    hass: HomeAssistant, acs: LocalAcs, mock_config_entry: MockConfigEntry
) -> None:
    first = old_entry(mock_config_entry)
    first.add_to_hass(hass)
    assert await async_migrate_entry(hass, first)
    # The same gateway at another path of the same ACS host: one entry per host now.
    second = old_entry(
        mock_config_entry,
        entry_id="01JTR069SECOND00000000000000",
        data={**first.data, CONF_ACS_URL: f"{acs.url}other"},
        unique_id=f"{SERIAL}@{acs.url}other",
    )
    second.add_to_hass(hass)
    assert not await async_migrate_entry(hass, second)
    assert second.minor_version == 2


async def test_a_newer_entry_is_refused(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    entry = old_entry(mock_config_entry, version=2)
    entry.add_to_hass(hass)
    assert not await async_migrate_entry(hass, entry)


async def test_the_gateway_added_again_gets_its_devices_and_entities_back(
    hass: HomeAssistant,
    acs: LocalAcs,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
    init_integration: MockConfigEntry,
) -> None:
    first = init_integration
    before = {
        item.unique_id: item.entity_id
        for item in er.async_entries_for_config_entry(entity_registry, first.entry_id)
    }
    assert before
    await hass.config_entries.async_remove(first.entry_id)
    await hass.async_block_till_done()

    again = MockConfigEntry(
        domain=DOMAIN,
        minor_version=CURRENT_MINOR_VERSION,
        entry_id="01JTR069AGAIN000000000000000",
        title=first.title,
        unique_id=first.unique_id,
        data=first.data,
        options=first.options,
    )
    again.add_to_hass(hass)
    assert await hass.config_entries.async_setup(again.entry_id)
    await hass.async_block_till_done()
    after = {
        item.unique_id: item.entity_id
        for item in er.async_entries_for_config_entry(entity_registry, again.entry_id)
    }
    # Same unique IDs, same entity IDs: the history recorded under them continues.
    assert after == before
    assert gateway_device(device_registry, again) is not None
    await session(hass, acs, again, "0 BOOTSTRAP", wake=False)
    assert agent_of(again).status.connected is True
