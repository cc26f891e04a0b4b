"""Home Assistant with the integration, in its own process (``python -m bench.ha_worker``).

Home Assistant runs from its test harness (``async_test_home_assistant``: the real core,
state machine and registries, kept in memory; no recorder, no frontend) with one config
entry of the integration talking to the ACS process.  Like :mod:`bench.acs_server` it is
driven by JSON lines on stdin/stdout; the first answer says the gateway is ready (its
first session is over) and gives its Connection Request URL and credentials.  Commands:

``watch``  ``{"phase": "create", "expected": n}``: from now on, wait until ``n`` new
           meter sensors exist with a value; ``{"phase": "update"}``: until every meter
           sensor's state has changed.
``wait``   ``{"timeout": s}``: wait for the watch; ``time.time()`` when it was met, the
           sensors seen and this process's CPU seconds meanwhile.
``floor``  ``{"count": n}``: seconds for ``hass.states.async_set`` to create ``n``
           states, then to change each one (the state machine alone).
``quit``
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import socket
import sys
import tempfile
import time
from typing import Any, cast

from homeassistant import loader
from homeassistant.const import (
    CONF_PASSWORD,
    CONF_USERNAME,
    EVENT_STATE_CHANGED,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er, frame
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
    async_test_home_assistant,
)

from custom_components.tr069.const import (
    CONF_ACS_URL,
    CONF_CR_HOST,
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
from custom_components.tr069.migration import CURRENT_MINOR_VERSION
from custom_components.tr069.unique_id import acs_host, unique_id_for

from .agent import SessionCounter

SERIAL = "HABENCH01"
OUI = "00D09E"
_NO_VALUE = (STATE_UNKNOWN, STATE_UNAVAILABLE)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Watch:
    """Waits, from state-change events, until the meter sensors are as expected."""

    def __init__(self, hass: HomeAssistant, phase: str, expected: int) -> None:
        self.hass = hass
        self.phase = phase
        self.expected = expected
        self.registry = er.async_get(hass)
        self.ignored = set(hass.states.async_entity_ids("sensor"))
        self.initial: dict[str, str] = {}
        if phase == "update":
            self.initial = {
                entity_id: state.state
                for entity_id in self.ignored
                if (state := hass.states.get(entity_id)) is not None and self._is_meter(entity_id)
            }
            self.expected = len(self.initial)
        self.seen: set[str] = set()
        self.done = asyncio.Event()
        self.done_at: float | None = None
        self.cpu = time.process_time()
        self._unsubscribe = hass.bus.async_listen(EVENT_STATE_CHANGED, self._changed)

    def _is_meter(self, entity_id: str) -> bool:
        """A reading sensor (the gateway's own sensors are diagnostic)."""
        entry = self.registry.async_get(entity_id)
        return entry is not None and entry.platform == DOMAIN and entry.entity_category is None

    @callback
    def _changed(self, event: Event[EventStateChangedData]) -> None:
        entity_id = event.data["entity_id"]
        new = event.data["new_state"]
        if new is None or new.state in _NO_VALUE or not entity_id.startswith("sensor."):
            return
        if self.phase == "create":
            if entity_id in self.ignored or not self._is_meter(entity_id):
                return
        elif self.initial.get(entity_id, new.state) == new.state:
            return
        self.seen.add(entity_id)
        if len(self.seen) >= self.expected and not self.done.is_set():
            self.done_at = time.time()
            self.cpu = time.process_time() - self.cpu
            self._unsubscribe()
            self.done.set()


class Worker:
    """The commands, on one Home Assistant."""

    def __init__(self, hass: HomeAssistant) -> None:
        self.hass = hass
        self.watch: Watch | None = None

    async def handle(self, command: dict[str, Any]) -> dict[str, Any]:
        """One command → its answer."""
        match command.get("cmd"):
            case "watch":
                self.watch = Watch(self.hass, command["phase"], command.get("expected", 0))
                return {"expected": self.watch.expected}
            case "wait":
                watch = self.watch
                assert watch is not None
                try:
                    await asyncio.wait_for(watch.done.wait(), command["timeout"])
                except TimeoutError:
                    return {"error": f"only {len(watch.seen)} of {watch.expected} sensors"}
                return {"done_at": watch.done_at, "sensors": len(watch.seen), "cpu": watch.cpu}
            case "floor":
                return await self._floor(command["count"])
        raise ValueError(f"unknown command {command!r}")

    async def _floor(self, count: int) -> dict[str, Any]:
        states = self.hass.states
        start = time.perf_counter()
        for number in range(count):
            states.async_set(f"sensor.floor_{number}", str(number), {"unit_of_measurement": "kWh"})
        await self.hass.async_block_till_done()
        middle = time.perf_counter()
        for number in range(count):
            states.async_set(
                f"sensor.floor_{number}", str(number + 1), {"unit_of_measurement": "kWh"}
            )
        await self.hass.async_block_till_done()
        end = time.perf_counter()
        for number in range(count):
            states.async_remove(f"sensor.floor_{number}")
        return {"create": middle - start, "update": end - middle}


async def _start_entry(hass: HomeAssistant, acs_url: str) -> Tr069ConfigEntry:
    hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)  # allow custom integrations
    data = {
        CONF_ACS_URL: acs_url,
        CONF_USERNAME: "",
        CONF_PASSWORD: "",
        CONF_VERIFY_SSL: True,
        CONF_IDENTITY: {
            CONF_MANUFACTURER: "Home Assistant",
            CONF_OUI: OUI,
            CONF_PRODUCT_CLASS: "HomeAssistant",
            CONF_SERIAL_NUMBER: SERIAL,
            CONF_ROOT: "device",
        },
    }
    mock = MockConfigEntry(
        domain=DOMAIN,
        minor_version=CURRENT_MINOR_VERSION,
        title=f"{SERIAL} @ {acs_host(acs_url)}",
        unique_id=unique_id_for(data),
        data=data,
        options={
            CONF_PERIODIC_INFORM_INTERVAL: 3600,
            CONF_CR_PORT: _free_port(),
            CONF_CR_HOST: "127.0.0.1",
        },
    )
    mock.add_to_hass(hass)
    entry: Tr069ConfigEntry = mock
    if not await hass.config_entries.async_setup(entry.entry_id):
        raise RuntimeError("the integration did not set up")
    await hass.async_block_till_done()
    # Home Assistant loads the core as custom_components.tr069.tr069_cpe: the same code
    # as the bench's tr069_cpe, but other classes to the type checker.
    await SessionCounter(cast(Any, entry.runtime_data.agent)).wait_for(1)  # BOOTSTRAP, BOOT
    return entry


