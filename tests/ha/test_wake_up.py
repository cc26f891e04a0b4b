"""The XMPP and STUN settings in Home Assistant, their sensors, and the repair issue."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_PASSWORD
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.tr069.const import (
    CONF_ALLOWED_JIDS,
    CONF_CA_CERTIFICATE,
    CONF_ENABLE,
    CONF_JID,
    CONF_PERIODIC_INFORM_INTERVAL,
    CONF_SERVER,
    CONF_STUN,
    CONF_XMPP,
    DOMAIN,
)
from custom_components.tr069.reachability import unreachable_host
from local_acs import LocalAcs
from local_acs.xmpp import AcsXmpp
from tests.servers.fixtures import CPE_XMPP_PASSWORD, XmppAccounts

from .common import ENTRY_ID, agent_of, session, user_input, wait_for

XMPP_SENSOR = "sensor.tr_069_gateway_ha0001_xmpp_connection_requests"
HTTP_SENSOR = "sensor.tr_069_gateway_ha0001_http_connection_requests"
ISSUE = f"cannot_wake_{ENTRY_ID}"


def xmpp_options(prosody: XmppAccounts, **changes: Any) -> dict[str, Any]:
    return {
        CONF_JID: f"{prosody.cpe_jid}/home",
        CONF_PASSWORD: CPE_XMPP_PASSWORD,
        CONF_SERVER: f"{prosody.server.host}:{prosody.server.port}",
        CONF_ALLOWED_JIDS: prosody.acs_jid,
        **changes,
    }


@pytest.mark.usefixtures("unresolvable_names")
async def test_the_user_step_takes_xmpp_and_stun_settings(
    hass: HomeAssistant, acs: LocalAcs, cr_port: int, unload_at_end: None
) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    bad = user_input(
        acs.url,
        cr_port,
        **{CONF_XMPP: {CONF_JID: "not-a-jid"}, CONF_STUN: {CONF_ENABLE: True, CONF_SERVER: "h:x"}},
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], bad)
    assert result["errors"] == {CONF_XMPP: "invalid_xmpp", CONF_STUN: "invalid_stun"}
    good = user_input(
        acs.url,
        cr_port,
        **{
            CONF_XMPP: {CONF_JID: "cpe@xmpp.example", CONF_PASSWORD: "x"},
            CONF_STUN: {CONF_ENABLE: True, CONF_SERVER: "stun.example:3479"},
        },
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], good)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"][CONF_XMPP] == {CONF_JID: "cpe@xmpp.example", CONF_PASSWORD: "x"}
    assert result["options"][CONF_STUN] == {CONF_ENABLE: True, CONF_SERVER: "stun.example:3479"}
    await hass.async_block_till_done()
    agent = agent_of(hass.config_entries.async_entries(DOMAIN)[0])
    assert agent.datamodel.value("Device.ManagementServer.STUNServerPort") == 3479
    assert agent.datamodel.value("Device.XMPP.Connection.1.Resource") == "tr069"


async def test_xmpp_from_the_options_wakes_the_gateway_and_clears_the_issue(
    hass: HomeAssistant,
    acs: LocalAcs,
    init_integration: MockConfigEntry,
    prosody: XmppAccounts,
    acs_xmpp: AcsXmpp,
) -> None:
    issues = ir.async_get(hass)
    # The ACS is told 127.0.0.1: it cannot wake this gateway.
    assert issues.async_get_issue(DOMAIN, ISSUE) is not None
    assert hass.states.get(HTTP_SENSOR).state == "listening"
    assert hass.states.get(XMPP_SENSOR) is None

    # The XMPP server's CA, trusted like the ACS's (the "CA certificate" field).
    hass.config_entries.async_update_entry(
        init_integration,
        data={**init_integration.data, CONF_CA_CERTIFICATE: prosody.server.ca_pem},
    )
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    options = dict(init_integration.options)
    options[CONF_XMPP] = xmpp_options(prosody)
    result = await hass.config_entries.options.async_configure(result["flow_id"], options)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.LOADED
    await wait_for(lambda: hass.states.get(XMPP_SENSOR) is not None
                   and hass.states.get(XMPP_SENSOR).state == "connected", what="XMPP")  # fmt: skip
    assert issues.async_get_issue(DOMAIN, ISSUE) is None

    agent = agent_of(init_integration)
    jid = agent.management_server.conn_req_jabber_id
    assert jid == f"{prosody.cpe_jid}/home"
    username, password = agent.management_server.connection_request_credentials()
    assert (await acs_xmpp.connection_request(jid, username, password)).delivered
    await session(hass, acs, init_integration, "6 CONNECTION REQUEST")


async def test_a_broken_xmpp_account_shows_as_an_error(
    hass: HomeAssistant,
    acs: LocalAcs,
    mock_config_entry: MockConfigEntry,
    prosody: XmppAccounts,
    patch_platforms: None,
    unload_at_end: None,
) -> None:
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry,
        data={**mock_config_entry.data, CONF_CA_CERTIFICATE: prosody.server.ca_pem},
        options={
            **mock_config_entry.options,
            CONF_PERIODIC_INFORM_INTERVAL: 300,
            CONF_XMPP: xmpp_options(prosody, **{CONF_PASSWORD: "wrong"}),
        },
    )
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await wait_for(lambda: hass.states.get(XMPP_SENSOR) is not None
                   and hass.states.get(XMPP_SENSOR).state == "error", what="error")  # fmt: skip
    assert "authentication" in hass.states.get(XMPP_SENSOR).attributes["detail"]
    # An enabled method clears the issue even while it fails: the user has acted.
    assert ir.async_get(hass).async_get_issue(DOMAIN, ISSUE) is None


def test_private_and_public_hosts() -> None:
    assert unreachable_host("http://192.168.1.5:7547/x") == "192.168.1.5"
    assert unreachable_host("http://127.0.0.1:7547/x") == "127.0.0.1"
    assert unreachable_host("http://[fe80::1]:7547/x") == "fe80::1"
    assert unreachable_host("http://93.184.215.14:7547/x") is None
    assert unreachable_host("http://gateway.example:7547/x") is None
    assert unreachable_host("") is None
