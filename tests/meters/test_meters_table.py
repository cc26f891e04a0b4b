"""Meters in the data model: files applied, partial files, limits, the ACS's writes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
import json
import logging
from typing import Any

import pytest

from tests.agent_harness import IDENTITY, agent_config
from tr069_cpe.cwmp.agent import CpeAgent
from tr069_cpe.cwmp.datamodel import Source
from tr069_cpe.cwmp.faults import CwmpFault
from tr069_cpe.cwmp.state import MemoryStateStore
from tr069_cpe.meters.errors import ConfigurationFileError
from tr069_cpe.meters.gateway import MeterGateway
from tr069_cpe.meters.limits import MAX_READINGS
from tr069_cpe.meters.model import MeterKind
from tr069_cpe.meters.parse import parse_configuration
from tr069_cpe.meters.table import MeterTable, meter_extension

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
BASE = f"Device.X_{IDENTITY.oui}_Meter."


def gateway() -> MeterGateway:
    config = agent_config("http://127.0.0.1:1/", extensions=meter_extension(IDENTITY.oui))
    meters = MeterGateway(CpeAgent(config, MemoryStateStore()))
    meters.table.now = lambda: NOW
    return meters


def apply(table: MeterTable, *items: dict[str, Any], partial: bool = False) -> None:
    data = json.dumps({"partial": partial, "items": list(items)}).encode()
    table.apply(parse_configuration(data, filename="test.json"))


ELECTRICITY = {
    "serial": "26",
    "vendor": "PIKKETRON",
    "type": "electricityMeter",
    "name": "Kitchen",
    "T1": "10kWh",
    "T2": "20kWh",
}


def test_a_partial_file_changes_only_what_it_states() -> None:
    table = gateway().table
    apply(table, ELECTRICITY)
    apply(table, {"serial": "26", "T1": "11kWh"}, partial=True)
    (meter,) = table.views().values()
    assert (meter.vendor, meter.name, meter.type_name) == (
        "PIKKETRON",
        "Kitchen",
        "electricityMeter",
    )
    assert {name: reading.value for name, reading in meter.readings.items()} == {
        "T1": 11.0,
        "T2": 20.0,
    }
    apply(
        table,
        {"serial": "26", "vendor": "NEWCO", "type": "ELECTRICITY_CONS", "T2": 21},
        partial=True,
    )
    (meter,) = table.views().values()
    assert (meter.vendor, meter.name, meter.type_name) == ("NEWCO", "Kitchen", "ELECTRICITY_CONS")


def test_a_meter_that_changes_kind_loses_its_old_readings() -> None:
    table = gateway().table
    apply(table, ELECTRICITY)
    apply(table, {"serial": "26", "type": "waterMeter", "warm": "5"}, partial=True)
    (meter,) = table.views().values()
    assert meter.kind is MeterKind.WATER
    assert list(meter.readings) == ["warm"]
    assert meter.vendor == "PIKKETRON"


def test_a_file_over_the_limits_changes_nothing() -> None:
    table = gateway().table
    many = {f"reading{i}": i for i in range(MAX_READINGS - 10)}
    apply(table, {"serial": "G1", "type": "pulse counter", **many})
    before = table.datamodel.export_state()
    more = {f"other{i}": i for i in range(20)}
    with pytest.raises(ValueError, match=f"more than the {MAX_READINGS}"):
        apply(
            table,
            {"serial": "NEW", "type": "pulse counter", "x": 1},
            {"serial": "G1", "type": "pulse counter", **more},
            partial=True,
        )
    assert table.datamodel.export_state() == before
    assert [view.serial for view in table.views().values()] == ["G1"]


def test_the_acs_writing_a_reading_dates_it() -> None:
    meters = gateway()
    table = meters.table
    apply(table, ELECTRICITY)
    (meter,) = table.views().values()
    assert meter.readings["T1"].last_update == NOW
    later = datetime(2026, 11, 22, tzinfo=UTC)
    table.now = lambda: later
    table.datamodel.set_values([(f"{BASE}1.Reading.1.Value", "12.5", None)])
    (meter,) = table.views().values()
    assert (meter.readings["T1"].value, meter.readings["T1"].last_update) == (12.5, later)
    assert meter.readings["T2"].last_update == NOW


def test_a_meter_status_is_a_text_reading_without_unit() -> None:
    table = gateway().table
    apply(table, ELECTRICITY | {"status": "OK"})
    (meter,) = table.views().values()
    assert (meter.readings["status"].value, meter.readings["status"].unit) == ("OK", None)
    rows = table.reading_rows(f"{BASE}1.")
    table.datamodel.set_values([(f"{rows['status']}Value", "LEAKING", None)])
    assert table.views()[1].readings["status"].value == "LEAKING"
    with pytest.raises(CwmpFault) as refused:
        table.datamodel.set_values([(f"{rows['status']}Unit", "kWh", None)])
    assert refused.value.parameter_faults[0].code == 9007
    assert "'status' is a text: it has no unit" in refused.value.parameter_faults[0].text


@pytest.mark.parametrize(
    ("status", "kept"),
    [(0, "0"), (" DRY ", "DRY"), ({"code": 3, "text": "LEAKING"}, "LEAKING"), (["OK"], None)],
)
def test_a_meter_status_that_is_not_a_text_is_ignored_or_rejected(
    status: object, kept: str | None
) -> None:
    data = json.dumps({"items": [ELECTRICITY | {"status": status}]}).encode()
    result = parse_configuration(data, filename="test.json")
    readings = {reading.name: reading.value for reading in result.meters[0].readings}
    assert readings.get("status") == kept
    assert ("items[*].status" in result.ignored) is (kept is None)
    with pytest.raises(
        ConfigurationFileError, match=r"status: is a fractional number, expected a text"
    ):
        parse_configuration(
            json.dumps({"items": [ELECTRICITY | {"status": 1.5}]}).encode(), filename="a.json"
        )


@pytest.mark.parametrize(
    ("type_name", "accepted"),
    [("waterMeter", False), ("ELECTRICITY_CONS", True), ("somethingElse", True)],
)
def test_the_acs_cannot_make_a_meter_a_kind_its_readings_do_not_fit(
    type_name: str, accepted: bool
) -> None:
    table = gateway().table
    apply(table, ELECTRICITY)
    change = [(f"{BASE}1.Type", type_name, None)]
    if accepted:
        table.datamodel.set_values(change)
        assert table.views()[1].type_name == type_name
        return
    with pytest.raises(CwmpFault) as refused:
        table.datamodel.set_values(change)
    assert refused.value.parameter_faults[0].code == 9007
    assert "T1, T2 are not readings of a water" in refused.value.parameter_faults[0].text


def test_a_failing_listener_does_not_stop_the_others(
    caplog: pytest.LogCaptureFixture,
) -> None:
    meters = gateway()
    heard: list[set[int]] = []

    def broken(_dirty: set[int], _updates: object) -> None:
        raise RuntimeError("listener bug")

    meters.add_change_listener(broken)
    meters.add_change_listener(lambda dirty, _updates: heard.append(dirty))
    with caplog.at_level(logging.ERROR):
        apply(meters.table, ELECTRICITY)  # no event loop: listeners are called at once
    assert heard
    assert all(dirty == {1} for dirty in heard)
    assert "A meter change listener failed" in caplog.text


def test_reading_limits_count_every_row() -> None:
    table = gateway().table
    names = {f"r{i}": i for i in range(MAX_READINGS - 2)}
    apply(table, {"serial": "G1", "type": "pulse counter", **names})
    table.datamodel.add_instance(f"{BASE}1.Reading.", Source.ACS)  # unnamed, ACS-added
    apply(table, {"serial": "G1", "type": "pulse counter", "r0": 5, "extra": 1}, partial=True)
    assert len(table.views()[1].readings) == MAX_READINGS - 1  # plus the unnamed row
    with pytest.raises(ValueError, match=f"would have {MAX_READINGS + 1} readings"):
        apply(table, {"serial": "G1", "type": "pulse counter", "more": 1}, partial=True)


def test_a_meter_cannot_have_two_readings_of_one_name() -> None:
    table = gateway().table
    apply(table, ELECTRICITY)
    with pytest.raises(CwmpFault) as refused:
        table.datamodel.set_values([(f"{BASE}1.Reading.2.Name", "T1", None)])
    assert "already has a reading 'T1'" in refused.value.parameter_faults[0].text
    # Swapping two names in one request is fine: the check sees the request's values.
    table.datamodel.set_values(
        [(f"{BASE}1.Reading.1.Name", "T2", None), (f"{BASE}1.Reading.2.Name", "T1", None)]
    )


async def test_a_meter_deleted_while_a_file_is_applied_waits_for_it() -> None:
    config = agent_config("http://127.0.0.1:1/", extensions=meter_extension(IDENTITY.oui))
    agent = CpeAgent(config, MemoryStateStore())
    meters = MeterGateway(agent)
    items = [{"serial": f"S{i}", "type": "pulse counter", "x": i} for i in range(300)]
    applying = asyncio.create_task(
        meters.apply_file(json.dumps({"items": items}).encode(), "big.json")
    )
    async with asyncio.timeout(10):
        while not agent.datamodel_lock.locked():  # parsed, now applied slice by slice
            await asyncio.sleep(0)
    assert await meters.delete_meter("S250")
    assert applying.done()  # the delete waited for the whole file
    result = await applying
    assert len(result.added) == 300
    assert len(meters.table.views()) == 299


@pytest.mark.parametrize(("value", "scaled"), [(5, 50.0), (0.00001, 0.0001), (1e20, 1e21)])
def test_a_generic_reading_is_scaled_exactly(value: float, scaled: float) -> None:
    record = {"name": "x", "value": value, "scaler": 1}
    data = json.dumps({"items": [{"serial": "G", "type": "heatPump", "readings": [record]}]})
    result = parse_configuration(data.encode(), filename="test.json")
    assert result.meters[0].readings[0].value == scaled
