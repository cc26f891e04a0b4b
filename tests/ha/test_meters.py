"""Meters: configuration files downloaded from the ACS become devices and sensors."""

from __future__ import annotations

import json
from pathlib import Path

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import Platform
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    snapshot_platform,
)
from pytest_homeassistant_custom_component.typing import WebSocketGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.tr069.const import (
    DOMAIN,
    EVENT_CONFIGURATION_APPLIED,
    EVENT_METER_UPDATED,
)
from custom_components.tr069.unique_id import meter_identifier
from local_acs import CpeRequestRecord, LocalAcs, rpc

from .common import (
    METERS,
    SERIAL,
    agent_of,
    event_codes,
    gateway_device,
    gateway_id,
    meter_device,
    remove_device,
    session,
    wait_for,
)

pytestmark = pytest.mark.usefixtures("unload_at_end")

FILES = Path(__file__).parent.parent / "meters" / "files"
CONFIG_FILE = "3 Vendor Configuration File"

ENERGY_T1 = "sensor.pikketron_26_energy_t1"
ENERGY_T2 = "sensor.pikketron_26_energy_t2"
HUMIDITY = "sensor.webtech_987_humidity"
TEMPERATURE = "sensor.webtech_987_temperature"
WARM = "sensor.bonega_1234_warm_water"
COLD = "sensor.bonega_1234_cold_water"
METER_ENTITIES = (ENERGY_T1, ENERGY_T2, HUMIDITY, TEMPERATURE, WARM, COLD)


def changes(event: Event) -> dict[str, object]:
    """What a configuration event says changed (its report has more)."""
    keys = ("config_entry_id", "kind", "status", "file", "added", "updated", "removed")
    return {key: event.data[key] for key in keys}


def read(name: str) -> bytes:
    return (FILES / name).read_bytes()


def states(hass: HomeAssistant) -> dict[str, str | None]:
    return {
        entity_id: state.state if (state := hass.states.get(entity_id)) else None
        for entity_id in METER_ENTITIES
    }


async def download(
    hass: HomeAssistant,
    acs: LocalAcs,
    entry: MockConfigEntry,
    name: str,
    content: bytes,
) -> CpeRequestRecord:
    """The ACS has the gateway download a configuration file; its TransferComplete."""
    acs.serve_file(name, content)
    task = acs.queue(SERIAL, rpc.download(acs.file_url(name), CONFIG_FILE))
    await session(hass, acs, entry)
    assert (await task.result()).ok
    await session(hass, acs, entry, "7 TRANSFER COMPLETE", wake=False)
    await hass.async_block_till_done()
    return acs.transfer_completes[-1]


@pytest.fixture
async def with_meters(
    hass: HomeAssistant, acs: LocalAcs, init_integration: MockConfigEntry
) -> MockConfigEntry:
    """The gateway after the ACS sent format_a.json (three meters)."""
    complete = await download(hass, acs, init_integration, "format_a.json", read("format_a.json"))
    assert complete.fault is not None
    assert complete.fault.code == 0
    return init_integration


