"""What HACS and hassfest check, checked here: manifest, hacs.json, store text, pins."""

from __future__ import annotations

import ast
import json
from pathlib import Path
import re

from PIL import Image
import pytest

from tr069_cpe import VERSION

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


def _text(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def _pins(name: str) -> list[str]:
    lines = _text(name).splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def test_requirements_are_pinned_and_tested_with_the_same_pins() -> None:
    requirements = manifest()["requirements"]
    assert isinstance(requirements, list)
    for requirement in requirements:
        assert re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][0-9A-Za-z.]*", requirement), requirement
    assert sorted(_pins("requirements_integration.txt")) == sorted(requirements)
    # Every leg installs exactly those pins: the core's, and both Home Assistant legs.
    for leg in ("requirements_core.txt", "requirements_test.txt", "requirements_test_newest.txt"):
        assert "-r requirements_integration.txt" in _pins(leg), leg


def test_hacs_json_as_hacs_2_and_the_marketplace_read_it() -> None:
    hacs = json.loads((ROOT / "hacs.json").read_text(encoding="utf-8"))
    # HACS 2 refuses unknown keys; render_readme and info.md do nothing since HACS 2.0
    # (the README is the store text), and Home Assistant's Marketplace reads the same keys.
    assert hacs.keys() <= {
        "name",
        "content_in_root",
        "zip_release",
        "filename",
        "hide_default_branch",
        "country",
        "homeassistant",
        "hacs",
        "persistent_directory",
    }
    assert hacs["name"] == manifest()["name"]
    # The oldest Home Assistant the tests run on (requirements_test.txt).
    tested = re.search(r"^homeassistant==(\d+\.\d+)\.", _text("requirements_test.txt"), re.M)
    assert tested is not None
    assert hacs["homeassistant"] == f"{tested.group(1)}.0"
    assert not (ROOT / "info.md").exists()
    assert _text("README.md").startswith(f"# {hacs['name']}")
    assert _text("LICENSE").strip()


@pytest.mark.parametrize(
    ("name", "size"),
    [("icon.png", 256), ("icon@2x.png", 512), ("dark_icon.png", 256), ("dark_icon@2x.png", 512)],
)
def test_brand_images(name: str, size: int) -> None:
    """What the brands rules ask: PNG, square, the size of its name, transparent, trimmed."""
    image = Image.open(INTEGRATION / "brand" / name)
    assert image.format == "PNG"
    assert image.size == (size, size)
    assert image.mode == "RGBA"
    alpha = image.getchannel("A")
    assert alpha.getpixel((0, 0)) == 0  # transparent around the mark
    assert alpha.getbbox() == (0, 0, size, size)  # and no empty border


def test_the_core_and_the_manifest_carry_one_version() -> None:
    assert manifest()["version"] == VERSION


def _imports(path: Path) -> list[tuple[int, str]]:
    """(level, module) of every import in a file."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((0, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or ""))
    return found


def test_the_core_never_imports_home_assistant() -> None:
    for path in (INTEGRATION / "tr069_cpe").rglob("*.py"):
        for level, module in _imports(path):
            assert level or not module.startswith(("homeassistant", "custom_components")), path


def test_the_integration_enters_the_core_through_its_front_door() -> None:
    # Deeper imports would load a second copy of the core when it is also imported
    # as ``tr069_cpe`` (the headless runner's name), and bypass its public surface.
    for path in INTEGRATION.glob("*.py"):
        for level, module in _imports(path):
            if level == 1 and module.startswith("tr069_cpe"):
                assert module == "tr069_cpe", f"{path.name} imports {module}"
