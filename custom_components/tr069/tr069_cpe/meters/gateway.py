"""Meters wired to a CPE agent: the Download handler, checks on ACS writes, change feeds.

The binding has no Home Assistant imports: the headless runner and Home
Assistant both use it. Listeners learn which meters changed (coalesced per
event-loop turn, so a file of a thousand meters is one notification) and what
each configuration file did.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
import logging
from pathlib import PurePosixPath
from typing import Final, NoReturn
from urllib.parse import urlsplit
import zoneinfo

from ..cwmp.agent import CpeAgent
from ..cwmp.datamodel import (
    Change,
    ChangeKind,
    ObjectSpec,
    ParameterNode,
    ParameterSpec,
    Source,
    Value,
)
from ..cwmp.faults import CwmpFault, FaultCode
from ..cwmp.transfers import Transfer
from .catalog import reading_spec
from .context import ReadOptions
from .errors import ConfigurationFileError
from .model import ConfigurationFile, MeterKind
from .outcome import Outcomes, ProfileTable
from .parse import parse_configuration
from .plan import ApplyResult
from .profile import ProfileError, parse_profile
from .report import (
    APPLIED,
    ConfigurationReport,
    ReportKind,
    applied_report,
    rejected_report,
)
from .serialize import serialize_configuration
from .table import (
    MeterTable,
    advance,
    kind_of,
    meter_extension,
    parse_reading,
)

_LOGGER = logging.getLogger(__name__)

VENDOR_CONFIGURATION_FILE: Final = "3 Vendor Configuration File"
UPLOAD_CONFIGURATION_FILE: Final = "1 Vendor Configuration File"
APPLY_SLICE: Final = 100


def profile_file_type(oui: str) -> str:
    """The vendor FileType of format profiles: ``X <OUI> Meter Format Profile``."""
    return f"X {oui} Meter Format Profile"


def gateway_extension(oui: str) -> tuple[ParameterSpec | ObjectSpec, ...]:
    """Everything the meters add to the data model."""
    return meter_extension(oui)


@dataclass(frozen=True, slots=True)
class MeterUpdate:
    """Readings of one meter that changed, with their new values."""

    serial: str
    readings: dict[str, float | str | None]
    source: Source


type ChangeListener = Callable[[set[int], list[MeterUpdate]], None]
type ReportListener = Callable[[ConfigurationReport], None]


class MeterGateway:
    """The meters of one agent."""

    def __init__(self, agent: CpeAgent) -> None:
        config = agent.config
        root, oui = config.root.value, config.identity.oui
        self.table = MeterTable(agent.datamodel, root, oui)
        self.outcomes = Outcomes(agent.datamodel, root, oui)
        self.profiles = ProfileTable(agent.datamodel, root, oui)
        self._options = ReadOptions(time_zone=zoneinfo.ZoneInfo(config.time_zone))
        self._lock = agent.datamodel_lock
        self._change_listeners: list[ChangeListener] = []
        self._report_listeners: list[ReportListener] = []
        self._dirty: set[int] = set()
        self._added: set[int] = set()
        self._updated: dict[str, Source] = {}
        self._flush_scheduled = False
        agent.transfers.download_handlers[VENDOR_CONFIGURATION_FILE] = self._apply_download
        agent.transfers.download_handlers[profile_file_type(oui)] = self._install_download
        agent.transfers.upload_sources[UPLOAD_CONFIGURATION_FILE] = self._export_upload
        self._add_validators()
        agent.datamodel.subscribe(self._on_changes)

    def add_change_listener(self, listener: ChangeListener) -> Callable[[], None]:
        """Be told which meter instances changed; returns an unsubscribe function."""
        self._change_listeners.append(listener)
        return lambda: self._change_listeners.remove(listener)

    def add_report_listener(self, listener: ReportListener) -> Callable[[], None]:
        """Be told the outcome of every configuration file and profile (applied or not)."""
        self._report_listeners.append(listener)
        return lambda: self._report_listeners.remove(listener)

    # ------------------------------------------------------------------ files
    async def apply_file(self, data: bytes, filename: str) -> ConfigurationReport:
        """Parse (off the event loop) and apply a configuration file, or change nothing.

        The outcome is recorded in the same turn as the change (under the data-model
        lock). A rejected file raises fault 9018 (file corrupted) with the reason.
        """
        profiles = self.profiles.enabled()
        try:
            config = await asyncio.to_thread(
                parse_configuration,
                data,
                filename=filename,
                options=self._options,
                profiles=profiles,
            )
        except ConfigurationFileError as err:
            await self._reject(filename, err)
        async with self._lock:
            try:
                result = await self._apply_in_slices(config)
            except ValueError as err:
                self._reject_locked(filename, err)
            report = applied_report(filename, config, result, self.table.now())
            self.outcomes.record(report)
        _LOGGER.info(
            "Configuration file %s applied: %d added, %d updated, %d removed; ignored: %s",
            filename,
            len(result.added),
            len(result.updated),
            len(result.removed),
            ", ".join(config.ignored) or "nothing",
        )
        self._tell(report)
        return report

    async def _reject(self, filename: str, err: Exception) -> NoReturn:
        async with self._lock:
            self._reject_locked(filename, err)

    def _reject_locked(self, filename: str, err: Exception) -> NoReturn:
        _LOGGER.warning("Configuration file %s rejected: %s", filename, err)
        report = rejected_report(
            ReportKind.CONFIGURATION_FILE, filename, str(err), self.table.now()
        )
        self.outcomes.record(report)
        self._tell(report)
        raise CwmpFault(FaultCode.FILE_CORRUPTED, str(err)) from err

    async def install_profile(
        self, data: bytes, filename: str, *, only_if_changed: bool = False
    ) -> ConfigurationReport | None:
        """Validate and keep a format profile; the report (None: already installed).

        A bad profile changes nothing and is reported as rejected, with the reason.
        """
        try:
            profile = await asyncio.to_thread(parse_profile, data)
            if only_if_changed and self.profiles.installed(profile):
                return None
            async with self._lock:
                self.profiles.install(profile)
        except ProfileError as err:
            _LOGGER.warning("Format profile %s rejected: %s", filename, err)
            report = rejected_report(
                ReportKind.FORMAT_PROFILE, filename, str(err), self.table.now()
            )
            await self._report(report)
            return report
        _LOGGER.info("Format profile %s (%s) installed", profile.name, filename)
        report = ConfigurationReport(
            kind=ReportKind.FORMAT_PROFILE,
            file_name=filename,
            status=APPLIED,
            time=self.table.now(),
            format=profile.source_format,
            profile=profile.name,
            profile_version=profile.version,
        )
        await self._report(report)
        return report

    async def _report(self, report: ConfigurationReport) -> None:
        async with self._lock:
            self.outcomes.record(report)
        self._tell(report)

    def _tell(self, report: ConfigurationReport) -> None:
        for listener in list(self._report_listeners):
            try:
                listener(report)
            except Exception:
                _LOGGER.exception("A configuration report listener failed")

    async def _apply_in_slices(self, config: ConfigurationFile) -> ApplyResult:
        """Apply a file (the lock held), yielding to the event loop every APPLY_SLICE meters."""
        steps = self.table.apply_steps(config)
        count = 0
        while (result := advance(steps)) is None:
            count += 1
            if count % APPLY_SLICE == 0:
                await asyncio.sleep(0)
        return result

    async def delete_meter(self, serial: str) -> bool:
        """Delete a meter (its device was removed); not in the middle of a file."""
        async with self._lock:
            return self.table.delete(serial)

    async def _apply_download(self, data: bytes, transfer: Transfer) -> None:
        await self.apply_file(data, _file_name(transfer, "configuration"))

    async def _install_download(self, data: bytes, transfer: Transfer) -> None:
        report = await self.install_profile(data, _file_name(transfer, "profile"))
        if report is not None and not report.applied:
            raise CwmpFault(FaultCode.FILE_CORRUPTED, report.error or "bad format profile")

    async def _export_upload(self, transfer: Transfer) -> tuple[bytes, str]:
        """The meters as a configuration file that a Download accepts again."""
        del transfer
        meters = self.table.export()
        data = await asyncio.to_thread(serialize_configuration, meters)
        return data, "application/json"

    # ------------------------------------------------------------------ ACS writes
    def _add_validators(self) -> None:
        base = f"{self.table.path}{{i}}."
        datamodel = self.table.datamodel
        datamodel.add_validator(f"{base}SerialNumber", self._check_serial)
        datamodel.add_validator(f"{base}Type", self._check_type)
        datamodel.add_validator(f"{base}Reading.{{i}}.Name", self._check_reading_name)
        datamodel.add_validator(f"{base}Reading.{{i}}.Value", self._check_reading_value)
        datamodel.add_validator(f"{base}Reading.{{i}}.Unit", self._check_reading_unit)

    def _meter_of(self, node: ParameterNode) -> tuple[str, MeterKind]:
        instance = self.table.instance_of(node.path)
        base = f"{self.table.path}{instance}."
        view = self.table.view(instance) if instance is not None else None
        if view is None:
            return base, MeterKind.GENERIC
        return base, view.kind

    def _reading_name(self, node: ParameterNode) -> str:
        row = node.path.rsplit(".", 1)[0]
        return self._text(f"{row}.Name")

    def _check_serial(self, node: ParameterNode, value: Value) -> None:
        instance = self.table.instance_of(node.path)
        for view in self.table.views().values():
            if value and view.serial == value and view.instance != instance:
                raise ValueError(f"meter {view.instance} already has serial {value}")

    def _check_type(self, node: ParameterNode, value: Value) -> None:
        instance = self.table.instance_of(node.path)
        view = self.table.view(instance) if instance is not None else None
        if view is None:
            return
        kind = kind_of(str(value), view.readings)
        if kind is MeterKind.GENERIC:
            return
        misfits = [name for name in view.readings if reading_spec(kind, name) is None]
        if misfits:
            raise ValueError(f"readings {', '.join(misfits)} are not readings of a {kind.value}")

    def _check_reading_name(self, node: ParameterNode, value: Value) -> None:
        base, kind = self._meter_of(node)
        name = str(value)
        if not name:
            raise ValueError("a reading needs a name")
        row = node.path.rsplit(".", 1)[0]
        others = self.table.datamodel.parameters(f"{base}Reading.")
        if any(
            other.path.endswith(".Name")
            and not other.path.startswith(f"{row}.")
            and self._text(other.path) == name
            for other in others
        ):
            raise ValueError(f"the meter already has a reading {name!r}")
        if kind is not MeterKind.GENERIC and reading_spec(kind, name) is None:
            raise ValueError(f"{name!r} is not a reading of a {kind.value}")

    def _check_reading_value(self, node: ParameterNode, value: Value) -> None:
        _, kind = self._meter_of(node)
        if str(value):
            parse_reading(kind, self._reading_name(node) or "value", str(value))

    def _check_reading_unit(self, node: ParameterNode, value: Value) -> None:
        _, kind = self._meter_of(node)
        name = self._reading_name(node)
        spec = reading_spec(kind, name)  # None on a generic meter: any unit
        if spec is None or value in ("", spec.unit):
            return
        if spec.text:
            raise ValueError(f"{name!r} is a text: it has no unit")
        raise ValueError(f"readings of a {kind.value} are in {spec.unit}")

    # ------------------------------------------------------------------ change feed
    def _on_changes(self, changes: list[Change]) -> None:
        stamped: list[str] = []
        for change in changes:
            instance = self.table.instance_of(change.path)
            if instance is None:
                continue
            self._dirty.add(instance)
            if change.kind is ChangeKind.ADDED and change.path == f"{self.table.path}{instance}.":
                self._added.add(instance)
            elif change.kind is ChangeKind.VALUE and change.path.endswith(".Value"):
                self._updated[change.path] = change.source
                if change.source is Source.ACS:
                    stamped.append(change.path.removesuffix("Value") + "LastUpdate")
        if stamped:
            # The ACS wrote readings: they are as of now. Part of the ACS's own change,
            # so it is not notified back to the ACS.
            now = self.table.now()
            self.table.datamodel.set_many_local(dict.fromkeys(stamped, now), Source.ACS)
        if not self._flush_scheduled and self._dirty:
            self._flush_scheduled = True
            try:
                asyncio.get_running_loop().call_soon(self._flush)
            except RuntimeError:
                self._flush()

    def _flush(self) -> None:
        self._flush_scheduled = False
        dirty, self._dirty = self._dirty, set()
        added, self._added = self._added, set()
        updated, self._updated = self._updated, {}
        updates = self._meter_updates(updated, added)
        for listener in list(self._change_listeners):
            try:
                listener(dirty, updates)
            except Exception:
                _LOGGER.exception("A meter change listener failed")

    def _meter_updates(self, updated: dict[str, Source], added: set[int]) -> list[MeterUpdate]:
        """Reading changes of meters that existed before (new meters are "added")."""
        by_instance: dict[int, dict[str, Source]] = {}
        for path, source in updated.items():
            instance = self.table.instance_of(path)
            if instance is not None and instance not in added:
                by_instance.setdefault(instance, {})[path] = source
        updates = []
        for instance, paths in by_instance.items():
            view = self.table.view(instance)
            if view is None or not view.serial:
                continue
            names = {self._text(path.rsplit(".", 1)[0] + ".Name") for path in paths}
            # In the meter's order, so that events and logbook lines read the same each time.
            readings = {
                name: reading.value for name, reading in view.readings.items() if name in names
            }
            if readings:
                source = next(iter(paths.values()))
                updates.append(MeterUpdate(view.serial, readings, source))
        return updates

    def _text(self, path: str) -> str:
        value = self.table.datamodel.read(path)
        return value if isinstance(value, str) else ""


def _file_name(transfer: Transfer, default: str) -> str:
    return transfer.target_file_name or PurePosixPath(urlsplit(transfer.url).path).name or default


__all__ = [
    "UPLOAD_CONFIGURATION_FILE",
    "VENDOR_CONFIGURATION_FILE",
    "MeterGateway",
    "MeterUpdate",
    "gateway_extension",
    "kind_of",
    "profile_file_type",
]
