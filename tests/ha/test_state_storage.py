"""Home Assistant's storage failing under the agent: it runs on, and a repair issue says so."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.storage import Store
from homeassistant.util.file import WriteError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.tr069.const import DOMAIN
from local_acs import LocalAcs, rpc
from tr069_cpe.cwmp import limits

from .common import SERIAL, agent_of, session, wait_for

pytestmark = pytest.mark.usefixtures("unload_at_end")

INTERVAL = "Device.ManagementServer.PeriodicInformInterval"


def issue(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"state_save_failed_{entry.entry_id}")


async def test_a_failing_store_raises_a_repair_issue_until_a_save_works(
    hass: HomeAssistant,
    acs: LocalAcs,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(limits, "SAVE_RETRY_MIN", 0.05)
    entry = init_integration
    agent = agent_of(entry)
    assert issue(hass, entry) is None

    async def disk_full(*_args: Any) -> None:
        raise WriteError("No space left on device")

    with patch.object(Store, "_async_write_data", disk_full):
        task = acs.queue(SERIAL, rpc.set_parameter_values([(INTERVAL, "600", "xsd:unsignedInt")]))
        await session(hass, acs, entry)
        assert (await task.result()).status == 0  # answered: the change lives in memory
        assert agent.datamodel.value(INTERVAL) == 600
        assert "No space left on device" in (agent.status.state_save_error or "")
        found = issue(hass, entry)
        assert found is not None
        assert found.translation_key == "state_save_failed"
        assert found.severity is ir.IssueSeverity.ERROR
        assert found.translation_placeholders is not None
        assert "No space left" in found.translation_placeholders["error"]

    await wait_for(lambda: agent.status.state_save_error is None, what="a save that works")
    await hass.async_block_till_done()
    assert issue(hass, entry) is None
    saved = hass_storage[f"{DOMAIN}.{entry.entry_id}"]["data"]
    assert saved["datamodel"]["values"][INTERVAL] == "600"


async def test_a_store_that_raises_does_not_stop_the_agent(
    hass: HomeAssistant, acs: LocalAcs, init_integration: MockConfigEntry
) -> None:
    entry = init_integration
    agent = agent_of(entry)

    async def broken(*_args: Any) -> None:
        raise OSError(30, "Read-only file system")

    with patch.object(Store, "_async_write_data", broken):
        task = acs.queue(SERIAL, rpc.set_parameter_values([(INTERVAL, "700", "xsd:unsignedInt")]))
        await session(hass, acs, entry)
        assert (await task.result()).status == 0
        assert "Read-only file system" in (agent.status.state_save_error or "")
        # The agent still answers.
        await session(hass, acs, entry)


async def test_state_that_cannot_be_read_retries_the_setup(
    hass: HomeAssistant, acs: LocalAcs, mock_config_entry: MockConfigEntry
) -> None:
    mock_config_entry.add_to_hass(hass)

    async def unreadable(*_args: Any) -> None:
        raise HomeAssistantError("Input/output error")

    with patch.object(Store, "_async_load", unreadable):
        assert not await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state.recoverable
    assert acs.informs == []


async def test_a_state_from_a_newer_version_is_set_aside(
    hass: HomeAssistant,
    acs: LocalAcs,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    key = f"{DOMAIN}.{mock_config_entry.entry_id}"
    hass_storage[key] = {"version": 1, "minor_version": 1, "key": key, "data": {"version": 99}}
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    agent = agent_of(mock_config_entry)
    assert "newer than this agent's" in (agent.status.state_problem or "")
    assert "started from the defaults" in (agent.status.state_problem or "")
    assert hass_storage[f"{key}.unusable"]["data"] == {"state": {"version": 99}}
    await session(hass, acs, mock_config_entry, "0 BOOTSTRAP")
    assert hass_storage[key]["data"]["version"] != 99
