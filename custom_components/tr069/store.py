"""The agent's state in Home Assistant's storage (``.storage/tr069.<entry_id>``).

Home Assistant's ``Store`` logs a failed write and carries on; the agent must know,
so that it keeps the state in memory, tries again and raises a repair issue: the
store used here remembers the error of its last write. Beside the state it keeps
the last good copy (``tr069.<entry_id>.backup``) and, when the state cannot be used,
sets it aside (``tr069.<entry_id>.unusable``).
"""

from __future__ import annotations

from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.storage import Store

from .const import DOMAIN
from .tr069_cpe import StateStoreError, StateUnreadable

STORAGE_VERSION: Final = 1


class _AgentStore(Store[dict[str, Any]]):
    """A Store that remembers why its last write failed (HA only logs it)."""

    write_error: Exception | None = None

    # Home Assistant 2026 dropped the path argument: whatever it passes, passed on.
    async def _async_write_data(self, *args: Any) -> None:
        try:
            await super()._async_write_data(*args)
        except Exception as err:
            self.write_error = err
            raise
        self.write_error = None


class HomeAssistantStateStore:
    """A :class:`~.tr069_cpe.StateStore` backed by Home Assistant ``Store``s."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        self._state = self._store(hass, f"{DOMAIN}.{entry_id}")
        self._backup = self._store(hass, f"{DOMAIN}.{entry_id}.backup")
        self._aside = self._store(hass, f"{DOMAIN}.{entry_id}.unusable")
        self._loaded: dict[str, Any] | None = None

    @staticmethod
    def _store(hass: HomeAssistant, key: str) -> _AgentStore:
        return _AgentStore(hass, STORAGE_VERSION, key, private=True, atomic_writes=True)

    async def load(self) -> dict[str, Any] | None:
        """The saved state, or None on first start.

        Home Assistant sets a file that is not JSON aside itself (and says so); what it
        cannot read otherwise is an error of the store.
        """
        try:
            data = await self._state.async_load()
        except HomeAssistantError as err:
            raise StateStoreError(f"cannot read the state: {err}") from None
        if data is not None and not isinstance(data, dict):
            raise StateUnreadable("the saved state is not an object")
        self._loaded = data
        return data

    async def save(self, data: dict[str, Any]) -> None:
        """Save the state (written atomically in the executor); StateStoreError if it was not."""
        await self._save(self._state, data)

    async def load_backup(self) -> dict[str, Any] | None:
        """The last good copy."""
        try:
            data = await self._backup.async_load()
        except HomeAssistantError as err:
            raise StateStoreError(f"cannot read the last good copy: {err}") from None
        return data if isinstance(data, dict) else None

    async def save_backup(self, data: dict[str, Any]) -> None:
        """Keep the last good copy."""
        await self._save(self._backup, data)

    async def set_aside(self) -> str:
        """Keep the unusable state under its own key."""
        await self._save(self._aside, {"state": self._loaded})
        return f".storage/{self._aside.key}"

    async def remove(self) -> None:
        """Delete the stored state and its copies (the config entry is being removed)."""
        for store in (self._state, self._backup, self._aside):
            await store.async_remove()

    @staticmethod
    async def _save(store: _AgentStore, data: dict[str, Any]) -> None:
        store.write_error = None
        try:
            await store.async_save(data)
        except Exception as err:  # Store raises whatever the executor raised
            raise StateStoreError(f"cannot save {store.key}: {err}") from None
        if store.write_error is not None:
            raise StateStoreError(f"cannot save {store.key}: {store.write_error}")
