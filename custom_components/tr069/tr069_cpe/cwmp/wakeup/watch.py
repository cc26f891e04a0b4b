"""Restarting a wake-up method when the parameters it runs on change.

The ACS (or the user's settings) may enable, disable or re-point a method at any
time; the method then stops and starts again with the new values. Changes that
arrive together (one SetParameterValues) give one restart; a change during a
restart gives one more after it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
import contextlib
import logging
from typing import Any

from ..datamodel import Change, DataModel
from .base import WakeUpContext, WakeUpState, WakeUpStatus

_LOGGER = logging.getLogger(__name__)


async def cancel(task: asyncio.Future[Any] | None) -> None:
    """Cancel a task (if there is one) and wait until it is over."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


class RestartOnChange:
    """Calls ``restart`` after changes ``concerns`` says matter."""

    def __init__(
        self,
        datamodel: DataModel,
        concerns: Callable[[Change], bool],
        restart: Callable[[], Awaitable[None]],
    ) -> None:
        self._datamodel = datamodel
        self._concerns = concerns
        self._restart = restart
        self._unsubscribe: Callable[[], None] | None = None
        self._task: asyncio.Task[None] | None = None
        self._again = False

    def start(self) -> None:
        """Watch the data model."""
        if self._unsubscribe is None:
            self._unsubscribe = self._datamodel.subscribe(self._on_changes)

    async def stop(self) -> None:
        """Stop watching; a restart under way is cancelled."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        await cancel(self._task)
        self._task = None

    def _on_changes(self, changes: list[Change]) -> None:
        if not any(self._concerns(change) for change in changes):
            return
        if self._task is not None and not self._task.done():
            self._again = True
            return
        self._task = asyncio.get_running_loop().create_task(
            self._run(), name="tr069 wake-up restart"
        )

    async def _run(self) -> None:
        # One turn of the loop first: the rest of the ACS's changes arrive together.
        await asyncio.sleep(0)
        while True:
            self._again = False
            try:
                await self._restart()
            except Exception:
                _LOGGER.exception("Restarting a Connection Request method failed")
            if not self._again:
                return


class ParameterDrivenMethod:
    """A wake-up method run by data-model parameters: it restarts when they change.

    Subclasses say which changes matter (``_concerns``), what starting means
    (``_begin``, which may run a task with ``_run_task``) and what else stopping
    releases (``_release``).
    """

    name: str

    def __init__(self) -> None:
        self._context: WakeUpContext | None = None
        self._watch: RestartOnChange | None = None
        self._task: asyncio.Task[None] | None = None
        self.status = WakeUpStatus(self.name, WakeUpState.DISABLED)

    @property
    def context(self) -> WakeUpContext:
        """What the agent gave the method when it started."""
        assert self._context is not None, f"{self.name} Connection Requests not started"
        return self._context

    async def start(self, context: WakeUpContext) -> None:
        """Start as the parameters say; follow their changes."""
        self._context = context
        self._prepare()
        self._watch = RestartOnChange(context.datamodel, self._concerns, self._restart)
        self._watch.start()
        await self._begin()

    async def stop(self) -> None:
        """Stop, releasing sockets and connections."""
        if self._watch is not None:
            await self._watch.stop()
            self._watch = None
        await self._end()
        self.status = WakeUpStatus(self.name, WakeUpState.DISABLED)

    async def _restart(self) -> None:
        _LOGGER.info("%s Connection Request settings changed: restarting", self.name)
        await self._end()
        await self._begin()

    def _run_task(self, work: Coroutine[Any, Any, None]) -> None:
        self._task = asyncio.get_running_loop().create_task(work, name=f"tr069 {self.name}")

    async def _end(self) -> None:
        await cancel(self._task)
        self._task = None
        self._release()

    def _set_status(self, state: WakeUpState, address: str = "", detail: str = "") -> None:
        self.status = WakeUpStatus(self.name, state, address, detail)
        if self._context is not None:
            self._context.on_status(self.status)

    def _prepare(self) -> None:
        """Once, when the agent starts the method."""

    def _release(self) -> None:
        """What stopping releases besides the task."""

    def _concerns(self, change: Change) -> bool:
        raise NotImplementedError

    async def _begin(self) -> None:
        raise NotImplementedError