async def test_configuration_file_creates_meter_devices(
    hass: HomeAssistant,
    acs: LocalAcs,
    device_registry: dr.DeviceRegistry,
    init_integration: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    entry = init_integration
    applied = async_capture_events(hass, EVENT_CONFIGURATION_APPLIED)
    updated = async_capture_events(hass, EVENT_METER_UPDATED)
    complete = await download(hass, acs, entry, "format_a.json", read("format_a.json"))
    assert complete.fault is not None
    assert complete.fault.code == 0

    gateway = gateway_device(device_registry, entry)
    assert gateway is not None
    # On the gateway's device (its logbook shows them).
    assert {event.data["device_id"] for event in applied} == {gateway.id}
    assert [changes(event) for event in applied] == [
        {
            "config_entry_id": entry.entry_id,
            "kind": "configuration_file",
            "status": "applied",
            "file": "format_a.json",
            "added": ["26", "987", "1234"],
            "updated": [],
            "removed": [],
        }
    ]
    # Counters at 0 without a time in a meter's first declaration: not read yet.
    assert applied[0].data["not_read"] == ["26 T1", "26 T2"]
    assert updated == []  # New meters are "added", not "updated".

    meters = sorted(
        (
            device
            for device in dr.async_entries_for_config_entry(device_registry, entry.entry_id)
            if device.id != gateway.id
        ),
        key=lambda device: device.serial_number or "",
    )
    assert [(device.manufacturer, device.model, device.name) for device in meters] == [
        ("BONEGA", "Water meter", "BONEGA 1234"),
        ("PIKKETRON", "Electricity meter", "PIKKETRON 26"),
        ("WEBTECH", "Temperature and humidity sensor", "WEBTECH 987"),
    ]
    # The file's own type name stays visible as the model ID.
    assert [device.model_id for device in meters] == [
        "waterMeter",
        "electricityMeter",
        "temperatureHumidity",
    ]
    for device in meters:
        assert device.via_device_id == gateway.id
        assert device == snapshot(name=f"device-{device.serial_number}")
    assert states(hass) == {
        ENERGY_T1: "unknown",
        ENERGY_T2: "unknown",
        HUMIDITY: "0.0",
        TEMPERATURE: "0.0",
        WARM: "1.0",
        COLD: "1.0",
    }


@pytest.mark.parametrize("platforms", [[Platform.SENSOR]], ids=["sensor"])
@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_meter_sensors(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    with_meters: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    await snapshot_platform(
        hass,
        entity_registry,
        snapshot,
        with_meters.entry_id,
    )


async def test_updated_file_updates_the_readings(
    hass: HomeAssistant,
    acs: LocalAcs,
    device_registry: dr.DeviceRegistry,
    with_meters: MockConfigEntry,
) -> None:
    applied = async_capture_events(hass, EVENT_CONFIGURATION_APPLIED)
    updated = async_capture_events(hass, EVENT_METER_UPDATED)
    complete = await download(
        hass, acs, with_meters, "format_a_update.json", read("format_a_update.json")
    )
    assert complete.fault is not None
    assert complete.fault.code == 0
    assert states(hass) == {
        ENERGY_T1: "53.0",
        ENERGY_T2: "41.0",
        HUMIDITY: "43.0",
        TEMPERATURE: "25.5",
        WARM: "135241.0",
        COLD: "458771.0",
    }
    gateway_device_id = with_meters.runtime_data.devices.gateway_device_id
    assert {event.data["device_id"] for event in applied} == {gateway_device_id}
    assert [changes(event) for event in applied] == [
        {
            "config_entry_id": with_meters.entry_id,
            "kind": "configuration_file",
            "status": "applied",
            "file": "format_a_update.json",
            "added": [],
            "updated": ["26", "987", "1234"],
            "removed": [],
        }
    ]
    assert sorted(
        (event.data["serial"], event.data["readings"], event.data["source"]) for event in updated
    ) == [
        ("1234", {"warm": 135241.0, "cold": 458771.0}, "configuration_file"),
        ("26", {"T1": 53.0, "T2": 41.0}, "configuration_file"),
        ("987", {"humidity": 43.0, "temperature": 25.5}, "configuration_file"),
    ]
    assert {event.data["config_entry_id"] for event in updated} == {with_meters.entry_id}
    # Each on its meter's device, with the units of its readings.
    for event in updated:
        device = meter_device(device_registry, with_meters, event.data["serial"])
        assert device is not None
        assert event.data["device_id"] == device.id
    assert {event.data["serial"]: event.data["units"] for event in updated} == {
        "1234": {"warm": "L", "cold": "L"},
        "26": {"T1": "kWh", "T2": "kWh"},
        "987": {"humidity": "%", "temperature": "°C"},
    }


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(read("format_a_update.json")[:-20], id="truncated"),
        pytest.param(
            json.dumps(
                {
                    "items": [
                        {"serial": "26", "type": "electricityMeter", "T1": "5kWh"},
                        {"serial": "26", "type": "electricityMeter", "T1": "6kWh"},
                    ]
                }
            ).encode(),
            id="duplicate_serials",
        ),
        pytest.param(
            read("format_a_update.json").replace(b"PIKKETRON", b"PIKK\xe9TRON"),
            id="not_utf8",
        ),
    ],
)
async def test_corrupt_file_is_refused_and_changes_nothing(
    hass: HomeAssistant, acs: LocalAcs, with_meters: MockConfigEntry, content: bytes
) -> None:
    before = states(hass)
    applied = async_capture_events(hass, EVENT_CONFIGURATION_APPLIED)
    updated = async_capture_events(hass, EVENT_METER_UPDATED)
    complete = await download(hass, acs, with_meters, "corrupt.json", content)
    # cwmp-1-0 knows only 9010-9012 in TransferComplete: the precise code leads the string.
    assert complete.session.namespace.endswith("cwmp-1-0")
    assert complete.fault is not None
    assert complete.fault.code == 9010
    assert complete.fault.string.startswith("9018 ")
    assert states(hass) == before
    assert applied == []
    assert updated == []


