"""Fixtures of the protocol-core tests: a local ACS and agents talking to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import web
import pytest

from local_acs import LocalAcs
from tests.agent_harness import HarnessFactory, assert_schema_valid, harness_factory


@pytest.fixture(autouse=True)
def _loopback(socket_enabled: None) -> None:
    """Core tests talk to real servers on 127.0.0.1."""


@pytest.fixture
async def acs() -> AsyncIterator[LocalAcs]:
    """A local ACS; every envelope the CPE sends it must be schema-valid."""
    async with LocalAcs() as server:
        yield server
    assert_schema_valid(server)


type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
type Serve = Callable[[Handler], Awaitable[str]]


@pytest.fixture
async def cpe(acs: LocalAcs) -> AsyncIterator[HarnessFactory]:
    """Start agents against the ``acs`` fixture (stopped at the end of the test)."""
    async with harness_factory(acs.url) as start:
        yield start


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    """Serve one handler for every path on 127.0.0.1; returns the base URL."""
    runners: list[web.AppRunner] = []

    async def start(handler: Handler) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", handler)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        port = runner.addresses[0][1]
        return f"http://127.0.0.1:{port}/"

    yield start
    for runner in runners:
        await runner.cleanup()


from tests.servers.fixtures import acs_xmpp, coturn, prosody, stun_server  # noqa: E402

__all__ = ["acs_xmpp", "coturn", "prosody", "stun_server"]
