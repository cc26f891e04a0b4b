"""What a configuration file will change, worked out and checked before any change.

Every value is checked against the data model's own definition of its parameter (string
lengths, instance limits), the same definition the data model checks each write with:
a file either passes here and is then applied whole, or changes nothing.

Counters are protected here too: a file never lowers a counter (an older file replayed,
a typo), and a new meter's counter declared at 0 without a time is "not read yet".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
import hashlib
from typing import TYPE_CHECKING, Final

from ..cwmp.datamodel import ObjectSpec, ParameterSpec, Value
from .catalog import reading_spec
from .model import ConfigurationFile, Meter, Reading

if TYPE_CHECKING:
    from .table import MeterTable, MeterView, ReadingView

_ALIAS_PREFIX: Final = "cpe-"


def value_text(value: float | str) -> str:
    """Data-model text of a reading value (``53``, ``25.5``)."""
    if isinstance(value, str):
        return value
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


@dataclass(frozen=True, slots=True)
class ApplyResult:
    """What a configuration file changed.

    ``kept`` lists counters the file would have lowered (``26 T1: 12 < 53``): a counter
    never goes backwards because of a file. ``not_read`` lists counters declared at 0
    without a time on a meter's first declaration: unknown until a real reading.
    """

    added: tuple[str, ...]
    updated: tuple[str, ...]
    removed: tuple[str, ...]
    kept: tuple[str, ...] = ()
    not_read: tuple[str, ...] = ()


@dataclass(slots=True)
class RowChange:
    """Values of one reading row (``path`` None: a new row)."""

    path: str | None
    values: dict[str, Value]


@dataclass(slots=True)
class MeterChange:
    """Values of one meter (``base`` None: a new meter)."""

    serial: str
    base: str | None
    values: dict[str, Value] = field(default_factory=dict)
    rows: list[RowChange] = field(default_factory=list)
    deleted_rows: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether applying it changes anything."""
        return bool(self.base is None or self.values or self.rows or self.deleted_rows)


@dataclass(slots=True)
class ApplyPlan:
    """Every change of a file, checked."""

    meters: list[MeterChange] = field(default_factory=list)
    removals: list[tuple[str, str]] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    not_read: list[str] = field(default_factory=list)

    def result(self) -> ApplyResult:
        """What applying the plan changed."""
        return ApplyResult(
            added=tuple(meter.serial for meter in self.meters if meter.base is None),
            updated=tuple(
                meter.serial for meter in self.meters if meter.base is not None and meter.changed
            ),
            removed=tuple(serial for serial, _ in self.removals),
            kept=tuple(self.kept),
            not_read=tuple(self.not_read),
        )