async def test_complete_file_without_a_meter_removes_its_device(
    hass: HomeAssistant,
    acs: LocalAcs,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
    with_meters: MockConfigEntry,
) -> None:
    entry = with_meters
    applied = async_capture_events(hass, EVENT_CONFIGURATION_APPLIED)
    water = meter_device(device_registry, entry, "1234")
    assert water is not None
    document = json.loads(read("format_a_update.json"))
    document["items"] = [item for item in document["items"] if item["serial"] != "1234"]
    await download(hass, acs, entry, "two.json", json.dumps(document).encode())

    assert applied[-1].data["removed"] == ["1234"]
    assert device_registry.async_get(water.id) is None
    assert entity_registry.async_get(WARM) is None
    assert hass.states.get(WARM) is None
    assert hass.states.get(COLD) is None
    assert hass.states.get(ENERGY_T1).state == "53.0"
    assert agent_of(entry).datamodel.int_value("Device.X_00D09E_MeterNumberOfEntries") == 2


async def test_partial_file_keeps_the_other_meters(
    hass: HomeAssistant, acs: LocalAcs, with_meters: MockConfigEntry
) -> None:
    document = {
        "partial": True,
        "items": [{"serial": "26", "vendor": "PIKKETRON", "type": "electricityMeter", "T1": 7}],
    }
    await download(hass, acs, with_meters, "partial.json", json.dumps(document).encode())
    assert states(hass) == {
        ENERGY_T1: "7.0",
        ENERGY_T2: "unknown",
        HUMIDITY: "0.0",
        TEMPERATURE: "0.0",
        WARM: "1.0",
        COLD: "1.0",
    }


def reading_path(entry: MockConfigEntry, serial: str, name: str) -> str:
    """The data-model path of a meter reading's Value."""
    table = entry.runtime_data.meter_gateway.table
    for instance, view in table.views().items():
        if view.serial == serial:
            base = f"{table.path}{instance}.Reading."
            for row in table.datamodel.table(base).instances:
                if table.datamodel.text_value(f"{base}{row}.Name") == name:
                    return f"{base}{row}.Value"
    raise AssertionError(f"no reading {name} of meter {serial}")


async def test_the_acs_writes_a_reading(
    hass: HomeAssistant, acs: LocalAcs, with_meters: MockConfigEntry
) -> None:
    entry = with_meters
    updated = async_capture_events(hass, EVENT_METER_UPDATED)
    path = reading_path(entry, "26", "T2")
    assert path.startswith(METERS)
    task = acs.queue(SERIAL, rpc.set_parameter_values([(path, "77.5", "xsd:string")], "meters"))
    await session(hass, acs, entry)
    assert (await task.result()).status == 0
    assert hass.states.get(ENERGY_T2).state == "77.5"
    assert [event.data for event in updated] == [
        {
            "config_entry_id": entry.entry_id,
            "device_id": entry.runtime_data.devices.meter_device_id("26"),
            "serial": "26",
            "readings": {"T2": 77.5},
            "units": {"T2": "kWh"},
            "source": "acs",
        }
    ]


async def test_the_acs_cannot_write_a_bad_reading(
    hass: HomeAssistant, acs: LocalAcs, with_meters: MockConfigEntry
) -> None:
    entry = with_meters
    path = reading_path(entry, "987", "humidity")
    task = acs.queue(SERIAL, rpc.set_parameter_values([(path, "120", "xsd:string")]))
    await session(hass, acs, entry)
    result = await task.result()
    assert result.fault is not None
    assert result.fault.code == 9003
    assert hass.states.get(HUMIDITY).state == "0.0"


