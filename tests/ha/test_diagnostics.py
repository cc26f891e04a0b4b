"""Diagnostics: settings, agent status and the data model, secrets redacted."""

from __future__ import annotations

from collections.abc import Callable
import json
from typing import Any

from homeassistant.const import CONF_PASSWORD, CONF_USERNAME, __version__ as ha_version
from homeassistant.core import HomeAssistant
import homeassistant.util.dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.syrupy import ANY
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.tr069.const import CONF_CA_CERTIFICATE
from local_acs import LocalAcs, rpc

from .common import SERIAL, session
from .test_meters import download

pytestmark = pytest.mark.usefixtures("unload_at_end")

REDACTED = "**REDACTED**"
MS = "Device.ManagementServer."


def volatile(acs: LocalAcs, cr_port: int) -> Callable[..., Any]:
    """Snapshot matcher for what changes from run to run (ports, times, host machine)."""

    def matcher(*, data: Any, path: Any) -> Any:
        key = path[-1][0] if path else None
        if data == acs.url:
            return "http://127.0.0.1:<acs port>/"
        if key == "connection_request_port":
            assert data == cr_port
            return ANY
        if key in ("last_inform", "last_session_end") and data is not None:
            assert dt_util.parse_datetime(data) is not None
            return ANY
        if key == "Device.DeviceInfo.Description":
            assert data == f"Home Assistant {ha_version}"
            return "Home Assistant <version>"
        if key in ("Device.DeviceInfo.UpTime", "Device.DeviceInfo.HardwareVersion"):
            return ANY
        if isinstance(key, str) and key.endswith(".LastUpdate"):
            assert dt_util.parse_datetime(data.replace("Z", "+00:00")) is not None
            return ANY
        return data

    return matcher


@pytest.fixture
def entry_data(entry_data: dict[str, Any], acs: LocalAcs) -> dict[str, Any]:
    """Credentials and a CA certificate in the entry, to see them redacted."""
    return {
        **entry_data,
        CONF_USERNAME: "cpe-user",
        CONF_PASSWORD: "cpe-secret",
        CONF_CA_CERTIFICATE: "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----",
    }


async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    acs: LocalAcs,
    cr_port: int,
    init_integration: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    assert diagnostics == snapshot(matcher=volatile(acs, cr_port))
    text = json.dumps(diagnostics)
    for secret in ("cpe-user", "cpe-secret", "BEGIN CERTIFICATE", f"127.0.0.1:{cr_port}"):
        assert secret not in text


async def test_diagnostics_redact_meter_locations(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    acs: LocalAcs,
    init_integration: MockConfigEntry,
) -> None:
    document = {
        "timestamp": "2024-05-01T10:00:00Z",
        "items": [
            {
                "serial": "26",
                "vendor": "PIKKETRON",
                "type": "electricityMeter",
                "location": {"lat": 49.2, "lng": 16.6},
                "T1": "53kWh",
            }
        ],
    }
    await download(hass, acs, init_integration, "meters.json", json.dumps(document).encode())
    values = acs.queue(SERIAL, rpc.get_parameter_values(["Device.X_00D09E_Meter.1.Latitude"]))
    await session(hass, acs, init_integration)
    assert (await values.result()).values == {"Device.X_00D09E_Meter.1.Latitude": "49.2"}

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    parameters = diagnostics["parameters"]
    assert parameters["Device.X_00D09E_Meter.1.SerialNumber"] == "26"
    assert parameters["Device.X_00D09E_Meter.1.Reading.1.Value"] == "53"
    assert parameters["Device.X_00D09E_Meter.1.Latitude"] == REDACTED
    assert parameters["Device.X_00D09E_Meter.1.Longitude"] == REDACTED
    assert "49.2" not in json.dumps(diagnostics)
