"""quality_scale.yaml: hassfest's schema (it skips custom integrations), every rule done
or exempt with a reason, and the claims a machine can check, checked."""

from __future__ import annotations

import ast
import json
from pathlib import Path
import tomllib
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
INTEGRATION = ROOT / "custom_components" / "tr069"
RULES: dict[str, Any] = yaml.safe_load(
    (INTEGRATION / "quality_scale.yaml").read_text(encoding="utf-8")
)["rules"]

TIERS = {
    "bronze": {
        "action-setup",
        "appropriate-polling",
        "brands",
        "common-modules",
        "config-flow",
        "config-flow-test-coverage",
        "dependency-transparency",
        "docs-actions",
        "docs-conditions",
        "docs-high-level-description",
        "docs-installation-instructions",
        "docs-removal-instructions",
        "docs-triggers",
        "entity-event-setup",
        "entity-unique-id",
        "has-entity-name",
        "runtime-data",
        "test-before-configure",
        "test-before-setup",
        "unique-config-entry",
    },
    "silver": {
        "action-exceptions",
        "config-entry-unloading",
        "docs-configuration-parameters",
        "docs-installation-parameters",
        "entity-unavailable",
        "integration-owner",
        "log-when-unavailable",
        "parallel-updates",
        "reauthentication-flow",
        "test-coverage",
    },
    "gold": {
        "devices",
        "diagnostics",
        "discovery",
        "discovery-update-info",
        "docs-data-update",
        "docs-examples",
        "docs-known-limitations",
        "docs-supported-devices",
        "docs-supported-functions",
        "docs-troubleshooting",
        "docs-use-cases",
        "dynamic-devices",
        "entity-category",
        "entity-device-class",
        "entity-disabled-by-default",
        "entity-translations",
        "exception-translations",
        "icon-translations",
        "reconfiguration-flow",
        "repair-issues",
        "stale-devices",
    },
    "platinum": {"async-dependency", "inject-websession", "strict-typing"},
}
ALL_RULES = set().union(*TIERS.values())


def status(rule: str) -> str:
    value = RULES[rule]
    return value if isinstance(value, str) else value["status"]


def test_the_file_follows_hassfests_schema() -> None:
    assert len(ALL_RULES) == 54
    assert RULES.keys() <= ALL_RULES, RULES.keys() - ALL_RULES
    for rule, value in RULES.items():
        if isinstance(value, str):
            assert value in ("done", "todo"), rule
        else:
            assert value.keys() == {"status", "comment"}, rule
            assert value["status"] in ("done", "todo", "exempt"), rule
            assert isinstance(value["comment"], str), rule
            assert value["comment"].strip(), rule


def test_every_rule_of_every_tier_is_done_or_exempt_with_a_reason() -> None:
    assert RULES.keys() == ALL_RULES, ALL_RULES - RULES.keys()
    for rule in RULES:
        assert status(rule) in ("done", "exempt"), rule


def source(name: str) -> str:
    return (INTEGRATION / name).read_text(encoding="utf-8")


def functions(name: str) -> set[str]:
    module = ast.parse(source(name))
    return {
        node.name
        for node in ast.walk(module)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


PLATFORM_MODULES = ("sensor.py", "binary_sensor.py")
# What each rule marked done needs to be visible in the code (as hassfest checks core's).
CHECKS = {
    "action-setup": lambda: "async_setup_services(hass)" in source("__init__.py"),
    "brands": (INTEGRATION / "brand" / "icon.png").is_file,
    "config-flow": lambda: json.loads(source("manifest.json"))["config_flow"] is True,
    "config-entry-unloading": lambda: "async_unload_entry" in functions("__init__.py"),
    "diagnostics": lambda: (
        {
            "async_get_config_entry_diagnostics",
            "async_get_device_diagnostics",
        }
        <= functions("diagnostics.py")
    ),
    "has-entity-name": lambda: "_attr_has_entity_name = True" in source("entity.py"),
    "icon-translations": lambda: bool(json.loads(source("icons.json"))["entity"]),
    "integration-owner": lambda: bool(json.loads(source("manifest.json"))["codeowners"]),
    "parallel-updates": lambda: all(
        "PARALLEL_UPDATES = " in source(name) for name in PLATFORM_MODULES
    ),
    "reauthentication-flow": lambda: "async_step_reauth" in functions("config_flow.py"),
    "reconfiguration-flow": lambda: "async_step_reconfigure" in functions("config_flow.py"),
    "runtime-data": lambda: "entry.runtime_data = " in source("__init__.py"),
    "stale-devices": lambda: "async_remove_config_entry_device" in functions("__init__.py"),
    "strict-typing": lambda: (
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]["strict"] is True
    ),
    "test-before-setup": lambda: "ConfigEntryNotReady" in source("__init__.py"),
    "unique-config-entry": lambda: "_abort_if_unique_id_configured()" in source("config_flow.py"),
}


@pytest.mark.parametrize("rule", sorted(CHECKS))
def test_what_is_done_shows_in_the_code(rule: str) -> None:
    assert status(rule) == "done"
    assert CHECKS[rule]()