async def test_a_reading_without_a_value_is_unknown(
    hass: HomeAssistant, acs: LocalAcs, with_meters: MockConfigEntry
) -> None:
    entry = with_meters
    path = reading_path(entry, "1234", "cold")
    task = acs.queue(SERIAL, rpc.set_parameter_values([(path, "", "xsd:string")]))
    await session(hass, acs, entry)
    assert (await task.result()).status == 0
    assert hass.states.get(COLD).state == "unknown"
    assert hass.states.get(WARM).state == "1.0"


async def test_the_acs_reads_the_meters(
    hass: HomeAssistant, acs: LocalAcs, with_meters: MockConfigEntry
) -> None:
    entry = with_meters
    names = acs.queue(SERIAL, rpc.get_parameter_names(METERS, next_level=True))
    values = acs.queue(SERIAL, rpc.get_parameter_values([METERS]))
    await session(hass, acs, entry)
    instances = [info.name for info in (await names.result()).response["ParameterList"]]
    assert instances == [f"{METERS}1.", f"{METERS}2.", f"{METERS}3."]
    found = (await values.result()).values
    assert found[f"{METERS}1.SerialNumber"] == "26"
    assert found[f"{METERS}2.Vendor"] == "WEBTECH"
    assert found[f"{METERS}3.Type"] == "waterMeter"
    readings = {
        found[f"{METERS}1.Reading.{row}.Name"]: found[f"{METERS}1.Reading.{row}.Value"]
        for row in (1, 2)
    }
    assert readings == {"T1": "", "T2": ""}  # not read yet


async def test_values_survive_a_restart(
    hass: HomeAssistant, acs: LocalAcs, with_meters: MockConfigEntry
) -> None:
    entry = with_meters
    await download(hass, acs, entry, "format_a_update.json", read("format_a_update.json"))
    seen: list[tuple[str, str, bool]] = []

    @callback
    def record(event: Event) -> None:
        if (new := event.data["new_state"]) is not None and new.entity_id in METER_ENTITIES:
            seen.append((new.entity_id, new.state, bool(new.attributes.get("restored"))))

    unsubscribe = hass.bus.async_listen("state_changed", record)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    unsubscribe()
    assert entry.state is ConfigEntryState.LOADED
    after = states(hass)
    assert after == {
        ENERGY_T1: "53.0",
        ENERGY_T2: "41.0",
        HUMIDITY: "43.0",
        TEMPERATURE: "25.5",
        WARM: "135241.0",
        COLD: "458771.0",
    }
    # Unloading leaves the registry's "unavailable" placeholder; the restarted entities
    # then show the stored value at once (never unknown, never 0).
    assert sorted(item for item in seen if not item[2]) == sorted(
        (entity_id, value, False) for entity_id, value in after.items()
    )
    assert all(state == "unavailable" for _, state, restored in seen if restored)
    await session(hass, acs, entry, "1 BOOT", wake=False)


async def test_factory_reset_from_the_acs_forgets_the_meters(
    hass: HomeAssistant,
    acs: LocalAcs,
    device_registry: dr.DeviceRegistry,
    with_meters: MockConfigEntry,
) -> None:
    entry = with_meters
    reset = acs.queue(SERIAL, rpc.factory_reset())
    await session(hass, acs, entry)
    assert (await reset.result()).ok
    inform = await acs.wait_for_inform(serial=SERIAL, event="0 BOOTSTRAP")
    assert event_codes(inform) == ["0 BOOTSTRAP", "1 BOOT"]
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    await wait_for(lambda: agent_of(entry).status.sessions >= 1, what="the bootstrap session")
    await hass.async_block_till_done()
    devices = dr.async_entries_for_config_entry(device_registry, entry.entry_id)
    assert [device.identifiers for device in devices] == [{(DOMAIN, gateway_id(entry))}]
    assert states(hass) == dict.fromkeys(METER_ENTITIES)
    assert hass.states.get("binary_sensor.tr_069_gateway_ha0001_acs_connection").state == "on"


