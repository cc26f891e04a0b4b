"""Failed sessions: the retry back-off, RetryCount, and which events are kept."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
import time

from local_acs import LocalAcs, rpc
from local_acs.inject import Delay, DropConnection, InformFault, NotAnAcs, ServiceUnavailable
from tests.agent_harness import (
    CR_PASSWORD,
    CR_USERNAME,
    SERIAL,
    AgentHarness,
    agent_config,
    free_port,
)
from tr069_cpe.cwmp.retry import retry_wait_bounds
from tr069_cpe.cwmp.status import SessionOutcome

from .conftest import HarnessFactory

MS = "Device.ManagementServer."


def codes(inform: object) -> list[str]:
    return [event.code for event in inform.events]  # type: ignore[attr-defined]


async def until(predicate: object, timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():  # type: ignore[operator]
            await asyncio.sleep(0.02)


async def test_acs_down_then_back(acs: LocalAcs) -> None:
    port = free_port()
    harness = AgentHarness(agent_config(f"http://127.0.0.1:{port}/"))
    agent = await harness.start()
    await until(lambda: agent.status.retry_count == 1)
    status = agent.status
    assert status.connected is False
    assert status.last_outcome is SessionOutcome.CANNOT_CONNECT
    assert status.next_retry is not None
    assert status.last_session_end is not None
    low, high = retry_wait_bounds(1)
    wait = status.next_retry - status.last_session_end
    assert timedelta(seconds=low - 0.5) <= wait <= timedelta(seconds=high)
    await harness.stop()

    async with LocalAcs(port=port) as back:
        harness = AgentHarness(replace(harness.config, acs_url=back.url), harness.store)
        await harness.start()
        inform = await back.wait_for_inform(serial=SERIAL)
        assert codes(inform) == ["0 BOOTSTRAP", "1 BOOT"]
        assert inform.retry_count == 1
        await until(lambda: harness.agent.status.retry_count == 0)
        await harness.stop()


async def test_retries_wait_within_the_bounds_and_count(acs: LocalAcs, cpe: HarnessFactory) -> None:
    acs.inject(DropConnection(on="Inform"), times=2)
    harness = await cpe(run=False)
    harness.agent.datamodel.set_many_local(
        {f"{MS}CWMPRetryMinimumWaitInterval": 1, f"{MS}CWMPRetryIntervalMultiplier": 1500}
    )
    started = time.time()
    harness.run()
    inform = await acs.wait_for_inform(serial=SERIAL, timeout=8)
    assert inform.retry_count == 2
    assert codes(inform) == ["0 BOOTSTRAP", "1 BOOT"]
    # Waits of [1, 1.5] then [1.5, 2.25] seconds before the third attempt (no sooner).
    assert inform.received_at - started >= 2.5
    await inform.session.wait_ended()
    assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 200
    again = await acs.wait_for_inform(serial=SERIAL, event="6 CONNECTION REQUEST")
    assert again.retry_count == 0


async def test_a_failed_connection_request_session_is_not_retried(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    harness = await cpe()
    await (await acs.wait_for_inform(serial=SERIAL)).session.wait_ended()
    harness.agent.datamodel.set_many_local(
        {f"{MS}CWMPRetryMinimumWaitInterval": 1, f"{MS}CWMPRetryIntervalMultiplier": 1000}
    )
    acs.inject(DropConnection(on="Inform"))
    assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 200
    await until(lambda: harness.agent.status.retry_count == 1)
    await asyncio.sleep(1.5)
    assert len(acs.informs) == 1


async def test_new_events_wait_for_the_back_off_but_a_connection_request_does_not(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    harness = await cpe()
    await (await acs.wait_for_inform(serial=SERIAL)).session.wait_ended()
    faster = acs.queue(
        SERIAL, rpc.set_parameter_values([(f"{MS}PeriodicInformInterval", "1", "xsd:unsignedInt")])
    )
    acs.inject(InformFault(code=8002))
    assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 200
    await until(lambda: harness.agent.status.last_outcome is SessionOutcome.PROTOCOL_ERROR)
    assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 200
    await acs.wait_for_inform(serial=SERIAL, event="6 CONNECTION REQUEST")
    assert (await faster.result()).ok
    await until(lambda: harness.agent.status.last_outcome is SessionOutcome.SUCCESS)
    acs.inject(InformFault(code=8002))
    await until(lambda: harness.agent.status.last_outcome is SessionOutcome.PROTOCOL_ERROR)
    count = len(acs.informs)
    await asyncio.sleep(2.5)
    assert len(acs.informs) == count  # the PERIODIC events wait for the retry (5-10 s)
    assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 200
    inform = await acs.wait_for_inform(serial=SERIAL, event="6 CONNECTION REQUEST", timeout=2)
    assert "2 PERIODIC" in codes(inform)
    assert inform.retry_count == 1


async def test_busy_acs_with_retry_after(acs: LocalAcs, cpe: HarnessFactory) -> None:
    acs.inject(ServiceUnavailable(retry_after=60, on="Inform"))
    harness = await cpe()
    await until(lambda: harness.agent.status.retry_count == 1)
    status = harness.agent.status
    assert status.last_outcome is SessionOutcome.ACS_BUSY
    assert status.next_retry is not None
    assert status.last_session_end is not None
    assert status.next_retry - status.last_session_end >= timedelta(seconds=59)


async def test_a_web_server_is_not_an_acs(acs: LocalAcs, cpe: HarnessFactory) -> None:
    acs.inject(NotAnAcs(on="Inform"))
    harness = await cpe(run=False)
    result = await harness.agent.run_once()
    assert not result.success
    assert harness.agent.status.last_outcome is SessionOutcome.NOT_ACS


async def test_timeout_without_an_answer(acs: LocalAcs, cpe: HarnessFactory) -> None:
    acs.inject(Delay(seconds=2, on="Inform"))
    harness = await cpe(run=False, timeout=0.5)
    result = await harness.agent.run_once()
    assert harness.agent.status.last_outcome is SessionOutcome.TIMEOUT, result


async def test_acs_fault_8005_makes_the_cpe_resend_the_inform(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    acs.inject(InformFault(code=8005))
    harness = await cpe(run=False)
    result = await harness.agent.run_once()
    assert result.success
    assert len(acs.informs) == 1
