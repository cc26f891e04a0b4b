"""hassfest's rules on the integration (see tests/hassfest_rules.py), and that they bite."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from homeassistant.const import Platform
import pytest

from .hassfest_rules import (
    config_schema_problems,
    dependencies_problems,
    flow_problems,
    icons_problems,
    json_problems,
    manifest_problems,
    services_problems,
    strings_problems,
    value_problems,
)

INTEGRATION = Path(__file__).resolve().parent.parent / "custom_components" / "tr069"


def load(name: str) -> dict[str, Any]:
    return json.loads((INTEGRATION / name).read_text(encoding="utf-8"))


MANIFEST = load("manifest.json")
STRINGS = load("strings.json")
PLATFORMS = {platform.value for platform in Platform}


def test_manifest() -> None:
    assert manifest_problems(MANIFEST, INTEGRATION) == []


@pytest.mark.parametrize("name", ["strings.json", "translations/en.json"])
def test_translations(name: str) -> None:
    assert strings_problems(load(name), MANIFEST["name"]) == []


def test_icons() -> None:
    assert icons_problems(load("icons.json"), MANIFEST["integration_type"]) == []


def test_services_config_schema_json_and_dependencies() -> None:
    assert services_problems(INTEGRATION) == []
    assert config_schema_problems(INTEGRATION) == []
    assert json_problems(INTEGRATION) == []
    assert dependencies_problems(INTEGRATION, MANIFEST, PLATFORMS) == []


# ------------------------------------------------------------------ the rules bite
def changed(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy with the value at ``a.b.c`` replaced."""
    result = copy.deepcopy(data)
    *parents, last = path.split(".")
    node = result
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value
    return result


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        (
            "selector.root.options",
            {"Device": "Device (TR-181)"},
            "selector.root.options: invalid key 'Device'",
        ),
        (
            "config.error.cannot_connect",
            "See https://www.example.com/help",
            "a URL",
        ),
        ("config.abort.already_configured", " padded", "leading or trailing spaces"),
        (
            "config.step.user.data_description.unknown_field",
            "Described but not asked",
            "data_description key unknown_field is not in data",
        ),
        ("options.title", "Options", "unknown key 'title'"),
        ("entity.sensor.retry_count.state", {"x": "{count} retries"}, "placeholders are not"),
        ("exceptions.port-in-use", {"message": "Busy"}, "invalid key 'port-in-use'"),
        ("issues.broken", {"title": "Broken"}, "exactly one of 'description' and 'fix_flow'"),
        ("device.Gateway", {"name": "Gateway"}, "invalid translation key 'Gateway'"),
        ("services.request_configuration.fields.file_type", {"name": "File"}, "missing"),
    ],
)
def test_translation_rules_bite(path: str, value: Any, problem: str) -> None:
    problems = strings_problems(changed(STRINGS, path, value), MANIFEST["name"])
    assert any(problem in found for found in problems), problems


def test_value_rules() -> None:
    assert value_problems("Plain text, {placeholder}.", "x") == []
    assert value_problems("<b>bold</b>", "x") == ["x: HTML"]
    assert value_problems("'{quoted}'", "x") == ["x: placeholder in single quotes"]
    assert value_problems("{1st}", "x") == ["x: placeholder '1st'"]
    assert value_problems("[%key:common::ok%] and more", "x") == [
        "x: combined translation reference"
    ]


def test_flow_rules() -> None:
    assert flow_problems({"step": {"user": {"title": "Hi"}}}, "config", title_allowed=False) == []
    assert flow_problems({}, "config", title_allowed=False) == ["config: missing 'step'"]


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        ("entity.sensor.reading.default", "gauge", "an icon is 'mdi:<name>'"),
        (
            "entity.binary_sensor.acs_connection.state",
            {"off": "mdi:server-network"},
            "the same as the default icon",
        ),
        ("entity.sensor.reading.range", {"10": "mdi:a", "2": "mdi:b"}, "ascending"),
        ("entity_component", {}, "unknown key 'entity_component'"),
    ],
)
def test_icon_rules_bite(path: str, value: Any, problem: str) -> None:
    problems = icons_problems(changed(load("icons.json"), path, value), "hub")
    assert any(problem in found for found in problems), problems


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("documentation", "https://www.home-assistant.io/integrations/tr069", "documentation"),
        ("version", "one", "version"),
        ("iot_class", "cloud", "iot_class"),
        ("codeowners", ["tr069-ha"], "GitHub handle"),
        ("requirements", ["xmltodict == 1.0.4"], "requirement"),
        ("homeassistant", "2025.4.0", "unknown key 'homeassistant'"),
    ],
)
def test_manifest_rules_bite(key: str, value: Any, problem: str) -> None:
    problems = manifest_problems({**MANIFEST, key: value}, INTEGRATION)
    assert any(problem in found for found in problems), problems


def test_manifest_order_bites() -> None:
    reordered = {"name": MANIFEST["name"], **MANIFEST}
    assert "manifest: keys not sorted (domain, name, then alphabetical)" in manifest_problems(
        dict(reversed(list(reordered.items()))), INTEGRATION
    )


def test_dependency_and_services_rules_bite(tmp_path: Path) -> None:
    (tmp_path / "__init__.py").write_text(
        "from homeassistant.components.recorder import get_instance\n"
        "async def async_setup(hass, config):\n"
        "    hass.services.async_register('x', 'y', None)\n"
        "    return True\n",
        encoding="utf-8",
    )
    manifest = {**MANIFEST, "domain": tmp_path.name}
    assert dependencies_problems(tmp_path, manifest, PLATFORMS) == [
        "__init__.py: uses component recorder without depending on it"
    ]
    assert (
        dependencies_problems(tmp_path, {**manifest, "after_dependencies": ["recorder"]}, PLATFORMS)
        == []
    )
    assert services_problems(tmp_path) == ["registers services but has no services.yaml"]
    assert config_schema_problems(tmp_path) == ["__init__.py: async_setup without a CONFIG_SCHEMA"]
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    assert len(json_problems(tmp_path)) == 1
