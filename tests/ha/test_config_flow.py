"""Config flow: the user step (a real first session), reconfigure, reauth and options."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
import dataclasses
import socket
from typing import Any

import aiohttp
from homeassistant.config_entries import SOURCE_REAUTH, SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import DOMAIN as HA_DOMAIN, HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.tr069 import probe
from custom_components.tr069.const import (
    CONF_ACS_URL,
    CONF_ALLOW_RESTART,
    CONF_CA_CERTIFICATE,
    CONF_CR_HOST,
    CONF_CR_PORT,
    CONF_IDENTITY,
    CONF_OUI,
    CONF_PERIODIC_INFORM_INTERVAL,
    CONF_PRODUCT_CLASS,
    CONF_PROVISIONING_CODE,
    CONF_SERIAL_NUMBER,
    CONF_VERIFY_SSL,
    DOMAIN,
)
from custom_components.tr069.unique_id import acs_host, unique_id_for
from local_acs import LocalAcs, rpc
from local_acs.inject import Delay, NotAnAcs, ServiceUnavailable, Unauthorized
from tests.agent_harness import assert_schema_valid, free_port
from tr069_cpe import AgentConfig

from .common import (
    OUI,
    PRODUCT_CLASS,
    SERIAL,
    agent_of,
    event_codes,
    failed_session,
    identity,
    session,
    user_input,
    wait_for,
)

pytestmark = pytest.mark.usefixtures("unload_at_end")

MS = "Device.ManagementServer."
DIGEST_ACS = {"auth": "digest", "username": "cpe", "password": "pw"}


@pytest.fixture
async def other_acs() -> AsyncIterator[LocalAcs]:
    """A second ACS, for moving the gateway."""
    async with LocalAcs() as server:
        yield server
    assert_schema_valid(server)


async def start_user_flow(hass: HomeAssistant) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}
    return dict(result)


async def test_user_flow_runs_a_real_first_session(
    hass: HomeAssistant, acs: LocalAcs, cr_port: int
) -> None:
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(acs.url, cr_port)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == f"{SERIAL} @ {acs_host(acs.url)}"
    assert result["data"] == {
        CONF_ACS_URL: acs.url,
        CONF_USERNAME: "",
        CONF_PASSWORD: "",
        CONF_VERIFY_SSL: True,
        CONF_IDENTITY: identity(),
    }
    assert result["options"] == {CONF_PERIODIC_INFORM_INTERVAL: 300, CONF_CR_PORT: cr_port}
    entry = result["result"]
    # The gateway's identity at the ACS's host: no credentials, no entry ID.
    assert entry.unique_id == f"{OUI}-{PRODUCT_CLASS}-{SERIAL}@{acs_host(acs.url)}"

    probe = await acs.wait_for_inform(serial=SERIAL)
    assert event_codes(probe) == ["0 BOOTSTRAP", "1 BOOT"]

    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    # The entry's agent starts from the probe's state: a reboot, not a new bootstrap.
    inform = await session(hass, acs, entry, "1 BOOT")
    assert event_codes(inform) == ["1 BOOT"]
    assert [event_codes(record) for record in acs.informs] == [
        ["0 BOOTSTRAP", "1 BOOT"],
        ["1 BOOT"],
    ]
    assert agent_of(entry).status.connected is True
    assert (
        probe.params["Device.ManagementServer.ConnectionRequestURL"]
        == (inform.params["Device.ManagementServer.ConnectionRequestURL"])
    )


def _closed_port(acs: LocalAcs, data: dict[str, Any]) -> Callable[[], None]:
    data[CONF_ACS_URL] = f"http://127.0.0.1:{free_port()}/"
    return lambda: data.update({CONF_ACS_URL: acs.url})


def _wrong_password(acs: LocalAcs, data: dict[str, Any]) -> Callable[[], None]:
    data.update({CONF_USERNAME: "cpe", CONF_PASSWORD: "wrong"})
    return lambda: data.update({CONF_PASSWORD: "pw"})


def _untrusted_ca(acs: LocalAcs, data: dict[str, Any]) -> Callable[[], None]:
    return lambda: data.update({CONF_CA_CERTIFICATE: acs.ca_pem})


def _untrusted_then_unverified(acs: LocalAcs, data: dict[str, Any]) -> Callable[[], None]:
    return lambda: data.update({CONF_VERIFY_SSL: False})


def _not_an_acs(acs: LocalAcs, data: dict[str, Any]) -> Callable[[], None]:
    acs.inject(NotAnAcs(on="Inform"))
    return lambda: None


def _not_found(acs: LocalAcs, data: dict[str, Any]) -> Callable[[], None]:
    data[CONF_ACS_URL] = f"{acs.url}no-acs-here"
    return lambda: data.update({CONF_ACS_URL: acs.url})


def _busy(acs: LocalAcs, data: dict[str, Any]) -> Callable[[], None]:
    acs.inject(ServiceUnavailable(retry_after=None, on="Inform"))
    return lambda: None


def _invalid_port(acs: LocalAcs, data: dict[str, Any]) -> Callable[[], None]:
    data[CONF_ACS_URL] = "http://127.0.0.1:99999/"
    return lambda: data.update({CONF_ACS_URL: acs.url})


def _credentials_in_url(acs: LocalAcs, data: dict[str, Any]) -> Callable[[], None]:
    data[CONF_ACS_URL] = acs.url.replace("http://", "http://cpe:secret@")
    return lambda: data.update({CONF_ACS_URL: acs.url})


def _long_provisioning_code(acs: LocalAcs, data: dict[str, Any]) -> Callable[[], None]:
    data[CONF_PROVISIONING_CODE] = "TLCO." * 13
    return lambda: data.update({CONF_PROVISIONING_CODE: "TLCO.GRP2"})


def _invalid_url(acs: LocalAcs, data: dict[str, Any]) -> Callable[[], None]:
    data[CONF_ACS_URL] = "ftp://127.0.0.1/acs"
    return lambda: data.update({CONF_ACS_URL: acs.url})


def _invalid_ca(acs: LocalAcs, data: dict[str, Any]) -> Callable[[], None]:
    data[CONF_CA_CERTIFICATE] = "-----BEGIN CERTIFICATE-----\nnot base64\n"
    return lambda: data.pop(CONF_CA_CERTIFICATE)


def _invalid_oui(acs: LocalAcs, data: dict[str, Any]) -> Callable[[], None]:
    data[CONF_IDENTITY] = {**identity(), CONF_OUI: "00D0G9"}
    return lambda: data.update({CONF_IDENTITY: identity()})


type Breaker = Callable[[LocalAcs, dict[str, Any]], Callable[[], None]]


@pytest.mark.parametrize(
    ("acs", "breaker", "errors"),
    [
        pytest.param(
            {}, _closed_port, {CONF_ACS_URL: "connection_refused"}, id="connection_refused"
        ),
        pytest.param(
            DIGEST_ACS,
            _wrong_password,
            {CONF_PASSWORD: "invalid_auth"},
            id="invalid_auth",
        ),
        pytest.param(
            {"tls": True}, _untrusted_ca, {CONF_CA_CERTIFICATE: "tls_error"}, id="tls_error"
        ),
        pytest.param(
            {"tls": True},
            _untrusted_then_unverified,
            {CONF_CA_CERTIFICATE: "tls_error"},
            id="tls_error-verification-off",
        ),
        pytest.param({}, _not_an_acs, {CONF_ACS_URL: "not_acs"}, id="not_acs"),
        pytest.param({}, _not_found, {CONF_ACS_URL: "not_acs"}, id="not_acs-http-404"),
        pytest.param({}, _busy, {"base": "acs_busy"}, id="acs_busy"),
        pytest.param({}, _invalid_url, {CONF_ACS_URL: "invalid_url"}, id="invalid_url"),
        pytest.param({}, _invalid_port, {CONF_ACS_URL: "invalid_url"}, id="invalid_url-port"),
        pytest.param(
            {}, _credentials_in_url, {CONF_ACS_URL: "url_credentials"}, id="url_credentials"
        ),
        pytest.param(
            {},
            _long_provisioning_code,
            {CONF_PROVISIONING_CODE: "provisioning_code_too_long"},
            id="provisioning_code_too_long",
        ),
        pytest.param({}, _invalid_ca, {CONF_CA_CERTIFICATE: "invalid_ca"}, id="invalid_ca"),
        pytest.param({}, _invalid_oui, {"base": "invalid_oui"}, id="invalid_oui"),
    ],
    indirect=["acs"],
)
async def test_user_flow_errors_and_recovery(
    hass: HomeAssistant,
    acs: LocalAcs,
    cr_port: int,
    breaker: Breaker,
    errors: dict[str, str],
) -> None:
    result = await start_user_flow(hass)
    data = user_input(acs.url, cr_port)
    fix = breaker(acs, data)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], data)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == errors
    assert acs.informs == []
    assert hass.config_entries.async_entries(DOMAIN) == []

    fix()
    result = await hass.config_entries.flow.async_configure(result["flow_id"], data)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_ACS_URL] == acs.url
    inform = await acs.wait_for_inform(serial=SERIAL)
    assert event_codes(inform) == ["0 BOOTSTRAP", "1 BOOT"]
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED


class NoSuchHost(aiohttp.abc.AbstractResolver):
    """A resolver for which no name exists (the test harness allows no real lookup)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Whatever aiohttp passes (its version's arguments)."""

    async def resolve(self, host: str, port: int = 0, family: Any = socket.AF_INET) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    async def close(self) -> None:
        """Nothing to close."""


@pytest.mark.usefixtures("unresolvable_names")
async def test_user_flow_unknown_host(
    hass: HomeAssistant, acs: LocalAcs, cr_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(aiohttp.connector, "DefaultResolver", NoSuchHost)
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input("http://acs.invalid/", cr_port)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_ACS_URL: "unknown_host"}


async def test_user_flow_timeout(
    hass: HomeAssistant, acs: LocalAcs, cr_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    build = probe.async_build_agent_config

    async def impatient(*args: Any) -> AgentConfig:
        return dataclasses.replace(await build(*args), timeout=0.2)

    monkeypatch.setattr(probe, "async_build_agent_config", impatient)
    acs.inject(Delay(seconds=2, on="Inform"))
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(acs.url, cr_port)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_ACS_URL: "timeout"}
    assert hass.config_entries.async_entries(DOMAIN) == []


async def test_user_flow_port_in_use(hass: HomeAssistant, acs: LocalAcs, cr_port: int) -> None:
    result = await start_user_flow(hass)
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", cr_port))
        taken.listen()
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], user_input(acs.url, cr_port)
        )
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {CONF_CR_PORT: "port_in_use"}
        assert acs.informs == []
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(acs.url, cr_port)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()


