"""The agent under test: a CpeAgent with a meter tree, started against the ACS process."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, replace
import re
import time
import tracemalloc
from types import TracebackType
from typing import Any, Self

from tr069_cpe.builder import wake_up_methods
from tr069_cpe.cwmp.agent import CpeAgent
from tr069_cpe.cwmp.config import AgentConfig, Identity
from tr069_cpe.cwmp.state import MemoryStateStore
from tr069_cpe.cwmp.status import AgentStatus
from tr069_cpe.cwmp.wakeup import RateLimit

from .tree import MeterTree

SERIAL = "BENCH0001"
OUI = "00D09E"
CR_USERNAME = "bench-cr"
CR_PASSWORD = "bench-cr-secret"
IDENTITY = Identity(
    manufacturer="Home Assistant",
    oui=OUI,
    product_class="HomeAssistant",
    serial_number=SERIAL,
    model_name="Benchmark gateway",
    software_version="0.0.0",
)

_METHOD = re.compile(rb"<(?:[A-Za-z0-9_-]+:)?Body>\s*<(?:[A-Za-z0-9_-]+:)?([A-Za-z]+)")


def method_of(body: bytes) -> str:
    """The name of the body element of an envelope ("empty" for no envelope)."""
    if not body.strip():
        return "empty"
    match = _METHOD.search(body)
    return match.group(1).decode() if match else "unknown"


def bench_config(url: str, **overrides: Any) -> AgentConfig:
    """Loopback Connection Requests on a free port, no rate limit to speak of."""
    config = AgentConfig(
        identity=IDENTITY,
        acs_url=url,
        connection_request_port=0,
        connection_request_bind="127.0.0.1",
        connection_request_host="127.0.0.1",
        connection_request_username=CR_USERNAME,
        connection_request_password=CR_PASSWORD,
        rate_limit=RateLimit(burst=100_000, per_second=100_000.0),
        timeout=60.0,
    )
    return replace(config, **overrides)


@dataclass(frozen=True, slots=True)
class Message:
    """One HTTP body the agent sent ("out") or received ("in"), with clocks.

    While tracemalloc traces, ``memory`` is the allocation when a message arrives (the
    peak is reset then) and the peak since then when a message leaves.
    """

    direction: str
    body: bytes
    wall: float
    cpu: float
    memory: int | None = None


class MessageLog:
    """The agent's observer: every message with the wall and thread-CPU clocks."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.enabled = True

    def __call__(self, direction: str, body: bytes) -> None:
        if not self.enabled:
            return
        wall, cpu = time.perf_counter(), time.thread_time()
        memory = None
        if tracemalloc.is_tracing():
            if direction == "in":
                tracemalloc.reset_peak()
                memory = tracemalloc.get_traced_memory()[0]
            else:
                memory = tracemalloc.get_traced_memory()[1]
        self.messages.append(Message(direction, body, wall, cpu, memory))

    def clear(self) -> None:
        """Forget what was recorded."""
        self.messages = []

    def outgoing(self) -> list[bytes]:
        """What the agent sent, in order (b"" for an empty POST)."""
        return [message.body for message in self.messages if message.direction == "out"]

    def incoming(self) -> list[bytes]:
        """What the agent received, in order (b"" for a 204)."""
        return [message.body for message in self.messages if message.direction == "in"]

    def answers(self) -> list[tuple[str, Message, Message]]:
        """(ACS method, its arrival, the agent's answer leaving) for each ACS request."""
        out: list[tuple[str, Message, Message]] = []
        for received, sent in zip(self.messages, self.messages[1:], strict=False):
            if received.direction != "in" or sent.direction != "out":
                continue
            method = method_of(received.body)
            if method not in ("empty", "unknown") and not method.endswith("Response"):
                out.append((method, received, sent))
        return out


class SessionCounter:
    """Counts the agent's finished sessions; wakes waiters without polling (no CPU)."""

    def __init__(self, agent: CpeAgent) -> None:
        self.sessions = agent.status.sessions
        self._changed = asyncio.Event()
        agent.add_listener(self._on_status)

    def _on_status(self, status: AgentStatus) -> None:
        if status.sessions != self.sessions:
            self.sessions = status.sessions
            self._changed.set()

    async def wait_for(self, count: int, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Until the agent has finished ``count`` sessions since it started."""
        async with asyncio.timeout(timeout):
            while self.sessions < count:
                self._changed.clear()
                await self._changed.wait()


class BenchAgent:
    """``async with BenchAgent(url, tree) as bench``: an agent set up with its meters.

    ``run=True`` also runs the agent's loop (schedule, Connection Requests).
    """

    def __init__(self, url: str, tree: MeterTree, *, run: bool = False, **overrides: Any) -> None:
        self.log = MessageLog()
        self.config = bench_config(url, extensions=tree.extensions, **overrides)
        self.agent = CpeAgent(self.config, MemoryStateStore(), observer=self.log)
        for method in wake_up_methods(self.config):
            self.agent.add_wake_up_method(method)
        self.counter = SessionCounter(self.agent)
        tree.attach(self.agent)
        self._run = run
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Self:
        await self.agent.setup()
        if self._run:
            self._task = asyncio.get_running_loop().create_task(self.agent.run())
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        crashed = None
        if self._task is not None:
            if self._task.done() and not self._task.cancelled():
                crashed = self._task.exception()
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        await self.agent.shutdown()
        if crashed is not None:
            raise RuntimeError("the agent's loop crashed") from crashed

    async def session(self) -> None:
        """One session now, raised by a Connection Request event; fails loudly.

        Only for an agent whose loop does not run (it would start a session too).
        """
        if self._task is not None:
            raise RuntimeError("the agent's loop runs its own sessions")
        self.agent.connection_request()
        result = await self.agent.run_once()
        if not result.success:
            raise RuntimeError(f"session failed: {result.error}")

    @property
    def cr_url(self) -> str:
        """The agent's Connection Request URL."""
        return self.agent.status.connection_request_url
