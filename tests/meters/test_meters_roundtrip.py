"""serialize_configuration() and the parse(serialize(m)) == m round trip."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
import json
import random

import pytest

from tr069_cpe.meters import (
    Meter,
    MeterKind,
    Reading,
    parse_configuration,
    serialize_configuration,
)

NOON = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
PRAGUE = timezone(timedelta(hours=2))


def _round_trip(meters: tuple[Meter, ...], *, partial: bool = False) -> bytes:
    data = serialize_configuration(meters, partial=partial)
    result = parse_configuration(data)
    assert result.meters == meters
    assert result.partial is partial
    assert result.format == "json"
    return data


ELECTRICITY = Meter(
    serial="26",
    vendor="PIKKETRON",
    kind=MeterKind.ELECTRICITY,
    type_name="electricityMeter",
    name=None,
    readings=(Reading("T1", 53.0, "kWh", None), Reading("T2", 41.0, "kWh", None)),
)


def test_canonical_shape() -> None:
    data = _round_trip((ELECTRICITY,))
    assert json.loads(data) == {
        "partial": False,
        "items": [
            {
                "serial": "26",
                "vendor": "PIKKETRON",
                "type": "electricityMeter",
                "T1": "53 kWh",
                "T2": "41 kWh",
            }
        ],
    }


def test_empty_and_partial() -> None:
    data = _round_trip((), partial=True)
    assert json.loads(data) == {"partial": True, "items": []}
    _round_trip((), partial=False)
    _round_trip((ELECTRICITY,), partial=True)


def test_accepts_any_iterable() -> None:
    data = serialize_configuration(iter([ELECTRICITY]))
    assert parse_configuration(data).meters == (ELECTRICITY,)


def test_names_locations_and_common_timestamp() -> None:
    meter = Meter(
        serial="987",
        vendor="WEBTECH",
        kind=MeterKind.TEMPERATURE_HUMIDITY,
        type_name="TH sensor",
        name="Obývák, living room",
        readings=(
            Reading("temperature", 25.5, "°C", NOON.astimezone(PRAGUE)),
            Reading("humidity", 43.0, "%", NOON),
        ),
        location=(49.195060, 16.606837),
    )
    data = _round_trip((meter,))
    (item,) = json.loads(data)["items"]
    assert item["name"] == "Obývák, living room"
    assert item["location"] == {"lat": 49.19506, "lng": 16.606837}
    assert item["timestamp"] == "2024-05-01T14:00:00+02:00"
    assert item["temperature"] == "25.5 °C"


def test_different_timestamps_use_a_reading_list() -> None:
    meter = Meter(
        serial="1234",
        vendor="",
        kind=MeterKind.WATER,
        type_name="waterMeter",
        name=None,
        readings=(
            Reading("warm", 135241.0, "L", NOON),
            Reading("cold", 458771.5, "L", NOON + timedelta(microseconds=1)),
        ),
    )
    data = _round_trip((meter,))
    (item,) = json.loads(data)["items"]
    assert "vendor" not in item
    assert item["readings"] == [
        {"name": "warm", "value": "135241 L", "timestamp": "2024-05-01T12:00:00+00:00"},
        {"name": "cold", "value": "458771.5 L", "timestamp": "2024-05-01T12:00:00.000001+00:00"},
    ]


def test_some_readings_without_timestamp() -> None:
    meter = Meter(
        serial="1",
        vendor="",
        kind=MeterKind.ELECTRICITY,
        type_name="electricityMeter",
        name=None,
        readings=(Reading("T1", 1.0, "kWh", NOON), Reading("T2", 2.0, "kWh", None)),
    )
    _round_trip((meter,))


def test_generic_meters() -> None:
    meter = Meter(
        serial="g-1",
        vendor="ACME",
        kind=MeterKind.GENERIC,
        type_name="pulseCounter",
        name="Pulses",
        readings=(
            Reading("volume", 12.5, "m3", None),
            Reading("plain", 3.0, None, None),
            Reading("state", "ok", None, None),
            Reading("looks numeric", "53", None, None),
            Reading("looks like a value with unit", "12 V", None, None),
            Reading("blank", "", None, None),
            Reading("spaces", "  padded  ", None, None),
            Reading("odd unit", 1.0, "per 2 weeks", None),
            Reading("name", 1.0, None, None),
            Reading("serial", 2.0, None, None),
            Reading("readings", 3.0, None, None),
            Reading("1-0:32.7.0", 230.1, "V", None),
            Reading("tiny", 1e-7, "A", None),
            Reading("huge", 1.5e20, None, None),
            Reading("noise", 0.1 + 0.2, None, None),
            Reading("negative", -5.0, "°C", None),
        ),
    )
    _round_trip((meter,))


def test_generic_flat_when_possible() -> None:
    meter = Meter(
        serial="g",
        vendor="",
        kind=MeterKind.GENERIC,
        type_name="pulses",
        name=None,
        readings=(Reading("volume", 12.5, "m3", None), Reading("state", "ok", None, None)),
    )
    data = _round_trip((meter,))
    (item,) = json.loads(data)["items"]
    assert item == {"serial": "g", "type": "pulses", "volume": "12.5 m3", "state": "ok"}


def test_inferred_and_neutral_types_survive() -> None:
    source = {
        "items": [
            {"serial": "1", "1-0:1.8.1": 5},
            {"serial": "2", "type": "OBIS", "9-0:1.0.0": "1 m3"},
            {"serial": "3", "type": "meter", "T1": 1, "temp": 20},
            {"serial": "4", "type": "hot water", "volume": 7},
        ]
    }
    meters = parse_configuration(json.dumps(source).encode()).meters
    assert [meter.kind for meter in meters] == [
        MeterKind.ELECTRICITY,
        MeterKind.WATER,
        MeterKind.GENERIC,
        MeterKind.WATER,
    ]
    _round_trip(meters)


def test_all_electricity_names() -> None:
    meter = Meter(
        serial="e",
        vendor="",
        kind=MeterKind.ELECTRICITY,
        type_name="ELECTRICITY_CONS",
        name=None,
        readings=tuple(
            Reading(name, float(index), "kWh", None)
            for index, name in enumerate(
                ["T1", "T2", "T3", "T12", "total", "export_T1", "export_total"]
            )
        ),
    )
    _round_trip((meter,))


@pytest.mark.parametrize(
    ("meter", "message"),
    [
        (
            Meter("1", "", MeterKind.ELECTRICITY, "electricityMeter", None, ()),
            "has no readings",
        ),
        (
            Meter(
                "1",
                "",
                MeterKind.ELECTRICITY,
                "electricityMeter",
                None,
                (Reading("T1", 1.0, "Wh", None),),
            ),
            "cannot be serialized faithfully",
        ),
        (
            Meter(
                "1",
                "",
                MeterKind.ELECTRICITY,
                "electricityMeter",
                None,
                (Reading("foo", 1.0, "kWh", None),),
            ),
            "has no readings",
        ),
        (
            Meter(
                "1",
                "",
                MeterKind.GENERIC,
                "electricityMeter",
                None,
                (Reading("T1", 1.0, "kWh", None),),
            ),
            "cannot be serialized faithfully",
        ),
        (
            Meter(
                "1",
                "",
                MeterKind.ELECTRICITY,
                "electricityMeter",
                None,
                (Reading("T1", 1.0, "kWh", datetime(2024, 1, 1)),),
            ),
            "cannot be serialized faithfully",
        ),
        (
            Meter(
                "1",
                "",
                MeterKind.ELECTRICITY,
                "electricityMeter",
                None,
                (Reading("T1", float("nan"), "kWh", None),),
            ),
            "cannot be serialized",
        ),
        (
            Meter(
                " 1",
                "",
                MeterKind.ELECTRICITY,
                "electricityMeter",
                None,
                (Reading("T1", 1.0, "kWh", None),),
            ),
            "cannot be serialized faithfully",
        ),
    ],
)
def test_unfaithful_meters_are_refused(meter, message) -> None:
    with pytest.raises(ValueError, match=message):
        serialize_configuration([meter])


def test_duplicate_serials_are_refused() -> None:
    with pytest.raises(ValueError, match="duplicate serial"):
        serialize_configuration([ELECTRICITY, ELECTRICITY])


def _random_meter(rng: random.Random, index: int) -> Meter:
    kind = rng.choice(list(MeterKind))
    moment = None
    if rng.random() < 0.5:
        offset = timezone(timedelta(minutes=rng.choice([0, 60, -300, 330])))
        moment = datetime.fromtimestamp(rng.uniform(0, 2e9), UTC).astimezone(offset)

    def number(low: float, high: float) -> float:
        return rng.choice(
            [round(rng.uniform(low, high), rng.randint(0, 6)), rng.uniform(low, high)]
        )

    readings: list[Reading]
    if kind is MeterKind.ELECTRICITY:
        names = rng.sample(
            ["T1", "T2", "T3", "total", "export_T1", "export_total"], rng.randint(1, 4)
        )
        readings = [Reading(name, number(0, 1e7), "kWh", moment) for name in names]
    elif kind is MeterKind.WATER:
        names = rng.sample(["warm", "cold"], rng.randint(1, 2))
        readings = [Reading(name, number(0, 1e9), "L", moment) for name in names]
    elif kind is MeterKind.TEMPERATURE_HUMIDITY:
        readings = [
            Reading("temperature", number(-40, 60), "°C", moment),
            Reading("humidity", number(0, 100), "%", moment),
        ][: rng.randint(1, 2)]
    elif kind is MeterKind.HEAT:
        readings = [
            Reading("energy", number(0, 1e7), "kWh", moment),
            Reading("flow_temperature", number(-10, 120), "°C", moment),
            Reading("flow", number(0, 50), "m³/h", moment),
        ][: rng.randint(1, 3)]
    elif kind is MeterKind.GAS:
        readings = [Reading("volume", number(0, 1e6), "m³", moment)]
    else:
        readings = [
            Reading("volume", number(-1e6, 1e6), rng.choice(["m3", None, "kWh"]), moment),
            Reading("status", rng.choice(["ok", "42", "1,5", "3 V", "-"]), None, moment),
        ]
        if rng.random() < 0.3:
            readings.append(Reading("late", 1.0, None, NOON))
    return Meter(
        serial=str(rng.choice([index, f"SN-{index}", f"{index:08d}"])),
        vendor=rng.choice(["", "PIKKETRON", "Bönega"]),
        kind=kind,
        type_name={
            MeterKind.ELECTRICITY: rng.choice(["electricityMeter", "ELECTRICITY_CONS", "OBIS"]),
            MeterKind.WATER: rng.choice(["waterMeter", "WATER_CONS"]),
            MeterKind.TEMPERATURE_HUMIDITY: rng.choice(["temperatureHumidity", "TH sensor"]),
            MeterKind.HEAT: rng.choice(["heatMeter", "district heating"]),
            MeterKind.GAS: rng.choice(["gasMeter", "GAS"]),
            MeterKind.GENERIC: rng.choice(["generic", "pulseCounter", "rain gauge"]),
        }[kind],
        name=rng.choice([None, f"Meter {index}", "Küche"]),
        readings=tuple(readings),
        location=rng.choice([None, (round(rng.uniform(-90, 90), 6), rng.uniform(-180, 180))]),
    )


def test_random_round_trips() -> None:
    rng = random.Random(20240501)
    meters = tuple(_random_meter(rng, index) for index in range(2000))
    _round_trip(meters, partial=True)
