"""The push coordinator that owns the CWMP agent of a config entry."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .const import DOMAIN
from .cwmp.agent import CpeAgent
from .cwmp.status import AgentStatus, SessionOutcome

_LOGGER = logging.getLogger(__name__)

type Tr069ConfigEntry = ConfigEntry[Tr069Coordinator]


class Tr069Coordinator(DataUpdateCoordinator[AgentStatus]):
    """Pushes the agent's status to entities; runs and stops the agent."""

    config_entry: Tr069ConfigEntry

    def __init__(self, hass: HomeAssistant, entry: Tr069ConfigEntry, agent: CpeAgent) -> None:
        super().__init__(hass, _LOGGER, config_entry=entry, name=DOMAIN, update_interval=None)
        self.agent = agent
        self._task: asyncio.Task[None] | None = None
        self._unsubscribe = agent.add_listener(self._on_status)

    async def _async_update_data(self) -> AgentStatus:
        return self.agent.status

    @callback
    def start(self) -> None:
        """Run the agent as the entry's background task."""
        self._task = self.config_entry.async_create_background_task(
            self.hass, self.agent.run(), f"{DOMAIN} agent {self.config_entry.title}"
        )

    async def async_shutdown(self) -> None:
        """Stop the agent: the loop, then the Connection Request server (port released)."""
        await super().async_shutdown()
        self._unsubscribe()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.agent.shutdown()

    @callback
    def _on_status(self, status: AgentStatus) -> None:
        self.async_set_updated_data(status)
        if status.last_outcome is SessionOutcome.INVALID_AUTH:
            self.config_entry.async_start_reauth(self.hass)
