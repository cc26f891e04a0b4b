"""What the user sees of a file or a profile: events, the diagnostic sensor, repairs."""

from __future__ import annotations

import json
from pathlib import Path

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.tr069.const import (
    DOMAIN,
    EVENT_CONFIGURATION_APPLIED,
    EVENT_CONFIGURATION_REJECTED,
    PROFILE_FOLDER,
)
from local_acs import LocalAcs, rpc

from .common import ENTRY_ID, OUI, SERIAL, session
from .test_meters import download, read

pytestmark = pytest.mark.usefixtures("unload_at_end")

FILES = Path(__file__).parent.parent / "meters" / "files"
LAST_FILE = "sensor.tr_069_gateway_ha0001_last_configuration_file"
LAST_PROFILE = "sensor.tr_069_gateway_ha0001_last_format_profile"
FILE_ISSUE = f"configuration_rejected_{ENTRY_ID}"
PROFILE_ISSUE = f"format_profile_rejected_{ENTRY_ID}"
BAD_FILE = json.dumps({"items": [{"serial": "26", "type": "electricityMeter", "T1": "-5"}]})


async def test_a_rejected_file_is_explained_until_a_file_is_applied(
    hass: HomeAssistant,
    acs: LocalAcs,
    issue_registry: ir.IssueRegistry,
    init_integration: MockConfigEntry,
) -> None:
    entry = init_integration
    assert hass.states.get(LAST_FILE).state == "none"
    rejected = async_capture_events(hass, EVENT_CONFIGURATION_REJECTED)
    applied = async_capture_events(hass, EVENT_CONFIGURATION_APPLIED)

    complete = await download(hass, acs, entry, "bad.json", BAD_FILE.encode())
    assert complete.fault.string.startswith("9018 items[0].T1")
    (event,) = rejected
    assert event.data["file"] == "bad.json"
    assert event.data["status"] == "rejected"
    assert event.data["error"] == 'items[0].T1: "-5" is negative; a counter cannot be'
    state = hass.states.get(LAST_FILE)
    assert state.state == "rejected"
    assert state.attributes["file"] == "bad.json"
    assert state.attributes["error"] == event.data["error"]
    issue = issue_registry.async_get_issue(DOMAIN, FILE_ISSUE)
    assert issue is not None
    assert not issue.is_fixable
    assert issue.translation_key == "configuration_rejected"
    assert issue.translation_placeholders == {
        "title": entry.title,
        "file": "bad.json",
        "error": event.data["error"],
    }

    # After a restart the issue is still there (the data model remembers the outcome).
    assert await hass.config_entries.async_reload(entry.entry_id)
    await session(hass, acs, entry, "1 BOOT", wake=False)
    assert issue_registry.async_get_issue(DOMAIN, FILE_ISSUE) is not None
    assert hass.states.get(LAST_FILE).state == "rejected"

    await download(hass, acs, entry, "format_a.json", read("format_a.json"))
    (event,) = applied
    assert event.data["status"] == "applied"
    assert event.data["not_read"] == ["26 T1", "26 T2"]
    assert issue_registry.async_get_issue(DOMAIN, FILE_ISSUE) is None
    state = hass.states.get(LAST_FILE)
    assert state.state == "applied"
    assert state.attributes["meters_added"] == "26, 987, 1234"
    assert state.attributes["counters_not_read"] == "26 T1, 26 T2"
    assert state.attributes["format"] == "json"


async def test_profiles_placed_in_the_configuration_folder(
    hass: HomeAssistant,
    acs: LocalAcs,
    issue_registry: ir.IssueRegistry,
    mock_config_entry: MockConfigEntry,
    patch_platforms: None,
    tmp_path: Path,
) -> None:
    hass.config.config_dir = str(tmp_path)  # not the configuration every test shares
    folder = Path(hass.config.path(PROFILE_FOLDER))
    await hass.async_add_executor_job(lambda: folder.mkdir(exist_ok=True))
    profile = (FILES / "profiles" / "de_zaehlerstaende.profile.json").read_bytes()
    await hass.async_add_executor_job((folder / "de.json").write_bytes, profile)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await session(hass, acs, mock_config_entry, "0 BOOTSTRAP", wake=False)
    state = hass.states.get(LAST_PROFILE)
    assert state.state == "applied"
    assert state.attributes["name"] == "de-zaehlerstaende"

    complete = await download(
        hass,
        acs,
        mock_config_entry,
        "zaehler.csv",
        (FILES / "a25_de_zaehlerstaende.csv").read_bytes(),
    )
    assert complete.fault.code == 0
    assert hass.states.get("sensor.gastron_gt_20017788_gas").state == "3210.05"
    assert hass.states.get(LAST_FILE).attributes["profile"] == "de-zaehlerstaende"

    # The ACS sees the profile; a broken one in the folder is refused with a repair.
    values = acs.queue(SERIAL, rpc.get_parameter_values([f"Device.X_{OUI}_FormatProfile.1.Name"]))
    await session(hass, acs, mock_config_entry)
    assert (await values.result()).values == {
        f"Device.X_{OUI}_FormatProfile.1.Name": "de-zaehlerstaende"
    }
    await hass.async_add_executor_job((folder / "zz-broken.json").write_bytes, b'{"profile": 1}')
    assert await hass.config_entries.async_reload(mock_config_entry.entry_id)
    await session(hass, acs, mock_config_entry, "1 BOOT", wake=False)
    assert hass.states.get(LAST_PROFILE).state == "rejected"
    issue = issue_registry.async_get_issue(DOMAIN, PROFILE_ISSUE)
    assert issue is not None
    assert issue.translation_placeholders["file"] == f"{PROFILE_FOLDER}/zz-broken.json"