async def test_user_flow_already_configured(
    hass: HomeAssistant, acs: LocalAcs, mock_config_entry: MockConfigEntry, cr_port: int
) -> None:
    mock_config_entry.add_to_hass(hass)
    result = await start_user_flow(hass)
    # The same serial at the same ACS (the URL compares without case or final slash).
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(acs.url.upper().rstrip("/"), cr_port)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert acs.informs == []


# ---------------------------------------------------------------------- reconfigure
def acs_input(url: str, **overrides: Any) -> dict[str, Any]:
    return {CONF_ACS_URL: url, CONF_USERNAME: "", CONF_PASSWORD: "", CONF_VERIFY_SSL: True} | (
        overrides
    )


async def test_reconfigure_moves_the_gateway_to_a_new_acs(
    hass: HomeAssistant,
    acs: LocalAcs,
    other_acs: LocalAcs,
    init_integration: MockConfigEntry,
) -> None:
    entry = init_integration
    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], acs_input(other_acs.url)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    bootstrap = await other_acs.wait_for_inform(serial=SERIAL)
    assert event_codes(bootstrap) == ["0 BOOTSTRAP", "1 BOOT"]
    assert entry.data[CONF_ACS_URL] == other_acs.url
    assert entry.data[CONF_IDENTITY] == identity()
    assert entry.unique_id == f"{OUI}-{PRODUCT_CLASS}-{SERIAL}@{acs_host(other_acs.url)}"

    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    inform = await session(hass, other_acs, entry, "1 BOOT")
    assert event_codes(inform) == ["1 BOOT"]
    assert agent_of(entry).acs_url == other_acs.url
    # The old ACS saw only the first bootstrap.
    assert len(acs.informs) == 1


