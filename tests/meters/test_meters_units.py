"""Values, units, conversions and OBIS code spellings."""

from __future__ import annotations

import pytest

from tr069_cpe.meters import (
    ConfigurationFileError,
    MeterKind,
    Reading,
    parse_configuration,
)
from tr069_cpe.meters.catalog import kinds_of, match_reading
from tr069_cpe.meters.obis import Obis, parse_obis
from tr069_cpe.meters.values import split_number


def _one(parse_json, type_name: str, key: str, raw: object) -> Reading:
    (meter,) = parse_json([{"serial": "1", "type": type_name, key: raw}]).meters
    (reading,) = meter.readings
    return reading


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("53kWh", 53.0),
        ("53 kWh", 53.0),
        (" 53 kwh ", 53.0),
        ("53KWH", 53.0),
        ("41000 Wh", 41.0),
        ("41000Wh", 41.0),
        ("1234.5 Wh", 1.2345),
        ("1.1 MWh", 1100.0),
        ("0.001 MWh", 1.0),
        ("53", 53.0),
        ("0", 0.0),
        ("01", 1.0),
        ("+5", 5.0),
        ("53.25", 53.25),
        ("1e3 Wh", 1.0),
        ("25,5", 25.5),
        ("0,25 kWh", 0.25),
        ("1,2345", 1.2345),
        (53, 53.0),
        (53.5, 53.5),
        (0, 0.0),
    ],
)
def test_electricity_values(parse_json, raw, value) -> None:
    assert _one(parse_json, "electricityMeter", "T1", raw) == Reading("T1", value, "kWh", None)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("01", 1.0),
        ("135241", 135241.0),
        ("135241 L", 135241.0),
        ("135241 l", 135241.0),
        ("12 litres", 12.0),
        ("135.2 m3", 135200.0),
        ("135.2m³", 135200.0),
        ("135.241 m^3", 135241.0),
        ("0.001 m3", 1.0),
        (135.2, 135.2),
    ],
)
def test_water_values(parse_json, raw, value) -> None:
    assert _one(parse_json, "waterMeter", "warm", raw) == Reading("warm", value, "L", None)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("25.5°C", 25.5),
        ("25.5 °C", 25.5),
        ("0 °C", 0.0),
        ("-12.5°C", -12.5),
        ("25.5 C", 25.5),
        ("25.5℃", 25.5),
        ("25.5 degC", 25.5),
        ("77°F", 25.0),
        ("-40 °F", -40.0),
        ("298.65 K", 25.5),
        ("0 K", -273.15),
        (21, 21.0),
        ("21", 21.0),
        ("25,5 °C", 25.5),
    ],
)
def test_temperature_values(parse_json, raw, value) -> None:
    reading = _one(parse_json, "temperatureHumidity", "temp", raw)
    assert reading == Reading("temperature", value, "°C", None)


@pytest.mark.parametrize(
    ("raw", "value"),
    [("43%", 43.0), ("43 %", 43.0), ("43.5 %RH", 43.5), ("43", 43.0), (100, 100.0), (0, 0.0)],
)
def test_humidity_values(parse_json, raw, value) -> None:
    assert _one(parse_json, "temperatureHumidity", "hum", raw) == Reading(
        "humidity", value, "%", None
    )


