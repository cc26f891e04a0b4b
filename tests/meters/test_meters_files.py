"""The canonical example files in tests/meters/files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from tr069_cpe.meters import (
    ConfigurationFile,
    Meter,
    MeterKind,
    Reading,
    parse_configuration,
    serialize_configuration,
)

MAY_FIRST_10_UTC = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


def _readings(meter: Meter) -> dict[str, tuple[float | str, str | None]]:
    return {reading.name: (reading.value, reading.unit) for reading in meter.readings}


def test_format_a(read_file) -> None:
    result = parse_configuration(read_file("format_a.json"), filename="format_a.json")
    assert result == ConfigurationFile(
        meters=(
            Meter(
                serial="26",
                vendor="PIKKETRON",
                kind=MeterKind.ELECTRICITY,
                type_name="electricityMeter",
                name=None,
                readings=(
                    Reading("T1", 0.0, "kWh", None),
                    Reading("T2", 0.0, "kWh", None),
                ),
            ),
            Meter(
                serial="987",
                vendor="WEBTECH",
                kind=MeterKind.TEMPERATURE_HUMIDITY,
                type_name="temperatureHumidity",
                name=None,
                readings=(
                    Reading("humidity", 0.0, "%", None),
                    Reading("temperature", 0.0, "°C", None),
                ),
            ),
            Meter(
                serial="1234",
                vendor="BONEGA",
                kind=MeterKind.WATER,
                type_name="waterMeter",
                name=None,
                readings=(
                    Reading("warm", 1.0, "L", None),
                    Reading("cold", 1.0, "L", None),
                ),
            ),
        ),
        partial=False,
        format="json",
    )


def test_format_a_update(read_file) -> None:
    result = parse_configuration(read_file("format_a_update.json"))
    assert [meter.serial for meter in result.meters] == ["26", "987", "1234"]
    electricity, climate, water = result.meters
    assert _readings(electricity) == {"T1": (53.0, "kWh"), "T2": (41.0, "kWh")}
    assert _readings(climate) == {"humidity": (43.0, "%"), "temperature": (25.5, "°C")}
    assert _readings(water) == {"warm": (135241.0, "L"), "cold": (458771.0, "L")}
    assert not result.partial


def test_format_b(read_file) -> None:
    result = parse_configuration(read_file("format_b.json"))
    electricity, climate, water = result.meters
    assert electricity.kind is MeterKind.ELECTRICITY
    assert electricity.type_name == "ELECTRICITY_CONS"
    assert electricity.location == (49.2, 16.6)
    assert _readings(electricity) == {"T1": (53.0, "kWh"), "T2": (41.0, "kWh")}
    assert climate.kind is MeterKind.TEMPERATURE_HUMIDITY
    assert climate.type_name == "TH_SENSOR"
    assert _readings(climate) == {"humidity": (43.0, "%"), "temperature": (25.5, "°C")}
    assert water.kind is MeterKind.WATER
    assert water.location == (49.19, 16.61)
    assert _readings(water) == {"warm": (135241.0, "L"), "cold": (458771.0, "L")}
    assert result.format == "json"


def test_format_c(read_file) -> None:
    result = parse_configuration(read_file("format_c.json"))
    obis_electricity, obis_water, untyped = result.meters

    assert obis_electricity.serial == "26"
    assert obis_electricity.vendor == "PIKKETRON"
    assert obis_electricity.kind is MeterKind.ELECTRICITY
    assert obis_electricity.type_name == "OBIS"
    assert _readings(obis_electricity) == {
        "T1": (53.0, "kWh"),
        "T2": (41.0, "kWh"),
        "total": (94.0, "kWh"),
    }
    noon_cest = datetime(2024, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    assert {reading.timestamp for reading in obis_electricity.readings} == {noon_cest}
    assert noon_cest == MAY_FIRST_10_UTC

    assert obis_water.serial == "1234"
    assert obis_water.kind is MeterKind.WATER
    assert _readings(obis_water) == {"warm": (135241.0, "L"), "cold": (458771.0, "L")}
    assert {reading.timestamp for reading in obis_water.readings} == {MAY_FIRST_10_UTC}

    assert untyped.serial == "27"
    assert untyped.kind is MeterKind.ELECTRICITY
    assert untyped.type_name == "electricityMeter"
    assert _readings(untyped) == {"T1": (1500.0, "kWh"), "T2": (2.0, "kWh")}


def test_format_xml(read_file) -> None:
    result = parse_configuration(read_file("format.xml"), filename="format.xml")
    assert result.format == "xml"
    assert not result.partial
    electricity, climate, water = result.meters
    assert electricity == Meter(
        serial="26",
        vendor="PIKKETRON",
        kind=MeterKind.ELECTRICITY,
        type_name="electricityMeter",
        name="Main switchboard",
        readings=(Reading("T1", 53.0, "kWh", None), Reading("T2", 41.0, "kWh", None)),
        location=(49.2, 16.6),
    )
    noon = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert climate.readings == (
        Reading("humidity", 43.0, "%", noon),
        Reading("temperature", 25.5, "°C", noon),
    )
    assert water.serial == "1234"
    assert water.vendor == "BONEGA"
    assert _readings(water) == {"warm": (135241.0, "L"), "cold": (458771.0, "L")}


def test_all_files_round_trip(read_file) -> None:
    for name in ("format_a.json", "format_a_update.json", "format_b.json", "format_c.json"):
        meters = parse_configuration(read_file(name)).meters
        assert parse_configuration(serialize_configuration(meters)).meters == meters, name
    meters = parse_configuration(read_file("format.xml")).meters
    assert parse_configuration(serialize_configuration(meters)).meters == meters
