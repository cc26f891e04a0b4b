"""The agent's state through a store that may fail: what is loaded, and saves that are retried.

Loading: the saved state if it can be used; else it is set aside (renamed next to it)
and the last good copy is used, else the defaults; the status and the log say which.
Saving: a store that fails (no descriptors, disk full, read-only) never stops the
agent: it runs on in memory, says so in its status, and saves again with back-off
until a save succeeds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import contextlib
import logging
from typing import Any

from . import limits
from .agent_state import AgentState, StateError
from .state import StateStore, StateStoreError, StateUnreadable

_LOGGER = logging.getLogger(__name__)

type StatusUpdate = Callable[..., None]
type Restore = Callable[[AgentState], None]


class StatePersistence:
    """Loads and saves one agent's state through its :class:`StateStore`."""

    def __init__(self, store: StateStore, update_status: StatusUpdate) -> None:
        self._store = store
        self._update_status = update_status
        self.save_error: str | None = None
        self._retry: asyncio.Task[None] | None = None
        self._stopped = False

    # ------------------------------------------------------------------ loading
    async def load(self, restore: Restore, reset: Callable[[], None]) -> AgentState:
        """Restore the saved state, else the last good copy, else the defaults.

        ``restore`` applies a state (it may fail on parts that do not fit); ``reset``
        undoes what a failed ``restore`` did. A store that cannot be read at all raises
        StateStoreError: starting from defaults would overwrite the state.
        """
        problem: str | None = None
        try:
            data = await self._store.load()
        except StateUnreadable as err:
            data, problem = None, str(err)
        if data is not None:
            try:
                state = _restored(data, restore, reset)
            except StateError as err:
                problem = str(err)
            else:
                await self._keep_backup(data)
                return state
        if problem is not None:
            problem = await self._set_aside(problem)
        return await self._from_backup(problem, restore, reset)

    async def _keep_backup(self, data: dict[str, Any]) -> None:
        try:
            await self._store.save_backup(data)
        except StateStoreError as err:
            _LOGGER.warning("Cannot keep a copy of the state: %s", err)

    async def _set_aside(self, problem: str) -> str:
        try:
            where = await self._store.set_aside()
        except StateStoreError as err:
            return f"the saved state cannot be used ({problem}) nor set aside ({err})"
        return f"the saved state cannot be used ({problem}); it is kept as {where}"

    async def _from_backup(
        self, problem: str | None, restore: Restore, reset: Callable[[], None]
    ) -> AgentState:
        backup: dict[str, Any] | None = None
        try:
            backup = await self._store.load_backup()
        except StateStoreError as err:
            _LOGGER.warning("The last good copy of the state cannot be read: %s", err)
        if backup is not None:
            try:
                state = _restored(backup, restore, reset)
            except StateError as err:
                _LOGGER.warning("The last good copy of the state cannot be used: %s", err)
            else:
                self._report(
                    f"{problem or 'the saved state is missing'}: started from the last good copy"
                )
                return state
        if problem is not None:
            self._report(f"{problem}: started from the defaults")
        return AgentState()

    def _report(self, problem: str) -> None:
        _LOGGER.error("%s", problem)
        self._update_status(state_problem=problem)

    # ------------------------------------------------------------------ saving
    async def save(self, data: dict[str, Any], retry: Callable[[], Awaitable[None]]) -> bool:
        """Save ``data``; on failure say so and have ``retry`` called later. Whether it saved."""
        try:
            await self._store.save(data)
        except Exception as err:
            self._failed(err, retry)
            return False
        if self.save_error is not None:
            _LOGGER.warning("The state is saved again")
            self.save_error = None
            self._update_status(state_save_error=None)
        return True

    def _failed(self, err: Exception, retry: Callable[[], Awaitable[None]]) -> None:
        message = str(err) or type(err).__name__
        if self.save_error is None:
            if isinstance(err, StateStoreError):
                _LOGGER.error("Cannot save the state (running on in memory): %s", message)
            else:
                _LOGGER.error("Cannot save the state (running on in memory)", exc_info=err)
        self.save_error = message
        self._update_status(state_save_error=message)
        if self._stopped:
            return
        if self._retry is None or self._retry.done():
            self._retry = asyncio.get_running_loop().create_task(
                self._retry_saves(retry), name="tr069 state save retry"
            )

    async def _retry_saves(self, retry: Callable[[], Awaitable[None]]) -> None:
        delay = limits.SAVE_RETRY_MIN
        while self.save_error is not None:
            await asyncio.sleep(delay)
            await retry()
            delay = min(delay * 2, limits.SAVE_RETRY_MAX)

    async def stop(self) -> None:
        """Stop retrying (the agent is shutting down; it saves one last time itself)."""
        self._stopped = True
        if self._retry is not None and self._retry is not asyncio.current_task():
            self._retry.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._retry
        self._retry = None


def _restored(data: dict[str, Any], restore: Restore, reset: Callable[[], None]) -> AgentState:
    """The state in ``data``, applied; StateError (and nothing applied) when it cannot be."""
    state = AgentState.from_json(data)
    try:
        restore(state)
    except Exception as err:
        reset()
        raise StateError(f"a part of it does not fit: {type(err).__name__}: {err}") from None
    return state
