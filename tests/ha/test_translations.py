"""strings.json: the English translation, and a string for every key the code uses.

Every field of every form has a label and a description (data_description), every error
the flows show and every exception the code raises has its message, every entity and
device translation key its name, every entity translation key its icon.
"""

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

from custom_components.tr069 import config_flow, probe
from custom_components.tr069.const import DOMAIN
from custom_components.tr069.devices import GATEWAY_TRANSLATION_KEY, model_translation_key
from custom_components.tr069.meter_sensors import describe_reading
from custom_components.tr069.sensor import GATEWAY_SENSORS
from tr069_cpe import WakeUpState
from tr069_cpe.cwmp.status import SessionOutcome
from tr069_cpe.meters.model import MeterKind

ROOT = Path(config_flow.__file__).parent
STRINGS: dict[str, Any] = json.loads((ROOT / "strings.json").read_text(encoding="utf-8"))
ICONS: dict[str, Any] = json.loads((ROOT / "icons.json").read_text(encoding="utf-8"))
SOURCES = "\n".join(path.read_text(encoding="utf-8") for path in ROOT.glob("*.py"))


def test_english_is_strings_json() -> None:
    english = json.loads((ROOT / "translations" / "en.json").read_text(encoding="utf-8"))
    assert english == STRINGS
    assert "[%key:" not in json.dumps(STRINGS)  # custom integrations do not resolve them


def _keys_used(pattern: str) -> set[str]:
    return set(re.findall(pattern, SOURCES))


def test_flow_errors_and_aborts_have_strings() -> None:
    # The probe's, and the checks the flows make before it.
    checks = {"invalid_url", "url_credentials", "invalid_ca", "invalid_oui"}
    errors = set(probe.FLOW_ERRORS.values()) | set(probe._ERROR_FIELDS) | checks
    options = {"provisioning_code_too_long", "invalid_xmpp", "invalid_stun"}
    assert STRINGS["config"]["error"].keys() == errors | options
    assert STRINGS["options"]["error"].keys() == options | {"port_in_use"}
    assert STRINGS["config"]["abort"].keys() == {
        "already_configured",
        "reauth_successful",
        "reconfigure_successful",
    }


def test_exceptions_have_messages() -> None:
    used = _keys_used(r'translation_domain=DOMAIN,\s*translation_key="([a-z_]+)"')
    assert used
    assert used == STRINGS["exceptions"].keys()


def _fields(schema: vol.Schema) -> set[str]:
    return {str(marker) for marker in schema.schema}


def _sections(schema: vol.Schema) -> dict[str, vol.Schema]:
    return {
        str(marker): value.schema
        for marker, value in schema.schema.items()
        if isinstance(value, section)
    }


def _assert_described(step: dict[str, Any], schema: vol.Schema) -> set[str]:
    """Every field, in the form and in its sections, has a label and a description.

    Returns the form's sections.
    """
    sections = _sections(schema)
    fields = _fields(schema) - sections.keys()
    assert step["data"].keys() == fields
    assert step["data_description"].keys() == fields
    placeholders = set(re.findall(r"{(\w+)}", step.get("description", "")))
    assert not placeholders - {"host"}, placeholders
    for name, inner in sections.items():
        texts = step["sections"][name]
        assert texts["data"].keys() == _fields(inner), name
        assert texts["data_description"].keys() == _fields(inner), name
    return set(sections)


async def test_every_user_step_field_is_described(hass: HomeAssistant) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    user = STRINGS["config"]["step"]["user"]
    assert _assert_described(user, result["data_schema"]) == {"identity", "xmpp", "stun"}
    assert result["description_placeholders"] is None


async def test_every_other_form_field_is_described(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    mock_config_entry.add_to_hass(hass)
    steps = STRINGS["config"]["step"]
    result = await mock_config_entry.start_reconfigure_flow(hass)
    assert _assert_described(steps["reconfigure"], result["data_schema"]) == set()
    result = await mock_config_entry.start_reauth_flow(hass)
    assert _assert_described(steps["reauth_confirm"], result["data_schema"]) == set()
    assert result["description_placeholders"]["host"] == f"127.0.0.1:{_port(mock_config_entry)}"
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    options = STRINGS["options"]["step"]["init"]
    assert _assert_described(options, result["data_schema"]) == {"xmpp", "stun"}


def _port(entry: MockConfigEntry) -> int:
    return int(entry.data["acs_url"].rstrip("/").rsplit(":", 1)[1])


def test_entities_have_strings_and_icons() -> None:
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
    for platform, keys in STRINGS["entity"].items():
        assert ICONS["entity"][platform].keys() == keys.keys(), platform
    outcomes = ICONS["entity"]["sensor"]["last_session_outcome"]["state"]
    assert outcomes.keys() == {o.value for o in SessionOutcome}


def test_every_meter_kind_and_the_gateway_have_a_device_name() -> None:
    devices = STRINGS["device"]
    assert GATEWAY_TRANSLATION_KEY in devices
    assert devices[GATEWAY_TRANSLATION_KEY]["name"] == "TR-069 gateway {serial_number}"
    for kind in MeterKind:
        assert model_translation_key(kind) in devices, kind
