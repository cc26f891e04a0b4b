"""Helpers of the Home Assistant tests: ports, waiting, sessions, Connection Requests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import inspect
import time
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
import homeassistant.util.dt as dt_util
from pytest_homeassistant_custom_component.syrupy import ANY, StateSnapshot

from custom_components.tr069.const import (
    CONF_ACS_URL,
    CONF_CR_PORT,
    CONF_IDENTITY,
    CONF_MANUFACTURER,
    CONF_OUI,
    CONF_PERIODIC_INFORM_INTERVAL,
    CONF_PRODUCT_CLASS,
    CONF_ROOT,
    CONF_SERIAL_NUMBER,
    CONF_VERIFY_SSL,
    DOMAIN,
)
from custom_components.tr069.coordinator import Tr069ConfigEntry
from custom_components.tr069.unique_id import meter_identifier, unique_id_for
from local_acs import InformRecord, LocalAcs
from tr069_cpe.cwmp.agent import CpeAgent

ENTRY_ID = "01JTR069GATEWAY0000000000000"
SERIAL = "HA0001"
OUI = "00D09E"
MANUFACTURER = "Home Assistant"
PRODUCT_CLASS = "HomeAssistant"
METERS = f"Device.X_{OUI}_Meter."


def gateway_id(entry: ConfigEntry) -> str:
    """The gateway's device identifier (its entry's unique ID): identity and ACS host."""
    return unique_id_for(entry.data)


def gateway_device(registry: dr.DeviceRegistry, entry: ConfigEntry) -> dr.DeviceEntry | None:
    """The gateway's device."""
    return find_device(registry, gateway_id(entry), entry.entry_id)


def meter_device(
    registry: dr.DeviceRegistry, entry: ConfigEntry, serial: str
) -> dr.DeviceEntry | None:
    """The device of the meter with this serial number."""
    return find_device(registry, meter_identifier(gateway_id(entry), serial), entry.entry_id)


def find_device(
    registry: dr.DeviceRegistry, identifier: str, entry_id: str = ENTRY_ID
) -> dr.DeviceEntry | None:
    """The entry's device with this tr069 identifier.

    ``DeviceRegistry.async_get_device`` raises in tests from Home Assistant 2026.9 (identifiers
    are unique per config entry only); ``async_get_device_by_identifier`` exists from 2026.8.
    """
    key = (DOMAIN, identifier)
    for device in dr.async_entries_for_config_entry(registry, entry_id):
        if key in device.identifiers:
            return device
    return None


async def remove_device(client: Any, device_id: str, entry_id: str = ENTRY_ID) -> Any:
    """The user deletes a device (``hass_ws_client``'s ``remove_device``).

    The test plugin's helper sends ``config/device_registry/remove_config_entry`` with the
    entry up to Home Assistant 2026.8, ``config/device_registry/remove`` without it from 2026.9.
    """
    if "config_entry_id" in inspect.signature(client.remove_device).parameters:
        return await client.remove_device(device_id, entry_id)
    return await client.remove_device(device_id)


def identity(serial: str = SERIAL) -> dict[str, str]:
    """The identity section of the user step."""
    return {
        CONF_MANUFACTURER: MANUFACTURER,
        CONF_OUI: OUI,
        CONF_PRODUCT_CLASS: PRODUCT_CLASS,
        CONF_SERIAL_NUMBER: serial,
        CONF_ROOT: "device",
    }


def user_input(url: str, port: int, **overrides: Any) -> dict[str, Any]:
    """What a user enters in the user step."""
    data: dict[str, Any] = {
        CONF_ACS_URL: url,
        CONF_USERNAME: "",
        CONF_PASSWORD: "",
        CONF_VERIFY_SSL: True,
        CONF_PERIODIC_INFORM_INTERVAL: 300,
        CONF_CR_PORT: port,
        CONF_IDENTITY: identity(),
    }
    data.update(overrides)
    return data


