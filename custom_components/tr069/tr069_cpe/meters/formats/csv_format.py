"""CSV configuration files: spreadsheets and back-office exports.

UTF-8 (a byte-order mark is fine), CRLF or LF, quotes as in RFC 4180, a header row.
The delimiter is the one of ``;``, ``,`` and tab that splits the header and every row
into the same number of fields. In a semicolon file a lone comma is a decimal mark.

Two layouts:

* one row per meter, a column per reading (``Serial;Type;T1 [kWh];T2 [kWh]``);
* one row per reading (``serial,reading,value,unit``), recognised by a value column
  and a column that names the reading; the rows of a meter are grouped by serial.

A unit in brackets or parentheses after a header applies to the column's values.
"""

from __future__ import annotations

from collections.abc import Callable
import csv
from dataclasses import dataclass
import io
import re
from typing import Final

from .. import keys
from ..context import NumberStyle, ReadContext, ReadOptions
from ..errors import ConfigurationFileError
from ..keys import fold
from ..limits import MAX_METERS, MAX_VALUES
from ..model import ConfigurationFile
from ..normalize import MeterRecord, Tree, build_configuration, decode_utf8
from ..registry import register_format
from ..values import quote

NAME: Final = "csv"
DELIMITERS: Final = (";", ",", "\t")
_HEADER_UNIT: Final = re.compile(r"(?P<name>.*?)\s*[\[(](?P<unit>[^\])]+)[\])]\s*")
_FIRST_CHARACTER: Final = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*(.?)", re.DOTALL)
_SERIAL: Final = "serial"
_VALUE_COLUMNS: Final = ("value", "val", "readingvalue", "measuredvalue", "reading")
_ID_COLUMNS: Final = keys.OBIS_KEYS | {
    "reading",
    "readingname",
    "register",
    "quantity",
    "readingtype",
    "valuetype",
    "tariff",
    "key",
}
_METER_FIELDS: Final = (
    keys.SERIAL_KEYS
    | keys.VENDOR_KEYS
    | keys.TYPE_KEYS
    | keys.NAME_KEYS
    | keys.TIMESTAMP_KEYS
    | keys.LATITUDE_KEYS
    | keys.LONGITUDE_KEYS
)


@dataclass(frozen=True, slots=True)
class Table:
    """A CSV file's header and rows (with their line numbers)."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    delimiter: str


def _detect(data: bytes, filename: str | None) -> bool:
    if filename is not None and filename.lower().endswith((".csv", ".tsv")):
        return True
    first = _FIRST_CHARACTER.match(data)
    character = first[1] if first else b""
    if character in (b"{", b"[", b"<", b""):
        return False
    line = data.split(b"\n", 1)[0]
    return any(delimiter.encode() in line for delimiter in DELIMITERS)


def read_table(text: str, delimiter: str | None = None) -> Table:
    """Split a CSV text into header and rows; every row as wide as the header."""
    lines = text.splitlines()
    header_line = next((line for line in lines if line.strip()), "")
    candidates = [delimiter] if delimiter else list(DELIMITERS)
    chosen = max(candidates, key=lambda candidate: len(_split(header_line, candidate)))
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=chosen, strict=True))
    except csv.Error as err:
        raise ConfigurationFileError(f"invalid CSV: {err}") from None
    table: list[tuple[int, list[str]]] = []
    for number, row in enumerate(rows, start=1):
        if any(cell.strip() for cell in row):
            table.append((number, [cell.strip() for cell in row]))
    if not table:
        raise ConfigurationFileError("the file is empty")
    (_, header), body = table[0], table[1:]
    if len(header) < 2:
        raise ConfigurationFileError(
            "line 1: the header has one column; expected columns separated by ; , or a tab"
        )
    if len(header) * len(body) > MAX_VALUES:
        raise ConfigurationFileError(f"the file has more than {MAX_VALUES} values")
    for number, row in body:
        if len(row) != len(header):
            raise ConfigurationFileError(
                f"line {number}: {len(row)} fields, the header has {len(header)}"
                + (" (an unquoted decimal comma?)" if chosen == "," else "")
            )
    duplicates = {name for name in header if header.count(name) > 1}
    if duplicates:
        raise ConfigurationFileError(f"line 1: column {quote(min(duplicates))} appears twice")
    return Table(header, body, chosen)


def _split(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return []


def split_header(header: str) -> tuple[str, str | None]:
    """``T1 [kWh]`` → (``T1``, ``kWh``); a header without a unit → (header, None)."""
    match = _HEADER_UNIT.fullmatch(header)
    if match is None or not match["name"]:
        return header, None
    return match["name"], match["unit"].strip()


def row_path(number: int) -> str:
    """The path of a row's cells in messages: ``line 3: column["T1 [kWh]"]``."""
    return f"line {number}: column"


def _parse(data: bytes, filename: str | None, context: ReadContext) -> ConfigurationFile:
    del filename
    table = read_table(decode_utf8(data))
    if table.delimiter == ";" and context.options.numbers == NumberStyle():
        options = context.options
        context.options = ReadOptions(
            options.time_zone,
            NumberStyle(decimal="either"),
            options.time_formats,
            options.epoch_milliseconds,
        )
    return configuration_from_table(table, context, format_name=NAME)


