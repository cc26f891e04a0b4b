"""Logbook lines of the gateway's events, on the devices they concern."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.components.recorder import Recorder
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.tr069.const import (
    DOMAIN,
    EVENT_CONFIGURATION_APPLIED,
    EVENT_CONFIGURATION_REJECTED,
    EVENT_METER_UPDATED,
)
from custom_components.tr069.logbook import (
    async_describe_events,
    describe_configuration_applied,
    describe_configuration_rejected,
    describe_meter_updated,
)
from local_acs import LocalAcs

from .common import gateway_device, meter_device
from .test_meters import download, read


@pytest.fixture
def mock_recorder_before_hass(async_test_recorder: Any) -> None:
    """The recorder's database is prepared before Home Assistant starts."""


def test_configuration_applied() -> None:
    data = {
        "config_entry_id": "entry",
        "file": "format_a.json",
        "added": ["26", "987"],
        "updated": ["1234"],
        "removed": [],
    }
    assert describe_configuration_applied(data, "TR-069 gateway HA0001") == {
        "name": "TR-069 gateway HA0001",
        "message": "applied configuration file format_a.json: meters 2 added, 1 updated, 0 removed",
    }
    assert describe_configuration_applied(data, None)["name"] == "TR-069 gateway"


def test_profile_installed_and_files_rejected() -> None:
    installed = {"kind": "format_profile", "file": "de.json", "profile": "de-zaehlerstaende"}
    assert describe_configuration_applied(installed, None)["message"] == (
        "installed format profile de-zaehlerstaende from de.json"
    )
    rejected = {"kind": "configuration_file", "file": "a.json", "error": "items[0]: no serial"}
    assert describe_configuration_rejected(rejected, "TR-069 gateway HA0001") == {
        "name": "TR-069 gateway HA0001",
        "message": "rejected configuration file a.json: items[0]: no serial",
    }
    bad_profile = {"kind": "format_profile", "file": "p.json", "error": "profile: required"}
    assert describe_configuration_rejected(bad_profile, None) == {
        "name": "TR-069 gateway",
        "message": "rejected format profile p.json: profile: required",
    }


def test_meter_updated_by_the_acs_and_by_a_file() -> None:
    by_acs = {
        "serial": "26",
        "readings": {"T2": 77.5, "T1": None},
        "units": {"T2": "kWh", "T1": "kWh"},
        "source": "acs",
    }
    assert describe_meter_updated(by_acs, "Main switchboard") == {
        "name": "Main switchboard",
        "message": "updated by the ACS: T2 77.5 kWh, T1 unknown",
    }
    by_file = {"serial": "987", "readings": {"status": "ok"}, "source": "configuration_file"}
    assert describe_meter_updated(by_file, None) == {
        "name": "Meter 987",
        "message": "updated by a configuration file: status ok",
    }


def test_both_events_are_described(hass: HomeAssistant) -> None:
    described: dict[str, Callable[[Event], dict[str, str]]] = {}

    def describe(domain: str, event_type: str, fn: Callable[[Event], dict[str, str]]) -> None:
        assert domain == DOMAIN
        described[event_type] = fn

    async_describe_events(hass, describe)
    assert described.keys() == {
        EVENT_CONFIGURATION_APPLIED,
        EVENT_CONFIGURATION_REJECTED,
        EVENT_METER_UPDATED,
    }
    unknown_device = Event(EVENT_METER_UPDATED, {"device_id": "gone", "serial": "26"})
    assert described[EVENT_METER_UPDATED](unknown_device)["name"] == "Meter 26"


async def device_logbook(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, device: dr.DeviceEntry
) -> list[dict[str, Any]]:
    """What a device's page shows in its logbook (the frontend's own query)."""
    await async_wait_recording_done(hass)
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "logbook/get_events",
            "start_time": "2000-01-01T00:00:00+00:00",
            "device_ids": [device.id],
        }
    )
    response = await client.receive_json()
    assert response["success"], response
    return [entry for entry in response["result"] if entry.get("domain") == DOMAIN]


@pytest.mark.usefixtures("unload_at_end")
async def test_the_events_are_on_the_devices_logbooks(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    acs: LocalAcs,
    device_registry: dr.DeviceRegistry,
    init_integration: MockConfigEntry,
) -> None:
    entry = init_integration
    # The logbook's panel needs the frontend, whose files are not installed here.
    hass.config.components.add("frontend")
    assert await async_setup_component(hass, "logbook", {})
    await download(hass, acs, entry, "format_a.json", read("format_a.json"))
    await download(hass, acs, entry, "format_a_update.json", read("format_a_update.json"))
    gateway = gateway_device(device_registry, entry)
    energy = meter_device(device_registry, entry, "26")
    assert gateway is not None
    assert energy is not None
    device_registry.async_update_device(energy.id, name_by_user="Main switchboard")

    assert [item["message"] for item in await device_logbook(hass, hass_ws_client, gateway)] == [
        "applied configuration file format_a.json: meters 3 added, 0 updated, 0 removed",
        "applied configuration file format_a_update.json: meters 0 added, 3 updated, 0 removed",
    ]
    [line] = await device_logbook(hass, hass_ws_client, energy)
    assert line["name"] == "Main switchboard"
    assert line["message"] == "updated by a configuration file: T1 53.0 kWh, T2 41.0 kWh"
