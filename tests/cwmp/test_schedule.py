"""Periodic inform times with and without PeriodicInformTime."""

from __future__ import annotations

from datetime import UTC, datetime

from tr069_cpe.cwmp.datamodel import UNKNOWN_TIME
from tr069_cpe.cwmp.schedule import next_periodic_inform

NOON = datetime(2026, 1, 1, 12, tzinfo=UTC).timestamp()


def test_without_phase_counts_from_the_reference() -> None:
    assert next_periodic_inform(1000.0, 300, None, 1000.0) == 1300.0
    assert next_periodic_inform(1299.0, 300, UNKNOWN_TIME, 1000.0) == 1300.0
    assert next_periodic_inform(1300.0, 300, UNKNOWN_TIME, 1000.0) == 1600.0


def test_phase_in_the_past_sets_the_schedule() -> None:
    midnight = datetime(2020, 3, 4, tzinfo=UTC)
    assert next_periodic_inform(NOON, 86400, midnight, 0.0) == NOON + 12 * 3600


def test_phase_in_the_future_applies_before_it_is_reached() -> None:
    future = datetime(2030, 1, 1, 0, 0, 30, tzinfo=UTC)
    assert next_periodic_inform(NOON, 60, future, 0.0) == NOON + 30


def test_genieacs_style_phase_of_1970() -> None:
    phase = datetime(1970, 1, 1, 5, 23, 20, tzinfo=UTC)
    next_time = next_periodic_inform(NOON, 300, phase, 0.0)
    assert 0 < next_time - NOON <= 300
    assert (next_time - phase.timestamp()) % 300 == 0
