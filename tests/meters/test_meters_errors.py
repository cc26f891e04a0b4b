"""Broken, hostile and huge files; limits and performance."""

from __future__ import annotations

import json

import pytest

from tr069_cpe.meters import (
    MAX_DEPTH,
    MAX_FILE_SIZE,
    MAX_METERS,
    MAX_READINGS,
    MAX_VALUES,
    ConfigurationFileError,
    MeterKind,
    parse_configuration,
)

ELECTRICITY = {"serial": "26", "vendor": "PIKKETRON", "type": "electricityMeter", "T1": "53kWh"}


def _reject(data: bytes, message: str, *, filename: str | None = None) -> None:
    with pytest.raises(ConfigurationFileError, match=message):
        parse_configuration(data, filename=filename)


@pytest.mark.parametrize("data", [b"", b"   \n\t ", b"\xef\xbb\xbf", b"\xef\xbb\xbf  \n"])
def test_empty_files(data) -> None:
    _reject(data, "the file is empty")


def test_empty_file_with_a_name() -> None:
    _reject(b"", "the file is empty", filename="config.json")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"items": [{"serial": "26", "type": "electricityMeter", "T1": "53kWh"}', "truncated"),
        (b'{"items": [{"serial": "26", "type": "electri', "truncated"),
        (b'{"items": [', "truncated"),
        (b"{", "truncated"),
        (b'{"items": [] ,}', "invalid or truncated JSON"),
        (b'{"items": []} trailing', "Extra data"),
        (b"{'items': []}", "invalid or truncated JSON"),
        (b'{"items": [], }', "invalid or truncated JSON"),
        (b'[{"serial": "1", "T1": 01}]', "invalid or truncated JSON"),
        (b"[}", "invalid or truncated JSON"),
    ],
)
def test_invalid_json(data, message) -> None:
    _reject(data, message)


def test_unrecognised_format() -> None:
    _reject(b"serial=26 T1=53", "unrecognised file format")
    _reject(b"serial=26;T1=53", "invalid or truncated JSON", filename="c.JSON")
    _reject(b"serial=26;T1=53", "invalid or truncated XML", filename="c.xml")


def test_not_utf8() -> None:
    document = '[{"serial": "1", "type": "pulse counter", "name": "Küche", "v": 1}]'
    offset = document.index("ü")
    _reject(document.encode("latin-1"), rf"not UTF-8 \(byte 0xfc at offset {offset}, line 1\)")
    _reject(document.encode("utf-16"), "UTF-16")
    _reject(b"\xef\xbb\xbf" + document.encode("cp1252"), f"offset {offset + 3}")
    _reject(b'[{"serial": "\xff"}]', "not UTF-8")


def test_utf8_with_bom_is_fine() -> None:
    document = '[{"serial": "1", "type": "pulse counter", "name": "Küche", "v": 1}]'
    (meter,) = parse_configuration(b"\xef\xbb\xbf" + document.encode()).meters
    assert meter.name == "Küche"


@pytest.mark.parametrize(
    ("serial", "message"),
    [
        (["26"], "serial: is a list, expected a serial"),
        (True, "serial: is a boolean"),
        ("", "serial: is empty"),
        ("   ", "serial: is empty"),
        (None, "serial: is null"),
        (26.5, "serial: is a fractional number"),
        ({"id": 1}, "serial: is an object"),
    ],
)
def test_bad_serials(serial, message) -> None:
    document = {"items": [{**ELECTRICITY, "serial": serial}]}
    _reject(json.dumps(document).encode(), rf"items\[0\].{message}")


def test_numeric_serials_become_text() -> None:
    document = {"items": [{**ELECTRICITY, "serial": 26}, {**ELECTRICITY, "serial": -7}]}
    result = parse_configuration(json.dumps(document).encode())
    assert [meter.serial for meter in result.meters] == ["26", "-7"]


def test_missing_serial() -> None:
    _reject(
        b'{"items": [{"type": "electricityMeter", "T1": 1}]}', r"items\[0\]: meter has no serial"
    )


def test_serial_given_twice() -> None:
    _reject(
        b'{"items": [{"serial": "1", "Serial_Number": "1", "T1": 1}]}',
        r'items\[0\]: both "serial" and "Serial_Number" give the serial',
    )


