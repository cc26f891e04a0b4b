"""Connection Requests: Digest, 200 before the session, bursts, rate limiting."""

from __future__ import annotations

import asyncio

import aiohttp

from local_acs import LocalAcs, rpc
from local_acs.inject import Delay
from tests.agent_harness import CR_PASSWORD, CR_USERNAME, SERIAL
from tr069_cpe.cwmp.wakeup import RateLimit

from .conftest import HarnessFactory


def codes(inform: object) -> list[str]:
    return [event.code for event in inform.events]  # type: ignore[attr-defined]


async def test_connection_request_brings_an_inform(acs: LocalAcs, cpe: HarnessFactory) -> None:
    # How fast is the benchmarks' business (scripts/bench: Connection Request → Inform).
    harness = await cpe()
    await acs.wait_for_inform(serial=SERIAL)
    assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 200
    inform = await acs.wait_for_inform(serial=SERIAL, event="6 CONNECTION REQUEST")
    assert codes(inform) == ["6 CONNECTION REQUEST"]
    record = acs.connection_requests[-1]
    assert record.challenged
    assert record.status == 200


async def test_wrong_or_missing_credentials_start_no_session(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    harness = await cpe()
    await (await acs.wait_for_inform(serial=SERIAL)).session.wait_ended()
    assert await acs.connection_request(harness.cr_url, CR_USERNAME, "wrong") == 401
    assert await acs.connection_request(harness.cr_url, "intruder", CR_PASSWORD) == 401
    async with aiohttp.ClientSession() as client, client.get(harness.cr_url) as response:
        assert response.status == 401
        assert response.headers["WWW-Authenticate"].startswith('Digest realm="tr069-cpe"')
        assert 'qop="auth"' in response.headers["WWW-Authenticate"]
        assert await response.read() == b""
    await asyncio.sleep(0.5)
    assert len(acs.informs) == 1


async def test_only_get_on_the_secret_path(acs: LocalAcs, cpe: HarnessFactory) -> None:
    harness = await cpe()
    base = harness.cr_url.rsplit("/", 1)[0]
    async with aiohttp.ClientSession() as client:
        async with client.get(f"{base}/guess") as response:
            assert response.status == 404
        async with client.post(harness.cr_url) as response:
            assert response.status == 405


async def test_a_burst_gives_one_session(acs: LocalAcs, cpe: HarnessFactory) -> None:
    harness = await cpe()
    await (await acs.wait_for_inform(serial=SERIAL)).session.wait_ended()
    statuses = await asyncio.gather(
        *(acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) for _ in range(5))
    )
    assert statuses == [200] * 5
    await acs.wait_for_inform(serial=SERIAL, event="6 CONNECTION REQUEST")
    await asyncio.sleep(0.5)
    assert sum("6 CONNECTION REQUEST" in codes(inform) for inform in acs.informs) == 1


async def test_requests_during_a_session_give_one_session_after_it(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    harness = await cpe()
    await (await acs.wait_for_inform(serial=SERIAL)).session.wait_ended()
    acs.queue(SERIAL, rpc.get_rpc_methods())
    acs.inject(Delay(seconds=1.0, on="GetRPCMethodsResponse"))
    assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 200
    busy = await acs.wait_for_inform(serial=SERIAL, event="6 CONNECTION REQUEST")
    for _ in range(3):
        assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 200
    await busy.session.wait_ended()
    after = await acs.wait_for_inform(serial=SERIAL, event="6 CONNECTION REQUEST")
    assert after.session is not busy.session
    await after.session.wait_ended()
    await asyncio.sleep(0.5)
    assert sum("6 CONNECTION REQUEST" in codes(inform) for inform in acs.informs) == 2


async def test_rate_limit_answers_503_without_retry_after(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    harness = await cpe(rate_limit=RateLimit(burst=3, per_second=0.01))
    await (await acs.wait_for_inform(serial=SERIAL)).session.wait_ended()
    statuses = [
        await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 503, 503]
    async with aiohttp.ClientSession() as client, client.get(harness.cr_url) as response:
        assert response.status == 503
        assert "Retry-After" not in response.headers


async def test_credentials_set_by_the_acs_take_effect(acs: LocalAcs, cpe: HarnessFactory) -> None:
    harness = await cpe()
    await (await acs.wait_for_inform(serial=SERIAL)).session.wait_ended()
    change = acs.queue(
        SERIAL,
        rpc.set_parameter_values(
            [
                ("Device.ManagementServer.ConnectionRequestUsername", "genie", "xsd:string"),
                ("Device.ManagementServer.ConnectionRequestPassword", "n3w", "xsd:string"),
            ]
        ),
    )
    assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 200
    assert (await change.result()).ok
    assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 401
    assert await acs.connection_request(harness.cr_url, "genie", "n3w") == 200


async def test_a_thousand_half_open_connections_neither_stop_nor_block_the_agent(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    harness = await cpe()
    await (await acs.wait_for_inform(serial=SERIAL)).session.wait_ended()
    port = harness.config.connection_request_port
    held: list[asyncio.StreamWriter] = []
    try:
        for number in range(1000):  # 4 from each of 250 loopback hosts, none sends anything
            host = f"127.0.{number // 1000}.{number // 4 + 2}"
            _reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(host, 0))
            held.append(writer)
        saves = harness.store.saves  # type: ignore[attr-defined]
        interval = "Device.ManagementServer.PeriodicInformInterval"
        task = acs.queue(SERIAL, rpc.set_parameter_values([(interval, "777", "xsd:unsignedInt")]))
        assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 200
        assert (await task.result()).status == 0
        await harness.wait_idle()
        assert harness.store.saves > saves  # type: ignore[attr-defined]
        assert harness.agent.status.state_save_error is None
    finally:
        for writer in held:
            writer.close()
