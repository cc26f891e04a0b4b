"""Logbook lines of the gateway's events."""

from __future__ import annotations

from collections.abc import Callable

from homeassistant.core import Event, HomeAssistant

from custom_components.tr069.const import (
    DOMAIN,
    EVENT_CONFIGURATION_APPLIED,
    EVENT_CONFIGURATION_REJECTED,
    EVENT_METER_UPDATED,
)
from custom_components.tr069.logbook import (
    async_describe_events,
    describe_configuration_applied,
    describe_configuration_rejected,
    describe_meter_updated,
)


def test_configuration_applied() -> None:
    event = Event(
        EVENT_CONFIGURATION_APPLIED,
        {
            "config_entry_id": "entry",
            "file": "format_a.json",
            "added": ["26", "987"],
            "updated": ["1234"],
            "removed": [],
        },
    )
    assert describe_configuration_applied(event) == {
        "name": "TR-069 gateway",
        "message": "applied configuration file format_a.json: meters 2 added, 1 updated, 0 removed",
    }


def test_profile_installed_and_files_rejected() -> None:
    installed = Event(
        EVENT_CONFIGURATION_APPLIED,
        {"kind": "format_profile", "file": "de.json", "profile": "de-zaehlerstaende"},
    )
    assert describe_configuration_applied(installed)["message"] == (
        "installed format profile de-zaehlerstaende from de.json"
    )
    rejected = Event(
        EVENT_CONFIGURATION_REJECTED,
        {"kind": "configuration_file", "file": "a.json", "error": "items[0]: no serial"},
    )
    assert describe_configuration_rejected(rejected) == {
        "name": "TR-069 gateway",
        "message": "rejected configuration file a.json: items[0]: no serial",
    }
    bad_profile = Event(
        EVENT_CONFIGURATION_REJECTED,
        {"kind": "format_profile", "file": "p.json", "error": "profile: required"},
    )
    assert describe_configuration_rejected(bad_profile)["message"] == (
        "rejected format profile p.json: profile: required"
    )


def test_meter_updated_by_the_acs_and_by_a_file() -> None:
    by_acs = Event(
        EVENT_METER_UPDATED,
        {"serial": "26", "readings": {"T2": 77.5, "T1": None}, "source": "acs"},
    )
    assert describe_meter_updated(by_acs) == {
        "name": "Meter 26",
        "message": "updated by the ACS: T2 77.5, T1 unknown",
    }
    by_file = Event(
        EVENT_METER_UPDATED,
        {"serial": "987", "readings": {"temperature": 25.5}, "source": "configuration_file"},
    )
    assert describe_meter_updated(by_file) == {
        "name": "Meter 987",
        "message": "updated by a configuration file: temperature 25.5",
    }


def test_every_event_is_described(hass: HomeAssistant) -> None:
    described: dict[str, Callable[[Event], dict[str, str]]] = {}

    def describe(domain: str, event_type: str, fn: Callable[[Event], dict[str, str]]) -> None:
        assert domain == DOMAIN
        described[event_type] = fn

    async_describe_events(hass, describe)
    assert described == {
        EVENT_CONFIGURATION_APPLIED: describe_configuration_applied,
        EVENT_CONFIGURATION_REJECTED: describe_configuration_rejected,
        EVENT_METER_UPDATED: describe_meter_updated,
    }