async def test_stale_meter_devices_are_removed_at_setup(
    hass: HomeAssistant,
    acs: LocalAcs,
    device_registry: dr.DeviceRegistry,
    mock_config_entry: MockConfigEntry,
    patch_platforms: None,
) -> None:
    """A meter the data model lost while Home Assistant was down (registry saved late)."""
    mock_config_entry.add_to_hass(hass)
    stale = device_registry.async_get_or_create(
        config_entry_id=mock_config_entry.entry_id,
        identifiers={(DOMAIN, meter_identifier(gateway_id(mock_config_entry), "999"))},
        name="Old meter",
    )
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await session(hass, acs, mock_config_entry, "0 BOOTSTRAP", wake=False)
    assert device_registry.async_get(stale.id) is None
    assert gateway_device(device_registry, mock_config_entry) is not None


async def test_a_meter_without_serial_waits_for_one(
    hass: HomeAssistant,
    acs: LocalAcs,
    device_registry: dr.DeviceRegistry,
    with_meters: MockConfigEntry,
) -> None:
    entry = with_meters
    add = acs.queue(SERIAL, rpc.add_object(METERS))
    await session(hass, acs, entry)
    number = (await add.result()).response["InstanceNumber"]
    # Restarted with a serial-less meter in the data model: it has no device yet.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await session(hass, acs, entry, "1 BOOT", wake=False)
    assert len(dr.async_entries_for_config_entry(device_registry, entry.entry_id)) == 4
    task = acs.queue(
        SERIAL,
        rpc.set_parameter_values(
            [
                (f"{METERS}{number}.SerialNumber", "77", "xsd:string"),
                (f"{METERS}{number}.Type", "electricityMeter", "xsd:string"),
            ]
        ),
    )
    add_row = acs.queue(SERIAL, rpc.add_object(f"{METERS}{number}.Reading."))
    await session(hass, acs, entry)
    assert (await task.result()).status == 0
    row = (await add_row.result()).response["InstanceNumber"]
    reading = f"{METERS}{number}.Reading.{row}."
    name = acs.queue(SERIAL, rpc.set_parameter_values([(f"{reading}Name", "T1", "xsd:string")]))
    value = acs.queue(SERIAL, rpc.set_parameter_values([(f"{reading}Value", "3.5", "xsd:string")]))
    await session(hass, acs, entry)
    assert (await name.result()).status == 0
    assert (await value.result()).status == 0
    device = meter_device(device_registry, entry, "77")
    assert device is not None
    assert device.name == "77"
    assert device.manufacturer is None
    assert hass.states.get("sensor.77_energy_t1").state == "3.5"


async def test_the_acs_names_and_fills_a_reading_in_one_request(
    hass: HomeAssistant, acs: LocalAcs, with_meters: MockConfigEntry
) -> None:
    entry = with_meters
    add_row = acs.queue(SERIAL, rpc.add_object(f"{METERS}1.Reading."))
    await session(hass, acs, entry)
    reading = f"{METERS}1.Reading.{(await add_row.result()).response['InstanceNumber']}."
    task = acs.queue(
        SERIAL,
        rpc.set_parameter_values(
            [(f"{reading}Name", "T3", "xsd:string"), (f"{reading}Value", "12", "xsd:string")]
        ),
    )
    await session(hass, acs, entry)
    result = await task.result()
    assert result.status == 0, result.fault
    assert hass.states.get("sensor.pikketron_26_energy_t3").state == "12.0"


async def test_user_removes_a_device_whose_meter_is_gone(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    device_registry: dr.DeviceRegistry,
    with_meters: MockConfigEntry,
) -> None:
    entry = with_meters
    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass)
    ghost = device_registry.async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, meter_identifier(gateway_id(entry), "999"))},
    )
    response = await remove_device(client, ghost.id, entry.entry_id)
    assert response["success"]
    assert device_registry.async_get(ghost.id) is None
    assert len(entry.runtime_data.meters) == 3


