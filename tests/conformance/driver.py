"""Driving sessions the way GenieACS does: each answer decides the next RPC, in one session.

GenieACS runs its provisions between the CPE's answers: it reads what came back and sends
the next request in the same HTTP response. The local ACS answers the CPE's response and
pops the next queued RPC in one step, so :class:`Provision` queues the follow-up from
inside the ACS's own bookkeeping of the result (``RpcTask.set_result``), synchronously,
before the ACS looks at its queue: the session goes on exactly as with GenieACS instead
of ending with a 204 between two steps.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Generator
from typing import Any

from local_acs import InformRecord, LocalAcs, RpcResult, Session
from local_acs.rpc import AcsRequest
from tests.agent_harness import CR_PASSWORD, CR_USERNAME, SERIAL, AgentHarness

type Script = Generator[AcsRequest, RpcResult]


class Provision:
    """Runs a script (a generator of requests that receives each result) in one session."""

    def __init__(self, acs: LocalAcs, script: Script, serial: str = SERIAL) -> None:
        self.acs = acs
        self.serial = serial
        self.script = script
        self.results: list[RpcResult] = []
        self.error: BaseException | None = None
        self._queue(next(script))

    def _queue(self, request: AcsRequest) -> None:
        task = self.acs.queue(self.serial, request)
        record = task.set_result

        def answered(result: RpcResult) -> None:
            record(result)
            self.results.append(result)
            try:
                follow = self.script.send(result)
            except StopIteration:
                return
            except Exception as err:
                self.error = err
                return
            self._queue(follow)

        task.set_result = answered  # type: ignore[method-assign]

    def check(self) -> None:
        """Re-raise what went wrong inside the script (an assertion, usually)."""
        if self.error is not None:
            raise self.error


def fixed(*requests: AcsRequest) -> Script:
    """A script that sends the requests one after the other, whatever the answers."""
    for request in requests:  # noqa: UP028 - "yield from" a tuple cannot receive send()
        yield request


async def settled(acs: LocalAcs) -> InformRecord:
    """The next Inform's session, once it is over."""
    inform = await acs.wait_for_inform(serial=SERIAL)
    await inform.session.wait_ended()
    return inform


async def provision(
    acs: LocalAcs,
    harness: AgentHarness,
    script: Script,
    credentials: tuple[str, str] = (CR_USERNAME, CR_PASSWORD),
) -> tuple[InformRecord, list[RpcResult]]:
    """Wake the CPE with a Connection Request and run ``script`` in its session."""
    running = Provision(acs, script)
    assert await acs.connection_request(harness.cr_url, *credentials) == 200
    inform = await acs.wait_for_inform(serial=SERIAL, event="6 CONNECTION REQUEST")
    await inform.session.wait_ended()
    running.check()
    return inform, running.results


def assert_transcript(
    session: Session, *exchanges: str, cpe_requests: tuple[str, ...] = ()
) -> None:
    """The session went as GenieACS's do, with these ACS requests in this order.

    Inform → InformResponse → the CPE's requests → empty POST → each request and its
    response (or a Fault) → 204 with ``Connection: close``; one TCP connection, the
    session cookie echoed on every POST after the InformResponse.
    """
    expected = ["Inform", "InformResponse"]
    for request in cpe_requests:
        expected += [request, f"{request}Response"]
    expected.append("empty")
    for exchange in exchanges:
        method, _, answer = exchange.partition(":")
        expected += [method, answer or f"{method}Response"]
    expected.append("empty")
    assert session.methods() == expected
    assert session.end_reason == "completed"
    assert session.connection_count == 1
    assert session.cookie_echoed is True
    last = session.messages[-1]
    assert (last.direction, last.status, last.body) == ("acs", 204, b"")
    assert all(m.status == 200 for m in session.messages[:-1] if m.direction == "acs")
    ids = [m.envelope.cwmp_id for m in session.messages if m.envelope is not None]
    # Each answer echoes the cwmp:ID of what it answers.
    assert ids[0::2] == ids[1::2]


async def until(predicate: Callable[[], Any], timeout: float = 5.0) -> None:
    """Wait for a condition (polling), never longer than ``timeout``."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.02)
