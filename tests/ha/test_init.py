"""Setting up, unloading, restarting and removing an entry; the ACS driving the agent."""

from __future__ import annotations

from datetime import timedelta
import socket
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import __version__ as ha_version
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.system_info import async_get_system_info
import homeassistant.util.dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from syrupy.assertion import SnapshotAssertion

from custom_components.tr069.const import (
    CONF_ACS_URL,
    CONF_CR_PORT,
    CONF_PERIODIC_INFORM_INTERVAL,
    CONF_PROVISIONING_CODE,
    DOMAIN,
)
from local_acs import LocalAcs, ParameterInfo, rpc
from tests.agent_harness import assert_schema_valid
from tr069_cpe import VERSION

from .common import (
    SERIAL,
    agent_of,
    cr_credentials,
    event_codes,
    gateway_device,
    session,
    session_ended,
    wait_for,
)

pytestmark = pytest.mark.usefixtures("unload_at_end")

MS = "Device.ManagementServer."


def storage_key(entry: MockConfigEntry) -> str:
    return f"{DOMAIN}.{entry.entry_id}"


async def test_unload_releases_the_connection_request_port(
    hass: HomeAssistant, acs: LocalAcs, init_integration: MockConfigEntry, cr_port: int
) -> None:
    entry = init_integration
    url = agent_of(entry).status.connection_request_url
    assert url.startswith(f"http://127.0.0.1:{cr_port}/")
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.NOT_LOADED
    with socket.socket() as sock:
        sock.bind(("0.0.0.0", cr_port))
        sock.listen()


async def test_port_in_use_is_retried(
    hass: HomeAssistant, acs: LocalAcs, mock_config_entry: MockConfigEntry, cr_port: int
) -> None:
    mock_config_entry.add_to_hass(hass)
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", cr_port))
        taken.listen()
        assert not await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
    # Another program holds the port for now: Home Assistant retries.
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    assert mock_config_entry.reason is not None
    assert str(cr_port) in mock_config_entry.reason
    assert acs.informs == []
    # The port is free again: the retry works.
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=2))
    await wait_for(
        lambda: mock_config_entry.state is ConfigEntryState.LOADED, what="the retried setup"
    )
    inform = await session(hass, acs, mock_config_entry, "0 BOOTSTRAP", wake=False)
    assert event_codes(inform) == ["0 BOOTSTRAP", "1 BOOT"]