def test_duplicate_serials() -> None:
    document = {"items": [ELECTRICITY, {**ELECTRICITY, "T1": 2}]}
    _reject(
        json.dumps(document).encode(), r'items\[1\]: duplicate serial "26" \(also at items\[0\]\)'
    )
    document = {"items": [ELECTRICITY, {**ELECTRICITY, "serial": 26}]}
    _reject(json.dumps(document).encode(), "duplicate serial")


def test_duplicate_json_keys() -> None:
    _reject(
        b'{"items": [{"serial": "1", "type": "electricityMeter", "T1": 1, "T1": 2}]}',
        'duplicate key "T1"',
    )
    _reject(b'{"meters": {"1": {"T1": 1}, "1": {"T1": 2}}}', 'duplicate key "1"')


@pytest.mark.parametrize(
    "readings",
    [
        {"T1": 1, "tariff1": 2},
        {"T1": 1, "1-0:1.8.1": 2},
        {"T1": 1, "values": [{"type": "T1", "value": 2}]},
        {"t1": 1, "T1": 2},
    ],
)
def test_duplicate_readings(readings) -> None:
    document = {"items": [{"serial": "1", "type": "electricityMeter", **readings}]}
    _reject(json.dumps(document).encode(), r'duplicate reading "T1" \(also at items\[0\]')


def test_meter_without_readings() -> None:
    for type_name in ("electricityMeter", "pulseCounter", "generic"):
        document = {"items": [{"serial": "1", "type": type_name}]}
        _reject(json.dumps(document).encode(), r'items\[0\]: meter "1" has no readings')
    _reject(b'[{"serial": "1", "type": "pulse counter", "readings": []}]', "has no readings")


def test_wrong_types_on_meter() -> None:
    _reject(b'[{"serial": "1", "type": 5.5, "T1": 1}]', r"\[0\].type: is a fractional number")
    _reject(b'[{"serial": "1", "type": ["x"], "T1": 1}]', r"\[0\].type: is a list")
    _reject(b'[{"serial": "1", "type": "", "T1": 1}]', r"\[0\].type: is empty")
    _reject(b'[{"serial": "1", "vendor": {"n": 1}, "T1": 1}]', r"\[0\].vendor: is an object")
    _reject(b'[{"serial": "1", "name": 5, "T1": 1}]', r"\[0\].name: is a number")
    # an object beside the readings is metadata: ignored, so this meter has no reading
    _reject(
        b'[{"serial": "1", "type": "pulse counter", "info": {"a": 1}}]',
        r'\[0\]: meter "1" has no readings',
    )


def test_file_too_large() -> None:
    data = b"[" + b" " * MAX_FILE_SIZE + b"]"
    _reject(data, f"at most {MAX_FILE_SIZE} are accepted")


@pytest.mark.parametrize(
    "data",
    [
        b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1),
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        b'{"items": [' + b"[" * 40 + b"]" * 40 + b"]}",
    ],
)
def test_too_deep_json(data) -> None:
    _reject(data, f"nested deeper than {MAX_DEPTH} levels")


@pytest.mark.parametrize(
    "data",
    [b"[" * 100_000, b"[" * 100_000 + b"}" * 100_000, b'{"items": [' + b"{" * 5000],
)
def test_deep_and_unbalanced_json(data) -> None:
    _reject(data, "JSON")


def test_depth_limit_is_exact() -> None:
    # a reading record at exactly MAX_DEPTH levels parses (as far as depth goes)
    inner = b"[" * (MAX_DEPTH - 1) + b"]" * (MAX_DEPTH - 1)
    _reject(b"[" + inner + b"]", r"\[0\]: is a list, expected a meter object")


def test_brackets_inside_strings_do_not_count() -> None:
    name = "[" * 100 + "{" * 100
    document = [{"serial": "1", "type": "pulse counter", "name": name, "note": '"]}' * 50}]
    (meter,) = parse_configuration(json.dumps(document).encode()).meters
    assert meter.name == name


def test_unterminated_string_with_many_escapes() -> None:
    data = b'{"items": ["' + b'\\"' * 2_000_000
    _reject(data, "invalid or truncated JSON")


def test_too_many_values() -> None:
    data = b"[" + b"0," * 2_500_000 + b"0]"
    _reject(data, f"more than {MAX_VALUES} values")
    elements = b"<meters>" + b"<a/>" * (MAX_VALUES + 1) + b"</meters>"
    _reject(elements, f"more than {MAX_VALUES} values")


