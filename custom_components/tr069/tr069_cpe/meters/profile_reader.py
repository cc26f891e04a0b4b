"""Reading a configuration file with a format profile, and choosing the profile.

A profile turns the operator's records into the built-in meter and reading records
(its fields and reading ids mapped to the built-in names); the built-in validation
then does the rest, so values are checked exactly as without a profile.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Final
import zoneinfo

from .context import ReadContext
from .discovery import PARTIAL, TIMESTAMP, records, report_around
from .errors import ConfigurationFileError
from .formats import csv_format, json_format, xml_format
from .keys import child
from .model import ConfigurationFile
from .normalize import MeterRecord, Tree, build_configuration, decode_utf8
from .profile import FormatProfile
from .registry import find_format
from .values import flag, quote, timestamp

_JOIN: Final = "|"
_NAMED_BY: Final = ("profile", "formatProfile", "format_profile")
"""Top-level keys (JSON) or root attributes (XML) by which a file names its profile."""


def select_profile(
    data: bytes, filename: str | None, profiles: Sequence[FormatProfile]
) -> FormatProfile | None:
    """The profile a file names, or the first whose ``match`` holds; None: built in."""
    if not profiles:
        return None
    try:
        detected, has, named = _inspect(data, filename)
    except ConfigurationFileError:
        return None  # the built-in reader says what is wrong
    if named is not None:
        for profile in profiles:
            if profile.name == named:
                return profile
        raise ConfigurationFileError(
            f"the file needs the format profile {quote(named)}, which the gateway does not "
            "have (or has disabled)"
        )
    return next((p for p in profiles if p.matches(detected, filename, has)), None)


def _inspect(data: bytes, filename: str | None) -> tuple[str, Callable[[str], bool], str | None]:
    """The file's format, a test for its columns or paths, and the profile it names."""
    detected = find_format(data, filename).name
    text = decode_utf8(data)
    if detected == "csv":
        header = set(csv_format.read_table(text).header)
        return detected, header.__contains__, None
    if detected == "json" and json_format.is_json_lines(text, filename):
        return "jsonl", _no_paths, None
    tree = json_format.load_text(text) if detected == "json" else xml_format.load_tree(data)[0]
    named = None
    if isinstance(tree, dict):
        named = next((str(tree[key]) for key in _NAMED_BY if isinstance(tree.get(key), str)), None)
    return detected, lambda path: _walk(tree, tuple(path.split("."))) is not None, named


def _no_paths(path: str) -> bool:
    """JSON lines have no paths a profile could match on (their format does)."""
    del path
    return False


def _walk(tree: Tree, steps: tuple[str, ...]) -> Tree | None:
    node: Tree = tree
    for step in steps:
        if not isinstance(node, dict) or step not in node:
            return None
        node = node[step]
    return node


# --- reading ---------------------------------------------------------------------------


def read_with_profile(
    data: bytes, filename: str | None, profile: FormatProfile, context: ReadContext
) -> ConfigurationFile:
    """The configuration in a file, read the way ``profile`` describes it."""
    del filename
    options = context.options
    zone = zoneinfo.ZoneInfo(profile.time_zone) if profile.time_zone else options.time_zone
    context.options = replace(
        options,
        time_zone=zone,
        numbers=profile.numbers,
        time_formats=profile.time_formats,
        epoch_milliseconds=profile.epoch_milliseconds,
    )
    reader = _Reader(profile, context)
    source = profile.source_format
    if source == "csv":
        line_of: dict[str, int] = {}
        try:
            return reader.build(reader.from_table(decode_utf8(data), line_of), {}, "csv")
        except ConfigurationFileError as err:
            raise csv_format.on_its_line(err, line_of) from None
    if source == "jsonl":
        lines = json_format.load_lines(decode_utf8(data))
        meter_records = [
            replace(record, record=standard, kind_type=kind_type)
            for record in lines
            for standard, kind_type in [reader.standard(record.path, record.record)]
        ]
        return json_format.build_lines(meter_records, context, profile.name)
    if source == "json":
        return reader.from_tree(json_format.parse_json_tree(data), "json")
    tree, maker = xml_format.load_tree(data)
    try:
        return reader.from_tree(tree, "xml")
    except ConfigurationFileError as err:
        raise maker.located(err) from None


