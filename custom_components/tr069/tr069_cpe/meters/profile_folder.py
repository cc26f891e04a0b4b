"""Format profiles kept as files in a folder (Home Assistant's, or the runner's).

For an ACS that cannot send vendor file types: every ``*.json`` of the folder is a
profile, installed like one the ACS sent (validated the same way). Reading the folder
blocks: hosts with an event loop call :func:`read_profile_folder` in an executor.
"""

from __future__ import annotations

import logging
from pathlib import Path

from .gateway import MeterGateway
from .profile import MAX_PROFILE_SIZE, MAX_PROFILES

_LOGGER = logging.getLogger(__name__)


def read_profile_folder(folder: Path) -> list[tuple[str, bytes]]:
    """The folder's ``*.json`` files in name order (none if there is no folder)."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.json"))[:MAX_PROFILES]:
        if path.is_file() and path.stat().st_size <= MAX_PROFILE_SIZE:
            found.append((path.name, path.read_bytes()))
        else:
            _LOGGER.warning("Format profile %s is not a file of at most 64 KiB", path)
    return found


async def install_profiles(
    meters: MeterGateway, files: list[tuple[str, bytes]], prefix: str
) -> None:
    """Install the profiles that are new or changed (each reported, a bad one refused)."""
    for name, data in files:
        await meters.install_profile(data, f"{prefix}/{name}", only_if_changed=True)
