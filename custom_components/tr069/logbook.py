"""Logbook lines for the gateway's events, like the original gateway's web console."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.components.logbook.const import LOGBOOK_ENTRY_MESSAGE, LOGBOOK_ENTRY_NAME
from homeassistant.core import Event, HomeAssistant, callback

from .const import (
    DOMAIN,
    EVENT_CONFIGURATION_APPLIED,
    EVENT_CONFIGURATION_REJECTED,
    EVENT_METER_UPDATED,
)


def _count(serials: list[str], what: str) -> str:
    return f"{len(serials)} {what}"


@callback
def describe_configuration_applied(event: Event) -> dict[str, str]:
    """The "New configuration" line: what a configuration file changed."""
    data = event.data
    if data.get("kind") == "format_profile":
        return {
            LOGBOOK_ENTRY_NAME: "TR-069 gateway",
            LOGBOOK_ENTRY_MESSAGE: f"installed format profile {data.get('profile', '')} "
            f"from {data.get('file', '')}",
        }
    summary = ", ".join(
        (
            _count(data.get("added", []), "added"),
            _count(data.get("updated", []), "updated"),
            _count(data.get("removed", []), "removed"),
        )
    )
    return {
        LOGBOOK_ENTRY_NAME: "TR-069 gateway",
        LOGBOOK_ENTRY_MESSAGE: f"applied configuration file {data.get('file', '')}: "
        f"meters {summary}",
    }


@callback
def describe_configuration_rejected(event: Event) -> dict[str, str]:
    """A configuration file or format profile that was rejected, and why."""
    data = event.data
    what = "format profile" if data.get("kind") == "format_profile" else "configuration file"
    return {
        LOGBOOK_ENTRY_NAME: "TR-069 gateway",
        LOGBOOK_ENTRY_MESSAGE: f"rejected {what} {data.get('file', '')}: {data.get('error', '')}",
    }


def _reading_text(name: str, value: Any) -> str:
    return f"{name} {value}" if value is not None else f"{name} unknown"


@callback
def describe_meter_updated(event: Event) -> dict[str, str]:
    """The "Item updated" line: the readings of a meter that changed."""
    data = event.data
    readings = ", ".join(
        _reading_text(name, value) for name, value in data.get("readings", {}).items()
    )
    origin = "by the ACS" if data.get("source") == "acs" else "by a configuration file"
    return {
        LOGBOOK_ENTRY_NAME: f"Meter {data.get('serial', '')}",
        LOGBOOK_ENTRY_MESSAGE: f"updated {origin}: {readings}",
    }


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, str]]], None],
) -> None:
    """Describe the gateway's events in the logbook."""
    async_describe_event(DOMAIN, EVENT_CONFIGURATION_APPLIED, describe_configuration_applied)
    async_describe_event(DOMAIN, EVENT_CONFIGURATION_REJECTED, describe_configuration_rejected)
    async_describe_event(DOMAIN, EVENT_METER_UPDATED, describe_meter_updated)
