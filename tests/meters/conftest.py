"""Helpers for the configuration-file parser tests (plain pytest, no Home Assistant)."""

from __future__ import annotations

from collections.abc import Callable
import json
from pathlib import Path

import pytest

from tr069_cpe.meters import ConfigurationFile, parse_configuration

FILES = Path(__file__).parent / "files"


@pytest.fixture
def parse_json() -> Callable[[object], ConfigurationFile]:
    """Parse a Python object dumped as JSON."""

    def parse(document: object) -> ConfigurationFile:
        return parse_configuration(json.dumps(document, ensure_ascii=False).encode())

    return parse


@pytest.fixture
def parse_xml() -> Callable[[str], ConfigurationFile]:
    """Parse XML text."""

    def parse(document: str) -> ConfigurationFile:
        return parse_configuration(document.encode())

    return parse


@pytest.fixture
def read_file() -> Callable[[str], bytes]:
    """The bytes of a file in tests/meters/files."""

    def read(name: str) -> bytes:
        return (FILES / name).read_bytes()

    return read


# The core tests' local ACS and agents, for the meters' end-to-end tests.
from tests.cwmp.conftest import _loopback, acs, cpe  # noqa: E402, F401
