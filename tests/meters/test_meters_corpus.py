"""The corpus: files shaped the way real systems write them, each with what it must give.

``files/aNN_*`` must be accepted with the meters, values, units, instants and ignored
keys of their ``.expected.json``; ``files/rNN_*`` must be rejected, one rule each.
Files that need a format profile are read with it (``test_meters_profiles.py``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
import json
from pathlib import Path
from typing import Any

import pytest

from tr069_cpe.meters import ConfigurationFile, ConfigurationFileError, parse_configuration

FILES = Path(__file__).parent / "files"
EXPECTED = sorted(FILES.glob("*.expected.json"))


def expectation(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


ACCEPTED = [path for path in EXPECTED if not expectation(path).get("rejected")]
BUILT_IN = [path for path in ACCEPTED if not expectation(path).get("profile")]
REJECTED = [path for path in EXPECTED if expectation(path).get("rejected")]

# What each rejection must say (the rule, in the words of the message).
REASONS = {
    "r01_bad_utf8.json": r"not UTF-8 \(byte 0xe4 at offset 46, line 1\)",
    "r02_truncated.json": "invalid or truncated JSON",
    "r03_broken.xml": "invalid or truncated XML: mismatched tag at line 5",
    "r04_ragged_row.csv": "line 2: 5 fields, the header has 4",
    "r05_no_meter.json": "no identifiable meter",
    "r06_duplicate_serial.xml": r'line 5: meter\[2\]: duplicate serial "VOL-2025-004716"',
    "r07_duplicate_reading.json": r'duplicate reading "T1" \(also at meters\[0\].T1\)',
    "r08_not_a_number.csv": r'line 2: column.T1.value: "12O4,5" is not a number in kWh',
    "r09_negative_counter.json": r'meters\[0\].cold: "-12.5 m3" is negative',
    "r10_nan.json": "NaN is not a finite number",
    "r11_humidity_140.xml": r'line 3: meter.hum: "140" is not between 0 and 100 %',
    "r12_doctype.xml": "line 2: XML with a DOCTYPE is not accepted",
    "r13_too_deep.json": "nested deeper than 32 levels",
    "r14_unknown_multiplier.json": r"registers\[1\].multiplier_x: unknown key that may change",
    "r15_lone_surrogate.json": r"meters\[0\].vendor: the string contains a lone UTF-16 surrogate",
    "r16_invalid_date.csv": r'line 2: column.Timestamp: "31.02.2025 12:00" is not a valid date',
    "r17_ambiguous_number.json": r'"1,234 kWh" is ambiguous \(1234 or 1.234\?\)',
    "r18_unit_conflict.json": r'unit "kWh" contradicts unit "Wh"',
    "r19_jsonl_broken_line.jsonl": "line 2 column",
    "r20_unknown_unit.xml": r'line 4: .*unit "gal" is not a unit of volume',
    "r21_two_meter_lists.json": "devices: a second list of meters",
    "r22_wmbus_plain_water.jsonl": r'line 1: \[0\].total_m3: "total_m3" does not say warm or cold',
}


def source_of(path: Path) -> Path:
    return FILES / path.name.removesuffix(".expected.json")


def instant(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def as_expected(result: ConfigurationFile) -> list[dict[str, Any]]:
    """The result in the shape of the expectation files (values as exact decimals)."""
    return [
        {
            "serial": meter.serial,
            "vendor": meter.vendor,
            "kind": meter.kind.value,
            "type_name": meter.type_name,
            "name": meter.name,
            "location": None
            if meter.location is None
            else {"lat": meter.location[0], "lng": meter.location[1]},
            "readings": [
                {
                    "name": reading.name,
                    "value": reading.value
                    if isinstance(reading.value, str)
                    else Decimal(repr(reading.value)),
                    "unit": reading.unit,
                    "timestamp": reading.timestamp,
                }
                for reading in meter.readings
            ],
        }
        for meter in result.meters
    ]


def normalized(meters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            **meter,
            "readings": [
                {
                    **reading,
                    "value": reading["value"]
                    if isinstance(reading["value"], str)
                    else Decimal(str(reading["value"])),
                    "timestamp": instant(reading["timestamp"]),
                }
                for reading in meter["readings"]
            ],
        }
        for meter in meters
    ]


def test_the_corpus_is_large_and_varied() -> None:
    shapes = {expectation(path)["shape"].split(" ")[0] for path in ACCEPTED}
    assert len(ACCEPTED) >= 25
    assert len(shapes) >= 12
    assert {expectation(path)["format"] for path in ACCEPTED} == {"json", "jsonl", "xml", "csv"}
    assert set(REASONS) == {source_of(path).name for path in REJECTED}


@pytest.mark.parametrize("path", BUILT_IN, ids=lambda path: source_of(path).name)
def test_accepted_files_give_their_meters(path: Path) -> None:
    expected = expectation(path)
    source = source_of(path)
    result = parse_configuration(source.read_bytes(), filename=source.name)
    assert as_expected(result) == normalized(expected["meters"])
    assert set(result.ignored) == set(expected["ignored"])
    assert result.partial is expected["partial"]
    assert result.format == expected["format"]


@pytest.mark.parametrize("path", REJECTED, ids=lambda path: source_of(path).name)
def test_rejected_files_say_why(path: Path) -> None:
    source = source_of(path)
    with pytest.raises(ConfigurationFileError, match=REASONS[source.name]):
        parse_configuration(source.read_bytes(), filename=source.name)


@pytest.mark.parametrize(
    "path", [path for path in ACCEPTED if expectation(path).get("profile")], ids=str
)
def test_files_that_need_a_profile_are_rejected_without_one(path: Path) -> None:
    source = source_of(path)
    reason = expectation(path)["without_profile"]["reason"].split(":")[0]
    with pytest.raises(ConfigurationFileError, match=reason):
        parse_configuration(source.read_bytes(), filename=source.name)
