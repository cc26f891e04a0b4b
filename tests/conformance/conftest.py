"""Fixtures of the conformance suite: a local ACS, agents talking to it, helpers.

Every envelope an agent sends is validated against the BBF schemas by the
suite-wide fixture of ``tests/conftest.py``; the ACS fixture also checks that
the ACS saw neither schema failures nor protocol errors.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from local_acs import LocalAcs
from tests.agent_harness import HarnessFactory, assert_schema_valid, harness_factory


@pytest.fixture(autouse=True)
def _loopback(socket_enabled: None) -> None:
    """The agents and the ACS talk over 127.0.0.1."""


@pytest.fixture
async def acs() -> AsyncIterator[LocalAcs]:
    """A local ACS (GenieACS 1.2 on the wire) that must see only valid, orderly envelopes."""
    async with LocalAcs() as server:
        yield server
    assert_schema_valid(server)
    assert server.protocol_errors == []


@pytest.fixture
async def cpe(acs: LocalAcs) -> AsyncIterator[HarnessFactory]:
    """Start agents (by default against ``acs``); all are stopped at the end of the test."""
    async with harness_factory(acs.url) as start:
        yield start
