"""JSON shapes, key spellings, reading aliases, kinds, OBIS codes and the partial flag."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tr069_cpe.meters import (
    ConfigurationFileError,
    MeterKind,
    Reading,
    parse_configuration,
)
from tr069_cpe.meters.keys import child

ELECTRICITY = {"serial": "26", "vendor": "PIKKETRON", "type": "electricityMeter", "T1": "53kWh"}


def _names(result) -> list[str]:
    return [reading.name for meter in result.meters for reading in meter.readings]


# --- top-level shapes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "key", ["items", "devices", "meters", "records", "Items", "DEVICES", "Meter_List", "meterList"]
)
def test_list_under_key(parse_json, key) -> None:
    result = parse_json({key: [ELECTRICITY]})
    assert [meter.serial for meter in result.meters] == ["26"]


def test_top_level_list(parse_json) -> None:
    result = parse_json([ELECTRICITY, {**ELECTRICITY, "serial": "27"}])
    assert [meter.serial for meter in result.meters] == ["26", "27"]


def test_single_record(parse_json) -> None:
    result = parse_json(
        {
            "device_type": "ELECTRICITY_CONS",
            "serial": "26",
            "location": {"lat": 49.2, "lng": 16.6},
            "values": [
                {"type": "T1", "units": "kWh", "value": "53"},
                {"type": "T2", "units": "kWh", "value": "41"},
            ],
        }
    )
    (meter,) = result.meters
    assert meter.serial == "26"
    assert meter.kind is MeterKind.ELECTRICITY
    assert meter.location == (49.2, 16.6)
    assert meter.readings == (Reading("T1", 53.0, "kWh", None), Reading("T2", 41.0, "kWh", None))
    assert not result.partial


def test_map_keyed_by_serial_under_key(parse_json) -> None:
    result = parse_json(
        {
            "meters": {
                "26": {"type": "electricityMeter", "T1": 53},
                "987": {"type": "TH sensor", "temp": 21, "rh": 40},
            }
        }
    )
    assert [meter.serial for meter in result.meters] == ["26", "987"]
    assert result.meters[1].kind is MeterKind.TEMPERATURE_HUMIDITY


def test_map_keyed_by_serial_at_top_level(parse_json) -> None:
    result = parse_json({"26": {"type": "electricityMeter", "T1": 53}, "27": {"T2": "1 kWh"}})
    assert [meter.serial for meter in result.meters] == ["26", "27"]
    assert result.meters[1].kind is MeterKind.ELECTRICITY


def test_map_key_and_serial_must_agree(parse_json) -> None:
    assert parse_json({"meters": {"26": {"serial": "26", "T1": 1}}}).meters[0].serial == "26"
    with pytest.raises(ConfigurationFileError, match=r'meters\["26"\].serial: "27" differs'):
        parse_json({"meters": {"26": {"serial": "27", "T1": 1}}})


@pytest.mark.parametrize("empty", [[], {}])
def test_explicit_empty_meters(parse_json, empty) -> None:
    result = parse_json({"meters": empty, "partial": False})
    assert result.meters == ()
    assert not result.partial


@pytest.mark.parametrize("document", [b'"items"', b"42", b"null", b"true"])
def test_bare_scalars_are_not_configurations(document) -> None:
    with pytest.raises(ConfigurationFileError, match="unrecognised file format"):
        parse_configuration(document)
    with pytest.raises(ConfigurationFileError, match="the file is "):
        parse_configuration(document, filename="config.json")


def test_metadata_beside_the_meters_is_ignored_and_reported(parse_json) -> None:
    result = parse_json(
        {"items": [ELECTRICITY], "extra": [1], "type": "electricityMeter", "header": {"a": 1}}
    )
    assert [meter.serial for meter in result.meters] == [ELECTRICITY["serial"]]
    assert result.ignored == ("extra", "type", "header")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({}, "no identifiable meter"),
        ({"version": 1}, "no identifiable meter"),
        ({"configuration": {"x": 1}, "version": 2}, "no identifiable meter"),
        ([], "empty list"),
        ({"items": "26"}, "no identifiable meter"),
        ({"items": None}, "no identifiable meter"),
        ({"items": [], "meters": []}, "meters: a second list of meters"),
        ({"items": ["26"]}, r"items\[0\]: is a string, expected a meter object"),
        ({"items": [], "partial": True, "isPartial": True}, "give the partial"),
        ({"items": [], "timestamp": 1, "time": 1}, "give the timestamp"),
    ],
)
def test_garbage_shapes_rejected(parse_json, document, message) -> None:
    with pytest.raises(ConfigurationFileError, match=message):
        parse_json(document)


def test_top_level_scalar_metadata_is_ignored(parse_json) -> None:
    result = parse_json({"version": 3, "generated": "by ACS", "items": [ELECTRICITY]})
    assert len(result.meters) == 1


def test_top_level_timestamp_is_the_default(parse_json) -> None:
    result = parse_json(
        {
            "timestamp": "2024-05-01T10:00:00Z",
            "items": [ELECTRICITY, {**ELECTRICITY, "serial": "27", "ts": 0}],
        }
    )
    assert result.meters[0].readings[0].timestamp == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert result.meters[1].readings[0].timestamp == datetime(1970, 1, 1, tzinfo=UTC)


# --- partial flag -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("partial", True, True),
        ("partial", False, False),
        ("Partial", "true", True),
        ("isPartial", "FALSE", False),
        ("partial_update", "1", True),
        ("partial", "0", False),
    ],
)
def test_partial_flag(parse_json, key, value, expected) -> None:
    assert parse_json({key: value, "items": [ELECTRICITY]}).partial is expected


def test_partial_defaults_to_complete(parse_json) -> None:
    assert parse_json({"items": [ELECTRICITY]}).partial is False
    assert parse_json([ELECTRICITY]).partial is False


@pytest.mark.parametrize("value", ["yes", 1, None, "", [True]])
def test_partial_flag_must_be_boolean(parse_json, value) -> None:
    with pytest.raises(ConfigurationFileError, match="partial"):
        parse_json({"partial": value, "items": [ELECTRICITY]})


# --- meter keys in all naming styles --------------------------------------------------------


@pytest.mark.parametrize(
    "record",
    [
        {"serial": "26", "vendor": "ACME", "type": "electricityMeter", "T1": 1},
        {"Serial_Number": 26, "Manufacturer": "ACME", "Device_Type": "ELECTRICITY_CONS", "T1": 1},
        {"serialNumber": 26, "manufacturer": "ACME", "meterType": "electricity", "T1": 1},
        {"SERIAL-NO": "26", "VENDOR": "ACME", "METER_TYPE": "power meter", "T1": 1},
        {"sn": 26, "brand": "ACME", "kind": "Electricity", "T1": 1},
        {"meter_id": "26", "make": "ACME", "device-type": "energy meter", "T1": 1},
        {"id": 26, "vendor_name": "ACME", "category": "ELECTRICITY_PROD", "T1": 1},
    ],
)
def test_meter_key_spellings(parse_json, record) -> None:
    (meter,) = parse_json([record]).meters
    assert meter.serial == "26"
    assert meter.vendor == "ACME"
    assert meter.kind is MeterKind.ELECTRICITY
    assert meter.readings == (Reading("T1", 1.0, "kWh", None),)


def test_vendor_absent_and_name_aliases(parse_json) -> None:
    result = parse_json(
        [
            {"serial": "1", "type": "electricityMeter", "T1": 1},
            {"serial": "2", "type": "electricityMeter", "alias": "Garage", "T1": 1},
            {"serial": "3", "type": "electricityMeter", "Friendly_Name": " Cellar ", "T1": 1},
            {"serial": "4", "type": "electricityMeter", "name": "", "T1": 1},
        ]
    )
    assert [meter.vendor for meter in result.meters] == ["", "", "", ""]
    assert [meter.name for meter in result.meters] == [None, "Garage", "Cellar", None]


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"location": {"lat": 49.2, "lng": 16.6}}, (49.2, 16.6)),
        ({"location": {"latitude": "49.2", "longitude": "16.6"}}, (49.2, 16.6)),
        ({"Location": {"Lat": 49.2, "Lon": -16.6}}, (49.2, -16.6)),
        ({"location": [49.2, 16.6]}, (49.2, 16.6)),
        ({"lat": 49.2, "long": 16.6}, (49.2, 16.6)),
        ({"gps": {"lat": "49.2°", "lng": "16.6°"}}, (49.2, 16.6)),
        ({}, None),
    ],
)
def test_location_spellings(parse_json, record, expected) -> None:
    (meter,) = parse_json([{**ELECTRICITY, **record}]).meters
    assert meter.location == expected


def test_location_text_and_extra_keys_are_ignored(parse_json) -> None:
    result = parse_json(
        [
            {**ELECTRICITY, "serial": "a", "location": {"lat": 1, "lng": 2, "alt": 3}},
            {**ELECTRICITY, "serial": "b", "location": "Cellar"},
        ]
    )
    assert [meter.location for meter in result.meters] == [(1.0, 2.0), None]
    assert result.ignored == ("[*].location.alt", "[*].location")


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"location": {"lat": 91, "lng": 0}}, r"location.lat: 91.0 is not between -90 and 90"),
        ({"location": {"lat": 0, "lng": 181}}, "not between -180 and 180"),
        ({"location": {"lat": 1}}, "needs both latitude and longitude"),
        ({"lat": 1}, "needs both latitude and longitude"),
        ({"location": [1]}, r"expected \[latitude, longitude\]"),
        ({"location": 5}, "expected an object with lat and lng"),
        ({"location": {"lat": 1, "lng": 2}, "lat": 1}, "give the location"),
        ({"location": {"lat": "north", "lng": 2}}, '"north" is not a number'),
    ],
)
def test_bad_locations(parse_json, record, message) -> None:
    with pytest.raises(ConfigurationFileError, match=message):
        parse_json([{**ELECTRICITY, **record}])


# --- kinds --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_name", "kind"),
    [
        ("electricityMeter", MeterKind.ELECTRICITY),
        ("ELECTRICITY_CONS", MeterKind.ELECTRICITY),
        ("electricity", MeterKind.ELECTRICITY),
        ("Electric meter", MeterKind.ELECTRICITY),
        ("power meter", MeterKind.ELECTRICITY),
        ("waterMeter", MeterKind.WATER),
        ("WATER", MeterKind.WATER),
        ("water_cons", MeterKind.WATER),
        ("temperatureHumidity", MeterKind.TEMPERATURE_HUMIDITY),
        ("TH sensor", MeterKind.TEMPERATURE_HUMIDITY),
        ("climate", MeterKind.TEMPERATURE_HUMIDITY),
        ("Temperature_Humidity_Sensor", MeterKind.TEMPERATURE_HUMIDITY),
        ("thermo-hygrometer", MeterKind.TEMPERATURE_HUMIDITY),
        ("kWh meter", MeterKind.ELECTRICITY),
        ("heat energy meter", MeterKind.HEAT),
        ("heat cost allocator", MeterKind.GENERIC),
        ("gas", MeterKind.GAS),
        ("pulse counter", MeterKind.GENERIC),
    ],
)
def test_type_names(parse_json, type_name, kind) -> None:
    readings = {
        MeterKind.GENERIC: {"T1": 1},
        MeterKind.ELECTRICITY: {"T1": 1},
        MeterKind.WATER: {"warm": 1, "cold": 2},
        MeterKind.TEMPERATURE_HUMIDITY: {"temp": 20, "hum": 50},
        MeterKind.HEAT: {"energy": 1},
        MeterKind.GAS: {"volume": 1},
    }[kind]
    (meter,) = parse_json([{"serial": "1", "type": type_name, **readings}]).meters
    assert meter.kind is kind
    assert meter.type_name == type_name


@pytest.mark.parametrize(
    ("type_name", "name"),
    [
        ("hot water", "warm"),
        ("WATER_HOT", "warm"),
        ("warmWaterMeter", "warm"),
        ("cold water", "cold"),
        ("COLD_WATER_CONS", "cold"),
    ],
)
def test_hot_or_cold_water_types_name_plain_volumes(parse_json, type_name, name) -> None:
    (meter,) = parse_json([{"serial": "1", "type": type_name, "volume": "1.5 m3"}]).meters
    assert meter.kind is MeterKind.WATER
    assert meter.readings == (Reading(name, 1500.0, "L", None),)


def test_plain_volume_needs_hot_or_cold(parse_json) -> None:
    with pytest.raises(ConfigurationFileError, match='"volume" does not say warm or cold'):
        parse_json([{"serial": "1", "type": "waterMeter", "volume": 1}])


@pytest.mark.parametrize(
    ("readings", "kind"),
    [
        ({"T1": 1, "T2": 2}, MeterKind.ELECTRICITY),
        ({"1-0:1.8.1": 1}, MeterKind.ELECTRICITY),
        ({"import": 1}, MeterKind.ELECTRICITY),
        ({"1-0:32.7.0": 230}, MeterKind.ELECTRICITY),
        ({"6-0:1.0.0": 1}, MeterKind.HEAT),
        ({"hot_water": 1, "cold": 2}, MeterKind.WATER),
        ({"9-0:1.0.0": 1}, MeterKind.WATER),
        ({"temp": 20, "humidity": 40}, MeterKind.TEMPERATURE_HUMIDITY),
    ],
)
def test_kind_inferred_from_readings(parse_json, readings, kind) -> None:
    (meter,) = parse_json([{"serial": "1", **readings}]).meters
    assert meter.kind is kind
    assert meter.type_name == kind.value


@pytest.mark.parametrize(
    "readings", [{"T1": 1, "temp": 20}, {"voltage": 230}, {"1-0:3.8.0": 5}, {"power": 5}]
)
def test_kind_cannot_be_inferred(parse_json, readings) -> None:
    with pytest.raises(ConfigurationFileError, match=r"\[0\]: meter has no type"):
        parse_json([{"serial": "1", **readings}])


@pytest.mark.parametrize("type_name", ["OBIS", "meter", "smart meter", "device", "M-Bus"])
def test_neutral_types_infer_the_kind(parse_json, type_name) -> None:
    (meter,) = parse_json([{"serial": "1", "type": type_name, "1-0:1.8.1": 5}]).meters
    assert meter.kind is MeterKind.ELECTRICITY
    assert meter.type_name == type_name


def test_neutral_type_with_unknown_readings_is_generic(parse_json) -> None:
    (meter,) = parse_json([{"serial": "1", "type": "OBIS", "1-0:3.8.0": "230.1 kvarh"}]).meters
    assert meter.kind is MeterKind.GENERIC
    assert meter.readings == (Reading("1-0:3.8.0", 230.1, "kvarh", None),)


def test_unknown_type_is_generic(parse_json) -> None:
    (meter,) = parse_json(
        [
            {
                "serial": "g1",
                "type": "pulseCounter",
                "Volume": "12.5 m3",
                "T1": "3",
                "status": "ok",
                "pressure": 1013,
                "date_text": "2024-05-01",
                "readings": [{"name": "level", "value": 5, "unit": "%"}],
            }
        ]
    ).meters
    assert meter.kind is MeterKind.GENERIC
    assert meter.type_name == "pulseCounter"
    assert meter.readings == (
        Reading("Volume", 12.5, "m3", None),
        Reading("T1", 3.0, None, None),
        Reading("pressure", 1013.0, None, None),
        Reading("date_text", "2024-05-01", None, None),
        Reading("level", 5.0, "%", None),
    )


def test_explicit_generic_type(parse_json) -> None:
    (meter,) = parse_json([{"serial": "1", "type": "generic", "T1": "5 kWh"}]).meters
    assert meter.kind is MeterKind.GENERIC
    assert meter.readings == (Reading("T1", 5.0, "kWh", None),)


# --- reading keys ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("T1", "T1"),
        ("t1", "T1"),
        ("tariff1", "T1"),
        ("Tariff_2", "T2"),
        ("TARIF3", "T3"),
        ("rate_4", "T4"),
        ("t0", "total"),
        ("total", "total"),
        ("Total_Import", "total"),
        ("export", "export_total"),
        ("export_T1", "export_T1"),
        ("export1", "export_T1"),
        ("Import_T1", "T1"),
        ("energy_t2", "T2"),
        ("T12", "T12"),
        ("1-0:1.8.1", "T1"),
        ("1.8.2", "T2"),
        ("1-0:1.8.1*255", "T1"),
        ("1-0:1.8.1.255", "T1"),
        ("1-0:1.8.1&255", "T1"),
        ("1.0.1.8.1.255", "T1"),
        ("1-1:1.8.2", "T2"),
        ("1-0:1.8.0", "total"),
        ("1-0:2.8.1", "export_T1"),
        ("1-0:2.8.0*255", "export_total"),
    ],
)
def test_electricity_reading_keys(parse_json, key, name) -> None:
    (meter,) = parse_json([{"serial": "1", "type": "electricityMeter", key: 7}]).meters
    assert meter.readings == (Reading(name, 7.0, "kWh", None),)


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("warm", "warm"),
        ("hot", "warm"),
        ("hot_water", "warm"),
        ("HotWater", "warm"),
        ("warm_water", "warm"),
        ("9-0:1.0.0", "warm"),
        ("9-0:1.0.0*255", "warm"),
        ("cold", "cold"),
        ("cold_water", "cold"),
        ("COLD-WATER", "cold"),
        ("8-0:1.0.0", "cold"),
        ("8-1:1.0.0.255", "cold"),
    ],
)
def test_water_reading_keys(parse_json, key, name) -> None:
    (meter,) = parse_json([{"serial": "1", "type": "waterMeter", key: "7"}]).meters
    assert meter.readings == (Reading(name, 7.0, "L", None),)


@pytest.mark.parametrize(
    ("key", "name", "unit"),
    [
        ("temp", "temperature", "°C"),
        ("temperature", "temperature", "°C"),
        ("t", "temperature", "°C"),
        ("Temperature", "temperature", "°C"),
        ("hum", "humidity", "%"),
        ("humidity", "humidity", "%"),
        ("rh", "humidity", "%"),
        ("relative_humidity", "humidity", "%"),
    ],
)
def test_climate_reading_keys(parse_json, key, name, unit) -> None:
    (meter,) = parse_json([{"serial": "1", "type": "temperatureHumidity", key: 7}]).meters
    assert meter.readings == (Reading(name, 7.0, unit, None),)


@pytest.mark.parametrize(
    ("type_name", "key"),
    [
        ("electricityMeter", "voltage"),
        ("electricityMeter", "temp"),
        ("electricityMeter", "0-0:96.1.0"),
        ("electricityMeter", "1-0:1.8.1*101"),
        ("waterMeter", "T1"),
        ("waterMeter", "9-0:1.0.1"),
        ("temperatureHumidity", "warm"),
    ],
)
def test_unknown_reading_for_kind_is_ignored(parse_json, type_name, key) -> None:
    known = {
        "electricityMeter": {"T2": 1},
        "waterMeter": {"cold": 1},
        "temperatureHumidity": {"hum": 1},
    }[type_name]
    result = parse_json([{"serial": "1", "type": type_name, key: 1, **known}])
    (meter,) = result.meters
    assert len(meter.readings) == 1
    assert result.ignored == (child("[*]", key),)


def test_readings_as_nested_map(parse_json) -> None:
    (meter,) = parse_json(
        [{"serial": "1", "type": "electricityMeter", "readings": {"T1": "53 kWh", "1.8.2": 41}}]
    ).meters
    assert meter.readings == (Reading("T1", 53.0, "kWh", None), Reading("T2", 41.0, "kWh", None))


def test_readings_as_list_of_records(parse_json) -> None:
    (meter,) = parse_json(
        [
            {
                "serial": "1",
                "type": "electricityMeter",
                "timestamp": "2024-05-01T10:00:00",
                "Measurements": [
                    {"name": "T1", "value": 53, "unit": "kWh"},
                    {"Type": "tariff2", "Value": "41000", "Units": "Wh", "ts": 1714557660},
                    {
                        "OBIS": "1-0:1.8.0",
                        "description": "Active energy import",
                        "reading": "94 kWh",
                    },
                    {"obis_code": "1-0:2.8.1", "name": "Export T1", "val": 2},
                ],
            }
        ]
    ).meters
    ten = datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert meter.readings == (
        Reading("T1", 53.0, "kWh", ten),
        Reading("T2", 41.0, "kWh", datetime(2024, 5, 1, 10, 1, tzinfo=UTC)),
        Reading("total", 94.0, "kWh", ten),
        Reading("export_T1", 2.0, "kWh", ten),
    )


def test_flat_and_nested_readings_combine(parse_json) -> None:
    (meter,) = parse_json(
        [
            {
                "serial": "1",
                "type": "electricityMeter",
                "T1": 1,
                "values": [{"type": "T2", "value": 2}],
            }
        ]
    ).meters
    assert _names_of(meter) == ["T1", "T2"]


def _names_of(meter) -> list[str]:
    return [reading.name for reading in meter.readings]


def test_readings_keep_file_order(parse_json) -> None:
    result = parse_json([{"serial": "1", "type": "electricityMeter", "T3": 3, "T1": 1, "T2": 2}])
    assert _names(result) == ["T3", "T1", "T2"]


@pytest.mark.parametrize(
    ("reading", "message"),
    [
        ({"value": 1}, "reading has no name, type or OBIS code"),
        ({"type": "T1"}, "reading has no value"),
        ({"type": "T1", "value": 1, "val": 2}, 'both "value" and "val"'),
        ({"type": "T1", "value": 1, "factor": 10}, r"values\[0\].factor: unknown key that may"),
        ({"obis": "one-eight-one", "value": 1}, "is not an OBIS code"),
        ({"obis": "1-0:1.8.1", "type": "T2", "value": 1}, "name different readings"),
        ({"type": "T1", "value": 1, "unit": 5}, "expected a unit text"),
        ({"type": ["T1"], "value": 1}, "expected a reading name"),
        ({"type": "T1", "value": {"v": 1}}, r"values\[0\].value: is an object"),
        ({"type": "T1", "text": "one"}, "cannot be text"),
        ("T1", r"values\[0\]: is a string, expected a reading object"),
    ],
)
def test_bad_reading_records(parse_json, reading, message) -> None:
    with pytest.raises(ConfigurationFileError, match=message):
        parse_json([{"serial": "1", "type": "electricityMeter", "values": [reading]}])


def test_a_readings_key_that_is_not_a_container_is_not_a_reading(parse_json) -> None:
    with pytest.raises(ConfigurationFileError, match=r'\[0\]: meter "1" has no readings'):
        parse_json([{"serial": "1", "type": "electricityMeter", "readings": "T1=5"}])


def test_generic_reading_with_two_names_is_ambiguous(parse_json) -> None:
    with pytest.raises(ConfigurationFileError, match="more than one name"):
        parse_json(
            [
                {
                    "serial": "1",
                    "type": "pulse counter",
                    "values": [{"name": "a", "type": "b", "value": 1}],
                }
            ]
        )


def test_generic_text_readings(parse_json) -> None:
    (meter,) = parse_json(
        [
            {
                "serial": "1",
                "type": "pulse counter",
                "values": [{"name": "version", "text": "1.20"}, {"name": "state", "value": "ok"}],
            }
        ]
    ).meters
    assert meter.readings == (
        Reading("version", "1.20", None, None),
        Reading("state", "ok", None, None),
    )
    with pytest.raises(ConfigurationFileError, match="is not a number but has a unit"):
        parse_json(
            [
                {
                    "serial": "1",
                    "type": "pulse counter",
                    "values": [{"name": "a", "value": "x", "unit": "V"}],
                }
            ]
        )
    with pytest.raises(ConfigurationFileError, match="cannot have a unit"):
        parse_json(
            [
                {
                    "serial": "1",
                    "type": "pulse counter",
                    "values": [{"name": "a", "text": "x", "unit": "V"}],
                }
            ]
        )
    with pytest.raises(ConfigurationFileError, match="expected a text"):
        parse_json([{"serial": "1", "type": "pulse counter", "values": [{"name": "a", "text": 5}]}])


# --- timestamps -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-05-01T10:00:00Z", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2024-05-01T12:00:00+02:00", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2024-05-01T10:00:00", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2024-05-01 10:00", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2024-05-01", datetime(2024, 5, 1, tzinfo=UTC)),
        (1714557600, datetime(2024, 5, 1, 10, tzinfo=UTC)),
        (1714557600.5, datetime(2024, 5, 1, 10, 0, 0, 500000, tzinfo=UTC)),
        ("1714557600", datetime(2024, 5, 1, 10, tzinfo=UTC)),
    ],
)
def test_timestamps(parse_json, raw, expected) -> None:
    (meter,) = parse_json([{**ELECTRICITY, "Timestamp": raw}]).meters
    (reading,) = meter.readings
    assert reading.timestamp == expected
    assert reading.timestamp is not None
    assert reading.timestamp.tzinfo is not None


@pytest.mark.parametrize(
    "raw", ["yesterday", "2024-13-01", True, None, [1], {"t": 1}, 10**15, "1714557600000000"]
)
def test_bad_timestamps(parse_json, raw) -> None:
    with pytest.raises(ConfigurationFileError, match=r"\[0\].timestamp"):
        parse_json([{**ELECTRICITY, "timestamp": raw}])


def test_timestamp_given_twice(parse_json) -> None:
    with pytest.raises(ConfigurationFileError, match='both "timestamp" and "time"'):
        parse_json([{**ELECTRICITY, "timestamp": 1, "time": 2}])


def test_readings_without_timestamp(parse_json) -> None:
    (meter,) = parse_json([ELECTRICITY]).meters
    assert meter.readings[0].timestamp is None


def test_format_is_json_even_with_other_filename() -> None:
    result = parse_configuration(b'{"items": []}', filename="config.txt")
    assert result.format == "json"


def test_reading_order_follows_the_file_across_containers(parse_json) -> None:
    result = parse_json(
        [
            {
                "serial": "1",
                "T3": 3,
                "readings": [{"type": "T1", "value": 1}],
                "type": "electricityMeter",
                "values": {"T4": 4},
                "T2": 2,
            }
        ]
    )
    assert _names(result) == ["T3", "T1", "T4", "T2"]


def test_reading_errors_name_the_place(parse_json) -> None:
    with pytest.raises(ConfigurationFileError, match=r'devices\[1\].values\[2\].value: "x"'):
        parse_json(
            {
                "devices": [
                    ELECTRICITY,
                    {
                        "serial": "2",
                        "type": "electricityMeter",
                        "values": [
                            {"type": "T1", "value": 1},
                            {"type": "T2", "value": 2},
                            {"type": "T3", "value": "x"},
                        ],
                    },
                ]
            }
        )
    with pytest.raises(ConfigurationFileError, match=r'meters\["a b"\].readings\["T 1"\]'):
        parse_json({"meters": {"a b": {"type": "electricityMeter", "readings": {"T 1": "x"}}}})