async def test_reconfigure_error_keeps_the_old_acs(
    hass: HomeAssistant,
    acs: LocalAcs,
    other_acs: LocalAcs,
    init_integration: MockConfigEntry,
) -> None:
    entry = init_integration
    old_data = dict(entry.data)
    result = await entry.start_reconfigure_flow(hass)
    closed = f"http://127.0.0.1:{free_port()}/"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], acs_input(closed))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_ACS_URL: "connection_refused"}
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert dict(entry.data) == old_data
    assert agent_of(entry).acs_url == acs.url
    # The entry still talks to the old ACS (a restart: BOOT, no BOOTSTRAP).
    inform = await session(hass, acs, entry, "1 BOOT")
    assert event_codes(inform) == ["1 BOOT"]
    await session(hass, acs, entry)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], acs_input(other_acs.url)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.data[CONF_ACS_URL] == other_acs.url


async def test_reconfigure_with_the_same_url_keeps_the_bootstrap(
    hass: HomeAssistant, acs: LocalAcs, init_integration: MockConfigEntry
) -> None:
    entry = init_integration
    unique_id = entry.unique_id
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], acs_input(acs.url, **{CONF_USERNAME: "cpe", CONF_PASSWORD: "pw"})
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.unique_id == unique_id
    assert entry.data[CONF_USERNAME] == "cpe"
    # The test session was a restart at the same ACS (no BOOTSTRAP), and so is the reload.
    probe = await acs.wait_for_inform(serial=SERIAL, event="1 BOOT")
    assert event_codes(probe) == ["1 BOOT"]
    await hass.async_block_till_done()
    inform = await session(hass, acs, entry, "1 BOOT")
    assert event_codes(inform) == ["1 BOOT"]
    assert agent_of(entry).datamodel.text_value(f"{MS}Username") == "cpe"


