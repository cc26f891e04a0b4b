"""The meters in the CWMP data model: ``X_<OUI>_Meter.{i}.`` with a readings sub-table.

The data model is the single source of truth: configuration files are applied
to it, the ACS reads and writes it (GPV/SPV/AddObject/DeleteObject), it is
persisted with the agent's state, and Home Assistant shows views of it.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from ..cwmp.datamodel import (
    DataModel,
    ObjectNode,
    ObjectSpec,
    ParameterNode,
    ParameterSpec,
    ParamType,
    Source,
    TableNode,
    Value,
)
from .catalog import classify_type, recognize
from .errors import ConfigurationFileError
from .limits import MAX_METERS, MAX_READINGS
from .model import ConfigurationFile, Meter, MeterKind, Reading
from .values import canonical_value, generic_value

CANONICAL_UNITS: Final = {
    MeterKind.ELECTRICITY: "kWh",
    MeterKind.WATER: "L",
}
_CLIMATE_UNITS: Final = {"temperature": "°C", "humidity": "%"}


def meter_object_name(oui: str) -> str:
    """TR-106 vendor extension name of the meter table (``X_<OUI>_Meter``)."""
    return f"X_{oui}_Meter"


def meter_extension(oui: str) -> tuple[ParameterSpec | ObjectSpec, ...]:
    """Data-model definitions of the meters, to add to the root object."""
    name = meter_object_name(oui)
    text = ParamType.STRING
    reading = ObjectSpec(
        name="Reading",
        multi_instance=True,
        writable=True,
        max_entries=MAX_READINGS,
        count_parameter="ReadingNumberOfEntries",
        children=(
            ParameterSpec(name="Name", type=text, writable=True, max_length=64),
            ParameterSpec(name="Value", type=text, writable=True, max_length=64),
            ParameterSpec(name="Unit", type=text, writable=True, max_length=16),
            ParameterSpec(name="LastUpdate", type=ParamType.DATETIME, persist=True),
        ),
    )
    meter = ObjectSpec(
        name=name,
        multi_instance=True,
        writable=True,
        max_entries=MAX_METERS,
        count_parameter=f"{name}NumberOfEntries",
        children=(
            ParameterSpec(name="Alias", type=text, writable=True, max_length=64),
            ParameterSpec(name="SerialNumber", type=text, writable=True, max_length=64),
            ParameterSpec(name="Vendor", type=text, writable=True, max_length=64),
            ParameterSpec(name="Type", type=text, writable=True, max_length=64),
            ParameterSpec(name="Name", type=text, writable=True, max_length=64),
            ParameterSpec(name="Latitude", type=text, writable=True, max_length=32),
            ParameterSpec(name="Longitude", type=text, writable=True, max_length=32),
            ParameterSpec(name="ReadingNumberOfEntries", type=ParamType.UNSIGNED_INT),
            reading,
        ),
    )
    return (ParameterSpec(name=f"{name}NumberOfEntries", type=ParamType.UNSIGNED_INT), meter)


@dataclass(frozen=True, slots=True)
class ReadingView:
    """One reading as it stands in the data model (value None: not known yet)."""

    name: str
    value: float | str | None
    unit: str | None
    last_update: datetime | None


@dataclass(frozen=True, slots=True)
class MeterView:
    """One meter as it stands in the data model."""

    instance: int
    serial: str
    vendor: str
    type_name: str
    kind: MeterKind
    name: str
    readings: dict[str, ReadingView]
    location: tuple[float, float] | None = None


@dataclass(frozen=True, slots=True)
class ApplyResult:
    """What a configuration file changed."""

    added: tuple[str, ...]
    updated: tuple[str, ...]
    removed: tuple[str, ...]


def kind_of(type_name: str, reading_names: Iterable[str]) -> MeterKind:
    """The meter's kind: from its type, else from its readings, else generic."""
    named = classify_type(type_name).kind if type_name else None
    if named is not None:
        return named
    kinds = {known[0] for name in reading_names if (known := recognize(name)) is not None}
    return kinds.pop() if len(kinds) == 1 else MeterKind.GENERIC


def value_text(value: float | str) -> str:
    """Data-model text of a reading value (``53``, ``25.5``)."""
    if isinstance(value, str):
        return value
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


def parse_reading(kind: MeterKind, name: str, text: str) -> tuple[float | str, str | None]:
    """A reading value as the ACS wrote it, checked like a file's; raises ValueError."""
    if kind is MeterKind.GENERIC:
        value, unit = generic_value(name, text, None)
        return value, unit
    known = recognize(name)
    if known is None or known != (kind, name):
        raise ValueError(f"{name!r} is not a reading of a {kind.value}")
    try:
        return canonical_value(name, kind, name, text, None)
    except ConfigurationFileError as err:
        raise ValueError(str(err)) from err


