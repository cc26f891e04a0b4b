"""Format profiles: strictly validated, chosen by name or by match, read like built in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import tr069_cpe.meters
from tr069_cpe.meters import ConfigurationFileError, parse_configuration
from tr069_cpe.meters.profile import FormatProfile, ProfileError, parse_profile

from .test_meters_corpus import as_expected, expectation, normalized

FILES = Path(__file__).parent / "files"
PROFILES = FILES / "profiles"
SCHEMA = json.loads(
    (Path(tr069_cpe.meters.__file__).parent / "format_profile.schema.json").read_text()
)
GERMAN = json.loads((PROFILES / "de_zaehlerstaende.profile.json").read_text(encoding="utf-8"))
ACME = json.loads((PROFILES / "acme_envelope.profile.json").read_text(encoding="utf-8"))


def profile(document: dict[str, Any]) -> FormatProfile:
    return parse_profile(json.dumps(document, ensure_ascii=False).encode())


def changed(document: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of a profile with one dotted key set (None removes it)."""
    copy = json.loads(json.dumps(document))
    *parents, last = path.split(".")
    node = copy
    for key in parents:
        node = node.setdefault(key, {})
    if value is None:
        node.pop(last, None)
    else:
        node[last] = value
    return copy


@pytest.mark.parametrize(
    ("source", "profile_file"),
    [
        ("a25_de_zaehlerstaende.csv", "de_zaehlerstaende.profile.json"),
        ("a27_envelope_codes_profile.json", "acme_envelope.profile.json"),
    ],
)
def test_a_file_only_its_profile_can_read(source: str, profile_file: str) -> None:
    expected = expectation(FILES / f"{source}.expected.json")
    data = (FILES / source).read_bytes()
    with pytest.raises(ConfigurationFileError):
        parse_configuration(data, filename=source)
    known = parse_profile((PROFILES / profile_file).read_bytes())
    result = parse_configuration(data, filename=source, profiles=[known])
    assert as_expected(result) == normalized(expected["meters"])
    assert set(result.ignored) == set(expected["ignored"])
    assert result.profile == known.name
    assert result.local_time_zone == "Europe/Berlin"


def test_the_example_profiles_follow_the_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    for document in (GERMAN, ACME):
        jsonschema.validate(document, SCHEMA)


# What only the gateway can check (a zone's existence, two separators that differ).
SEMANTIC_ONLY = {"source.numbers.thousands", "source.timestamps.timezone"}


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("profile", None, "profile: required"),
        ("profile", "no spaces allowed", "profile: use 1 to 64 letters"),
        ("profile_format", 2, "profile_format 1"),
        ("colour", "red", "colour: unknown key"),
        ("source.format", "yaml", "'yaml' is not one of json, jsonl, xml, csv"),
        ("source.numbers.thousands", ",", "decimal and thousands separators are the same"),
        ("source.timestamps.timezone", "Mars/Olympus", "is not a time zone"),
        ("source.timestamps.formats", ["hh:mm"], "needs YYYY, MM and DD"),
        ("meters.fields.serial", None, "meters.fields.serial: required"),
        ("meters.fields.colour", "x", "meters.fields.colour: unknown key"),
        ("readings.value", None, "readings: give id and value"),
        ("readings.modifiers", {"faktor": "multiply"}, "modifiers are not supported"),
        ("map.units", {"cbm": 3}, r"map.units.cbm: expected a text"),
        ("version", "x" * 33, "version: longer than 32"),
        ("unmapped", "maybe", "'maybe' is not one of ignore, reject"),
    ],
)
def test_a_broken_profile_is_refused_with_the_reason(key: str, value: Any, reason: str) -> None:
    document = changed(GERMAN, key, value)
    with pytest.raises(ProfileError, match=reason):
        profile(document)
    if key not in SEMANTIC_ONLY:
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(document, SCHEMA)


@pytest.mark.parametrize(
    "data",
    [b"", b"[]", b"{", b'{"profile": NaN}', b"\xff\xfe", b"x" * (64 * 1024 + 1)],
    ids=["empty", "list", "truncated", "nan", "utf16", "too-large"],
)
def test_garbage_is_not_a_profile(data: bytes) -> None:
    with pytest.raises(ProfileError):
        parse_profile(data)


def test_a_file_names_its_profile() -> None:
    document = {
        "profile": "acme-envelope",
        **json.loads((FILES / "a27_envelope_codes_profile.json").read_text()),
    }
    data = json.dumps(document).encode()
    never = changed(ACME, "match.paths", ["no.such.path"])
    result = parse_configuration(data, profiles=[profile(never)])
    assert result.profile == "acme-envelope"
    assert len(result.meters) == 3
    with pytest.raises(ConfigurationFileError, match='needs the format profile "acme-envelope"'):
        parse_configuration(data, profiles=[profile(changed(GERMAN, "profile", "other"))])


def test_match_conditions_choose_the_profile() -> None:
    data = (FILES / "a25_de_zaehlerstaende.csv").read_bytes()
    by_name = profile(changed(GERMAN, "match.filename", "zaehlerstaende_*.csv"))
    with pytest.raises(ConfigurationFileError, match="no column identifies the meter"):
        parse_configuration(data, filename="export.csv", profiles=[by_name])
    result = parse_configuration(data, filename="zaehlerstaende_2025.csv", profiles=[by_name])
    assert result.profile == "de-zaehlerstaende"
    other_columns = profile(changed(GERMAN, "match.columns", ["Zählernummer", "Zählwerk"]))
    with pytest.raises(ConfigurationFileError):
        parse_configuration(data, profiles=[other_columns])
    json_only = profile(changed(ACME, "match", {"format": "json"}))
    assert (
        parse_configuration(
            data, profiles=[json_only, by_name], filename="zaehlerstaende_1.csv"
        ).profile
        == "de-zaehlerstaende"
    )


def test_unmapped_readings_are_ignored_or_rejected() -> None:
    data = (FILES / "a27_envelope_codes_profile.json").read_bytes()
    partial_map = changed(
        ACME,
        "map.readings",
        {"E-HT": "T1", "E-NT": "T2", "V": "volume", "TEMP": "temperature", "RF": "humidity"},
    )
    result = parse_configuration(data, profiles=[profile(partial_map)])
    assert "body.zp[*].werte[*]" in " ".join(result.ignored)
    assert [r.name for r in result.meters[0].readings] == ["T1", "T2"]
    strict = changed(partial_map, "unmapped", "reject")
    with pytest.raises(ConfigurationFileError, match=r'reading "E-P" is not in the profile'):
        parse_configuration(data, profiles=[profile(strict)])


def test_reject_if_marks_values_the_operator_does_not_trust() -> None:
    data = (FILES / "a27_envelope_codes_profile.json").read_bytes()
    untrusting = changed(ACME, "reject_if", {"q": ["G"]})
    with pytest.raises(ConfigurationFileError, match=r'werte\[0\].q: "G" marks a value'):
        parse_configuration(data, profiles=[profile(untrusting)])


def test_a_profile_never_loosens_the_value_rules() -> None:
    text = (FILES / "a25_de_zaehlerstaende.csv").read_text(encoding="utf-8-sig")
    negative = text.replace("123,456;m³", "-123,456;m³").encode()
    with pytest.raises(ConfigurationFileError, match="is negative; a counter cannot be"):
        parse_configuration(negative, profiles=[profile(GERMAN)])
    bad_date = text.replace("31.12.2025 23:30", "31.02.2025 23:30").encode()
    with pytest.raises(ConfigurationFileError, match="is not a valid date"):
        parse_configuration(bad_date, profiles=[profile(GERMAN)])
