"""The examples in FORMATS.md are valid files."""

from __future__ import annotations

from pathlib import Path
import re

import pytest

import tr069_cpe.meters
from tr069_cpe.meters import parse_configuration

FORMATS_MD = Path(tr069_cpe.meters.__file__).parent / "FORMATS.md"
EXAMPLES = re.findall(r"```(?:json|xml)\n(.*?)```", FORMATS_MD.read_text(encoding="utf-8"), re.S)


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_parses(example: str) -> None:
    assert parse_configuration(example.encode()).meters