def canonical_unit(kind: MeterKind, name: str) -> str | None:
    """The unit readings of this kind are kept in (None for generic meters)."""
    if kind is MeterKind.TEMPERATURE_HUMIDITY:
        return _CLIMATE_UNITS.get(name)
    return CANONICAL_UNITS.get(kind)


def advance[T](steps: Generator[None, None, T]) -> T | None:
    """Run one step; the generator's result once it is done (None before)."""
    try:
        next(steps)
    except StopIteration as done:
        result: T = done.value
        return result
    return None


class MeterTable:
    """Reads and writes meters in the data model."""

    def __init__(
        self,
        datamodel: DataModel,
        root: str,
        oui: str,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.datamodel = datamodel
        self.path = f"{root}.{meter_object_name(oui)}."
        self.now = now

    # ------------------------------------------------------------------ reading
    def instance_of(self, path: str) -> int | None:
        """The meter instance a data-model path belongs to, if any."""
        if not path.startswith(self.path):
            return None
        head = path[len(self.path) :].split(".", 1)[0]
        return int(head) if head.isdigit() else None

    def _text(self, path: str) -> str:
        value = self.datamodel.read(path)
        return value if isinstance(value, str) else ""

    def view(self, instance: int) -> MeterView | None:
        """The meter at an instance number (None when it does not exist)."""
        obj = self.datamodel.node(f"{self.path}{instance}.")
        if not isinstance(obj, ObjectNode):
            return None
        base = obj.path
        type_name = self._text(f"{base}Type")
        rows = list(self._reading_rows(obj))
        kind = kind_of(type_name, (row[0] for row in rows))
        readings = {name: self._reading_view(kind, name, path) for name, path in rows if name}
        return MeterView(
            instance=instance,
            serial=self._text(f"{base}SerialNumber"),
            vendor=self._text(f"{base}Vendor"),
            type_name=type_name,
            kind=kind,
            name=self._text(f"{base}Name"),
            readings=readings,
            location=self._location(base),
        )

    def _reading_rows(self, meter: ObjectNode) -> Iterable[tuple[str, str]]:
        table = meter.children.get("Reading")
        if not isinstance(table, TableNode):
            return
        for reading in table.instances.values():
            yield self._text(f"{reading.path}Name"), reading.path

    def _reading_view(self, kind: MeterKind, name: str, base: str) -> ReadingView:
        text = self._text(f"{base}Value")
        value: float | str | None
        try:
            value = parse_reading(kind, name, text)[0] if text else None
        except ValueError:
            value = None
        updated = self.datamodel.node(f"{base}LastUpdate")
        stamp = updated.value if isinstance(updated, ParameterNode) else None
        last = stamp if isinstance(stamp, datetime) and stamp.year > 1 else None
        unit = self._text(f"{base}Unit") or canonical_unit(kind, name)
        return ReadingView(name, value, unit, last)

    def _location(self, base: str) -> tuple[float, float] | None:
        try:
            return float(self._text(f"{base}Latitude")), float(self._text(f"{base}Longitude"))
        except ValueError:
            return None

    def instances(self) -> list[int]:
        """Instance numbers of the meters, in order."""
        table = self.datamodel.table(self.path)
        return list(table.instances)

    def views(self) -> dict[int, MeterView]:
        """Every meter."""
        return {number: view for number in self.instances() if (view := self.view(number))}

    def export(self) -> list[Meter]:
        """The meters as a configuration file would declare them (for Upload)."""
        meters = []
        for view in self.views().values():
            readings = tuple(
                Reading(name, reading.value, reading.unit, reading.last_update)
                for name, reading in view.readings.items()
                if reading.value is not None
            )
            if view.serial and readings:
                meters.append(
                    Meter(
                        serial=view.serial,
                        vendor=view.vendor,
                        kind=view.kind,
                        type_name=view.type_name or view.kind.value,
                        name=view.name or None,
                        readings=readings,
                        location=view.location,
                    )
                )
        return meters

    # ------------------------------------------------------------------ writing
    def apply(self, config: ConfigurationFile) -> ApplyResult:
        """Make the data model hold what the file says, in one pass."""
        steps = self.apply_steps(config)
        while (result := advance(steps)) is None:
            pass
        return result

    def apply_steps(self, config: ConfigurationFile) -> Generator[None, None, ApplyResult]:
        """:meth:`apply` one meter at a time (the caller may yield to its event loop).

        A complete file replaces the set of meters and each meter's readings; a
        partial file adds and updates only what it lists.
        """
        existing = {view.serial: view for view in self.views().values() if view.serial}
        self._check_limits(config, existing)
        listed = {meter.serial for meter in config.meters}
        added, updated = [], []
        for meter in config.meters:
            view = existing.get(meter.serial)
            with self.datamodel.batch():  # one notification per meter
                if view is None:
                    self._add(meter)
                    added.append(meter.serial)
                elif self._update(view, meter, replace=not config.partial):
                    updated.append(meter.serial)
            yield
        removed = [] if config.partial else [s for s in existing if s not in listed]
        for serial in removed:
            self.datamodel.delete_instance(f"{self.path}{existing[serial].instance}.", Source.LOCAL)
        return ApplyResult(tuple(added), tuple(updated), tuple(removed))

    def _check_limits(self, config: ConfigurationFile, existing: dict[str, MeterView]) -> None:
        """Refuse, before changing anything, a file that would overfill the tables."""
        listed = {meter.serial for meter in config.meters}
        kept = len(existing.keys() | listed) if config.partial else len(listed)
        if kept > MAX_METERS:
            raise ValueError(f"{kept} meters is more than the {MAX_METERS} the gateway keeps")
        if not config.partial:
            return
        for meter in config.meters:
            view = existing.get(meter.serial)
            if view is None or view.kind is not meter.kind:
                continue
            rows = [name for name, _ in self._reading_rows(self._object(self._base(view)))]
            total = len(rows) + len({reading.name for reading in meter.readings} - set(rows))
            if total > MAX_READINGS:
                raise ValueError(
                    f"meter {meter.serial} would have {total} readings, "
                    f"more than the {MAX_READINGS} a meter keeps"
                )

    def _base(self, view: MeterView) -> str:
        return f"{self.path}{view.instance}."

    def delete(self, serial: str) -> bool:
        """Delete a meter (the user removed its device); False when there is none."""
        for view in self.views().values():
            if view.serial == serial:
                self.datamodel.delete_instance(f"{self.path}{view.instance}.", Source.LOCAL)
                return True
        return False

    def _meter_values(self, base: str, meter: Meter) -> dict[str, Value]:
        latitude, longitude = meter.location or ("", "")
        return {
            f"{base}SerialNumber": meter.serial,
            f"{base}Vendor": meter.vendor[:64],
            f"{base}Type": meter.type_name[:64],
            f"{base}Name": (meter.name or "")[:64],
            f"{base}Latitude": value_text(latitude) if latitude != "" else "",
            f"{base}Longitude": value_text(longitude) if longitude != "" else "",
        }

    def _reading_values(self, base: str, reading: Reading) -> dict[str, Value]:
        return {
            f"{base}Name": reading.name,
            f"{base}Value": value_text(reading.value),
            f"{base}Unit": reading.unit or "",
            f"{base}LastUpdate": reading.timestamp or self.now(),
        }

    def _add(self, meter: Meter) -> None:
        obj = self.datamodel.add_instance(self.path, Source.LOCAL)
        values = self._meter_values(obj.path, meter)
        values[f"{obj.path}Alias"] = f"cpe-{meter.serial}"[:64]
        for reading in meter.readings:
            row = self.datamodel.add_instance(f"{obj.path}Reading.", Source.LOCAL)
            values.update(self._reading_values(row.path, reading))
        self.datamodel.set_many_local(values)

    def _update(self, view: MeterView, meter: Meter, *, replace: bool) -> bool:
        base = self._base(view)
        given = self._meter_values(base, meter)
        same_kind = view.kind is meter.kind
        if not replace:
            given = self._stated(base, meter, given, same_kind=same_kind)
        if not same_kind:
            replace = True  # another kind of meter: the old readings mean nothing for it
        values = {path: value for path, value in given.items() if self._text(path) != value}
        rows = dict(self._reading_rows(self._object(base)))
        changed = bool(values)
        for reading in meter.readings:
            row = rows.pop(reading.name, None)
            if row is None:
                row = self.datamodel.add_instance(f"{base}Reading.", Source.LOCAL).path
                changed = True
            elif self._reading_unchanged(row, reading):
                continue
            values.update(self._reading_values(row, reading))
            changed = True
        if replace:
            for row in rows.values():
                self.datamodel.delete_instance(row, Source.LOCAL)
                changed = True
        self.datamodel.set_many_local(values)
        return changed

    @staticmethod
    def _stated(
        base: str, meter: Meter, values: dict[str, Value], *, same_kind: bool
    ) -> dict[str, Value]:
        """What a partial file states about a meter.

        Empty fields, and a type that only restates the meter's kind, leave the
        data model as it is.
        """
        stated = {path: value for path, value in values.items() if value != ""}
        if same_kind and meter.type_name == meter.kind.value:
            stated.pop(f"{base}Type", None)
        return stated

    def _reading_unchanged(self, row: str, reading: Reading) -> bool:
        if self._text(f"{row}Value") != value_text(reading.value):
            return False
        if self._text(f"{row}Unit") != (reading.unit or ""):
            return False
        if reading.timestamp is None:
            return True
        stamp = self.datamodel.node(f"{row}LastUpdate")
        return isinstance(stamp, ParameterNode) and stamp.value == reading.timestamp

    def _object(self, path: str) -> ObjectNode:
        obj = self.datamodel.node(path)
        assert isinstance(obj, ObjectNode)
        return obj