async def wait_for(
    predicate: Callable[[], Any], timeout: float = 5.0, what: str = "condition"
) -> Any:
    """Poll ``predicate`` until it is truthy (its value), or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.01)
    return value


def agent_of(entry: Tr069ConfigEntry) -> CpeAgent:
    """The running agent of a loaded entry."""
    return entry.runtime_data.agent


def cr_credentials(agent: CpeAgent) -> tuple[str, str]:
    """The Connection Request credentials the agent checks (random by default)."""
    ms = f"{agent.config.root.value}.ManagementServer."
    return (
        agent.datamodel.text_value(f"{ms}ConnectionRequestUsername"),
        agent.datamodel.text_value(f"{ms}ConnectionRequestPassword"),
    )


async def connection_request(acs: LocalAcs, entry: Tr069ConfigEntry) -> None:
    """The ACS wakes the entry's agent up (Digest with the agent's credentials)."""
    agent = agent_of(entry)
    status = await acs.connection_request(
        agent.status.connection_request_url, *cr_credentials(agent)
    )
    assert status == 200


async def session(
    hass: HomeAssistant,
    acs: LocalAcs,
    entry: Tr069ConfigEntry,
    event: str = "6 CONNECTION REQUEST",
    *,
    wake: bool | None = None,
) -> InformRecord:
    """Wait for the entry's next session with ``event`` to end on both sides.

    ``wake`` (default: when the event is a Connection Request) sends the Connection
    Request first.
    """
    agent = agent_of(entry)
    if wake if wake is not None else event == "6 CONNECTION REQUEST":
        await connection_request(acs, entry)
    inform = await acs.wait_for_inform(serial=agent.config.identity.serial_number, event=event)
    await wait_for(lambda: session_ended(agent, inform), what=f"the end of the {event} session")
    await hass.async_block_till_done()
    return inform


async def failed_session(hass: HomeAssistant, acs: LocalAcs, entry: Tr069ConfigEntry) -> None:
    """Wake the agent up and wait for its session to fail (the ACS misbehaves)."""
    agent = agent_of(entry)
    before = agent.status.sessions
    await connection_request(acs, entry)
    await wait_for(lambda: agent.status.sessions > before, what="the failed session")
    await hass.async_block_till_done()


def session_ended(agent: CpeAgent, inform: InformRecord) -> bool:
    """The agent ended the session of this Inform (or a later one)."""
    end = agent.status.last_session_end
    return end is not None and end.timestamp() >= inform.received_at


def event_codes(inform: InformRecord) -> list[str]:
    """The Inform's event codes."""
    return [event.code for event in inform.events]


def timestamp_states(*, data: Any, path: Any) -> Any:
    """Snapshot matcher: a timestamp sensor's state is checked, then stored as ANY."""
    if (
        isinstance(data, StateSnapshot)
        and data["attributes"].get("device_class") == "timestamp"
        and data["state"] not in ("unknown", "unavailable")
    ):
        stamp = dt_util.parse_datetime(data["state"])
        assert stamp is not None, data
        assert abs((dt_util.utcnow() - stamp).total_seconds()) < 60, data
        return StateSnapshot(data | {"state": ANY})
    return data


def snapshot_matcher(acs_port: str) -> Callable[..., Any]:
    """Snapshot matcher: the ACS's port as ``<acs port>``; timestamps and the time of an
    outcome checked, then ANY."""
    host = f"127.0.0.1:{acs_port}"

    def matcher(*, data: Any, path: Any) -> Any:
        if isinstance(data, str) and host in data:
            return data.replace(host, "127.0.0.1:<acs port>")
        return outcome_time(data=timestamp_states(data=data, path=path))

    return matcher


def outcome_time(*, data: Any) -> Any:
    """The time of a configuration outcome (a sensor attribute): checked, then ANY."""
    if isinstance(data, StateSnapshot) and data["attributes"].get("time"):
        stamp = dt_util.parse_datetime(data["attributes"]["time"])
        assert stamp is not None
        assert abs((dt_util.utcnow() - stamp).total_seconds()) < 60, data
        attributes = dict(data["attributes"]) | {"time": ANY}
        return StateSnapshot(data | {"attributes": attributes})
    return data
