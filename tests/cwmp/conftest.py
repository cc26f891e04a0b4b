"""Fixtures of the protocol-core tests: a local ACS and agents talking to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from custom_components.tr069.cwmp.agent import CpeAgent
from local_acs import LocalAcs
from tests.agent_harness import AgentHarness, agent_config, assert_schema_valid


@pytest.fixture(autouse=True)
def _loopback(socket_enabled: None) -> None:
    """Core tests talk to real servers on 127.0.0.1."""


@pytest.fixture
async def acs() -> AsyncIterator[LocalAcs]:
    """A local ACS; every envelope the CPE sends it must be schema-valid."""
    async with LocalAcs() as server:
        yield server
    assert_schema_valid(server)


type HarnessFactory = Callable[..., Awaitable[AgentHarness]]


@pytest.fixture
async def cpe(acs: LocalAcs) -> AsyncIterator[HarnessFactory]:
    """Start agents against the ``acs`` fixture (stopped at the end of the test)."""
    harnesses: list[AgentHarness] = []

    async def start(
        *,
        run: bool = True,
        url: str | None = None,
        prepare: Callable[[CpeAgent], None] | None = None,
        **overrides: Any,
    ) -> AgentHarness:
        harness = AgentHarness(agent_config(url or acs.url, **overrides), prepare=prepare)
        harnesses.append(harness)
        await harness.start(run=run)
        return harness

    yield start
    for harness in harnesses:
        await harness.stop()