async def test_user_removes_a_meter_device(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    acs: LocalAcs,
    device_registry: dr.DeviceRegistry,
    with_meters: MockConfigEntry,
) -> None:
    entry = with_meters
    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass)
    climate = meter_device(device_registry, entry, "987")
    gateway = gateway_device(device_registry, entry)
    assert climate is not None
    assert gateway is not None

    response = await remove_device(client, climate.id, entry.entry_id)
    assert response["success"]
    await hass.async_block_till_done()
    assert device_registry.async_get(climate.id) is None
    assert hass.states.get(HUMIDITY) is None
    serials = [view.serial for view in entry.runtime_data.meter_gateway.table.views().values()]
    assert serials == ["26", "1234"]

    # The gateway itself stays.
    response = await remove_device(client, gateway.id, entry.entry_id)
    assert not response["success"]
    assert device_registry.async_get(gateway.id) is not None

    # The ACS sees the meter gone too, and it stays gone after a restart.
    values = acs.queue(SERIAL, rpc.get_parameter_values(["Device.X_00D09E_MeterNumberOfEntries"]))
    await session(hass, acs, entry)
    assert (await values.result()).values == {"Device.X_00D09E_MeterNumberOfEntries": "2"}
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(HUMIDITY) is None
    assert meter_device(device_registry, entry, "987") is None
    await session(hass, acs, entry, "1 BOOT", wake=False)


async def test_a_reading_left_out_of_a_complete_file_loses_its_entity(
    hass: HomeAssistant,
    acs: LocalAcs,
    entity_registry: er.EntityRegistry,
    with_meters: MockConfigEntry,
) -> None:
    document = json.loads(read("format_a_update.json"))
    del document["items"][0]["T2"]
    await download(hass, acs, with_meters, "no_t2.json", json.dumps(document).encode())
    assert entity_registry.async_get(ENERGY_T2) is None
    assert hass.states.get(ENERGY_T2) is None
    assert hass.states.get(ENERGY_T1).state == "53.0"


async def test_a_renamed_meter_renames_its_device(
    hass: HomeAssistant,
    acs: LocalAcs,
    device_registry: dr.DeviceRegistry,
    with_meters: MockConfigEntry,
) -> None:
    document = json.loads(read("format_a.json"))
    document["items"][0].update({"name": "Main switchboard", "vendor": "PIKKETRON2"})
    await download(hass, acs, with_meters, "renamed.json", json.dumps(document).encode())
    device = meter_device(device_registry, with_meters, "26")
    assert device is not None
    assert device.name == "Main switchboard"
    assert device.manufacturer == "PIKKETRON2"


async def test_the_acs_changes_a_meter_serial(
    hass: HomeAssistant,
    acs: LocalAcs,
    device_registry: dr.DeviceRegistry,
    with_meters: MockConfigEntry,
) -> None:
    task = acs.queue(
        SERIAL, rpc.set_parameter_values([(f"{METERS}1.SerialNumber", "28", "xsd:string")])
    )
    await session(hass, acs, with_meters)
    assert (await task.result()).status == 0
    assert meter_device(device_registry, with_meters, "26") is None
    device = meter_device(device_registry, with_meters, "28")
    assert device is not None
    assert hass.states.get(ENERGY_T1) is None
    assert hass.states.get("sensor.pikketron_28_energy_t1").state == "unknown"


async def test_the_acs_deletes_and_adds_meters(
    hass: HomeAssistant,
    acs: LocalAcs,
    device_registry: dr.DeviceRegistry,
    with_meters: MockConfigEntry,
) -> None:
    delete = acs.queue(SERIAL, rpc.delete_object(f"{METERS}2."))
    add = acs.queue(SERIAL, rpc.add_object(METERS))
    await session(hass, acs, with_meters)
    assert (await delete.result()).status == 0
    added = await add.result()
    assert added.ok
    number = added.response["InstanceNumber"]
    assert number == 4  # 2 was deleted: instance numbers are never reused
    assert meter_device(device_registry, with_meters, "987") is None
    assert hass.states.get(HUMIDITY) is None

    base = f"{METERS}{number}."
    row = acs.queue(SERIAL, rpc.add_object(f"{base}Reading."))
    await session(hass, acs, with_meters)
    reading = f"{base}Reading.{(await row.result()).response['InstanceNumber']}."
    setup = acs.queue(
        SERIAL,
        rpc.set_parameter_values(
            [
                (f"{base}SerialNumber", "555", "xsd:string"),
                (f"{base}Vendor", "ACME", "xsd:string"),
                (f"{base}Type", "waterMeter", "xsd:string"),
                (f"{reading}Name", "cold", "xsd:string"),
            ]
        ),
    )
    await session(hass, acs, with_meters)
    assert (await setup.result()).status == 0
    # A reading the ACS named but gave no value yet: unknown, not 0.
    assert hass.states.get("sensor.acme_555_cold_water").state == "unknown"
    value = acs.queue(SERIAL, rpc.set_parameter_values([(f"{reading}Value", "12", "xsd:string")]))
    await session(hass, acs, with_meters)
    assert (await value.result()).status == 0
    assert hass.states.get("sensor.acme_555_cold_water").state == "12.0"