@pytest.mark.parametrize(
    ("type_name", "key", "raw", "message"),
    [
        ("electricityMeter", "T1", "12x", r'items\[0\].T1: "12x" is not a number in kWh'),
        ("electricityMeter", "T1", "12 kW", '"12 kW" is not a number in kWh, Wh or MWh'),
        ("electricityMeter", "T1", "12 mWh", "is not a number in kWh"),
        ("electricityMeter", "T1", "twelve", '"twelve" is not a number'),
        ("electricityMeter", "T1", "", '"" is not a number'),
        ("electricityMeter", "T1", "1,234", r'"1,234" is ambiguous \(1234 or 1.234\?\)'),
        ("electricityMeter", "T1", "1,234.5", "is not a number"),
        ("electricityMeter", "T1", "1.234,5", "is not a number"),
        ("electricityMeter", "T1", "1 234", "is not a number"),
        ("electricityMeter", "T1", "NaN", "is not a number"),
        ("electricityMeter", "T1", "inf", "is not a number"),
        ("electricityMeter", "T1", "1e999", "is not a finite number"),
        ("electricityMeter", "T1", "1e400 MWh", "is not a finite number"),
        ("electricityMeter", "T1", -1, "-1 is negative"),
        ("electricityMeter", "T1", "-0.5 kWh", "is negative"),
        ("electricityMeter", "T1", True, "is a boolean, expected a number"),
        ("electricityMeter", "T1", None, "is null, expected a number"),
        ("electricityMeter", "T1", {"v": 1}, "is an object, expected a number"),
        ("electricityMeter", "T1", [1], "is a list, expected a number"),
        ("waterMeter", "cold", "-1", "is negative"),
        ("waterMeter", "cold", "5 kWh", "is not a number in L or m3"),
        ("temperatureHumidity", "temp", "-300 °C", "below absolute zero"),
        ("temperatureHumidity", "temp", "20 %", "is not a number in °C"),
        ("temperatureHumidity", "hum", "101 %", "not between 0 and 100"),
        ("temperatureHumidity", "hum", "-1", "not between 0 and 100"),
        ("temperatureHumidity", "hum", "40 °C", "is not a number in %"),
    ],
)
def test_bad_values(parse_json, type_name, key, raw, message) -> None:
    with pytest.raises(ConfigurationFileError, match=message):
        parse_json({"items": [{"serial": "1", "type": type_name, key: raw}]})


def test_unit_in_value_and_field(parse_json) -> None:
    (meter,) = parse_json(
        [
            {
                "serial": "1",
                "type": "electricityMeter",
                "values": [
                    {"type": "T1", "value": "53 kWh", "unit": "kWh"},
                    {"type": "T2", "value": "41000", "unit": "Wh"},
                    {"type": "T3", "value": 1, "unit": ""},
                    {"type": "T4", "value": 1, "unit": None},
                ],
            }
        ]
    ).meters
    assert [reading.value for reading in meter.readings] == [53.0, 41.0, 1.0, 1.0]
    with pytest.raises(ConfigurationFileError, match='unit "Wh" contradicts unit "kWh"'):
        parse_json(
            [
                {
                    "serial": "1",
                    "type": "electricityMeter",
                    "values": [{"type": "T1", "value": "53 Wh", "unit": "kWh"}],
                }
            ]
        )


def test_json_huge_numbers_rejected() -> None:
    for number in (b"1e400", b"-1e400"):
        document = b'[{"serial": "1", "type": "electricityMeter", "T1": ' + number + b"}]"
        with pytest.raises(ConfigurationFileError, match=r"\[0\].T1: .*(finite|negative)"):
            parse_configuration(document)
    with pytest.raises(ConfigurationFileError, match="not a finite number"):
        parse_configuration(b'[{"serial": "1", "type": "pulses", "v": 1e400}]')
    with pytest.raises(ConfigurationFileError, match="out of range"):
        parse_configuration(b'[{"serial": "1", "type": "pulses", "v": 1, "ts": 1e400}]')


def test_json_non_finite_literals_rejected() -> None:
    for literal in (b"NaN", b"Infinity", b"-Infinity"):
        document = b'[{"serial": "1", "type": "electricityMeter", "T1": ' + literal + b"}]"
        with pytest.raises(ConfigurationFileError, match="not a finite number"):
            parse_configuration(document)


def test_no_binary_noise_in_conversions(parse_json) -> None:
    assert _one(parse_json, "electricityMeter", "T1", "1.1 MWh").value == 1100.0
    assert _one(parse_json, "electricityMeter", "T1", "0.3 MWh").value == 300.0
    assert _one(parse_json, "waterMeter", "cold", "0.1 m3").value == 100.0
    assert _one(parse_json, "temperatureHumidity", "t", "100 °F").value == pytest.approx(
        37.7777777777
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("53kWh", ("53", "kWh")),
        ("25.5 °C", ("25.5", "°C")),
        ("43%", ("43", "%")),
        ("43 % RH", ("43", "% RH")),
        ("-5", ("-5", None)),
        (".5", ("0.5", None)),
        ("2e3 V", ("2E+3", "V")),
        ("25,5", ("25.5", None)),
        ("1,2345", ("1.2345", None)),
    ],
)
def test_split_number(text, expected) -> None:
    split = split_number(text)
    assert split is not None
    number, unit = split
    assert (str(number), unit) == expected


