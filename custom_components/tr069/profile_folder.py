"""Format profiles a Home Assistant user places in ``<config>/tr069_profiles/``.

For an ACS that cannot send vendor file types: every ``*.json`` there is installed at
start like a profile the ACS sent (validated the same way; a bad one is reported and
raises a repair issue). A profile that is already installed unchanged is left alone.
"""

from __future__ import annotations

from pathlib import Path

from homeassistant.core import HomeAssistant

from .const import PROFILE_FOLDER
from .tr069_cpe import MeterGateway, install_profiles, read_profile_folder


async def async_install_folder_profiles(hass: HomeAssistant, meters: MeterGateway) -> None:
    """Install the profiles of the folder that are new or changed."""
    folder = Path(hass.config.path(PROFILE_FOLDER))
    files = await hass.async_add_executor_job(read_profile_folder, folder)
    await install_profiles(meters, files, PROFILE_FOLDER)
