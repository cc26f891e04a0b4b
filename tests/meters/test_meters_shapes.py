"""Details of the shapes: telegrams that supersede each other, local times, line numbers."""

from __future__ import annotations

from datetime import UTC, datetime
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tr069_cpe.meters import ConfigurationFileError, parse_configuration
from tr069_cpe.meters.context import ReadOptions
from tr069_cpe.meters.profile import parse_profile

FILES = Path(__file__).parent / "files"


def telegram(serial: str, total: float, stamp: str) -> str:
    return json.dumps(
        {
            "_": "telegram",
            "media": "cold water",
            "id": serial,
            "total_m3": total,
            "timestamp": stamp,
        }
    )


def test_the_newest_telegram_of_a_meter_wins() -> None:
    lines = [
        telegram("A", 2.0, "2026-04-01T08:00:00Z"),
        telegram("B", 5.0, "2026-04-01T08:00:00Z"),
        telegram("A", 1.0, "2026-04-01T07:00:00Z"),  # older, though later in the file
        telegram("B", 6.0, "2026-04-01T08:00:00Z"),  # same time: the later line wins
    ]
    result = parse_configuration("\n".join(lines).encode(), filename="t.jsonl")
    assert {m.serial: m.readings[0].value for m in result.meters} == {"A": 2000.0, "B": 6000.0}
    assert result.superseded == (
        '[2]: "A" superseded by [0]',
        '[1]: "B" superseded by [3]',
    )


def test_duplicate_serials_reject_every_other_shape() -> None:
    document = [{"serial": "A", "T1": 1}, {"serial": "A", "T1": 2}]
    with pytest.raises(ConfigurationFileError, match=r'\[1\]: duplicate serial "A"'):
        parse_configuration(json.dumps(document).encode())


def test_times_without_a_zone_are_the_gateways() -> None:
    data = (FILES / "a23_wide_semicolon_bom_crlf.csv").read_bytes()
    prague = ReadOptions(time_zone=ZoneInfo("Europe/Prague"))
    result = parse_configuration(data, filename="a23.csv", options=prague)
    assert result.local_time_zone == "Europe/Prague"
    assert result.meters[0].readings[0].timestamp == datetime(2025, 12, 31, 22, 59, tzinfo=UTC)
    with_zone = parse_configuration((FILES / "a21_readings_long.csv").read_bytes(), options=prague)
    assert with_zone.local_time_zone is None  # every time had its own zone


def test_rows_of_one_meter_must_agree() -> None:
    data = b"serial,vendor,reading,value\n1,ACME,T1,5\n1,OTHER,T2,6\n"
    with pytest.raises(
        ConfigurationFileError, match=r'line 3: column\["vendor"\]: "OTHER" differs'
    ):
        parse_configuration(data)


def test_a_reading_row_names_its_own_line() -> None:
    data = b"serial,type,reading,value\n1,electricityMeter,T1,5\n1,electricityMeter,T2,x\n"
    with pytest.raises(ConfigurationFileError, match=r'^line 3.value: "x" is not a number'):
        parse_configuration(data)


def test_a_profile_says_what_a_plain_water_volume_is() -> None:
    """wmbusmeters' media "water" is neither warm nor cold: a profile can say which."""
    data = (FILES / "r22_wmbus_plain_water.jsonl").read_bytes()
    profile = parse_profile(
        json.dumps(
            {
                "profile": "taps",
                "profile_format": 1,
                "match": {"format": "jsonl"},
                "source": {"format": "jsonl"},
                "meters": {"fields": {"serial": "id", "type": "media", "name": "name"}},
                "readings": {"columns": {"total_m3": {"reading": "cold", "unit": "m3"}}},
                "map": {"types": {"water": "cold water"}},
            }
        ).encode()
    )
    result = parse_configuration(data, filename="r22.jsonl", profiles=[profile])
    (meter,) = result.meters
    assert (meter.type_name, meter.readings[0].name, meter.readings[0].value) == (
        "water",
        "cold",
        3843.0,
    )
    assert set(result.ignored) == {"[*]._", "[*].meter", "[*].timestamp"}


def test_xml_errors_name_the_line_of_the_element() -> None:
    document = b"<meters>\n<meter serial='1' type='electricityMeter'>\n<T1>5</T1>\n<T2>x</T2>\n</meter>\n</meters>"
    with pytest.raises(ConfigurationFileError, match=r'^line 4: meter.T2: "x" is not a number'):
        parse_configuration(document)