@pytest.mark.parametrize("entry_data", [{CONF_ACS_URL: "http://127.0.0.1:1/"}], indirect=True)
async def test_unreachable_acs_is_no_setup_failure(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    entry = mock_config_entry
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.LOADED
    agent = agent_of(entry)
    await wait_for(lambda: agent.status.sessions >= 1, what="the first session")
    await hass.async_block_till_done()
    assert hass.states.get("binary_sensor.tr_069_gateway_ha0001_acs_connection").state == "off"
    assert (
        hass.states.get("sensor.tr_069_gateway_ha0001_last_session_outcome").state
        == "cannot_connect"
    )


async def test_restart_is_a_boot_from_the_stored_state(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    acs: LocalAcs,
    init_integration: MockConfigEntry,
) -> None:
    entry = init_integration
    agent = agent_of(entry)
    stored = hass_storage[storage_key(entry)]
    assert stored["data"]["bootstrapped_url"] == acs.url
    assert stored["data"]["events"] == []
    url, credentials = agent.status.connection_request_url, cr_credentials(agent)

    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    restarted = agent_of(entry)
    assert restarted is not agent
    inform = await session(hass, acs, entry, "1 BOOT", wake=False)
    assert event_codes(inform) == ["1 BOOT"]
    # Same Connection Request URL and credentials: the ACS can still wake it up.
    assert restarted.status.connection_request_url == url
    assert cr_credentials(restarted) == credentials
    inform = await session(hass, acs, entry)
    assert event_codes(inform) == ["6 CONNECTION REQUEST"]


async def test_remove_entry_deletes_the_stored_state(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    init_integration: MockConfigEntry,
) -> None:
    entry = init_integration
    assert storage_key(entry) in hass_storage
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert storage_key(entry) not in hass_storage
    assert hass.config_entries.async_entries(DOMAIN) == []


async def test_gateway_device(
    hass: HomeAssistant,
    device_registry: dr.DeviceRegistry,
    init_integration: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    device = gateway_device(device_registry, init_integration)
    assert device is not None
    assert device == snapshot(exclude=lambda prop, path: prop in ("hw_version", "sw_version"))


async def test_connection_request_brings_an_inform(
    hass: HomeAssistant, acs: LocalAcs, init_integration: MockConfigEntry
) -> None:
    entry = init_integration
    agent = agent_of(entry)
    username, password = cr_credentials(agent)
    # Random credentials by default: the serial number and a secret.
    assert username == SERIAL
    assert len(password) >= 16
    assert await acs.connection_request(agent.status.connection_request_url, username, "x") == 401
    inform = await session(hass, acs, entry)
    assert event_codes(inform) == ["6 CONNECTION REQUEST"]
    assert inform.params[f"{MS}ConnectionRequestURL"] == agent.status.connection_request_url


async def test_the_acs_reads_and_writes_the_data_model(
    hass: HomeAssistant, acs: LocalAcs, init_integration: MockConfigEntry
) -> None:
    entry = init_integration
    names = acs.queue(SERIAL, rpc.get_parameter_names(MS, next_level=True))
    values = acs.queue(
        SERIAL, rpc.get_parameter_values(["Device.DeviceInfo.SerialNumber", f"{MS}URL"])
    )
    write = acs.queue(
        SERIAL,
        rpc.set_parameter_values(
            [(f"{MS}PeriodicInformInterval", 900, "xsd:unsignedInt")], "ha-key"
        ),
    )
    read_back = acs.queue(SERIAL, rpc.get_parameter_values([f"{MS}ParameterKey"]))
    await session(hass, acs, entry)

    found = (await names.result()).response["ParameterList"]
    assert ParameterInfo(f"{MS}PeriodicInformInterval", True) in found
    assert (await values.result()).values == {
        "Device.DeviceInfo.SerialNumber": SERIAL,
        f"{MS}URL": acs.url,
    }
    assert (await write.result()).status == 0
    assert (await read_back.result()).values == {f"{MS}ParameterKey": "ha-key"}
    assert agent_of(entry).datamodel.int_value(f"{MS}PeriodicInformInterval") == 900


async def test_reboot_from_the_acs_restarts_the_agent(
    hass: HomeAssistant, acs: LocalAcs, init_integration: MockConfigEntry
) -> None:
    entry = init_integration
    agent = agent_of(entry)
    reboot = acs.queue(SERIAL, rpc.reboot("rb-1"))
    await session(hass, acs, entry)
    assert (await reboot.result()).ok
    inform = await acs.wait_for_inform(serial=SERIAL, event="M Reboot")
    assert event_codes(inform) == ["1 BOOT", "M Reboot"]
    assert [event.command_key for event in inform.events] == ["", "rb-1"]
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    restarted = agent_of(entry)
    assert restarted is not agent
    await wait_for(lambda: restarted.status.sessions >= 1, what="the session after the reboot")
    await hass.async_block_till_done()
    assert hass.states.get("binary_sensor.tr_069_gateway_ha0001_acs_connection").state == "on"
    # The restarted agent answers Connection Requests.
    await session(hass, acs, entry)


async def test_the_acs_moves_the_gateway_and_a_restart_keeps_it_there(
    hass: HomeAssistant, acs: LocalAcs, init_integration: MockConfigEntry
) -> None:
    entry = init_integration
    async with LocalAcs() as other:
        move = acs.queue(SERIAL, rpc.set_parameter_values([(f"{MS}URL", other.url, "xsd:string")]))
        await session(hass, acs, entry)
        assert (await move.result()).status == 0
        inform = await other.wait_for_inform(serial=SERIAL, event="0 BOOTSTRAP")
        assert event_codes(inform) == ["0 BOOTSTRAP"]
        await wait_for(lambda: session_ended(agent_of(entry), inform), what="the bootstrap")
        assert agent_of(entry).status.acs_url == other.url

        # The user did not change the URL: after a restart the ACS's choice stands.
        assert await hass.config_entries.async_reload(entry.entry_id)
        inform = await other.wait_for_inform(serial=SERIAL, event="1 BOOT")
        assert event_codes(inform) == ["1 BOOT"]
        await wait_for(lambda: session_ended(agent_of(entry), inform), what="the boot session")
        assert agent_of(entry).acs_url == other.url
        assert len(acs.informs) == 2
        await hass.config_entries.async_unload(entry.entry_id)
        assert_schema_valid(other)


async def test_the_gateway_tells_the_acs_what_it_runs_on(
    hass: HomeAssistant, acs: LocalAcs, init_integration: MockConfigEntry
) -> None:
    info = await async_get_system_info(hass)
    machine = f"{info['installation_type']} ({info['arch']})"
    [inform] = acs.informs
    # HardwareVersion is a forced Inform parameter: GenieACS shows it and its presets use it.
    assert inform.params["Device.DeviceInfo.HardwareVersion"] == machine
    values = acs.queue(
        SERIAL,
        rpc.get_parameter_values(["Device.DeviceInfo.ModelName", "Device.DeviceInfo.Description"]),
    )
    await session(hass, acs, init_integration)
    assert (await values.result()).values == {
        "Device.DeviceInfo.ModelName": "Home Assistant TR-069 Gateway",
        "Device.DeviceInfo.Description": f"Home Assistant {ha_version} on {machine}, "
        f"TR-069 Gateway {VERSION}",
    }


async def test_the_provisioning_code_from_the_options(
    hass: HomeAssistant, acs: LocalAcs, init_integration: MockConfigEntry, cr_port: int
) -> None:
    entry = init_integration
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_PERIODIC_INFORM_INTERVAL: 300,
            CONF_CR_PORT: cr_port,
            CONF_PROVISIONING_CODE: " TLCO.GRP2 ",
        },
    )
    assert entry.options[CONF_PROVISIONING_CODE] == "TLCO.GRP2"
    await hass.async_block_till_done()
    # A forced Inform parameter: the restarted gateway's BOOT carries it.
    inform = await session(hass, acs, entry, "1 BOOT", wake=False)
    assert inform.params["Device.DeviceInfo.ProvisioningCode"] == "TLCO.GRP2"
