"""The meters in the CWMP data model: ``X_<OUI>_Meter.{i}.`` with a readings sub-table.

The data model is the single source of truth: configuration files are applied
to it, the ACS reads and writes it (GPV/SPV/AddObject/DeleteObject), it is
persisted with the agent's state, and Home Assistant shows views of it.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from ..cwmp.datamodel import (
    DataModel,
    ObjectNode,
    ObjectSpec,
    ParameterNode,
    ParameterSpec,
    ParamType,
    Source,
    TableNode,
)
from .catalog import classify_type, kinds_of, reading_spec
from .errors import ConfigurationFileError
from .limits import MAX_METERS, MAX_READINGS
from .model import ConfigurationFile, Meter, MeterKind, Reading
from .outcome import outcome_extension
from .plan import ApplyResult, MeterChange, MeterPlanner
from .values import canonical_value, generic_value


def meter_object_name(oui: str) -> str:
    """TR-106 vendor extension name of the meter table (``X_<OUI>_Meter``)."""
    return f"X_{oui}_Meter"


def meter_extension(oui: str) -> tuple[ParameterSpec | ObjectSpec, ...]:
    """Data-model definitions of the meters, the outcomes and the profiles, for the root."""
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
    return (
        ParameterSpec(name=f"{name}NumberOfEntries", type=ParamType.UNSIGNED_INT),
        meter,
        *outcome_extension(oui),
    )


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


def kind_of(type_name: str, reading_names: Iterable[str]) -> MeterKind:
    """The meter's kind: from its type, else from its readings, else generic."""
    named = classify_type(type_name).kind if type_name else None
    if named is not None:
        return named
    common: set[MeterKind] | None = None
    for name in reading_names:
        kinds = set(kinds_of(name))
        common = kinds if common is None else common & kinds
    return common.pop() if common is not None and len(common) == 1 else MeterKind.GENERIC


def parse_reading(kind: MeterKind, name: str, text: str) -> tuple[float | str, str | None]:
    """A reading value as the ACS wrote it, checked like a file's; raises ValueError."""
    if kind is MeterKind.GENERIC:
        value, unit = generic_value(name, text, None)
        return value, unit
    spec = reading_spec(kind, name)
    if spec is None:
        raise ValueError(f"{name!r} is not a reading of a {kind.value}")
    if spec.text:
        return text.strip(), None
    try:
        return canonical_value(name, spec, text, ())
    except ConfigurationFileError as err:
        raise ValueError(str(err)) from err


def canonical_unit(kind: MeterKind, name: str) -> str | None:
    """The unit readings of this kind are kept in (None for generic meters and texts)."""
    spec = reading_spec(kind, name)
    return None if spec is None else spec.unit


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
                Reading(name, value, reading.unit, reading.last_update)
                for name, reading in view.readings.items()
                if (value := _exported(view.kind, name, reading.value)) is not None
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

        Everything is planned and checked against the data model's own definitions
        before the first change, so a file is applied whole or not at all (ValueError).
        A complete file replaces the set of meters and each meter's readings; a
        partial file adds and updates only what it lists.
        """
        plan = MeterPlanner(self).plan(config)
        for meter in plan.meters:
            with self.datamodel.batch():  # one notification per meter
                self._execute(meter)
            yield
        for _, path in plan.removals:
            self.datamodel.delete_instance(path, Source.LOCAL)
        return plan.result()

    def _execute(self, plan: MeterChange) -> None:
        base = plan.base
        if base is None:
            base = self.datamodel.add_instance(self.path, Source.LOCAL).path
        values = {f"{base}{name}": value for name, value in plan.values.items()}
        for row in plan.rows:
            path = row.path or self.datamodel.add_instance(f"{base}Reading.", Source.LOCAL).path
            values.update({f"{path}{name}": value for name, value in row.values.items()})
        for path in plan.deleted_rows:
            self.datamodel.delete_instance(path, Source.LOCAL)
        self.datamodel.set_many_local(values)

    def delete(self, serial: str) -> bool:
        """Delete a meter (the user removed its device); False when there is none."""
        for view in self.views().values():
            if view.serial == serial:
                self.datamodel.delete_instance(f"{self.path}{view.instance}.", Source.LOCAL)
                return True
        return False

    def reading_rows(self, base: str) -> dict[str, str]:
        """A meter's readings: name → row path."""
        obj = self.datamodel.node(base)
        assert isinstance(obj, ObjectNode)
        return dict(self._reading_rows(obj))

    def text(self, path: str) -> str:
        """A text parameter's value ("" if absent)."""
        return self._text(path)


def _exported(kind: MeterKind, name: str, value: float | str | None) -> float | str | None:
    """A reading as a file gives it again: a counter not read yet is 0 without a time."""
    if value is None:
        spec = reading_spec(kind, name)
        return 0.0 if spec is not None and spec.counter else None
    return value
