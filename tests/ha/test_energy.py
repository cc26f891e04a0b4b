"""Readings the Energy dashboard can trust: statistics compiled by the real recorder.

A declaration with counters at 0, the real readings, an older file replayed, the same
declaration again after a restart (as when the demo runs again on its state): the
statistics hold the real consumption, and nothing else.
"""

from __future__ import annotations

from datetime import datetime, timedelta
import json
from typing import Any

from homeassistant.components.recorder import Recorder
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
import homeassistant.util.dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
    do_adhoc_statistics,
    get_start_time,
    statistics_during_period,
)

from local_acs import LocalAcs

from .common import session
from .test_meters import download

ENERGY = "sensor.voltara_vol_1_energy_t1"
WATER = "sensor.aquamet_aq_1_cold_water"
GAS = "sensor.gastron_gt_1_gas"


def meters_file(t1: float, cold: float, gas: float, timestamp: str | None) -> bytes:
    """A complete file with an electricity, a water and a gas meter."""
    stamp = {"timestamp": timestamp} if timestamp else {}
    return json.dumps(
        {
            "items": [
                {"serial": "VOL-1", "vendor": "VOLTARA", "type": "electricityMeter", "T1": t1}
                | stamp,
                {"serial": "AQ-1", "vendor": "AQUAMET", "type": "cold water", "volume": cold}
                | stamp,
                {"serial": "GT-1", "vendor": "GASTRON", "type": "gasMeter", "volume": gas} | stamp,
            ]
        }
    ).encode()


@pytest.fixture(autouse=True)
def mock_recorder_before_hass(async_setup_recorder_instance: Any) -> None:
    """The recorder is set up before Home Assistant (its database first)."""


DECLARATION = meters_file(0, 0, 0, None)
FIRST_READING = meters_file(4521.7, 112407, 3210.05, "2026-01-01T00:00:00Z")
SECOND_READING = meters_file(4530.2, 112500, 3211.55, "2026-01-02T00:00:00Z")


async def sums(hass: HomeAssistant, start: datetime) -> dict[str, Any]:
    """Compile the statistics of every 5-minute period since ``start``; the last sums."""
    period = get_start_time(start)
    while period <= dt_util.utcnow():
        do_adhoc_statistics(hass, start=period)
        await async_wait_recording_done(hass)
        period += timedelta(minutes=5)
    found = await hass.async_add_executor_job(
        statistics_during_period, hass, get_start_time(start), None, {ENERGY, WATER, GAS}, "5minute"
    )
    return {entity_id: rows[-1]["sum"] for entity_id, rows in found.items()}


@pytest.mark.parametrize("platforms", [[Platform.SENSOR]], ids=["sensor"])
async def test_statistics_hold_only_real_consumption(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    acs: LocalAcs,
    init_integration: MockConfigEntry,
) -> None:
    entry = init_integration
    start = dt_util.utcnow()
    await download(hass, acs, entry, "declaration.json", DECLARATION)
    assert {hass.states.get(e).state for e in (ENERGY, WATER, GAS)} == {"unknown"}
    await download(hass, acs, entry, "reading-1.json", FIRST_READING)
    await download(hass, acs, entry, "reading-2.json", SECOND_READING)
    complete = await download(hass, acs, entry, "reading-1-again.json", FIRST_READING)
    assert complete.fault.code == 0
    assert hass.states.get(ENERGY).state == "4530.2"  # the older file did not lower it
    # Home Assistant restarts and the ACS sends the declaration again.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await session(hass, acs, entry, "1 BOOT", wake=False)
    await download(hass, acs, entry, "declaration-again.json", DECLARATION)
    assert hass.states.get(ENERGY).state == "4530.2"
    await async_wait_recording_done(hass)

    assert await sums(hass, start) == {
        ENERGY: pytest.approx(8.5),
        WATER: pytest.approx(93.0),
        GAS: pytest.approx(1.5),
    }
