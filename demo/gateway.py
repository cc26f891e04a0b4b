"""The tr069 config entry: created through the integration's config flow (REST), or reused."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import time
from typing import Any, Final

from .console import DemoError, say
from .ha_api import HomeAssistantApi
from .settings import HOST, IDENTITY, PERIODIC_INFORM_INTERVAL
from .state import EntryRecord

DOMAIN: Final = "tr069"
# setup_retry is not among them: Home Assistant retries on its own.
_FAILED_STATES: Final = frozenset({"setup_error", "migration_error", "failed_unload"})


@dataclass(frozen=True, slots=True)
class EntrySettings:
    """What the demo's entry is set up with; ``xmpp``: the config flow's XMPP section."""

    acs_url: str
    cr_port: int
    xmpp: dict[str, Any] | None = None
    ca_pem: str | None = None
    wake_up: str = ""  # identifies the XMPP settings: an entry made with others is not reused

    def record(self, entry_id: str) -> EntryRecord:
        """What the demo remembers of the entry."""
        return EntryRecord(entry_id, self.acs_url, self.cr_port, self.wake_up)

    def matches(self, record: EntryRecord | None) -> bool:
        """Whether an entry the demo made earlier was made with these settings."""
        return record is not None and record == self.record(record.entry_id)


def flow_input(settings: EntrySettings) -> dict[str, Any]:
    """What a user would type in the config flow's form."""
    data: dict[str, Any] = {
        "acs_url": settings.acs_url,
        "username": "",
        "password": "",
        "verify_ssl": True,
        "periodic_inform_interval": PERIODIC_INFORM_INTERVAL,
        "connection_request_port": settings.cr_port,
        "connection_request_host": HOST,
        "identity": dict(IDENTITY),
    }
    if settings.ca_pem:
        data["ca_certificate"] = settings.ca_pem
    if settings.xmpp:
        data["xmpp"] = dict(settings.xmpp)
    return data


async def _run_flow(api: HomeAssistantApi, settings: EntrySettings) -> str:
    form = await api.request(
        "POST",
        "/api/config/config_entries/flow",
        {"handler": DOMAIN, "show_advanced_options": False},
    )
    if form.get("type") != "form":
        raise DemoError(f"the config flow did not show its form: {form}")
    xmpp = f", XMPP as {settings.xmpp['jid']}" if settings.xmpp else ""
    say(
        "HA",
        f"config flow: ACS {settings.acs_url}, serial {IDENTITY['serial_number']}{xmpp} "
        "(tests a session)",
    )
    result = await api.request(
        "POST", f"/api/config/config_entries/flow/{form['flow_id']}", flow_input(settings)
    )
    if result.get("type") != "create_entry":
        raise DemoError(
            f"the config flow did not create the entry: {result.get('type')} "
            f"{result.get('errors') or result.get('reason')}"
        )
    entry_id = str(result["result"]["entry_id"])
    say("HA", f"config entry created: {result.get('title')} ({entry_id})")
    return entry_id


async def ensure_entry(
    api: HomeAssistantApi, previous: EntryRecord | None, settings: EntrySettings
) -> tuple[EntryRecord, bool]:
    """The demo's entry (reused if made with these settings), and whether it was just created."""
    entries = await api.config_entries(DOMAIN)
    reusable = previous if settings.matches(previous) else None
    for entry in entries:
        if reusable is not None and entry["entry_id"] == reusable.entry_id:
            say("HA", f"config entry {entry['title']} exists already ({entry['state']})")
            return reusable, False
    for entry in entries:
        say("HA", f"removing config entry {entry['title']}: it does not match this run")
        await api.request("DELETE", f"/api/config/config_entries/entry/{entry['entry_id']}")
    entry_id = await _run_flow(api, settings)
    return settings.record(entry_id), True


async def wait_loaded(api: HomeAssistantApi, entry_id: str, timeout: float) -> None:  # noqa: ASYNC109
    """Wait until the entry is set up (its agent runs); DemoError if setting it up failed."""
    deadline = time.monotonic() + timeout
    state, reason = "", ""
    while time.monotonic() < deadline:
        entry = next(
            (e for e in await api.config_entries(DOMAIN) if e["entry_id"] == entry_id), None
        )
        if entry is None:
            raise DemoError(f"config entry {entry_id} disappeared")
        state, reason = entry["state"], entry.get("reason") or ""
        if state == "loaded":
            say("HA", "tr069 integration loaded: the gateway's agent runs")
            return
        if state in _FAILED_STATES:
            raise DemoError(f"the tr069 config entry failed to set up: {state} {reason}".rstrip())
        await asyncio.sleep(0.5)
    raise DemoError(f"the tr069 config entry is still {state} after {timeout:.0f} s {reason}")
