"""hassfest's rules for a custom integration, re-implemented (hassfest is not on PyPI).

Home Assistant's ``script/hassfest`` validates an integration given with
``--integration-path`` as a custom one: its manifest, ``strings.json`` and
``translations/en.json``, ``icons.json``, ``services.yaml``, the JSON files, the
components it imports, and its config schema. The rules below are those checks, written
from hassfest's documented behaviour; each function returns the problems it finds
(an empty list: the integration passes).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
import json
from pathlib import Path
import re
import string
from typing import Any

import yaml

# A translation key: lower case, digits, "-" and "_", not at either end, never doubled.
TRANSLATION_KEY = re.compile(r"^(?!.+[_-]{2})(?![_-])[a-z0-9-_]+(?<![_-])$")
# Home Assistant's slugify() leaves these unchanged (cv.slug).
SLUG = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
_HTML = re.compile(r"<[a-z].*?>", re.IGNORECASE)
_QUOTED_PLACEHOLDER = re.compile(r"'{\w+}'")
_COMBINED_REFERENCE = re.compile(r"(.+\[%)|(%\].+)")
_URL = re.compile(
    r"(((ftp|ftps|scp|http|https|mqtt|mqtts|socket|socks5):\/\/|www\.)"
    r"[a-z0-9]+([\-\.]{1}[a-z0-9]+)*\.[a-z]{2,5}(:[0-9]{1,5})?(\/.*)?)",
    re.IGNORECASE,
)
_REQUIREMENT = re.compile(r"^(?:--.+\s)?([-_,\.\w\d\[\]]+)(==|>=|<=|~=|!=|<|>|===)*(.*)$")
_VERSION = re.compile(r"^\d+(\.\d+)*([.-]?(a|b|rc|dev|post)\d*)?$")

STRINGS_SECTIONS = {
    "title",
    "config",
    "config_subentries",
    "options",
    "preview_features",
    "selector",
    "device_automation",
    "system_health",
    "config_panel",
    "application_credentials",
    "issues",
    "entity_component",
    "device",
    "entity",
    "exceptions",
    "services",
    "conditions",
    "triggers",
    "conversation",
    "common",
}
MANIFEST_KEYS = {
    "domain",
    "name",
    "after_dependencies",
    "bluetooth",
    "categories",
    "codeowners",
    "config_flow",
    "connectivity",
    "dependencies",
    "dhcp",
    "disabled",
    "documentation",
    "homekit",
    "import_executor",
    "integration_type",
    "iot_class",
    "issue_tracker",
    "loggers",
    "mqtt",
    "preview_features",
    "quality_scale",
    "requirements",
    "single_config_entry",
    "ssdp",
    "usb",
    "version",
    "zeroconf",
}
INTEGRATION_TYPES = {"device", "entity", "hardware", "helper", "hub", "service", "system"}
IOT_CLASSES = {
    "assumed_state",
    "calculated",
    "cloud_polling",
    "cloud_push",
    "local_polling",
    "local_push",
}
QUALITY_SCALES = {"bronze", "silver", "gold", "platinum", "custom", "no_score", "internal"}
# Components any integration may import (hassfest's dependencies plugin).
ALLOWED_COMPONENTS = {
    "alert",
    "automation",
    "conversation",
    "default_config",
    "device_automation",
    "frontend",
    "group",
    "homeassistant",
    "input_boolean",
    "input_button",
    "input_datetime",
    "input_number",
    "input_select",
    "input_text",
    "media_source",
    "onboarding",
    "panel_custom",
    "persistent_notification",
    "person",
    "script",
    "shopping_list",
    "sun",
    "system_health",
    "system_log",
    "timer",
    "webhook",
    "websocket_api",
    "zone",
}
_SERVICE_REGISTRATION = re.compile(
    r"(hass\.services\.(register|async_register))|async_register_entity_service"
    r"|async_register_admin_service"
)


def value_problems(value: Any, where: str, *, placeholders: bool = True) -> list[str]:
    """What hassfest refuses in a translated string."""
    if not isinstance(value, str):
        return [f"{where}: not a string"]
    problems = []
    if _HTML.search(value):
        problems.append(f"{where}: HTML")
    if _QUOTED_PLACEHOLDER.search(value):
        problems.append(f"{where}: placeholder in single quotes")
    try:
        fields = [field for _, field, _, _ in string.Formatter().parse(value) if field]
    except ValueError:
        fields = []
        problems.append(f"{where}: unbalanced braces")
    if fields and not placeholders:
        problems.append(f"{where}: placeholders are not allowed here")
    problems += [f"{where}: placeholder {f!r}" for f in fields if not f.isidentifier()]
    if _COMBINED_REFERENCE.search(value):
        problems.append(f"{where}: combined translation reference")
    if value != value.strip():
        problems.append(f"{where}: leading or trailing spaces")
    if _URL.search(value):
        problems.append(f"{where}: a URL (use a description placeholder)")
    return problems


def _mapping(value: Any, where: str) -> Iterator[tuple[str, Any]]:
    if not isinstance(value, dict):
        raise TypeError(f"{where}: not a mapping")
    yield from value.items()


def _keys(
    value: dict[str, Any], where: str, allowed: set[str], required: set[str] = frozenset()
) -> list[str]:
    problems = [f"{where}: unknown key {key!r}" for key in value if key not in allowed]
    return problems + [f"{where}: missing {key!r}" for key in required if key not in value]


def _texts(value: Any, where: str, key_rule: re.Pattern[str] | None = None) -> list[str]:
    problems = []
    for key, text in _mapping(value, where):
        if key_rule is not None and not key_rule.match(key):
            problems.append(f"{where}: invalid key {key!r}")
        problems += value_problems(text, f"{where}.{key}")
    return problems


def _step_problems(step: Any, where: str) -> list[str]:
    fields = {"title", "description", "submit", "data", "data_description", "sections"}
    fields |= {"menu_options", "menu_option_descriptions"}
    problems = _keys(step, where, fields)
    for key in ("title", "description", "submit"):
        if key in step:
            problems += value_problems(step[key], f"{where}.{key}")
    for key in ("data", "data_description", "menu_options", "menu_option_descriptions"):
        problems += _texts(step.get(key, {}), f"{where}.{key}")
    missing = set(step.get("data_description", {})) - set(step.get("data", {}))
    problems += [f"{where}: data_description key {key} is not in data" for key in missing]
    for name, section in _mapping(step.get("sections", {}), f"{where}.sections"):
        at = f"{where}.sections.{name}"
        problems += _keys(section, at, {"data", "data_description", "description", "name"})
        problems += _texts(section.get("data", {}), f"{at}.data")
        problems += _texts(section.get("data_description", {}), f"{at}.data_description")
        problems += [
            problem
            for key in ("description", "name")
            if key in section
            for problem in value_problems(section[key], f"{at}.{key}")
        ]
    return problems


def flow_problems(flow: Any, where: str, *, title_allowed: bool) -> list[str]:
    """A config, options or repair flow's strings."""
    allowed = {"step", "flow_title", "error", "abort", "progress", "create_entry", "initiate_flow"}
    problems = _keys(flow, where, allowed | ({"title"} if title_allowed else set()), {"step"})
    for step_id, step in _mapping(flow.get("step", {}), f"{where}.step"):
        problems += _step_problems(step, f"{where}.step.{step_id}")
    for key in ("error", "abort", "progress", "create_entry"):
        problems += _texts(flow.get(key, {}), f"{where}.{key}")
    return problems


