"""Fixtures of the protocol-core tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _loopback(socket_enabled: None) -> None:
    """Core tests talk to real servers on 127.0.0.1."""
