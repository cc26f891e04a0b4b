"""A real first session with the ACS, run by the config flow before it saves anything."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
import logging
from typing import Any

from homeassistant.core import HomeAssistant

from .agent_config import async_build_agent_config
from .tr069_cpe import MemoryStateStore, SessionOutcome, build_gateway, redact_url

_LOGGER = logging.getLogger(__name__)

# Config-flow error keys for each way a session can fail.
FLOW_ERRORS = {
    SessionOutcome.CANNOT_CONNECT: "cannot_connect",
    SessionOutcome.TIMEOUT: "cannot_connect",
    SessionOutcome.HTTP_ERROR: "cannot_connect",
    SessionOutcome.ACS_BUSY: "cannot_connect",
    SessionOutcome.TLS_ERROR: "tls_error",
    SessionOutcome.INVALID_AUTH: "invalid_auth",
    SessionOutcome.NOT_ACS: "not_acs",
    SessionOutcome.PROTOCOL_ERROR: "not_acs",
}


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """What the first session showed: an error key, or the state it left."""

    error: str | None
    detail: str = ""
    state: dict[str, Any] | None = None


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
    except OSError as err:
        await agent.shutdown()
        return ProbeResult("port_in_use", str(err))
    try:
        result = await agent.run_once()
    finally:
        await agent.shutdown()
    if result.error is not None:
        url = redact_url(config.acs_url)
        _LOGGER.debug("First session with %s failed: %s", url, result.error)
        return ProbeResult(FLOW_ERRORS[result.error.outcome], str(result.error))
    return ProbeResult(None, state=store.data)