def _entity_problems(entity: Any) -> list[str]:
    problems = []
    for platform, keys in _mapping(entity, "entity"):
        if not SLUG.match(platform):
            problems.append(f"entity: invalid platform {platform!r}")
        for key, item in _mapping(keys, f"entity.{platform}"):
            at = f"entity.{platform}.{key}"
            if not TRANSLATION_KEY.match(key):
                problems.append(f"{at}: invalid translation key")
            allowed = {"name", "state", "state_attributes", "unit_of_measurement"}
            problems += _keys(item, at, allowed)
            if "name" in item:
                problems += value_problems(item["name"], f"{at}.name")
            for state, text in _mapping(item.get("state", {}), f"{at}.state"):
                if not TRANSLATION_KEY.match(state):
                    problems.append(f"{at}.state: invalid key {state!r}")
                problems += value_problems(text, f"{at}.state.{state}", placeholders=False)
    return problems


def _services_strings_problems(services: Any) -> list[str]:
    problems = []
    for name, service in _mapping(services, "services"):
        at = f"services.{name}"
        if not TRANSLATION_KEY.match(name):
            problems.append(f"{at}: invalid translation key")
        problems += _keys(service, at, {"name", "description", "fields", "sections"})
        problems += _keys(service, at, set(service), {"name", "description"})
        problems += [
            problem
            for key in ("name", "description")
            for problem in value_problems(service.get(key), f"{at}.{key}")
        ]
        for field, item in _mapping(service.get("fields", {}), f"{at}.fields"):
            problems += _keys(item, f"{at}.fields.{field}", {"name", "description", "example"})
            problems += _keys(item, f"{at}.fields.{field}", set(item), {"name", "description"})
            problems += value_problems(item.get("description"), f"{at}.fields.{field}")
    return problems