async def _serve(acs_url: str) -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    with tempfile.TemporaryDirectory(prefix="bench-ha-") as config_dir:
        async with async_test_home_assistant(config_dir=config_dir) as hass:
            # As the test plugin's hass fixture does: a deprecated call is then reported,
            # not raised as "Frame helper not set up".
            frame.async_setup(hass)
            entry = await _start_entry(hass, acs_url)
            agent = entry.runtime_data.agent
            ms = f"{agent.config.root.value}.ManagementServer."
            _reply(
                {
                    "serial": SERIAL,
                    "cr_url": agent.status.connection_request_url,
                    "cr_username": agent.datamodel.text_value(f"{ms}ConnectionRequestUsername"),
                    "cr_password": agent.datamodel.text_value(f"{ms}ConnectionRequestPassword"),
                }
            )
            worker = Worker(hass)
            while line := await reader.readline():
                command = json.loads(line)
                if command.get("cmd") == "quit":
                    break
                try:
                    _reply(await worker.handle(command))
                except Exception as err:
                    _reply({"error": f"{type(err).__name__}: {err}"})
            await hass.config_entries.async_unload(entry.entry_id)
            await hass.async_stop(force=True)


def _reply(answer: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()


def main() -> None:
    """Serve until ``quit`` or the end of stdin."""
    parser = argparse.ArgumentParser(prog="python -m bench.ha_worker")
    parser.add_argument("--acs-url", required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.acs_url))


if __name__ == "__main__":
    main()
