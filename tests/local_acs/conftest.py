"""Fixtures for the local ACS's own tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from local_acs import LocalAcs


@pytest.fixture(autouse=True)
def _sockets_on_loopback(socket_enabled: None) -> None:
    """The Home Assistant test plugin blocks sockets; these tests talk over 127.0.0.1."""


@pytest.fixture
async def acs() -> AsyncIterator[LocalAcs]:
    """A started LocalAcs without authentication."""
    async with LocalAcs() as server:
        yield server