def _issue_problems(issues: Any) -> list[str]:
    problems = []
    for issue_id, issue in _mapping(issues, "issues"):
        at = f"issues.{issue_id}"
        problems += _keys(issue, at, {"title", "short_title", "description", "fix_flow"})
        if "title" not in issue:
            problems.append(f"{at}: missing 'title'")
        if ("description" in issue) == ("fix_flow" in issue):
            problems.append(f"{at}: exactly one of 'description' and 'fix_flow'")
        problems += [
            problem
            for key in ("title", "short_title", "description")
            if key in issue
            for problem in value_problems(issue[key], f"{at}.{key}")
        ]
        if "fix_flow" in issue:
            problems += flow_problems(issue["fix_flow"], f"{at}.fix_flow", title_allowed=False)
    return problems


def strings_problems(strings: dict[str, Any], name: str) -> list[str]:
    """strings.json or a translation, against the translations plugin's schema."""
    problems = _keys(strings, "strings", STRINGS_SECTIONS)
    if "title" in strings and strings["title"] != name:
        problems += value_problems(strings["title"], "title")
    if "config" in strings:
        # A config title is only a warning for a custom integration.
        problems += flow_problems(strings["config"], "config", title_allowed=True)
    if "options" in strings:
        problems += flow_problems(strings["options"], "options", title_allowed=False)
    for key, selector in _mapping(strings.get("selector", {}), "selector"):
        if key != "_" and not SLUG.match(key):
            problems.append(f"selector: invalid key {key!r}")
        problems += _keys(
            selector, f"selector.{key}", {"options", "choices", "unit_of_measurement", "fields"}
        )
        for part in ("options", "choices", "unit_of_measurement"):
            problems += _texts(selector.get(part, {}), f"selector.{key}.{part}", TRANSLATION_KEY)
    problems += _entity_problems(strings.get("entity", {}))
    for key, device in _mapping(strings.get("device", {}), "device"):
        if not TRANSLATION_KEY.match(key):
            problems.append(f"device: invalid translation key {key!r}")
        problems += _keys(device, f"device.{key}", {"name"})
        problems += value_problems(device.get("name"), f"device.{key}.name")
    for key, exception in _mapping(strings.get("exceptions", {}), "exceptions"):
        if not SLUG.match(key):
            problems.append(f"exceptions: invalid key {key!r}")
        problems += _keys(exception, f"exceptions.{key}", {"message"})
        problems += value_problems(exception.get("message"), f"exceptions.{key}.message")
    problems += _issue_problems(strings.get("issues", {}))
    problems += _services_strings_problems(strings.get("services", {}))
    return problems


