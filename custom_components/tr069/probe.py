"""A real first session with the ACS, run by the config flow before it saves anything."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
import errno
import logging
import socket
from typing import Any

import aiohttp
from homeassistant.const import CONF_PASSWORD
from homeassistant.core import HomeAssistant

from .agent_config import async_build_agent_config
from .const import CONF_ACS_URL, CONF_CA_CERTIFICATE, CONF_CR_PORT
from .tr069_cpe import MemoryStateStore, SessionOutcome, build_gateway

_LOGGER = logging.getLogger(__name__)

# Config-flow error keys for each way a session can fail.
FLOW_ERRORS = {
    SessionOutcome.CANNOT_CONNECT: "cannot_connect",
    SessionOutcome.TIMEOUT: "timeout",
    SessionOutcome.TLS_ERROR: "tls_error",
    SessionOutcome.INVALID_AUTH: "invalid_auth",
    SessionOutcome.ACS_BUSY: "acs_busy",
    # The server answered, but with an HTTP error or not in CWMP: no ACS at this URL.
    SessionOutcome.HTTP_ERROR: "not_acs",
    SessionOutcome.NOT_ACS: "not_acs",
    SessionOutcome.PROTOCOL_ERROR: "not_acs",
}
# The form field each error concerns (the form shows it there when it has the field).
_ERROR_FIELDS = {
    "cannot_connect": CONF_ACS_URL,
    "connection_refused": CONF_ACS_URL,
    "unknown_host": CONF_ACS_URL,
    "timeout": CONF_ACS_URL,
    "not_acs": CONF_ACS_URL,
    "tls_error": CONF_CA_CERTIFICATE,
    "invalid_auth": CONF_PASSWORD,
    "port_in_use": CONF_CR_PORT,
}


def error_field(error: str) -> str:
    """The field a probe error belongs to ("base": the form as a whole)."""
    return _ERROR_FIELDS.get(error, "base")


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """What the first session showed: an error key, or the state it left."""

    error: str | None
    state: dict[str, Any] | None = None


def _causes(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def flow_error(outcome: SessionOutcome, error: BaseException) -> str:
    """The flow's error key: the session's outcome, and for a failed connection, why."""
    if outcome is SessionOutcome.CANNOT_CONNECT:
        for cause in _causes(error):
            if isinstance(cause, (socket.gaierror, aiohttp.ClientConnectorDNSError)):
                return "unknown_host"
            if isinstance(cause, OSError) and cause.errno == errno.ECONNREFUSED:
                return "connection_refused"
    return FLOW_ERRORS[outcome]


async def async_probe(
    hass: HomeAssistant,
    data: Mapping[str, Any],
    options: Mapping[str, Any],
    state: dict[str, Any] | None = None,
) -> ProbeResult:
    """Run one session with the settings; the entry then starts from its state."""
    config = await async_build_agent_config(hass, data, options)
    store = MemoryStateStore(state)
    agent = build_gateway(config, store).agent
    try:
        await agent.setup()
    except OSError:
        await agent.shutdown()
        return ProbeResult("port_in_use")
    try:
        result = await agent.run_once()
    finally:
        await agent.shutdown()
    if result.error is not None:
        _LOGGER.debug("The first session failed: %s", result.error)
        return ProbeResult(flow_error(result.error.outcome, result.error))
    return ProbeResult(None, state=store.data)
