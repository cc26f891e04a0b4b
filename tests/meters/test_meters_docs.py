"""The examples in FORMATS.md are what they say: files that parse, profiles that validate."""

from __future__ import annotations

import json
from pathlib import Path
import re

import jsonschema
import pytest

import tr069_cpe.meters
from tr069_cpe.meters import parse_configuration
from tr069_cpe.meters.kinds import KINDS
from tr069_cpe.meters.profile import parse_profile

FOLDER = Path(tr069_cpe.meters.__file__).parent
FORMATS_MD = (FOLDER / "FORMATS.md").read_text(encoding="utf-8")
SCHEMA = json.loads((FOLDER / "format_profile.schema.json").read_text(encoding="utf-8"))
BLOCKS = re.findall(r"```(json|xml|csv)\n(.*?)```", FORMATS_MD, re.S)
PROFILES = [text for kind, text in BLOCKS if kind == "json" and '"profile_format"' in text]
FILES = [
    (kind, text) for kind, text in BLOCKS if (kind, text) not in {("json", p) for p in PROFILES}
]


def test_there_are_examples() -> None:
    assert len(FILES) >= 5
    assert len(PROFILES) >= 1


@pytest.mark.parametrize("text", PROFILES)
def test_profile_examples_validate(text: str) -> None:
    jsonschema.validate(json.loads(text), SCHEMA)
    parse_profile(text.encode())


@pytest.mark.parametrize(("kind", "text"), FILES)
def test_file_examples_parse(kind: str, text: str) -> None:
    profiles = [parse_profile(profile.encode()) for profile in PROFILES]
    result = parse_configuration(text.encode(), filename=f"example.{kind}", profiles=profiles)
    assert result.meters


def test_every_kind_and_reading_is_documented() -> None:
    for spec in KINDS.values():
        assert f"`{spec.kind.value}`" in FORMATS_MD
        for reading in spec.readings:
            name = reading.name.replace("{n}", "1")
            assert f"`{name}" in FORMATS_MD, name
