"""Diagnostics: settings, agent status and the data model, secrets redacted."""

from __future__ import annotations

from collections.abc import Callable
import json
from typing import Any

from homeassistant.const import CONF_PASSWORD, CONF_USERNAME, __version__ as ha_version
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
import homeassistant.util.dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
    get_diagnostics_for_device,
)
from pytest_homeassistant_custom_component.syrupy import ANY
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from yarl import URL

from custom_components.tr069.const import (
    CONF_ACS_URL,
    CONF_CA_CERTIFICATE,
    CONF_CR_HOST,
    CONF_PROVISIONING_CODE,
)
from local_acs import LocalAcs, rpc

from .common import SERIAL, agent_of, gateway_device, meter_device, session, wait_for
from .test_meters import download

pytestmark = pytest.mark.usefixtures("unload_at_end")

REDACTED = "**REDACTED**"
MS = "Device.ManagementServer."


def volatile(acs: LocalAcs, cr_port: int) -> Callable[..., Any]:
    """Snapshot matcher for what changes from run to run (ports, times, host machine)."""

    port = str(URL(acs.url).port)

    def matcher(*, data: Any, path: Any) -> Any:
        key = path[-1][0] if path else None
        if isinstance(data, str) and port in data:
            return data.replace(port, "<acs port>")
        if key == "connection_request_port":
            assert data == cr_port
            return ANY
        if key in ("last_inform", "last_session_end") and data is not None:
            assert dt_util.parse_datetime(data) is not None
            return ANY
        if key == "Device.DeviceInfo.Description":
            assert data.startswith(f"Home Assistant {ha_version} on ")
            return "Home Assistant <version> on <machine>, TR-069 Gateway <version>"
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


@pytest.fixture
def mock_config_entry(
    mock_config_entry: MockConfigEntry, request: pytest.FixtureRequest
) -> MockConfigEntry:
    """The entry, with more options (indirect parameters)."""
    options = {**mock_config_entry.options, **getattr(request, "param", {})}
    return MockConfigEntry(
        domain=mock_config_entry.domain,
        minor_version=mock_config_entry.minor_version,
        entry_id=mock_config_entry.entry_id,
        title=mock_config_entry.title,
        unique_id=mock_config_entry.unique_id,
        data=mock_config_entry.data,
        options=options,
    )


# The ACS's host and the gateway's addresses too (all 127.0.0.1 here).
SECRETS = ("cpe-user", "cpe-secret", "BEGIN CERTIFICATE", "127.0.0.1", SERIAL, "203.0.113.7")


# An advertised Connection Request host (no Connection Request in this test: the ACS
# could not reach it) and a provisioning code, to see them redacted.
@pytest.mark.parametrize(
    "mock_config_entry",
    [{CONF_CR_HOST: "203.0.113.7:17547", CONF_PROVISIONING_CODE: "TLCO.C0FF"}],
    indirect=True,
)
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
    for secret in (*SECRETS, "TLCO.C0FF", f":{cr_port}/"):
        assert secret not in text
    assert diagnostics["entry"]["data"][CONF_ACS_URL] == f"http://{REDACTED}:{URL(acs.url).port}/"


async def test_diagnostics_of_a_meter_redact_its_serial_and_location(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    acs: LocalAcs,
    device_registry: dr.DeviceRegistry,
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
    assert parameters["Device.X_00D09E_Meter.1.Reading.1.Value"] == "53"
    for name in ("SerialNumber", "Latitude", "Longitude"):
        assert parameters[f"Device.X_00D09E_Meter.1.{name}"] == REDACTED
    assert "49.2" not in json.dumps(diagnostics)

    # The meter's own diagnostics, from its device page.
    device = meter_device(device_registry, init_integration, "26")
    assert device is not None
    meter = await get_diagnostics_for_device(hass, hass_client, init_integration, device)
    assert meter["meter"] == {
        "kind": "electricityMeter",
        "type": "electricityMeter",
        "vendor": "PIKKETRON",
        "name": "",
        "serial_number": REDACTED,
        "location": REDACTED,
        "readings": {
            "T1": {"value": 53.0, "unit": "kWh", "last_update": "2024-05-01T10:00:00+00:00"}
        },
    }
    assert meter["parameters"] == {
        path: value
        for path, value in parameters.items()
        if path.startswith("Device.X_00D09E_Meter.1.")
    }
    assert "49.2" not in json.dumps(meter)
    # The gateway's device page gives the entry's.
    gateway = gateway_device(device_registry, init_integration)
    assert gateway is not None
    whole = await get_diagnostics_for_device(hass, hass_client, init_integration, gateway)
    assert whole.keys() == diagnostics.keys()


@pytest.mark.parametrize("entry_data", [{CONF_ACS_URL: "http://127.0.0.1:1/"}], indirect=True)
async def test_a_failed_session_is_reported_without_the_acs_host(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    entry_data: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    unload_at_end: None,
) -> None:
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    agent = agent_of(mock_config_entry)
    await wait_for(lambda: agent.status.sessions >= 1, what="the failed session")
    assert "127.0.0.1" in (agent.status.last_error or "")
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, mock_config_entry)
    last_error = diagnostics["status"]["last_error"]
    assert REDACTED in last_error
    assert "127.0.0.1" not in json.dumps(diagnostics)
