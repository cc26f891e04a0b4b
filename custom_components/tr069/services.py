"""Actions of the integration: ask the operator for a new configuration file."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
import voluptuous as vol

from .const import DOMAIN
from .coordinator import Tr069ConfigEntry
from .tr069_cpe import VENDOR_CONFIGURATION_FILE

SERVICE_REQUEST_CONFIGURATION = "request_configuration"
ATTR_CONFIG_ENTRY_ID = "config_entry_id"
ATTR_FILE_TYPE = "file_type"

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


async def _request_configuration(call: ServiceCall) -> None:
    """RequestDownload: the gateway asks the ACS for a configuration file."""
    entry = _loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    try:
        entry.runtime_data.agent.request_download(call.data[ATTR_FILE_TYPE])
    except ValueError as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="request_download_unsupported",
            translation_placeholders={"title": entry.title},
        ) from err


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_REQUEST_CONFIGURATION,
        _request_configuration,
        schema=_SCHEMA,  # type: ignore[arg-type,unused-ignore]
    )