async def test_reconfigure_checks_the_url_before_stopping_the_entry(
    hass: HomeAssistant, acs: LocalAcs, init_integration: MockConfigEntry
) -> None:
    entry = init_integration
    agent = agent_of(entry)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], acs_input("acs.example.com")
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_ACS_URL: "invalid_url"}
    assert agent_of(entry) is agent
    assert entry.state is ConfigEntryState.LOADED


async def test_reconfigure_to_an_acs_already_configured(
    hass: HomeAssistant,
    acs: LocalAcs,
    other_acs: LocalAcs,
    init_integration: MockConfigEntry,
) -> None:
    data = {CONF_ACS_URL: other_acs.url, CONF_IDENTITY: identity()}
    MockConfigEntry(domain=DOMAIN, unique_id=unique_id_for(data), data=data).add_to_hass(hass)
    result = await init_integration.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], acs_input(other_acs.url)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert other_acs.informs == []
    assert init_integration.state is ConfigEntryState.LOADED


# ---------------------------------------------------------------------- reauth
def reauth_flows(hass: HomeAssistant) -> list[Any]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_REAUTH
    ]


async def test_a_401_from_the_acs_starts_reauth(
    hass: HomeAssistant,
    acs: LocalAcs,
    issue_registry: ir.IssueRegistry,
    init_integration: MockConfigEntry,
) -> None:
    entry = init_integration
    agent = agent_of(entry)
    acs.inject(Unauthorized(on="Inform"), times=2)
    await failed_session(hass, acs, entry)
    assert (
        hass.states.get("sensor.tr_069_gateway_ha0001_last_session_outcome").state == "invalid_auth"
    )
    [flow] = await wait_for(lambda: reauth_flows(hass), what="the reauth flow")
    assert flow["step_id"] == "reauth_confirm"
    assert flow["context"]["entry_id"] == entry.entry_id
    # Home Assistant shows it as a repair too, until the credentials are fixed.
    issue_id = f"config_entry_reauth_{DOMAIN}_{entry.entry_id}"
    issue = issue_registry.async_get_issue(HA_DOMAIN, issue_id)
    assert issue is not None
    assert issue.issue_domain == DOMAIN

    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_USERNAME: "new-user", CONF_PASSWORD: "new-pw"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert reauth_flows(hass) == []
    assert issue_registry.async_get_issue(HA_DOMAIN, issue_id) is None
    assert entry.data[CONF_USERNAME] == "new-user"
    assert entry.data[CONF_PASSWORD] == "new-pw"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert agent_of(entry) is not agent
    assert agent_of(entry).datamodel.text_value(f"{MS}Username") == "new-user"
    await session(hass, acs, entry, "1 BOOT")
    assert agent_of(entry).status.connected is True