def _icon_problems(icon: Any, where: str) -> list[str]:
    if not isinstance(icon, str) or not icon.startswith("mdi:") or _HTML.search(icon):
        return [f"{where}: an icon is 'mdi:<name>', not {icon!r}"]
    return []


def icons_problems(icons: dict[str, Any], integration_type: str) -> list[str]:
    """icons.json, against the icons plugin's schema."""
    allowed = {"entity", "services", "config", "options", "issues", "conditions", "triggers"}
    if integration_type in ("entity", "helper", "system"):
        allowed.add("entity_component")
    problems = _keys(icons, "icons", allowed)
    for platform, keys in _mapping(icons.get("entity", {}), "icons.entity"):
        if not SLUG.match(platform):
            problems.append(f"icons.entity: invalid platform {platform!r}")
        for key, item in _mapping(keys, f"icons.entity.{platform}"):
            at = f"icons.entity.{platform}.{key}"
            if not TRANSLATION_KEY.match(key):
                problems.append(f"{at}: invalid translation key")
            problems += _keys(item, at, {"default", "state", "range", "state_attributes"})
            if "default" in item:
                problems += _icon_problems(item["default"], f"{at}.default")
            for state, icon in _mapping(item.get("state", {}), f"{at}.state"):
                problems += _icon_problems(icon, f"{at}.state.{state}")
                if icon == item.get("default"):
                    problems.append(f"{at}.state.{state}: the same as the default icon")
            ranges = list(item.get("range", {}))
            if [float(edge) for edge in ranges] != sorted(float(edge) for edge in ranges):
                problems.append(f"{at}.range: not in ascending order")
    for service, item in _mapping(icons.get("services", {}), "icons.services"):
        icon = item  # the shorthand
        if isinstance(item, dict):
            problems += _keys(item, f"icons.services.{service}", {"service", "sections"})
            icon = item.get("service")
        problems += _icon_problems(icon, f"icons.services.{service}")
    return problems


def manifest_problems(manifest: dict[str, Any], folder: Path) -> list[str]:
    """manifest.json, against the custom integration manifest schema."""
    problems = _keys(manifest, "manifest", MANIFEST_KEYS, {"domain", "name", "codeowners"})
    keys = list(manifest)
    if keys[:2] != ["domain", "name"] or keys[2:] != sorted(keys[2:]):
        problems.append("manifest: keys not sorted (domain, name, then alphabetical)")
    if manifest.get("domain") != folder.name:
        problems.append("manifest: domain does not match the folder's name")
    documentation = str(manifest.get("documentation", ""))
    if not documentation.startswith("https://") or documentation.startswith(
        "https://www.home-assistant.io/integrations"
    ):
        problems.append("manifest: documentation must be the integration's own https:// page")
    if not str(manifest.get("issue_tracker", "")).startswith("https://"):
        problems.append("manifest: issue_tracker must be a URL")
    if not _VERSION.match(str(manifest.get("version", ""))):
        problems.append("manifest: no valid 'version' (Home Assistant would not load it)")
    if manifest.get("integration_type", "hub") not in INTEGRATION_TYPES:
        problems.append("manifest: invalid integration_type")
    if manifest.get("config_flow") and "integration_type" not in manifest:
        problems.append("manifest: a config flow needs an integration_type")
    if manifest.get("iot_class") not in IOT_CLASSES:
        problems.append("manifest: missing or invalid iot_class")
    if "quality_scale" in manifest and manifest["quality_scale"] not in QUALITY_SCALES:
        problems.append("manifest: invalid quality_scale")
    problems += [
        f"manifest: code owner {owner!r} is not a GitHub handle"
        for owner in manifest.get("codeowners", [])
        if not str(owner).startswith("@")
    ]
    problems += [
        f"manifest: requirement {req!r}"
        for req in manifest.get("requirements", [])
        if " " in req or not _REQUIREMENT.match(req)
    ]
    if manifest.get("config_flow") and not (folder / "config_flow.py").is_file():
        problems.append("manifest: config flows need to be defined in config_flow.py")
    return problems


