"""The push coordinator that owns the CWMP agent and the meters of a config entry."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, DOMAIN as HA_DOMAIN, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .configuration_issues import async_follow_outcome, async_follow_report
from .const import (
    CONF_ALLOW_RESTART,
    DOMAIN,
    EVENT_CONFIGURATION_APPLIED,
    EVENT_CONFIGURATION_REJECTED,
    EVENT_METER_UPDATED,
)
from .reachability import ReachabilityIssue
from .tr069_cpe import (
    AgentStatus,
    ConfigurationReport,
    CpeAgent,
    Gateway,
    MeterUpdate,
    MeterView,
    ReportKind,
    SessionOutcome,
    Source,
)

_LOGGER = logging.getLogger(__name__)

type Tr069ConfigEntry = ConfigEntry[Tr069Coordinator]


def meter_device_info(meter: MeterView) -> DeviceInfo:
    """What the device registry shows of a meter (kept up to date as the meter changes)."""
    return DeviceInfo(
        manufacturer=meter.vendor or None,
        model=meter.type_name or meter.kind.value,
        serial_number=meter.serial,
        name=meter.name or f"{meter.vendor} {meter.serial}".strip(),
    )


# Home Assistant 2026.8 links a device to its hub by device id (``via_device_id``);
# ``via_device`` (an identifier) is deprecated from 2026.9 and breaks in 2027.8.
VIA_DEVICE_ID = "via_device_id" in DeviceInfo.__optional_keys__


def gateway_device_info(agent: CpeAgent, gateway_id: str) -> DeviceInfo:
    """What the device registry shows of the gateway (the CPE itself)."""
    identity = agent.config.identity
    return DeviceInfo(
        identifiers={(DOMAIN, gateway_id)},
        manufacturer=identity.manufacturer,
        model=identity.model_name,
        model_id=identity.product_class,
        serial_number=identity.serial_number,
        sw_version=identity.software_version,
        hw_version=identity.hardware_version,
        name="TR-069 gateway",
    )


def gateway_identifier(entry_id: str, agent: CpeAgent) -> str:
    """Device registry identifier of the gateway: GenieACS's device ID, per entry.

    Two entries (two ACSes) may present the same identity; their devices stay apart.
    """
    identity = agent.config.identity
    return f"{identity.oui}-{identity.product_class}-{identity.serial_number}@{entry_id}"


class Tr069Coordinator(DataUpdateCoordinator[AgentStatus]):
    """Pushes the agent's status and meters to entities; runs and stops the agent."""

    config_entry: Tr069ConfigEntry

    def __init__(self, hass: HomeAssistant, entry: Tr069ConfigEntry, gateway: Gateway) -> None:
        super().__init__(hass, _LOGGER, config_entry=entry, name=DOMAIN, update_interval=None)
        self.agent = agent = gateway.agent
        self.gateway_id = gateway_identifier(entry.entry_id, agent)
        self.gateway_device_id = ""  # set by register_gateway_device
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
    def register_gateway_device(self) -> None:
        """The gateway's device, before any meter device names it as its hub."""
        device = dr.async_get(self.hass).async_get_or_create(
            config_entry_id=self.config_entry.entry_id,
            **gateway_device_info(self.agent, self.gateway_id),
        )
        self.gateway_device_id = device.id

    def meter_device(self, serial: str) -> dr.DeviceEntry | None:
        """A meter's device, looked up within this entry (identifiers are per entry)."""
        key = (DOMAIN, self.meter_identifier(serial))
        registry = dr.async_get(self.hass)
        for device in dr.async_entries_for_config_entry(registry, self.config_entry.entry_id):
            if key in device.identifiers:
                return device
        return None

    @callback
    def start(self) -> None:
        """Read the meters and run the agent as the entry's background task."""
        for instance, view in self.meter_gateway.table.views().items():
            self._serial_at[instance] = view.serial
            if view.serial:
                self.meters[view.serial] = view
        self._remove_stale_devices()
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

    def _remove_stale_devices(self) -> None:
        """Devices of meters the data model no longer holds.

        The agent's state is saved at once, the device registry later: a crash in
        between leaves the device of a deleted meter behind.
        """
        registry = dr.async_get(self.hass)
        prefix = f"{self.gateway_id}_meter_"
        current = {self.meter_identifier(serial) for serial in self.meters}
        for device in dr.async_entries_for_config_entry(registry, self.config_entry.entry_id):
            if any(
                domain == DOMAIN and identifier.startswith(prefix) and identifier not in current
                for domain, identifier in device.identifiers
            ):
                registry.async_remove_device(device.id)

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
    def meter_identifier(self, serial: str) -> str:
        """Device registry identifier of a meter."""
        return f"{self.gateway_id}_meter_{serial}"

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
            self._update_device(self.meters[serial])
            for update in list(self._meter_listeners.get(serial, ())):
                update()
        self.async_update_listeners()
        for meter_update in updates:
            self._fire_meter_updated(meter_update)

    def _update_device(self, view: MeterView) -> None:
        """A meter's vendor, type or name changed: so does its device."""
        device = self.meter_device(view.serial)
        if device is None:
            return
        info = meter_device_info(view)
        manufacturer, model = info.get("manufacturer"), info.get("model")
        name, serial = info.get("name"), info.get("serial_number")
        if (device.manufacturer, device.model, device.name, device.serial_number) != (
            manufacturer,
            model,
            name,
            serial,
        ):
            dr.async_get(self.hass).async_update_device(
                device.id, manufacturer=manufacturer, model=model, name=name, serial_number=serial
            )

    def _forget_readings(self, view: MeterView) -> None:
        """Readings a meter no longer has lose their entities."""
        before = self.meters.get(view.serial)
        if before is None:
            return
        registry = er.async_get(self.hass)
        for name in before.readings.keys() - view.readings.keys():
            unique_id = f"{self.config_entry.entry_id}_{view.serial}_{name}"
            if entity_id := registry.async_get_entity_id("sensor", DOMAIN, unique_id):
                registry.async_remove(entity_id)

    def _forget_meter(self, serial: str) -> None:
        """A meter left the data model: its device goes too."""
        self.meters.pop(serial, None)
        device = self.meter_device(serial)
        if device is not None:
            dr.async_get(self.hass).async_remove_device(device.id)

    def _fire_meter_updated(self, update: MeterUpdate) -> None:
        self.hass.bus.async_fire(
            EVENT_METER_UPDATED,
            {
                "config_entry_id": self.config_entry.entry_id,
                "serial": update.serial,
                "readings": update.readings,
                "source": "acs" if update.source is Source.ACS else "configuration_file",
            },
        )

    @callback
    def _on_report(self, report: ConfigurationReport) -> None:
        """A configuration file or profile was applied or rejected: tell the user."""
        entry = self.config_entry
        data: dict[str, Any] = {"config_entry_id": entry.entry_id, **report.as_dict()}
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