def configuration_from_table(
    table: Table, context: ReadContext, *, format_name: str
) -> ConfigurationFile:
    """The meters of a table in either layout (built-in column names)."""
    roles = {column: fold(split_header(column)[0]) for column in table.header}
    if not any(role in keys.SERIAL_KEYS for role in roles.values()):
        names = ", ".join(table.header)
        raise ConfigurationFileError(
            f"no column identifies the meter: none of the headers {names} is a known "
            "serial key such as serial, meter_id or id (a format profile can say which is)"
        )
    value_column = next(
        (column for wanted in _VALUE_COLUMNS for column, role in roles.items() if role == wanted),
        None,
    )
    id_columns = [
        column for column, role in roles.items() if role in _ID_COLUMNS and column != value_column
    ]
    lines: dict[str, int] = {}
    if value_column is not None and id_columns:
        records = _long_records(
            table, roles, value_column, id_columns, context=context, lines=lines
        )
    else:
        records = [_wide_record(number, row, table.header) for number, row in table.rows]
    try:
        return build_configuration(records, partial=False, format_name=format_name, context=context)
    except ConfigurationFileError as err:
        raise on_its_line(err, lines) from None


def _wide_record(number: int, row: list[str], header: list[str]) -> MeterRecord:
    """One row per meter: field columns, and a reading per other non-empty cell."""
    record: dict[str, Tree] = {}
    for column, cell in zip(header, row, strict=True):
        if not cell:
            continue
        name, unit = split_header(column)
        if fold(name) in _METER_FIELDS or unit is None:
            record[name] = cell
        else:
            record[name] = {"value": cell, "unit": unit}
    return MeterRecord(row_path(number), record)


def _reading_role(role: str) -> str | None:
    """The key a long-layout column gives in a reading record."""
    if role in keys.OBIS_KEYS:
        return "obis"
    if role in _ID_COLUMNS:
        return "name"
    for name, known in (
        ("unit", keys.UNIT_KEYS),
        ("scaler", keys.SCALER_KEYS),
        ("timestamp", keys.TIMESTAMP_KEYS),
    ):
        if role in known:
            return name
    return None


def _long_records(
    table: Table,
    roles: dict[str, str],
    value_column: str,
    id_columns: list[str],
    *,
    context: ReadContext,
    lines: dict[str, int],
) -> list[MeterRecord]:
    """One row per reading, with the built-in column names."""
    fields = {
        column: _field(column)
        for column, role in roles.items()
        if role in _METER_FIELDS and column not in id_columns
    }
    per_reading = {value_column: "value"} | {
        column: role
        for column in table.header
        if column != value_column and (role := _reading_role(roles[column])) is not None
    }
    for column in table.header:
        if column not in fields and column not in per_reading:
            context.ignore(f'{row_path(0)}["{column}"]')
    serial_column = next(column for column in fields if roles[column] in keys.SERIAL_KEYS)
    per_row = [column for column in fields if roles[column] in keys.TIMESTAMP_KEYS]
    return group_rows(
        table,
        serial_column,
        fields,
        lambda cells: {key: cells[c] for c, key in per_reading.items() if cells[c]},
        per_row=per_row,
        lines=lines,
    )


def group_rows(
    table: Table,
    serial_column: str,
    fields: dict[str, str],
    reading_of: Callable[[dict[str, str]], dict[str, Tree]],
    *,
    per_row: list[str],
    lines: dict[str, int],
) -> list[MeterRecord]:
    """Rows grouped by serial into meter records (``fields``: column → record key).

    The rows of a meter must agree on every field but those in ``per_row``; each row
    gives one reading record (``reading_of``); ``lines`` learns each reading's line.
    """
    meters: dict[str, tuple[int, dict[str, Tree], list[Tree]]] = {}
    for number, row in table.rows:
        cells = dict(zip(table.header, row, strict=True))
        entry = meters.get(cells[serial_column])
        if entry is None:
            if len(meters) >= MAX_METERS:
                raise ConfigurationFileError(f"more than {MAX_METERS} meters")
            record: dict[str, Tree] = {
                key: cells[column] for column, key in fields.items() if cells[column]
            }
            entry = meters[cells[serial_column]] = (number, record, [])
        first, record, readings = entry
        for column, key in fields.items():
            if column not in per_row and cells[column] != record.get(key, ""):
                raise ConfigurationFileError(
                    f'line {number}: column["{column}"]: {quote(cells[column])} differs from '
                    f"{quote(str(record.get(key, '')))} on line {first} of the same meter"
                )
        readings.append(reading_of(cells))
        lines[f"line {first}.readings[{len(readings) - 1}]"] = number
    return [
        MeterRecord(f"line {number}", record | {"readings": readings})
        for number, record, readings in meters.values()
    ]


_READING_PATH: Final = re.compile(r"line \d+\.readings\[\d+\]")


def on_its_line(err: ConfigurationFileError, lines: dict[str, int]) -> ConfigurationFileError:
    """An error about a reading of a grouped meter, named by the reading's own line."""
    message = str(err)
    match = _READING_PATH.match(message)
    if match is None or match.group() not in lines:
        return err
    return ConfigurationFileError(f"line {lines[match.group()]}{message[match.end() :]}")


def _field(column: str) -> str:
    return split_header(column)[0]


register_format(NAME, detect=_detect, parse=_parse, fallback=True)