class MeterPlanner:
    """Works out an :class:`ApplyPlan` for a file against the table as it is now."""

    def __init__(self, table: MeterTable) -> None:
        self.table = table
        meter = table.datamodel.table(table.path).spec
        self.meter_specs = _parameters(meter)
        reading = next(child for child in meter.children if isinstance(child, ObjectSpec))
        self.reading_specs = _parameters(reading)
        self.max_meters = meter.max_entries
        self.max_readings = reading.max_entries
        self.plan_ = ApplyPlan()

    def plan(self, config: ConfigurationFile) -> ApplyPlan:
        """The checked plan; ValueError (with the reason) if the file cannot be applied."""
        existing = {view.serial: view for view in self.table.views().values() if view.serial}
        listed = {meter.serial for meter in config.meters}
        kept = len(existing.keys() | listed) if config.partial else len(listed)
        if self.max_meters is not None and kept > self.max_meters:
            raise ValueError(f"{kept} meters is more than the {self.max_meters} the gateway keeps")
        for meter in config.meters:
            view = existing.get(meter.serial)
            change = (
                self._new(meter)
                if view is None
                else self._existing(view, meter, replace=not config.partial)
            )
            self.plan_.meters.append(change)
        if not config.partial:
            self.plan_.removals = [
                (serial, f"{self.table.path}{view.instance}.")
                for serial, view in existing.items()
                if serial not in listed
            ]
        return self.plan_

    # ------------------------------------------------------------------ meters
    def _fields(self, meter: Meter) -> dict[str, Value]:
        latitude, longitude = meter.location or ("", "")
        return {
            "SerialNumber": meter.serial,
            "Vendor": meter.vendor,
            "Type": meter.type_name,
            "Name": meter.name or "",
            "Latitude": value_text(latitude) if latitude != "" else "",
            "Longitude": value_text(longitude) if longitude != "" else "",
        }

    def _new(self, meter: Meter) -> MeterChange:
        change = MeterChange(meter.serial, None, self._fields(meter))
        change.values["Alias"] = _alias(meter.serial)
        self._check_values(meter.serial, self.meter_specs, change.values)
        for reading in meter.readings:
            self._add_row(change, meter, reading)
        self._check_count(meter.serial, len(change.rows))
        return change

    def _existing(self, view: MeterView, meter: Meter, *, replace: bool) -> MeterChange:
        base = f"{self.table.path}{view.instance}."
        change = MeterChange(meter.serial, base)
        given = self._fields(meter)
        same_kind = view.kind is meter.kind
        if not replace:
            given = {name: value for name, value in given.items() if value != ""}
            if same_kind and meter.type_name == meter.kind.value:
                given.pop("Type", None)
        self._check_values(meter.serial, self.meter_specs, given)
        change.values = {
            name: value for name, value in given.items() if self.table.text(base + name) != value
        }
        rows = self.table.reading_rows(base)
        current = {} if not same_kind else view.readings
        for reading in meter.readings:
            row = rows.pop(reading.name, None)
            known = current.get(reading.name)
            self._update_row(change, meter, reading, row, known)
        if replace or not same_kind:
            change.deleted_rows = list(rows.values())
        else:
            self._check_count(meter.serial, len(rows) + len(meter.readings))
        return change

    # ------------------------------------------------------------------ readings
    def _add_row(self, change: MeterChange, meter: Meter, reading: Reading) -> None:
        values = self._row_values(meter, reading, placeholder=self._not_read(meter, reading))
        change.rows.append(RowChange(None, values))

    def _update_row(
        self,
        change: MeterChange,
        meter: Meter,
        reading: Reading,
        row: str | None,
        known: ReadingView | None,
    ) -> None:
        current = None if known is None else known.value
        spec = reading_spec(meter.kind, reading.name)
        if (
            spec is not None
            and spec.counter
            and isinstance(current, float)
            and isinstance(reading.value, float)
            and reading.value < current
        ):
            self.plan_.kept.append(
                f"{meter.serial} {reading.name}: {value_text(reading.value)} < "
                f"{value_text(current)} {reading.unit or ''}".rstrip()
            )
            return
        placeholder = current is None and self._not_read(meter, reading)
        if row is not None and self._unchanged(row, reading, placeholder=placeholder):
            return
        values = self._row_values(meter, reading, placeholder=placeholder)
        change.rows.append(RowChange(row, values))

    def _not_read(self, meter: Meter, reading: Reading) -> bool:
        """A counter at 0 without a time, where none was known: not read yet."""
        spec = reading_spec(meter.kind, reading.name)
        if spec is None or not spec.counter or reading.value != 0 or reading.timestamp:
            return False
        self.plan_.not_read.append(f"{meter.serial} {reading.name}")
        return True

    def _row_values(self, meter: Meter, reading: Reading, *, placeholder: bool) -> dict[str, Value]:
        values: dict[str, Value] = {
            "Name": reading.name,
            "Value": "" if placeholder else value_text(reading.value),
            "Unit": reading.unit or "",
        }
        if not placeholder:
            values["LastUpdate"] = reading.timestamp or self.table.now()
        self._check_values(meter.serial, self.reading_specs, values, reading.name)
        return values

    def _unchanged(self, row: str, reading: Reading, *, placeholder: bool) -> bool:
        text = "" if placeholder else value_text(reading.value)
        if self.table.text(f"{row}Value") != text:
            return False
        if self.table.text(f"{row}Unit") != (reading.unit or ""):
            return False
        if placeholder or reading.timestamp is None:
            return True
        stamp = self.table.datamodel.read(f"{row}LastUpdate")
        return isinstance(stamp, datetime) and stamp == reading.timestamp

    # ------------------------------------------------------------------ checks
    def _check_values(
        self,
        serial: str,
        specs: dict[str, ParameterSpec],
        values: dict[str, Value],
        reading: str | None = None,
    ) -> None:
        for name, value in values.items():
            try:
                specs[name].check(value)
            except ValueError as err:
                what = f"meter {serial}" + (f" reading {reading}" if reading else "")
                raise ValueError(f"{what}: {name} {err}") from None

    def _check_count(self, serial: str, count: int) -> None:
        if self.max_readings is not None and count > self.max_readings:
            raise ValueError(
                f"meter {serial} would have {count} readings, "
                f"more than the {self.max_readings} a meter keeps"
            )


def _parameters(spec: ObjectSpec) -> dict[str, ParameterSpec]:
    return {child.name: child for child in spec.children if isinstance(child, ParameterSpec)}


def _alias(serial: str) -> str:
    """The meter's Alias: ``cpe-<serial>``, or a digest of a serial too long for it."""
    alias = f"{_ALIAS_PREFIX}{serial}"
    if len(alias) <= 64:
        return alias
    return _ALIAS_PREFIX + hashlib.sha256(serial.encode()).hexdigest()[:32]