class _Reader:
    """Operator records → built-in records, as one profile says."""

    def __init__(self, profile: FormatProfile, context: ReadContext) -> None:
        self.profile = profile
        self.context = context

    def build(
        self,
        meter_records: list[MeterRecord],
        settings: dict[str, tuple[str, Tree]],
        format_name: str,
    ) -> ConfigurationFile:
        partial = settings.get(PARTIAL)
        default_time = settings.get(TIMESTAMP)
        return build_configuration(
            meter_records,
            partial=False if partial is None else flag(*partial),
            format_name=format_name,
            default_timestamp=None
            if default_time is None
            else timestamp(*default_time, self.context),
            context=self.context,
            profile=self.profile.name,
        )

    # ------------------------------------------------------------------ trees
    def from_tree(self, tree: Tree, format_name: str) -> ConfigurationFile:
        steps = self.profile.meters_path
        container = _walk(tree, steps)
        if container is None or not isinstance(tree, dict):
            raise ConfigurationFileError(
                f"meters.path {'.'.join(steps)!r} of the format profile "
                f"{quote(self.profile.name)} is not in the file"
            )
        settings = report_around(tree, steps, self.context)
        path = ".".join(steps)
        meter_records = [
            MeterRecord(record_path, standard, serial, kind_type)
            for record_path, record, serial in records(path, container)
            for standard, kind_type in [self.standard(record_path, record)]
        ]
        return self.build(meter_records, settings, format_name)

    def standard(self, path: str, raw: Tree) -> tuple[Tree, str | None]:
        """A meter record in built-in keys, and the type that decides its kind."""
        if not isinstance(raw, dict):
            return raw, None  # the builder says what is wrong with it
        profile = self.profile
        self._reject_if(path, raw)
        record: dict[str, Tree] = dict(profile.defaults)
        used = set()
        for role, key in profile.fields.items():
            if key in raw:
                record[role] = raw[key]
                used.add(key)
        readings: list[Tree] = []
        container = _walk(raw, profile.readings_path) if profile.readings_path else None
        if profile.readings_path and container is not None:
            used.add(profile.readings_path[0])
            readings_path = child(path, ".".join(profile.readings_path))
            readings.extend(self._readings(readings_path, container))
        for column, (name, unit) in profile.columns.items():
            if raw.get(column) not in (None, ""):
                used.add(column)
                readings.append({"name": name, "value": raw[column], "unit": unit})
        for key in raw:
            if key not in used:
                self.context.ignore(child(path, key))
        record["readings"] = readings
        type_name = record.get("type")
        kind_type = profile.types.get(type_name) if isinstance(type_name, str) else None
        return record, kind_type

    def _readings(self, path: str, container: Tree) -> list[Tree]:
        if isinstance(container, list):
            return [
                self._reading(f"{path}[{index}]", entry) for index, entry in enumerate(container)
            ]
        if isinstance(container, dict):
            id_keys = self.profile.reading.get("id", ())
            return [
                self._reading(
                    child(path, key),
                    entry if isinstance(entry, dict) else {"value": entry},
                    implicit=key if not id_keys or not isinstance(entry, dict) else None,
                )
                for key, entry in container.items()
            ]
        raise ConfigurationFileError(f"{path}: expected a list or a map of readings")

    def _reading(self, path: str, raw: Tree, implicit: str | None = None) -> Tree:
        if not isinstance(raw, dict):
            return raw  # the builder says what is wrong with it
        return self._reading_record(path, raw, implicit)

    def _reading_record(
        self, path: str, raw: dict[str, Tree], implicit: str | None = None, *, report: bool = True
    ) -> dict[str, Tree]:
        """A reading record in built-in keys (``name`` mapped through ``map.readings``)."""
        profile, fields = self.profile, self.profile.reading
        self._reject_if(path, raw)
        used: set[str] = set()
        reading: dict[str, Tree] = {}
        ident = implicit
        if ident is None:
            parts = fields.get("id", ())
            used.update(parts)
            ident = _JOIN.join(_text(raw.get(part)) for part in parts)
        for role in ("value", "unit", "scaler", "timestamp"):
            key = next((key for key in fields.get(role, ()) if key in raw), None)
            if key is not None:
                used.add(key)
                reading[role] = raw[key]
        name = profile.readings.get(ident)
        if name is None and profile.reject_unmapped:
            raise ConfigurationFileError(
                f"{path}: reading {quote(ident)} is not in the profile's map.readings"
            )
        reading["name"] = name or ident
        unit = reading.get("unit")
        if isinstance(unit, str):
            reading["unit"] = profile.units.get(unit.strip(), unit)
        for key in raw:
            if report and key not in used:
                self.context.ignore(child(path, key))
        return reading

    def _reject_if(self, path: str, raw: dict[str, Tree]) -> None:
        for key, values in self.profile.reject_if.items():
            if key in raw and _text(raw[key]) in values:
                raise ConfigurationFileError(
                    f"{child(path, key)}: {quote(_text(raw[key]))} marks a value the format "
                    f"profile {quote(self.profile.name)} does not trust"
                )

    # ------------------------------------------------------------------ CSV
    def from_table(self, text: str, lines: dict[str, int]) -> list[MeterRecord]:
        profile = self.profile
        table = csv_format.read_table(text, profile.delimiter)
        missing = [c for c in profile.fields.values() if c not in table.header]
        if missing:
            raise ConfigurationFileError(
                f"line 1: the format profile {quote(profile.name)} needs the column "
                f"{quote(missing[0])}"
            )
        if not profile.rows_per_reading:
            return [
                MeterRecord(path, standard, kind_type=kind_type)
                for number, row in table.rows
                for path in [csv_format.row_path(number)]
                for standard, kind_type in [
                    self.standard(path, dict(zip(table.header, row, strict=True)))
                ]
            ]
        return self._grouped(table, lines)

    def _grouped(self, table: csv_format.Table, lines: dict[str, int]) -> list[MeterRecord]:
        profile = self.profile
        fields = {column: role for role, column in profile.fields.items()}
        used = set(fields) | {c for parts in profile.reading.values() for c in parts}
        for column in table.header:
            if column not in used:
                self.context.ignore(f'{csv_format.row_path(0)}["{column}"]')
        grouped = csv_format.group_rows(
            table,
            profile.fields["serial"],
            fields,
            lambda cells: self._reading_record("", dict(cells), report=False),
            per_row=[column for column, role in fields.items() if role == "timestamp"],
            lines=lines,
        )
        standard = []
        for record in grouped:
            assert isinstance(record.record, dict)
            type_name = record.record.get("type")
            kind_type = profile.types.get(type_name) if isinstance(type_name, str) else None
            standard.append(replace(record, kind_type=kind_type))
        return standard


def _text(raw: Tree) -> str:
    return "" if raw is None else str(raw).strip()
