"""Format profiles a Home Assistant user places in ``<config>/tr069_profiles/``.

For an ACS that cannot send vendor file types: every ``*.json`` there is installed at
start like a profile the ACS sent (validated the same way; a bad one is reported and
raises a repair issue). A profile that is already installed unchanged is left alone.
"""

from __future__ import annotations

import logging
from pathlib import Path

from homeassistant.core import HomeAssistant

from .const import PROFILE_FOLDER
from .tr069_cpe import MeterGateway

_LOGGER = logging.getLogger(__name__)
MAX_PROFILE_FILES = 32
MAX_PROFILE_BYTES = 64 * 1024


def _read_folder(folder: Path) -> list[tuple[str, bytes]]:
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.json"))[:MAX_PROFILE_FILES]:
        if path.is_file() and path.stat().st_size <= MAX_PROFILE_BYTES:
            found.append((path.name, path.read_bytes()))
        else:
            _LOGGER.warning("Format profile %s is not a file of at most 64 KiB", path)
    return found


async def async_install_folder_profiles(hass: HomeAssistant, meters: MeterGateway) -> None:
    """Install the profiles of the folder that are new or changed."""
    folder = Path(hass.config.path(PROFILE_FOLDER))
    for name, data in await hass.async_add_executor_job(_read_folder, folder):
        await meters.install_profile(data, f"{PROFILE_FOLDER}/{name}", only_if_changed=True)
