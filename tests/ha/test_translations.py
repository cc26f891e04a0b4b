"""strings.json: the English translation, and a string for every key the code uses."""

from __future__ import annotations

import json
from pathlib import Path
import re
from typing import Any

from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import section
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.tr069 import config_flow
from custom_components.tr069.const import DOMAIN
from custom_components.tr069.meter_sensors import describe_reading
from custom_components.tr069.probe import FLOW_ERRORS
from custom_components.tr069.sensor import GATEWAY_SENSORS
from tr069_cpe import WakeUpState
from tr069_cpe.cwmp.status import SessionOutcome
from tr069_cpe.meters.model import MeterKind

ROOT = Path(config_flow.__file__).parent
STRINGS: dict[str, Any] = json.loads((ROOT / "strings.json").read_text(encoding="utf-8"))


def test_english_is_strings_json() -> None:
    english = json.loads((ROOT / "translations" / "en.json").read_text(encoding="utf-8"))
    assert english == STRINGS
    assert "[%key:" not in json.dumps(STRINGS)  # custom integrations do not resolve them


def test_flow_errors_and_aborts_have_strings() -> None:
    used = set(FLOW_ERRORS.values()) | {"invalid_url", "invalid_ca", "invalid_oui", "port_in_use"}
    assert used <= STRINGS["config"]["error"].keys()
    assert STRINGS["options"]["error"].keys() == {"port_in_use", "invalid_xmpp", "invalid_stun"}
    assert {"invalid_xmpp", "invalid_stun"} <= STRINGS["config"]["error"].keys()
    assert STRINGS["config"]["abort"].keys() == {
        "already_configured",
        "reauth_successful",
        "reconfigure_successful",
    }
    assert STRINGS["exceptions"].keys() == {
        "port_in_use",
        "unknown_entry",
        "entry_not_loaded",
        "request_download_unsupported",
    }


def _fields(schema: vol.Schema) -> set[str]:
    return {str(marker) for marker in schema.schema}


def _sections(schema: vol.Schema) -> dict[str, vol.Schema]:
    return {
        str(marker): value.schema
        for marker, value in schema.schema.items()
        if isinstance(value, section)
    }


def _check_sections(schema: vol.Schema, strings: dict[str, object]) -> set[str]:
    """Every section's field has a label; the wake-up sections describe every field."""
    found = _sections(schema)
    for name, fields in found.items():
        texts = strings["sections"][name]  # type: ignore[index]
        assert _fields(fields) == texts["data"].keys(), name
        if name in ("xmpp", "stun"):
            assert texts["data_description"].keys() == texts["data"].keys(), name
    return set(found)


async def test_every_form_field_has_a_label(hass: HomeAssistant) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    user = STRINGS["config"]["step"]["user"]
    identity = user["sections"]["identity"]
    sections = _check_sections(result["data_schema"], user)
    assert sections == {"identity", "xmpp", "stun"}
    assert _fields(result["data_schema"]) - sections == user["data"].keys()
    assert identity["data"]
    placeholders = set(re.findall(r"{(\w+)}", user["description"]))
    assert placeholders <= result["description_placeholders"].keys()


def test_entities_have_strings() -> None:
    sensors = STRINGS["entity"]["sensor"]
    for description in GATEWAY_SENSORS:
        assert description.translation_key in sensors
    assert sensors["last_session_outcome"]["state"].keys() == {o.value for o in SessionOutcome}
    assert STRINGS["entity"]["binary_sensor"].keys() == {"acs_connection"}
    for method in ("http", "xmpp", "udp"):
        states = sensors[f"wake_up_{method}"]["state"].keys()
        assert states == {state.value for state in WakeUpState}
    assert set(re.findall(r"{(\w+)}", STRINGS["issues"]["cannot_wake"]["description"])) == {"host"}
    for kind, names in (
        (MeterKind.ELECTRICITY, ("T1", "total", "export_T2", "export_total")),
        (MeterKind.WATER, ("warm", "cold")),
        (MeterKind.GENERIC, ("status",)),
    ):
        for name in names:
            described = describe_reading(kind, name, None, True)
            key = described.entity.translation_key
            assert key in sensors, (kind, name)
            assert set(re.findall(r"{(\w+)}", sensors[key]["name"])) == (
                described.placeholders.keys()
            )


async def test_every_other_form_field_has_a_label(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    mock_config_entry.add_to_hass(hass)
    steps = STRINGS["config"]["step"]
    result = await mock_config_entry.start_reconfigure_flow(hass)
    assert _fields(result["data_schema"]) == steps["reconfigure"]["data"].keys()
    result = await mock_config_entry.start_reauth_flow(hass)
    assert _fields(result["data_schema"]) == steps["reauth_confirm"]["data"].keys()
    placeholders = set(re.findall(r"{(\w+)}", steps["reauth_confirm"]["description"]))
    assert placeholders <= result["description_placeholders"].keys()
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    options = STRINGS["options"]["step"]["init"]
    sections = _check_sections(result["data_schema"], options)
    assert sections == {"xmpp", "stun"}
    assert _fields(result["data_schema"]) - sections == options["data"].keys()
    assert options["data_description"].keys() <= options["data"].keys()
