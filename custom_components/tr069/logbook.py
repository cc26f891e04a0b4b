"""Logbook lines for the gateway's events, on the device they concern.

The events carry the device registry's ``device_id``: the logbook then lists them on
that device's page too, under the name the device has now.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.components.logbook.const import LOGBOOK_ENTRY_MESSAGE, LOGBOOK_ENTRY_NAME
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from .const import (
    DOMAIN,
    EVENT_CONFIGURATION_APPLIED,
    EVENT_CONFIGURATION_REJECTED,
    EVENT_METER_UPDATED,
)

GATEWAY = "TR-069 gateway"  # when the event names no device (or one that is gone)


def _count(serials: list[str], what: str) -> str:
    return f"{len(serials)} {what}"


def describe_configuration_applied(data: Mapping[str, Any], device: str | None) -> dict[str, str]:
    """The "New configuration" line: what a configuration file changed."""
    if data.get("kind") == "format_profile":
        return {
            LOGBOOK_ENTRY_NAME: device or GATEWAY,
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
        LOGBOOK_ENTRY_NAME: device or GATEWAY,
        LOGBOOK_ENTRY_MESSAGE: f"applied configuration file {data.get('file', '')}: "
        f"meters {summary}",
    }


def describe_configuration_rejected(data: Mapping[str, Any], device: str | None) -> dict[str, str]:
    """A configuration file or format profile that was rejected, and why."""
    what = "format profile" if data.get("kind") == "format_profile" else "configuration file"
    return {
        LOGBOOK_ENTRY_NAME: device or GATEWAY,
        LOGBOOK_ENTRY_MESSAGE: f"rejected {what} {data.get('file', '')}: {data.get('error', '')}",
    }


def _reading_text(name: str, value: Any, unit: str | None) -> str:
    if value is None:
        return f"{name} unknown"
    return f"{name} {value} {unit}" if unit else f"{name} {value}"


def describe_meter_updated(data: Mapping[str, Any], device: str | None) -> dict[str, str]:
    """The "Item updated" line: the readings of a meter that changed, with their units."""
    units = data.get("units", {})
    readings = ", ".join(
        _reading_text(name, value, units.get(name))
        for name, value in data.get("readings", {}).items()
    )
    origin = "by the ACS" if data.get("source") == "acs" else "by a configuration file"
    return {
        LOGBOOK_ENTRY_NAME: device or f"Meter {data.get('serial', '')}",
        LOGBOOK_ENTRY_MESSAGE: f"updated {origin}: {readings}",
    }


type Describe = Callable[[Mapping[str, Any], str | None], dict[str, str]]


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, str]]], None],
) -> None:
    """Describe the gateway's events in the logbook."""
    registry = dr.async_get(hass)

    def named(describe: Describe) -> Callable[[Event], dict[str, str]]:
        @callback
        def described(event: Event) -> dict[str, str]:
            device_id = event.data.get("device_id")
            device = registry.async_get(device_id) if isinstance(device_id, str) else None
            name = (device.name_by_user or device.name) if device is not None else None
            return describe(event.data, name)

        return described

    for event_type, describe in (
        (EVENT_CONFIGURATION_APPLIED, describe_configuration_applied),
        (EVENT_CONFIGURATION_REJECTED, describe_configuration_rejected),
        (EVENT_METER_UPDATED, describe_meter_updated),
    ):
        async_describe_event(DOMAIN, event_type, named(describe))
