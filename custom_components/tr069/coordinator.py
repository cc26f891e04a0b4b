"""The push coordinator that owns the CWMP agent and the meters of a config entry."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, DOMAIN as HA_DOMAIN, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .configuration_issues import async_follow_outcome, async_follow_report
from .const import (
    CONF_ALLOW_RESTART,
    DOMAIN,
    EVENT_CONFIGURATION_APPLIED,
    EVENT_CONFIGURATION_REJECTED,
    EVENT_METER_UPDATED,
)
from .devices import GatewayDevices
from .reachability import ReachabilityIssue
from .tr069_cpe import (
    AgentStatus,
    ConfigurationReport,
    Gateway,
    MeterUpdate,
    MeterView,
    ReportKind,
    SessionOutcome,
    Source,
)
from .unique_id import reading_entity_id, unique_id_for

_LOGGER = logging.getLogger(__name__)

type Tr069ConfigEntry = ConfigEntry[Tr069Coordinator]


class Tr069Coordinator(DataUpdateCoordinator[AgentStatus]):
    """Pushes the agent's status and meters to entities; runs and stops the agent."""

    config_entry: Tr069ConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: Tr069ConfigEntry,
        gateway: Gateway,
        device_names: dict[str, str],
    ) -> None:
        super().__init__(hass, _LOGGER, config_entry=entry, name=DOMAIN, update_interval=None)
        self.agent = agent = gateway.agent
        self.gateway_id = unique_id_for(entry.data)
        self.devices = GatewayDevices(hass, entry.entry_id, self.gateway_id, device_names)
        self.meter_gateway = gateway.meters
        self.meters: dict[str, MeterView] = {}
        self._serial_at: dict[int, str] = {}
        self._meter_listeners: dict[str, list[CALLBACK_TYPE]] = {}
        self._task: asyncio.Task[None] | None = None
        self.reachability = ReachabilityIssue(hass, entry.entry_id, entry.title)
        self._save_error: str | None = None
        self._unsubscribe = [
            agent.add_listener(self._on_status),
            self.meter_gateway.add_change_listener(self._on_meters_changed),
            self.meter_gateway.add_report_listener(self._on_report),
        ]

    async def _async_update_data(self) -> AgentStatus:
        return self.agent.status

    @callback
    def start(self) -> None:
        """Register the devices, read the meters, run the agent as the entry's background task."""
        self.devices.register_gateway(self.agent.config.identity)
        for instance, view in self.meter_gateway.table.views().items():
            self._serial_at[instance] = view.serial
            if view.serial:
                self.meters[view.serial] = view
        self.devices.remove_stale(set(self.meters))
        for view in self.meters.values():
            self.devices.sync_meter(view)
        for kind in ReportKind:
            async_follow_outcome(
                self.hass,
                self.config_entry.entry_id,
                self.config_entry.title,
                kind,
                self.meter_gateway.outcomes.last(kind),
            )
        self._task = self.config_entry.async_create_background_task(
            self.hass, self._async_run(), f"{DOMAIN} agent {self.config_entry.title}"
        )

    async def _async_run(self) -> None:
        """Run the agent; after a Reboot or FactoryReset from the ACS, start it again.

        The agent restarts by reloading the entry; with the option set, the ACS
        restarts Home Assistant itself.
        """
        await self.agent.run()
        if not self.agent.restarting:
            return
        if self.config_entry.options.get(CONF_ALLOW_RESTART):
            _LOGGER.warning("The ACS rebooted the gateway: restarting Home Assistant")
            try:
                await self.hass.services.async_call(HA_DOMAIN, "restart", blocking=True)
            except HomeAssistantError as err:
                # Home Assistant refuses to restart (a broken configuration): the agent
                # must not stay stopped, so it restarts on its own.
                _LOGGER.warning("Home Assistant did not restart (%s): reloading the entry", err)
            else:
                return
        _LOGGER.info("The ACS rebooted the gateway: reloading %s", self.config_entry.title)
        self.hass.config_entries.async_schedule_reload(self.config_entry.entry_id)

    async def async_shutdown(self) -> None:
        """Stop the agent: the loop, then the Connection Request server (port released)."""
        await super().async_shutdown()
        self.reachability.clear()
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.agent.shutdown()
        self._update_save_issue(None)

    @callback
    def _on_status(self, status: AgentStatus) -> None:
        self.async_set_updated_data(status)
        self.reachability.update(status)
        self._update_save_issue(status.state_save_error)
        if status.last_outcome is SessionOutcome.INVALID_AUTH:
            self.config_entry.async_start_reauth(self.hass)

    @callback
    def _update_save_issue(self, error: str | None) -> None:
        """A repair issue while the agent's state cannot be saved; gone once a save works."""
        if error == self._save_error:
            return
        self._save_error = error
        issue_id = f"state_save_failed_{self.config_entry.entry_id}"
        if error is None:
            ir.async_delete_issue(self.hass, DOMAIN, issue_id)
            return
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key="state_save_failed",
            translation_placeholders={"title": self.config_entry.title, "error": error},
        )

    # ------------------------------------------------------------------ meters
    @callback
    def async_add_meter_listener(self, serial: str, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call ``update`` whenever the meter with this serial changes."""
        listeners = self._meter_listeners.setdefault(serial, [])
        listeners.append(update)
        return lambda: listeners.remove(update)

    @callback
    def _on_meters_changed(self, instances: set[int], updates: list[MeterUpdate]) -> None:
        table = self.meter_gateway.table
        changed: set[str] = set()
        for instance in instances:
            old_serial = self._serial_at.pop(instance, "")
            view = table.view(instance)
            if old_serial and (view is None or view.serial != old_serial):
                self._forget_meter(old_serial)
            if view is not None:
                self._serial_at[instance] = view.serial
                if view.serial:
                    self._forget_readings(view)
                    self.meters[view.serial] = view
                    changed.add(view.serial)
        for serial in changed:
            self.devices.sync_meter(self.meters[serial])
            for update in list(self._meter_listeners.get(serial, ())):
                update()
        self.async_update_listeners()
        for meter_update in updates:
            self._fire_meter_updated(meter_update)

    def _forget_readings(self, view: MeterView) -> None:
        """Readings a meter no longer has lose their entities."""
        before = self.meters.get(view.serial)
        if before is None:
            return
        registry = er.async_get(self.hass)
        for name in before.readings.keys() - view.readings.keys():
            unique_id = reading_entity_id(self.gateway_id, view.serial, name)
            if entity_id := registry.async_get_entity_id("sensor", DOMAIN, unique_id):
                registry.async_remove(entity_id)

    def _forget_meter(self, serial: str) -> None:
        """A meter left the data model: its device goes too."""
        self.meters.pop(serial, None)
        self.devices.remove_meter(serial)

    def _fire_meter_updated(self, update: MeterUpdate) -> None:
        """The event, on the meter's device (``device_id``: its logbook shows it)."""
        meter = self.meters.get(update.serial)
        readings = meter.readings if meter is not None else {}
        units = {
            name: unit
            for name in update.readings
            if (reading := readings.get(name)) is not None and (unit := reading.unit)
        }
        self.hass.bus.async_fire(
            EVENT_METER_UPDATED,
            {
                "config_entry_id": self.config_entry.entry_id,
                "device_id": self.devices.meter_device_id(update.serial),
                "serial": update.serial,
                "readings": update.readings,
                "units": units,
                "source": "acs" if update.source is Source.ACS else "configuration_file",
            },
        )

    @callback
    def _on_report(self, report: ConfigurationReport) -> None:
        """A configuration file or profile was applied or rejected: tell the user.

        The event names the gateway's device (``device_id``): its logbook shows it.
        """
        entry = self.config_entry
        data: dict[str, Any] = {
            "config_entry_id": entry.entry_id,
            "device_id": self.devices.gateway_device_id,
            **report.as_dict(),
        }
        event = EVENT_CONFIGURATION_APPLIED if report.applied else EVENT_CONFIGURATION_REJECTED
        self.hass.bus.async_fire(event, data)
        async_follow_report(self.hass, entry.entry_id, entry.title, report)
        self.async_update_listeners()

    async def async_remove_meter(self, serial: str) -> bool:
        """The user deleted a meter's device: delete the meter too."""
        removed = await self.meter_gateway.delete_meter(serial)
        if removed:
            await self.agent.persist()
        return removed
