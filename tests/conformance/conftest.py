"""Fixtures of the conformance suite: a local ACS, agents talking to it, helpers.

Every envelope an agent sends is validated against the BBF schemas by the
suite-wide fixture of ``tests/conftest.py``; the ACS fixture also checks that
the ACS saw neither schema failures nor protocol errors.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from custom_components.tr069.cwmp.agent import CpeAgent
from custom_components.tr069.meters.gateway import MeterGateway
from custom_components.tr069.meters.table import meter_extension
from local_acs import LocalAcs
from tests.agent_harness import IDENTITY, AgentHarness, agent_config, assert_schema_valid


@pytest.fixture(autouse=True)
def _loopback(socket_enabled: None) -> None:
    """The agents and the ACS talk over 127.0.0.1."""


def with_meters(agent: CpeAgent) -> None:
    """Put the meter table in the agent's data model (Download handler included)."""
    MeterGateway(agent)


type HarnessFactory = Callable[..., Awaitable[AgentHarness]]


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
    harnesses: list[AgentHarness] = []

    async def start(
        *,
        run: bool = True,
        url: str | None = None,
        meters: bool = False,
        **overrides: Any,
    ) -> AgentHarness:
        if meters:
            overrides.setdefault("extensions", meter_extension(IDENTITY.oui))
        harness = AgentHarness(
            agent_config(url or acs.url, **overrides),
            prepare=with_meters if meters else None,
        )
        harnesses.append(harness)
        await harness.start(run=run)
        return harness

    yield start
    for harness in harnesses:
        await harness.stop()