def test_too_many_readings() -> None:
    readings = {f"v{index}": index for index in range(MAX_READINGS + 1)}
    document = [{"serial": "1", "type": "pulse counter", **readings}]
    _reject(json.dumps(document).encode(), f"more than {MAX_READINGS} readings")
    listed = [{"name": f"v{index}", "value": index} for index in range(MAX_READINGS + 1)]
    document = [{"serial": "1", "type": "pulse counter", "readings": listed}]
    _reject(json.dumps(document).encode(), f"more than {MAX_READINGS} readings")


def _electricity_file(count: int) -> bytes:
    items = [
        {
            "serial": str(index),
            "vendor": "PIKKETRON",
            "type": "electricityMeter",
            "T1": "53kWh",
            "T2": "41 kWh",
        }
        for index in range(count)
    ]
    return json.dumps({"items": items}).encode()


def test_ten_thousand_meters_accepted() -> None:
    # How fast: scripts/bench (tests do not time things).
    result = parse_configuration(_electricity_file(10_000))
    assert len(result.meters) == 10_000
    assert result.meters[-1].serial == "9999"


def test_ten_thousand_obis_records_accepted() -> None:
    items = [
        {
            "Serial_Number": index,
            "Device_Type": "OBIS",
            "Timestamp": 1714557600,
            "Readings": [
                {"OBIS_Code": "1-0:1.8.1*255", "Value": 53.5, "Unit": "kWh"},
                {"OBIS_Code": "1-0:1.8.2*255", "Value": 41000, "Unit": "Wh"},
            ],
        }
        for index in range(10_000)
    ]
    result = parse_configuration(json.dumps({"records": items}).encode())
    assert len(result.meters) == 10_000
    assert all(meter.kind is MeterKind.ELECTRICITY for meter in result.meters)


def test_ten_thousand_meters_xml_accepted() -> None:
    meters = "".join(
        f'<meter serial="{index}" type="electricityMeter">'
        f'<reading name="T1" unit="kWh">53</reading><reading name="T2">41</reading></meter>'
        for index in range(10_000)
    )
    result = parse_configuration(f"<configuration>{meters}</configuration>".encode())
    assert len(result.meters) == 10_000


def test_hundred_thousand_meters_rejected() -> None:
    assert MAX_METERS < 100_000
    data = json.dumps({"items": [{"serial": str(index), "T1": 1} for index in range(100_000)]})
    _reject(data.encode(), f"100000 meters; at most {MAX_METERS} are allowed")


def test_hundred_thousand_meters_rejected_in_xml() -> None:
    meters = "".join(f'<meter serial="{index}" T1="1"/>' for index in range(100_000))
    _reject(f"<meters>{meters}</meters>".encode(), f"100000 meters; at most {MAX_METERS}")


def test_validation_is_all_or_nothing() -> None:
    items = [{**ELECTRICITY, "serial": str(index)} for index in range(100)]
    items[99]["T1"] = "broken"
    _reject(json.dumps({"items": items}).encode(), r'items\[99\].T1: "broken" is not a number')


def test_wrong_argument_type() -> None:
    with pytest.raises(TypeError):
        parse_configuration("{}")  # type: ignore[arg-type]


def test_bytearray_and_memoryview_accepted() -> None:
    data = json.dumps([ELECTRICITY]).encode()
    assert parse_configuration(bytearray(data)).meters == parse_configuration(data).meters
    assert parse_configuration(memoryview(data)).meters == parse_configuration(data).meters


def test_integer_with_too_many_digits() -> None:
    data = b'[{"serial": "1", "type": "pulse counter", "v": ' + b"9" * 5000 + b"}]"
    _reject(data, "invalid JSON")


def test_too_many_readings_in_a_nested_map() -> None:
    readings = {f"v{index}": index for index in range(MAX_READINGS + 1)}
    document = [{"serial": "1", "type": "pulse counter", "readings": readings}]
    _reject(json.dumps(document).encode(), rf"\[0\].readings: more than {MAX_READINGS} readings")


def test_value_and_text_together() -> None:
    document = [
        {"serial": "1", "type": "pulse counter", "values": [{"name": "a", "value": 1, "text": "x"}]}
    ]
    _reject(json.dumps(document).encode(), 'both "value" and "text" give the value')


def test_coordinates_with_other_units() -> None:
    document = [{**ELECTRICITY, "location": {"lat": "49.2 N", "lng": 16.6}}]
    _reject(json.dumps(document).encode(), '"49.2 N" is not a number of degrees')
