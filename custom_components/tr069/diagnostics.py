"""Diagnostics: settings, agent status and the data model, secrets redacted."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant

from .const import CONF_CA_CERTIFICATE, CONF_JID, CONF_SERVER
from .coordinator import Tr069ConfigEntry
from .tr069_cpe import is_secret_name, redact_url

TO_REDACT = {CONF_PASSWORD, CONF_USERNAME, CONF_CA_CERTIFICATE, CONF_JID, CONF_SERVER}
# Credentials, the address the ACS wakes the gateway at, and where the meters are.
_REDACTED_PARAMETERS = (
    "Username",
    "Password",
    "ConnectionRequestURL",
    # Where the ACS reaches it over XMPP and UDP, and whom it lets in.
    "JabberID",
    "ConnReqAllowedJabberIDs",
    "UDPConnectionRequestAddress",
    "ServerAddress",
    "Domain",
    "Latitude",
    "Longitude",
)


def _parameter_values(entry: Tr069ConfigEntry) -> dict[str, str]:
    datamodel = entry.runtime_data.agent.datamodel
    values = {}
    for node in datamodel.parameters(""):
        secret = node.spec.hidden or is_secret_name(node.path)
        if secret or node.path.endswith(_REDACTED_PARAMETERS):
            values[node.path] = "**REDACTED**"
        else:
            values[node.path] = redact_url(node.spec.type.to_text(node.current()))
    return values


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: Tr069ConfigEntry
) -> dict[str, Any]:
    """Diagnostics of a config entry."""
    agent = entry.runtime_data.agent
    state = agent.export_state()
    return {
        "entry": {
            "data": async_redact_data(dict(entry.data), TO_REDACT),
            "options": async_redact_data(dict(entry.options), TO_REDACT),
        },
        "status": async_redact_data(
            {**asdict(agent.status), "wake_up": [asdict(item) for item in agent.status.wake_up]},
            {"connection_request_url", "address"},
        ),
        "pending_events": state["events"],
        "retry_count": state["retry_count"],
        "namespace": state["namespace"],
        "parameters": _parameter_values(entry),
    }
