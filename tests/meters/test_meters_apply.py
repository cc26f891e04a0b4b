"""Applying files: all or nothing, counters that never go backwards, the outcome report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.agent_harness import IDENTITY
from tr069_cpe.cwmp.faults import CwmpFault
from tr069_cpe.meters.gateway import MeterGateway
from tr069_cpe.meters.report import ReportKind

from .test_meters_corpus import REJECTED, source_of
from .test_meters_table import gateway

FILES = Path(__file__).parent / "files"
OUTCOMES = (f"X_{IDENTITY.oui}_LastConfigurationFile.", f"X_{IDENTITY.oui}_LastFormatProfile.")
METERS = f"Device.X_{IDENTITY.oui}_Meter."


def file(*items: dict[str, Any], partial: bool = False) -> bytes:
    return json.dumps({"partial": partial, "items": list(items)}).encode()


def everything_but_the_outcome(meters: MeterGateway) -> dict[str, Any]:
    """The whole data model as it would be saved, but the report of the last file."""
    state = meters.table.datamodel.export_state()
    values = {
        path: value
        for path, value in state["values"].items()
        if not any(outcome in path for outcome in OUTCOMES)
    }
    return {"values": values, "tables": state["tables"]}


async def loaded() -> MeterGateway:
    """A gateway with meters from a real file (the first meter of the tests' files)."""
    meters = gateway()
    name = "a01_meters_with_metadata.json"
    await meters.apply_file((FILES / name).read_bytes(), name)
    assert len(meters.table.views()) == 3
    return meters


async def refused(meters: MeterGateway, data: bytes, name: str = "bad.json") -> str:
    before = everything_but_the_outcome(meters)
    revision = meters.table.datamodel.revision
    with pytest.raises(CwmpFault) as raised:
        await meters.apply_file(data, name)
    assert everything_but_the_outcome(meters) == before
    outcome = meters.outcomes.last(ReportKind.CONFIGURATION_FILE)
    assert outcome.status == "Rejected"
    assert outcome.error == raised.value.message
    assert meters.table.datamodel.revision > revision  # the outcome itself is new
    return raised.value.message


@pytest.mark.parametrize("path", REJECTED, ids=lambda path: source_of(path).name)
async def test_a_rejected_file_changes_nothing(path: Path) -> None:
    meters = await loaded()
    source = source_of(path)
    await refused(meters, source.read_bytes(), source.name)


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({"serial": "S" * 65, "type": "electricityMeter", "T1": 1}, "SerialNumber longer than 64"),
        ({"serial": "N1", "vendor": "V" * 65, "T1": 1}, "meter N1: Vendor longer than 64"),
        ({"serial": "N1", "type": "pulses", "n" * 65: 1}, "reading n+: Name longer than 64"),
        ({"serial": "N1", "type": "pulses", "state": "x" * 65}, "reading state: Value longer"),
        ({"serial": "N1", "type": "pulses", "v": "1 " + "u" * 20}, "reading v: Unit longer"),
    ],
)
async def test_a_failure_found_half_way_through_changes_nothing(
    bad: dict[str, Any], reason: str
) -> None:
    """The first meter is fine and would change; the one after it cannot be kept."""
    meters = await loaded()
    first = {"serial": "VOL-2025-004711", "type": "electricityMeter", "T1": "9999 kWh"}
    message = await refused(meters, file(first, bad, partial=True))
    assert reason.split(":", maxsplit=1)[0].split(" ", maxsplit=1)[0] in message
    assert message.count("longer than") == 1


async def test_too_many_readings_after_a_partial_file_changes_nothing() -> None:
    meters = gateway()
    await meters.apply_file(
        file({"serial": "G", "type": "pulses", **{f"a{i}": i for i in range(600)}}), "a"
    )
    more = {"serial": "G", "type": "pulses", **{f"b{i}": i for i in range(500)}}
    message = await refused(
        meters, file({"serial": "H", "type": "pulses", "x": 1}, more, partial=True)
    )
    assert "meter G would have 1100 readings" in message


async def test_a_lower_counter_is_kept_and_reported() -> None:
    meters = gateway()
    await meters.apply_file(
        file({"serial": "26", "type": "electricityMeter", "T1": 53, "T2": 41}), "a"
    )
    report = await meters.apply_file(
        file({"serial": "26", "type": "electricityMeter", "T1": 12, "T2": 42, "power": 5}), "old"
    )
    (meter,) = meters.table.views().values()
    assert {name: reading.value for name, reading in meter.readings.items()} == {
        "T1": 53.0,
        "T2": 42.0,
        "power": 5.0,
    }
    assert report.kept == ("26 T1: 12 < 53 kWh",)
    outcome = meters.outcomes.last(ReportKind.CONFIGURATION_FILE)
    assert outcome.details["CountersKept"] == "26 T1: 12 < 53 kWh"


async def test_the_acs_corrects_a_counter_explicitly() -> None:
    meters = gateway()
    await meters.apply_file(file({"serial": "26", "type": "electricityMeter", "T1": 53}), "a")
    datamodel = meters.table.datamodel
    datamodel.set_values([(f"{METERS}1.Reading.1.Value", "12", None)])
    assert meters.table.views()[1].readings["T1"].value == 12.0


async def test_a_counter_at_zero_in_a_first_declaration_is_not_read_yet() -> None:
    meters = gateway()
    first = await meters.apply_file(
        file({"serial": "26", "type": "electricityMeter", "T1": 0, "T2": "0 kWh", "power": 0}),
        "decl",
    )
    assert first.not_read == ("26 T1", "26 T2")
    readings = meters.table.views()[1].readings
    assert (readings["T1"].value, readings["T1"].last_update) == (None, None)
    assert readings["power"].value == 0.0  # not a counter: a real 0 W
    again = await meters.apply_file(
        file({"serial": "26", "type": "electricityMeter", "T1": 0, "T2": 0, "power": 0}), "again"
    )
    assert again.updated == ()  # still not read: nothing changed
    read = await meters.apply_file(
        file(
            {
                "serial": "26",
                "type": "electricityMeter",
                "T1": 4521.7,
                "T2": 0,
                "timestamp": "2026-01-01T00:00:00Z",
            }
        ),
        "read",
    )
    readings = meters.table.views()[1].readings
    assert (readings["T1"].value, readings["T2"].value) == (4521.7, 0.0)  # a time: a real 0
    assert read.not_read == ()


async def test_a_profile_is_installed_replaced_and_refused() -> None:
    meters = gateway()
    data = (FILES / "profiles" / "de_zaehlerstaende.profile.json").read_bytes()
    report = await meters.install_profile(data, "de.json")
    assert report is not None
    assert (report.status, report.profile, report.profile_version) == (
        "applied",
        "de-zaehlerstaende",
        "2026.1",
    )
    assert await meters.install_profile(data, "de.json", only_if_changed=True) is None
    newer = json.loads(data) | {"version": "2026.2"}
    await meters.install_profile(json.dumps(newer).encode(), "de2.json")
    (profile,) = meters.profiles.enabled()
    assert profile.version == "2026.2"
    before = everything_but_the_outcome(meters)
    rejected = await meters.install_profile(b'{"profile": "x"}', "broken.json")
    assert rejected is not None
    assert rejected.status == "rejected"
    assert "profile_format" in (rejected.error or "")
    assert everything_but_the_outcome(meters) == before
    outcome = meters.outcomes.last(ReportKind.FORMAT_PROFILE)
    assert (outcome.status, outcome.file_name) == ("Rejected", "broken.json")
