"""The format registry: built-in formats, and adding an operator's own format."""

from __future__ import annotations

import csv
import io

import pytest

from tr069_cpe.meters import (
    ConfigurationFile,
    ConfigurationFileError,
    MeterKind,
    Reading,
    find_format,
    parse_configuration,
    register_format,
    registered_formats,
    registry,
)
from tr069_cpe.meters.context import ReadContext
from tr069_cpe.meters.keys import item
from tr069_cpe.meters.normalize import MeterRecord, build_configuration


@pytest.fixture
def own_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let a test register formats without leaking them into other tests."""
    registered_formats()  # load the built-in formats first
    monkeypatch.setattr(registry, "_formats", list(registry._formats))


def test_builtin_formats() -> None:
    assert [known.name for known in registered_formats()][:3] == ["json", "xml", "csv"]
    assert find_format(b"serial;T1\n26;53").name == "csv"
    assert find_format(b"whatever", "meters.csv").name == "csv"
    assert find_format(b'{"items": []}').name == "json"
    assert find_format(b"  \n[]").name == "json"
    assert find_format(b"\xef\xbb\xbf<meters/>").name == "xml"
    assert find_format(b"garbage", "config.json").name == "json"
    assert find_format(b"garbage", "config.XML").name == "xml"
    with pytest.raises(ConfigurationFileError, match="unrecognised file format"):
        find_format(b"garbage", "config.txt")


def _detect_csv(data: bytes, filename: str | None) -> bool:
    del data
    return filename is not None and filename.endswith(".csv")


def _parse_csv(data: bytes, filename: str | None, context: ReadContext) -> ConfigurationFile:
    """serial;type;reading;value — one line per reading."""
    del filename
    records: dict[str, dict[str, object]] = {}
    for row in csv.reader(io.StringIO(data.decode()), delimiter=";"):
        serial, type_name, name, value = row
        records.setdefault(serial, {"serial": serial, "type": type_name})[name] = value
    return build_configuration(
        [MeterRecord(item("csv", index), record) for index, record in enumerate(records.values())],
        partial=True,
        format_name="whatever",
        context=context,
    )


def test_operator_format(own_registry) -> None:
    """A registered format comes before the built-in CSV, which is only a fallback."""
    register_format("acme-csv", detect=_detect_csv, parse=_parse_csv)
    data = b"26;electricityMeter;T1;53 kWh\n26;electricityMeter;T2;41000 Wh\n1234;WATER;hot;5\n"
    result = parse_configuration(data, filename="acme.csv")
    assert result.format == "acme-csv"
    assert result.partial
    electricity, water = result.meters
    assert electricity.readings == (
        Reading("T1", 53.0, "kWh", None),
        Reading("T2", 41.0, "kWh", None),
    )
    assert water.kind is MeterKind.WATER
    with pytest.raises(ConfigurationFileError, match=r'csv\[0\].T1: "x" is not a number'):
        parse_configuration(b"26;electricityMeter;T1;x\n", filename="acme.csv")


def test_duplicate_format_name(own_registry) -> None:
    with pytest.raises(ValueError, match="already registered"):
        register_format("json", detect=_detect_csv, parse=_parse_csv)


def test_a_failing_parser_raises_configuration_file_error(own_registry) -> None:
    def broken(data: bytes, filename: str | None, context: ReadContext) -> ConfigurationFile:
        raise KeyError("oops")

    register_format("broken", detect=lambda data, filename: filename == "x.broken", parse=broken)
    with pytest.raises(ConfigurationFileError, match="the broken parser failed: KeyError"):
        parse_configuration(b"anything", filename="x.broken")
