"""Actions of the integration: ask the operator for a new configuration file."""

from __future__ import annotations

import asyncio
from typing import Final

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv
import voluptuous as vol

from .const import DOMAIN
from .coordinator import Tr069ConfigEntry
from .tr069_cpe import (
    VENDOR_CONFIGURATION_FILE,
    AgentStatus,
    CpeAgent,
    RequestDownloadOutcome,
    SessionOutcome,
)

SERVICE_REQUEST_CONFIGURATION = "request_configuration"
ATTR_CONFIG_ENTRY_ID = "config_entry_id"
ATTR_FILE_TYPE = "file_type"
# How long the action waits for the ACS's answer before it says "queued".
ANSWER_TIMEOUT: Final = 60.0

_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Optional(ATTR_FILE_TYPE, default=VENDOR_CONFIGURATION_FILE): cv.string,
    }
)


def _loaded_entry(hass: HomeAssistant, entry_id: str) -> Tr069ConfigEntry:
    entry: Tr069ConfigEntry | None = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="unknown_entry",
            translation_placeholders={"entry_id": entry_id},
        )
    if entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="entry_not_loaded",
            translation_placeholders={"title": entry.title},
        )
    return entry


async def _answer(
    agent: CpeAgent, outcome: asyncio.Future[RequestDownloadOutcome]
) -> RequestDownloadOutcome | None:
    """The ACS's answer, or None while it cannot be reached (the request stays queued)."""
    if agent.status.connected is False:
        return None
    sessions = agent.status.sessions
    failed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    @callback
    def on_status(status: AgentStatus) -> None:
        ended = status.sessions > sessions and status.last_outcome is not SessionOutcome.SUCCESS
        if ended and not failed.done():
            failed.set_result(None)

    unsubscribe = agent.add_listener(on_status)
    try:
        await asyncio.wait((outcome, failed), timeout=ANSWER_TIMEOUT, return_when="FIRST_COMPLETED")
    finally:
        unsubscribe()
        failed.cancel()
    return outcome.result() if outcome.done() else None


async def _request_configuration(call: ServiceCall) -> ServiceResponse:
    """RequestDownload: the gateway asks the ACS for a file, and says what became of it."""
    entry = _loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    placeholders = {"title": entry.title}
    try:
        outcome = entry.runtime_data.agent.request_download(call.data[ATTR_FILE_TYPE])
    except ValueError as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="request_download_unsupported",
            translation_placeholders=placeholders,
        ) from err
    answer = await _answer(entry.runtime_data.agent, outcome)
    if answer is RequestDownloadOutcome.UNSUPPORTED:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="request_download_unsupported",
            translation_placeholders=placeholders,
        )
    if answer is RequestDownloadOutcome.REFUSED:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="request_download_refused",
            translation_placeholders=placeholders,
        )
    result = "accepted" if answer is RequestDownloadOutcome.ACCEPTED else "queued"
    return {"result": result} if call.return_response else None


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_REQUEST_CONFIGURATION,
        _request_configuration,
        schema=_SCHEMA,  # type: ignore[arg-type,unused-ignore]
        supports_response=SupportsResponse.OPTIONAL,
    )
