"""Diagnostics of a gateway and of each meter, fit to post publicly.

Redacted: every credential, the addresses of the ACS and of the gateway, serial numbers
and provisioning codes (they identify a subscriber), and where the meters are.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from homeassistant.components.diagnostics import REDACTED, async_redact_data
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from .const import (
    CONF_ACS_URL,
    CONF_CA_CERTIFICATE,
    CONF_CR_HOST,
    CONF_JID,
    CONF_PROVISIONING_CODE,
    CONF_SERIAL_NUMBER,
    CONF_SERVER,
)
from .coordinator import Tr069ConfigEntry
from .tr069_cpe import MeterView, is_secret_name, redact_url
from .unique_id import meter_serial_of

TO_REDACT = {
    CONF_PASSWORD,
    CONF_USERNAME,
    CONF_CA_CERTIFICATE,
    CONF_SERIAL_NUMBER,
    CONF_CR_HOST,
    CONF_PROVISIONING_CODE,
    CONF_JID,
    CONF_SERVER,
}
# Data model parameters, by the end of their names: credentials, addresses (the ACS's,
# the Connection Request URL, a STUN or XMPP server's and domain), whom XMPP lets in,
# identities and locations.
_REDACTED_PARAMETERS = (
    "Username",
    "Password",
    "URL",
    "Address",
    "Domain",
    "JabberID",
    "JabberIDs",
    "SerialNumber",
    "ProvisioningCode",
    "Latitude",
    "Longitude",
)
_STATUS_REDACT = {"connection_request_url", "address"}


def hide_host(url: str) -> str:
    """A URL without its user info and host: the scheme, port and path stay."""
    parts = urlsplit(url)
    if not parts.hostname:
        return REDACTED if url else url
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return urlunsplit((parts.scheme, f"{REDACTED}{port}", parts.path, "", ""))


def _scrub(text: str | None, secrets: set[str]) -> str | None:
    """Free text (an error message) with the identifying values in it redacted."""
    if not text:
        return text
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


def _identifying_values(entry: Tr069ConfigEntry) -> set[str]:
    agent = entry.runtime_data.agent
    urls = (entry.data[CONF_ACS_URL], agent.status.acs_url, agent.status.connection_request_url)
    hosts = {urlsplit(url).hostname or "" for url in urls}
    values = {*hosts, agent.config.identity.serial_number, entry.options.get(CONF_CR_HOST, "")}
    return {value for value in values if value}


def _parameter_values(entry: Tr069ConfigEntry, prefix: str = "") -> dict[str, str]:
    datamodel = entry.runtime_data.agent.datamodel
    values = {}
    for node in datamodel.parameters(prefix):
        secret = node.spec.hidden or is_secret_name(node.path)
        if secret or node.path.endswith(_REDACTED_PARAMETERS):
            values[node.path] = REDACTED
        else:
            values[node.path] = redact_url(node.spec.type.to_text(node.current()))
    return values


def _status(entry: Tr069ConfigEntry) -> dict[str, Any]:
    status = entry.runtime_data.agent.status
    data = {**asdict(status), "wake_up": [asdict(item) for item in status.wake_up]}
    data["acs_url"] = hide_host(status.acs_url)
    data["last_error"] = _scrub(status.last_error, _identifying_values(entry))
    return async_redact_data(data, _STATUS_REDACT)


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: Tr069ConfigEntry
) -> dict[str, Any]:
    """Diagnostics of a config entry: settings, status, pending work, the data model."""
    agent = entry.runtime_data.agent
    state = agent.export_state()
    data = async_redact_data(dict(entry.data), TO_REDACT)
    data[CONF_ACS_URL] = hide_host(entry.data[CONF_ACS_URL])
    return {
        "entry": {"data": data, "options": async_redact_data(dict(entry.options), TO_REDACT)},
        "status": _status(entry),
        "pending_events": state["events"],
        "retry_count": state["retry_count"],
        "namespace": state["namespace"],
        "parameters": _parameter_values(entry),
    }


def _meter(meter: MeterView) -> dict[str, Any]:
    return {
        "kind": meter.kind.value,
        "type": meter.type_name,
        "vendor": meter.vendor,
        "name": meter.name,
        "serial_number": REDACTED,
        "location": REDACTED if meter.location is not None else None,
        "readings": {
            name: {
                "value": reading.value,
                "unit": reading.unit,
                "last_update": reading.last_update.isoformat() if reading.last_update else None,
            }
            for name, reading in meter.readings.items()
        },
    }


async def async_get_device_diagnostics(
    hass: HomeAssistant, entry: Tr069ConfigEntry, device: dr.DeviceEntry
) -> dict[str, Any]:
    """Diagnostics of a meter (its readings and parameters), or of the gateway."""
    coordinator = entry.runtime_data
    serial = meter_serial_of(coordinator.gateway_id, device.identifiers)
    if serial is not None and (meter := coordinator.meters.get(serial)) is not None:
        table = coordinator.meter_gateway.table
        return {
            "meter": _meter(meter),
            "parameters": _parameter_values(entry, f"{table.path}{meter.instance}."),
        }
    return await async_get_config_entry_diagnostics(hass, entry)