OTHER_READINGS = json.dumps(
    {
        "items": [
            {
                "serial": "E1",
                "vendor": "ACME",
                "type": "electricityMeter",
                "T1": "41000 Wh",
                "export_T1": "2 MWh",
                "total": 45,
                "export_total": "2000 kWh",
                "power": "1.2 kW",
                "net_power": "-300 W",
                "voltage_L1": "230.5 V",
                "current_L2": "1.5 A",
                "frequency": "50 Hz",
            },
            {
                "serial": "H1",
                "vendor": "ACME",
                "type": "heatMeter",
                "energy": "1.2 MWh",
                "volume": "3.5 m3",
                "flow_temperature": 55,
                "return_temperature": "40 °C",
                "flow": "400 L/h",
            },
            {"serial": "GAS1", "vendor": "ACME", "type": "gasMeter", "volume": "1250 L"},
            {"serial": "G1", "vendor": "ACME", "type": "heatPump", "power": "230 W", "mode": "eco"},
        ]
    }
).encode()


@pytest.mark.parametrize("platforms", [[Platform.SENSOR]], ids=["sensor"])
@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_other_readings_become_sensors(
    hass: HomeAssistant,
    acs: LocalAcs,
    entity_registry: er.EntityRegistry,
    init_integration: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    complete = await download(hass, acs, init_integration, "other.json", OTHER_READINGS)
    assert complete.fault is not None
    assert complete.fault.code == 0
    assert hass.states.get("sensor.acme_e1_energy_t1").state == "41.0"
    assert hass.states.get("sensor.acme_e1_energy_export_t1").state == "2000.0"
    await snapshot_platform(
        hass,
        entity_registry,
        snapshot,
        init_integration.entry_id,
    )


async def test_a_generic_reading_follows_its_unit_and_type(
    hass: HomeAssistant, acs: LocalAcs, init_integration: MockConfigEntry
) -> None:
    entry = init_integration
    await download(hass, acs, entry, "other.json", OTHER_READINGS)
    power = "sensor.acme_g1_power"
    state = hass.states.get(power)
    assert (state.state, state.attributes["unit_of_measurement"]) == ("230.0", "W")
    assert state.attributes["state_class"] == "measurement"
    changed = OTHER_READINGS.replace(b'"230 W"', b'"0.5 kW"')
    complete = await download(hass, acs, entry, "other2.json", changed)
    assert complete.fault.code == 0
    state = hass.states.get(power)
    assert (state.state, state.attributes["unit_of_measurement"]) == ("0.5", "kW")
    text = OTHER_READINGS.replace(b'"230 W"', b'"off"')
    complete = await download(hass, acs, entry, "other3.json", text)
    assert complete.fault.code == 0
    state = hass.states.get(power)
    assert state.state == "off"
    assert "unit_of_measurement" not in state.attributes
    assert "state_class" not in state.attributes


async def test_a_meter_status_is_a_text_sensor(
    hass: HomeAssistant,
    acs: LocalAcs,
    entity_registry: er.EntityRegistry,
    init_integration: MockConfigEntry,
) -> None:
    telegram = {"media": "cold water", "id": "66501234", "total_m3": 251.734, "status": "OK"}
    complete = await download(
        hass, acs, init_integration, "telegram.jsonl", json.dumps(telegram).encode()
    )
    assert complete.fault is not None
    assert complete.fault.code == 0
    (entity,) = [
        item
        for item in er.async_entries_for_config_entry(entity_registry, init_integration.entry_id)
        if item.translation_key == "meter_status"
    ]
    state = hass.states.get(entity.entity_id)
    assert state is not None
    assert state.state == "OK"
    assert state.attributes["friendly_name"].endswith("Meter status")
    assert "unit_of_measurement" not in state.attributes
    assert "state_class" not in state.attributes
    leaking = json.dumps(telegram | {"status": "LEAKING"}).encode()
    await download(hass, acs, init_integration, "telegram2.jsonl", leaking)
    assert hass.states.get(entity.entity_id).state == "LEAKING"