def _imported_components(path: Path) -> set[str]:
    """``homeassistant.components.X`` a module imports (not under TYPE_CHECKING)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            return
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("homeassistant.components."):
                found.add(node.module.split(".")[2])
            elif node.module == "homeassistant.components":
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(
                alias.name.split(".")[2]
                for alias in node.names
                if alias.name.startswith("homeassistant.components.")
            )
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def dependencies_problems(folder: Path, manifest: dict[str, Any], platforms: set[str]) -> list[str]:
    """Components imported without being dependencies, platforms or always allowed."""
    allowed = ALLOWED_COMPONENTS | platforms | {manifest["domain"]}
    allowed |= set(manifest.get("dependencies", [])) | set(manifest.get("after_dependencies", []))
    allowed.add("logbook")  # hassfest ignores references to the logbook
    problems = []
    for path in sorted(folder.glob("**/*.py")):
        for component in sorted(_imported_components(path) - allowed):
            if not (folder / f"{component}.py").is_file() and not (folder / component).is_dir():
                problems.append(f"{path.name}: uses component {component} without depending on it")
    return problems


def services_problems(folder: Path) -> list[str]:
    """services.yaml: present when services are registered, and well formed."""
    sources = "\n".join(path.read_text(encoding="utf-8") for path in folder.glob("**/*.py"))
    path = folder / "services.yaml"
    if not path.is_file():
        return (
            ["registers services but has no services.yaml"]
            if _SERVICE_REGISTRATION.search(sources)
            else []
        )
    services = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    problems = []
    for name, service in _mapping(services, "services.yaml"):
        at = f"services.yaml {name}"
        if not SLUG.match(name):
            problems.append(f"{at}: not a slug")
        if service is None:
            continue
        problems += _keys(service, at, {"name", "description", "target", "fields"})
        targeted = "target" in service
        seen: set[str] = set()
        for key, field in _mapping(service.get("fields") or {}, f"{at}.fields"):
            problems += _field_problems(key, field, f"{at}.fields.{key}", targeted, seen)
    return problems


def _field_problems(key: str, field: Any, at: str, targeted: bool, seen: set[str]) -> list[str]:
    if isinstance(field, dict) and "fields" in field:  # a section
        problems = _keys(field, at, {"fields", "collapsed", "name", "description"})
        for inner, item in _mapping(field["fields"], f"{at}.fields"):
            problems += _field_problems(inner, item, f"{at}.fields.{inner}", targeted, seen)
        return problems
    allowed = {"name", "description", "example", "default", "required", "advanced", "selector"}
    problems = _keys(field or {}, at, allowed | ({"filter"} if targeted else set()))
    if key in seen:
        problems.append(f"{at}: duplicate field")
    seen.add(key)
    if isinstance(field, dict):
        if "default" in field and field["default"] is None:
            problems.append(f"{at}: a default of None")
        for flag in ("required", "advanced"):
            if flag in field and not isinstance(field[flag], bool):
                problems.append(f"{at}.{flag}: not a boolean")
        selector = field.get("selector")
        if selector is not None and (not isinstance(selector, dict) or len(selector) != 1):
            problems.append(f"{at}.selector: one selector type")
    return problems


def config_schema_problems(folder: Path) -> list[str]:
    """An integration with async_setup declares a CONFIG_SCHEMA."""
    module = ast.parse((folder / "__init__.py").read_text(encoding="utf-8"))
    names = {
        target.id
        for node in module.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    names |= {
        alias.asname or alias.name
        for node in module.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    setups = {
        node.name
        for node in module.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    if setups & {"setup", "async_setup"} and not names & {
        "CONFIG_SCHEMA",
        "PLATFORM_SCHEMA",
        "PLATFORM_SCHEMA_BASE",
    }:
        return ["__init__.py: async_setup without a CONFIG_SCHEMA"]
    return []


def json_problems(folder: Path) -> list[str]:
    """Every JSON file of the integration parses."""
    problems = []
    for path in sorted(folder.glob("**/*.json")):
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except ValueError as err:
            problems.append(f"{path.name}: {err}")
    return problems
