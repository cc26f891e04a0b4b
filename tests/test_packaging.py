"""What HACS and hassfest check, checked here: manifest, hacs.json, store text, pins."""

from __future__ import annotations

import json
from pathlib import Path
import re

ROOT = Path(__file__).resolve().parent.parent
INTEGRATION = ROOT / "custom_components" / "tr069"
REQUIRED = {
    "domain",
    "name",
    "codeowners",
    "config_flow",
    "documentation",
    "integration_type",
    "iot_class",
    "issue_tracker",
    "requirements",
    "version",
}


def manifest() -> dict[str, object]:
    return json.loads((INTEGRATION / "manifest.json").read_text(encoding="utf-8"))


def test_manifest_has_what_hassfest_and_hacs_need_in_hassfest_order() -> None:
    data = manifest()
    assert data.keys() >= REQUIRED
    keys = list(data)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    assert data["domain"] == INTEGRATION.name
    assert data["config_flow"] is True
    assert re.fullmatch(r"\d+\.\d+\.\d+", str(data["version"]))
    assert str(data["documentation"]).startswith("https://")
    assert str(data["issue_tracker"]).startswith("https://")


def test_requirements_are_pinned_and_tested_with_the_same_pins() -> None:
    requirements = manifest()["requirements"]
    assert isinstance(requirements, list)
    test_pins = (ROOT / "requirements_test.txt").read_text(encoding="utf-8").splitlines()
    for requirement in requirements:
        assert re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][0-9A-Za-z.]*", requirement), requirement
        assert requirement in test_pins, requirement


def test_hacs_shows_the_store_text() -> None:
    hacs = json.loads((ROOT / "hacs.json").read_text(encoding="utf-8"))
    assert hacs["name"] == manifest()["name"]
    assert hacs["homeassistant"] == "2025.4.0"
    assert hacs.get("render_readme", False) is False  # HACS then shows info.md
    info = (ROOT / "info.md").read_text(encoding="utf-8")
    assert info.startswith(f"# {hacs['name']}")
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").strip()