@pytest.mark.parametrize(
    "text", ["", "abc", "1,234", "1.2.3", "2024-05-01", "1 2", "12:00", "1,5,6", "x" * 100]
)
def test_split_number_rejects(text) -> None:
    assert split_number(text) is None


def test_long_strings_are_not_parsed_slowly() -> None:
    assert split_number("1" + " " * 100_000 + "!") is None


# --- OBIS -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("1-0:1.8.1", Obis(1, 0, 1, 8, 1, 255)),
        ("1-0:1.8.1*255", Obis(1, 0, 1, 8, 1, 255)),
        ("1-0:1.8.1.255", Obis(1, 0, 1, 8, 1, 255)),
        ("1-0:1.8.1&255", Obis(1, 0, 1, 8, 1, 255)),
        ("1.8.1", Obis(1, 0, 1, 8, 1, 255)),
        ("1.8.1.255", Obis(1, 0, 1, 8, 1, 255)),
        ("1.0.1.8.1.255", Obis(1, 0, 1, 8, 1, 255)),
        ("9-0:1.0.0", Obis(9, 0, 1, 0, 0, 255)),
        ("0-1:24.2.1", Obis(0, 1, 24, 2, 1, 255)),
        (" 8-0:1.0.0*255 ", Obis(8, 0, 1, 0, 0, 255)),
    ],
)
def test_parse_obis(text, code) -> None:
    assert parse_obis(text) == code


@pytest.mark.parametrize(
    "text", ["T1", "1.8", "1-0:1.8", "1-0:1.8.256", "1.0.1.8.1", "a-b:c.d.e", "1-0:1.8.1*"]
)
def test_parse_obis_rejects(text) -> None:
    assert parse_obis(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1-0:1.8.0", (MeterKind.ELECTRICITY, "total")),
        ("1-0:1.8.2", (MeterKind.ELECTRICITY, "T2")),
        ("1-0:2.8.2", (MeterKind.ELECTRICITY, "export_T2")),
        ("9-0:1.0.0", (MeterKind.WATER, "warm")),
        ("8-0:1.0.0", (MeterKind.WATER, "cold")),
        ("1-0:32.7.0", (MeterKind.ELECTRICITY, "voltage_L1")),
        ("1-0:71.7.0", (MeterKind.ELECTRICITY, "current_L3")),
        ("1-0:41.7.0", (MeterKind.ELECTRICITY, "power_L2")),
        ("1-0:16.7.0", (MeterKind.ELECTRICITY, "net_power")),
        ("1-0:14.7.0", (MeterKind.ELECTRICITY, "frequency")),
        ("6-0:1.0.0", (MeterKind.HEAT, "energy")),
        ("6-0:11.0.0", (MeterKind.HEAT, "return_temperature")),
        ("7-0:3.0.0", (MeterKind.GAS, "volume")),
        ("0100010801FF", (MeterKind.ELECTRICITY, "T1")),
        ("01 00 1F 07 00 FF", (MeterKind.ELECTRICITY, "current_L1")),
        ("1-0:1.8.1*101", None),
        ("0-0:96.1.0", None),
        ("1-0:3.8.0", None),
        ("8-0:1.0.1", None),
    ],
)
def test_obis_reading_names(text, expected) -> None:
    code = parse_obis(text)
    assert code is not None
    found = [
        (kind, match.name) for kind in MeterKind if (match := match_reading(kind, text)) is not None
    ]
    assert found == ([] if expected is None else [expected])
    assert kinds_of(text) == frozenset(kind for kind, _ in found)
