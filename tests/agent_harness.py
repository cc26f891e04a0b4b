"""Running a real CPE agent against the local ACS in tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
import contextlib
from dataclasses import replace
from typing import Any

from local_acs import LocalAcs, daemon
from tr069_cpe.builder import wake_up_methods
from tr069_cpe.cwmp.agent import CpeAgent
from tr069_cpe.cwmp.config import AgentConfig, Identity
from tr069_cpe.cwmp.state import MemoryStateStore, StateStore
from tr069_cpe.cwmp.wakeup import RateLimit, WakeUpState, WakeUpStatus
from tr069_cpe.meters.gateway import MeterGateway
from tr069_cpe.meters.table import meter_extension

SERIAL = "SN0001"
CR_USERNAME = "cr-user"
CR_PASSWORD = "cr-secret"
IDENTITY = Identity(
    manufacturer="Home Assistant",
    oui="00D09E",
    product_class="HomeAssistant",
    serial_number=SERIAL,
    model_name="Test gateway",
    software_version="9.9.9",
)


def free_port() -> int:
    """A TCP port nothing listens on (on 127.0.0.1), outside the ephemeral range."""
    return daemon.free_port("127.0.0.1")


def agent_config(url: str, **overrides: Any) -> AgentConfig:
    """A configuration for tests: loopback Connection Requests on a free port."""
    config = AgentConfig(
        identity=IDENTITY,
        acs_url=url,
        connection_request_port=0,
        connection_request_bind="127.0.0.1",
        connection_request_host="127.0.0.1",
        connection_request_username=CR_USERNAME,
        connection_request_password=CR_PASSWORD,
        udp_connection_request_port=0,
        rate_limit=RateLimit(burst=20, per_second=2.0),
        timeout=5.0,
    )
    return replace(config, **overrides)


class AgentHarness:
    """One agent: set up, running in the background, restartable with its store."""

    def __init__(
        self,
        config: AgentConfig,
        store: StateStore | None = None,
        prepare: Callable[[CpeAgent], None] | None = None,
        **kwargs: Any,
    ) -> None:
        if config.connection_request_port == 0:
            # A fixed port across restarts: the ConnectionRequestURL does not change.
            config = replace(config, connection_request_port=free_port())
        self.config = config
        self.store = store or MemoryStateStore()
        self.kwargs = kwargs
        self.prepare = prepare
        self.agent = self._new_agent()
        self._task: asyncio.Task[None] | None = None

    def _new_agent(self) -> CpeAgent:
        agent = CpeAgent(self.config, self.store, **self.kwargs)
        for method in wake_up_methods(self.config):
            agent.add_wake_up_method(method)
        if self.prepare is not None:
            self.prepare(agent)
        return agent

    async def start(self, *, run: bool = True) -> CpeAgent:
        """Set up (and run) the agent."""
        await self.agent.setup()
        if run:
            self.run()
        return self.agent

    def run(self) -> None:
        """Run the agent's loop in the background."""
        self._task = asyncio.get_running_loop().create_task(self.agent.run())

    async def stop(self) -> None:
        """Stop the loop and the agent."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.agent.shutdown()

    async def restart(self, **overrides: Any) -> CpeAgent:
        """A new agent on the same store, as after a restart."""
        await self.stop()
        self.config = replace(self.config, **overrides)
        self.agent = self._new_agent()
        return await self.start()

    async def wait_idle(self) -> None:
        """Until no session runs and no state save is pending."""
        agent = self.agent
        for _ in range(500):
            save = agent._save_task
            if not agent._in_session and (save is None or save.done()):
                return
            await asyncio.sleep(0.01)
        raise AssertionError("the agent did not become idle")

    @property
    def cr_url(self) -> str:
        """The advertised Connection Request URL."""
        return self.agent.status.connection_request_url

    def value(self, path: str) -> object:
        """A parameter's value in the agent's data model."""
        return self.agent.datamodel.value(path)

    async def wake_up_status(
        self, method: str, state: WakeUpState, *, other_than: str | None = None
    ) -> WakeUpStatus:
        """Wait until a wake-up method (``HTTP``, ``XMPP``, ``UDP``) reaches ``state``
        (with an address other than ``other_than``, if given)."""
        status = None
        for _ in range(1500):
            status = next((s for s in self.agent.status.wake_up if s.method == method), None)
            if status is not None and status.state is state and status.address != other_than:
                return status
            await asyncio.sleep(0.01)
        raise AssertionError(f"{method} never reached {state}: {status}")


def assert_schema_valid(acs: LocalAcs) -> None:
    """Every envelope the CPE sent validated against the BBF schemas."""
    failures = [(what, errors) for what, _raw, errors in acs.validation_failures]
    assert failures == [], failures


def with_meters(agent: CpeAgent) -> None:
    """Put the meter table in the agent's data model (Download handler included)."""
    MeterGateway(agent)


type HarnessFactory = Callable[..., Awaitable[AgentHarness]]


@contextlib.asynccontextmanager
async def harness_factory(default_url: str) -> AsyncIterator[HarnessFactory]:
    """Start agents (against ``default_url`` unless told otherwise); all stop at the end.

    ``meters=True`` gives the agent the meter table, as the integration does.
    """
    harnesses: list[AgentHarness] = []

    async def start(
        *,
        run: bool = True,
        url: str | None = None,
        meters: bool = False,
        prepare: Callable[[CpeAgent], None] | None = None,
        **overrides: Any,
    ) -> AgentHarness:
        if meters:
            overrides.setdefault("extensions", meter_extension(IDENTITY.oui))
            prepare = prepare or with_meters
        harness = AgentHarness(agent_config(url or default_url, **overrides), prepare=prepare)
        harnesses.append(harness)
        await harness.start(run=run)
        return harness

    try:
        yield start
    finally:
        for harness in harnesses:
            await harness.stop()
