"""The examples in FORMATS.md are valid files."""

from __future__ import annotations

from pathlib import Path
import re

import pytest

from custom_components.tr069.meters import parse_configuration

FORMATS_MD = Path(__file__).parents[2] / "custom_components" / "tr069" / "meters" / "FORMATS.md"
EXAMPLES = re.findall(r"```(?:json|xml)\n(.*?)```", FORMATS_MD.read_text(encoding="utf-8"), re.S)


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_parses(example: str) -> None:
    assert parse_configuration(example.encode()).meters