@pytest.mark.parametrize("acs", [DIGEST_ACS], indirect=True)
@pytest.mark.parametrize(
    "entry_data", [{CONF_USERNAME: "cpe", CONF_PASSWORD: "old"}], indirect=True
)
async def test_reauth_with_a_wrong_then_the_right_password(
    hass: HomeAssistant, acs: LocalAcs, mock_config_entry: MockConfigEntry
) -> None:
    entry = mock_config_entry
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    # An ACS refusing the credentials is no setup failure: the entry asks for new ones.
    assert entry.state is ConfigEntryState.LOADED
    [flow] = await wait_for(lambda: reauth_flows(hass), what="the reauth flow")
    assert hass.states.get("binary_sensor.tr_069_gateway_ha0001_acs_connection").state == "off"

    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_USERNAME: "cpe", CONF_PASSWORD: "wrong"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert result["errors"] == {CONF_PASSWORD: "invalid_auth"}
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.data[CONF_PASSWORD] == "old"

    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_USERNAME: "cpe", CONF_PASSWORD: "pw"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_PASSWORD] == "pw"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    await session(hass, acs, entry, "1 BOOT")
    assert agent_of(entry).status.connected is True
    assert hass.states.get("binary_sensor.tr_069_gateway_ha0001_acs_connection").state == "on"


# ---------------------------------------------------------------------- options
async def test_options_flow_changes_the_running_agent(
    hass: HomeAssistant, acs: LocalAcs, init_integration: MockConfigEntry, cr_port: int
) -> None:
    entry = init_integration
    interval = f"{MS}PeriodicInformInterval"
    # The ACS sets the interval...
    task = acs.queue(SERIAL, rpc.set_parameter_values([(interval, 600, "xsd:unsignedInt")]))
    await session(hass, acs, entry)
    assert (await task.result()).ok
    assert agent_of(entry).datamodel.int_value(interval) == 600

    # ...an options change that leaves the interval alone keeps the ACS's value...
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_PERIODIC_INFORM_INTERVAL: 300,
            CONF_CR_PORT: cr_port,
            CONF_CR_HOST: "127.0.0.1:17547",  # a port forwarded to cr_port (NAT)
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.options[CONF_CR_HOST] == "127.0.0.1:17547"
    inform = await session(hass, acs, entry, "1 BOOT")
    assert inform.params["Device.ManagementServer.ConnectionRequestURL"].startswith(
        "http://127.0.0.1:17547/"
    )
    assert agent_of(entry).datamodel.int_value(interval) == 600

    # ...and the user's own change overrides it.
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_PERIODIC_INFORM_INTERVAL: 120, CONF_CR_PORT: cr_port}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {
        CONF_PERIODIC_INFORM_INTERVAL: 120,
        CONF_CR_PORT: cr_port,
        CONF_ALLOW_RESTART: False,
    }
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    inform = await session(hass, acs, entry, "1 BOOT")
    assert agent_of(entry).datamodel.int_value(interval) == 120
    assert inform.params.get(interval, "120") == "120"


async def test_options_flow_refuses_a_port_in_use(
    hass: HomeAssistant, acs: LocalAcs, init_integration: MockConfigEntry, cr_port: int
) -> None:
    entry = init_integration
    result = await hass.config_entries.options.async_init(entry.entry_id)
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_PERIODIC_INFORM_INTERVAL: 300, CONF_CR_PORT: busy}
        )
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {CONF_CR_PORT: "port_in_use"}
        assert entry.options[CONF_CR_PORT] == cr_port
        assert entry.state is ConfigEntryState.LOADED

    new_port = free_port()
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_PERIODIC_INFORM_INTERVAL: 300, CONF_CR_PORT: new_port}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    url = agent_of(entry).status.connection_request_url
    assert url.startswith(f"http://127.0.0.1:{new_port}/")
    inform = await session(hass, acs, entry, "1 BOOT")
    assert inform.params[f"{MS}ConnectionRequestURL"] == url
    # The ACS reaches the gateway on its new port.
    await session(hass, acs, entry)


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("HTTPS://ACS.Example:7547/cwmp/", "acs.example:7547"),
        ("https://acs.example:443/CWMP", "acs.example"),
        (" http://acs.example/ ", "acs.example"),
        ("http://[2001:DB8::1]:7547/acs", "[2001:db8::1]:7547"),
    ],
)
def test_one_entry_per_gateway_identity_and_acs_host(url: str, host: str) -> None:
    identity = {CONF_OUI: OUI, CONF_PRODUCT_CLASS: "Home Gateway", CONF_SERIAL_NUMBER: "A/1"}
    data = {CONF_ACS_URL: url, CONF_IDENTITY: identity}
    # Free text is percent-encoded: no serial number can make two identities collide.
    assert unique_id_for(data) == f"{OUI}-Home%20Gateway-A%2F1@{host}"
