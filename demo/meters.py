"""The meters as Home Assistant shows them, and the values each file should give."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
import math
import time
from typing import Any, Final
from urllib.parse import unquote

from .console import DemoError, say
from .ha_api import HomeAssistantApi

type Expected = dict[str, dict[str, tuple[float | None, str]]]
"""Meter serial → reading → (value, unit in Home Assistant); None: unknown."""

# demo/files/meters_update.json: the real readings.
UPDATED_VALUES: Final[Expected] = {
    "26": {"T1": (53, "kWh"), "T2": (41, "kWh")},
    "987": {"humidity": (43, "%"), "temperature": (25.5, "°C")},
    "1234": {"warm": (135241, "L"), "cold": (458771, "L")},
}


def first_values(*, again: bool) -> Expected:
    """What demo/files/meters.json shows: its counters at 0 are "not read yet".

    The first time they are unknown, so the real readings that follow are a baseline,
    not consumption. When the demo runs again on its state, the counters keep the
    readings they have (a file never lowers a counter). Temperature and humidity are
    measurements: the file's 0 is shown.
    """
    return {
        "26": dict.fromkeys(("T1", "T2"), (None, "kWh")) if not again else UPDATED_VALUES["26"],
        "987": {"humidity": (0, "%"), "temperature": (0, "°C")},
        "1234": dict.fromkeys(("warm", "cold"), (None, "L"))
        if not again
        else UPDATED_VALUES["1234"],
    }


@dataclass(slots=True)
class Reading:
    """One sensor of a meter."""

    entity_id: str
    state: str
    unit: str

    def matches(self, value: float | None, unit: str) -> bool:
        """Whether the sensor shows this value (None: unknown) in this unit."""
        if value is None:
            return self.state == "unknown" and self.unit == unit
        try:
            shown = float(self.state)
        except ValueError:
            return False
        return self.unit == unit and math.isclose(shown, value, rel_tol=1e-9, abs_tol=1e-9)


@dataclass(slots=True)
class Meter:
    """A meter device and its sensors, by reading name."""

    serial: str
    name: str
    model: str
    readings: dict[str, Reading] = field(default_factory=dict)


def _entry_of(device: dict[str, Any]) -> set[str]:
    """The config entries of a device (one ``config_entry_id`` from Home Assistant 2026.8)."""
    if "config_entry_id" in device:
        return {device["config_entry_id"]}
    return set(device.get("config_entries") or ())


async def read_meters(api: HomeAssistantApi, entry_id: str) -> dict[str, Meter]:
    """The meter devices of the config entry with their sensors' current states."""
    devices, entities, states = await asyncio.gather(
        api.command("config/device_registry/list"),
        api.command("config/entity_registry/list"),
        api.command("get_states"),
    )
    by_entity = {state["entity_id"]: state for state in states}
    meters: dict[str, Meter] = {}
    device_serial: dict[str, str] = {}
    for device in devices:
        if entry_id in _entry_of(device) and device.get("via_device_id"):
            serial = str(device.get("serial_number") or "")
            name = device.get("name_by_user") or device.get("name") or serial
            meters[serial] = Meter(serial, name, device.get("model") or "")
            device_serial[device["id"]] = serial
    for entity in entities:
        owner = device_serial.get(entity.get("device_id") or "")
        if owner is None or entity["platform"] != "tr069":
            continue
        # A reading's unique ID ends with its name: <gateway>/meter/<serial>/<reading>.
        reading = unquote(str(entity.get("unique_id") or "").rsplit("/", 1)[-1])
        state = by_entity.get(entity["entity_id"])
        if state is not None:
            unit = state["attributes"].get("unit_of_measurement") or ""
            meters[owner].readings[reading] = Reading(entity["entity_id"], state["state"], unit)
    return meters


def differences(meters: dict[str, Meter], expected: Expected) -> list[str]:
    """What differs from the expected values ([] when everything matches)."""
    problems = []
    for serial, readings in expected.items():
        meter = meters.get(serial)
        if meter is None:
            problems.append(f"no meter device with serial {serial}")
            continue
        for name, (value, unit) in readings.items():
            reading = meter.readings.get(name)
            if reading is None:
                problems.append(f"meter {serial}: no {name} sensor")
            elif not reading.matches(value, unit):
                shown = "unknown" if value is None else f"{value:g}"
                problems.append(
                    f"meter {serial}: {name} is {reading.state} {reading.unit}, "
                    f"expected {shown} {unit}"
                )
    return problems


async def wait_for_values(
    api: HomeAssistantApi,
    entry_id: str,
    expected: Expected,
    timeout: float,  # noqa: ASYNC109
) -> dict[str, Meter]:
    """Poll Home Assistant until its meters show ``expected``; the meters."""
    deadline = time.monotonic() + timeout
    while True:
        meters = await read_meters(api, entry_id)
        problems = differences(meters, expected)
        if not problems:
            return meters
        if time.monotonic() > deadline:
            raise DemoError(
                f"Home Assistant does not show the expected meters after {timeout:.0f} s:\n  "
                + "\n  ".join(problems)
            )
        await asyncio.sleep(0.5)


def show(meters: dict[str, Meter], expected: Expected) -> None:
    """Print the meters (in the order of the file) as Home Assistant shows them."""
    for serial in expected:
        meter = meters[serial]
        values = ", ".join(
            f"{name} {reading.state} {reading.unit}".rstrip()
            for name in expected[serial]
            if (reading := meter.readings.get(name)) is not None
        )
        say("HA", f"  {meter.name} ({meter.model}): {values}")
    entity_ids = [
        reading.entity_id
        for serial in expected
        for name in expected[serial]
        if (reading := meters[serial].readings.get(name)) is not None
    ]
    say("HA", f"  entities: {', '.join(entity_ids)}")
