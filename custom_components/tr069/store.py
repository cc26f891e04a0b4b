"""The agent's state in Home Assistant's storage (``.storage/tr069.<entry_id>``)."""

from __future__ import annotations

from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from .const import DOMAIN

STORAGE_VERSION: Final = 1


class HomeAssistantStateStore:
    """A :class:`~.cwmp.state.StateStore` backed by a Home Assistant ``Store``."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}", private=True, atomic_writes=True
        )

    async def load(self) -> dict[str, Any] | None:
        """The saved state, or None on first start."""
        return await self._store.async_load()

    async def save(self, data: dict[str, Any]) -> None:
        """Save the state (written atomically in the executor)."""
        await self._store.async_save(data)

    async def remove(self) -> None:
        """Delete the stored state (the config entry is being removed)."""
        await self._store.async_remove()
