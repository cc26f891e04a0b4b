"""UDP Connection Requests with STUN (TR-069 Annex G, TR-111) against real STUN servers."""

from __future__ import annotations

import asyncio
import logging
import socket
import time

import pytest

from local_acs import LocalAcs, rpc, udp_connreq
from local_acs.stun import StunServer
from tests.agent_harness import CR_PASSWORD, CR_USERNAME, SERIAL, HarnessFactory
from tests.servers.coturn import CoturnStun
from tr069_cpe.cwmp.config import StunSettings
from tr069_cpe.cwmp.wakeup import WakeUpState

MS = "Device.ManagementServer."


def stun_settings(server: tuple[str, int], **overrides: object) -> StunSettings:
    values: dict[str, object] = {"enable": True, "server": server[0], "port": server[1]}
    values.update(overrides)
    return StunSettings(**values)  # type: ignore[arg-type]


def sessions_woken(acs: LocalAcs) -> int:
    return sum("6 CONNECTION REQUEST" in inform.event_codes for inform in acs.informs)


async def test_the_binding_is_learnt_and_a_udp_request_brings_one_session(
    acs: LocalAcs, cpe: HarnessFactory, stun_server: StunServer
) -> None:
    harness = await cpe(stun=stun_settings(stun_server.address))
    await acs.wait_for_inform(event="1 BOOT")
    status = await harness.wake_up_status("UDP", WakeUpState.CONNECTED)
    request = stun_server.requests[0]
    assert request.connection_request_binding
    assert not request.binding_change
    assert request.username == ""
    address = harness.value(f"{MS}UDPConnectionRequestAddress")
    assert address == status.address == f"127.0.0.1:{request.source[1]}"
    assert harness.value(f"{MS}NATDetected") is False
    assert harness.value(f"{MS}SupportedConnReqMethods") == "HTTP,STUN"

    record = udp_connreq.send(stun_server.send, str(address), CR_USERNAME, CR_PASSWORD)
    assert record.message.count(b"&sig=") == 1
    async with asyncio.timeout(4):
        await acs.wait_for_inform(event="6 CONNECTION REQUEST")
    await harness.wait_idle()
    assert sessions_woken(acs) == 1


async def test_wrong_replayed_and_stale_requests_bring_no_session(
    acs: LocalAcs, cpe: HarnessFactory, stun_server: StunServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    harness = await cpe(stun=stun_settings(stun_server.address))
    await harness.wake_up_status("UDP", WakeUpState.CONNECTED)
    address = str(harness.value(f"{MS}UDPConnectionRequestAddress"))
    target = udp_connreq.split_address(address)
    udp_connreq.send(stun_server.send, address, CR_USERNAME, "wrong password")
    udp_connreq.send(stun_server.send, address, "someone", CR_PASSWORD)
    stale, _ = udp_connreq.message(address, CR_USERNAME, CR_PASSWORD, now=time.time() - 3600)
    stun_server.send(stale, target)
    for junk in (b"", b"GET / HTTP/1.1\r\n\r\n", b"\xff" * 3000, b"POST http://x?ts=1 HTTP/1.1"):
        stun_server.send(junk, target)
    valid = udp_connreq.send(stun_server.send, address, CR_USERNAME, CR_PASSWORD)
    await acs.wait_for_inform(event="6 CONNECTION REQUEST")
    await harness.wait_idle()
    # The same datagram again, later: a replay.
    stun_server.send(valid.message, target)
    older, _ = udp_connreq.message(address, CR_USERNAME, CR_PASSWORD, now=time.time() - 5)
    stun_server.send(older, target)
    # A fresh request proves the others were read (and ignored) before it.
    udp_connreq.send(stun_server.send, address, CR_USERNAME, CR_PASSWORD)
    await acs.wait_for_inform(event="6 CONNECTION REQUEST")
    await harness.wait_idle()
    assert sessions_woken(acs) == 2
    # Quiet under attack: one line for the source, the other refusals only counted.
    refusals = [line for line in caplog.messages if "UDP Connection Request from" in line]
    assert refusals == ["UDP Connection Request from 127.0.0.1 refused: wrong credentials"]


async def test_stun_credentials_sign_the_binding_requests(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    server = StunServer(credentials={"gateway": "stun-secret"})
    address = await server.start()
    try:
        harness = await cpe(stun=stun_settings(address, username="gateway", password="stun-secret"))
        await harness.wake_up_status("UDP", WakeUpState.CONNECTED)
        assert server.requests[0].integrity is True
        assert server.bindings["gateway"] == server.requests[0].source
        # A wrong password: the server refuses with 401, the method says so.
        harness.agent.datamodel.set_many_local({f"{MS}STUNPassword": "wrong"})
        status = await harness.wake_up_status("UDP", WakeUpState.ERROR)
        assert "401" in status.detail
    finally:
        server.close()


async def test_the_acs_enables_and_disables_stun_at_runtime(
    acs: LocalAcs, cpe: HarnessFactory, stun_server: StunServer
) -> None:
    harness = await cpe()
    await acs.wait_for_inform(event="1 BOOT")
    assert harness.value(f"{MS}UDPConnectionRequestAddress") == ""
    task = acs.queue(
        SERIAL,
        rpc.set_parameter_values(
            [
                (f"{MS}STUNServerAddress", stun_server.address[0], "xsd:string"),
                (f"{MS}STUNServerPort", str(stun_server.address[1]), "xsd:unsignedInt"),
                (f"{MS}STUNMaximumKeepAlivePeriod", "1", "xsd:int"),
                (f"{MS}STUNEnable", "true", "xsd:boolean"),
            ],
            "stun",
        ),
    )
    assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 200
    assert (await task.result(10)).ok
    await harness.wake_up_status("UDP", WakeUpState.CONNECTED)
    # Keep-alives follow STUNMaximumKeepAlivePeriod, from the same port.
    first = await stun_server.next_request()
    second = await stun_server.next_request()
    assert first.source == second.source
    off = acs.queue(
        SERIAL,
        rpc.set_parameter_values([(f"{MS}STUNEnable", "false", "xsd:boolean")], "off"),
    )
    assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 200
    assert (await off.result(10)).ok
    await harness.wake_up_status("UDP", WakeUpState.DISABLED)
    assert harness.value(f"{MS}UDPConnectionRequestAddress") == ""
    assert harness.value(f"{MS}SupportedConnReqMethods") == "HTTP"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(first.source)  # the port was released


async def test_coturn_agrees_on_the_binding(
    acs: LocalAcs, cpe: HarnessFactory, coturn: CoturnStun
) -> None:
    harness = await cpe(stun=stun_settings((coturn.host, coturn.port)))
    status = await harness.wake_up_status("UDP", WakeUpState.CONNECTED)
    host, _, port = status.address.rpartition(":")
    assert host == "127.0.0.1"
    udp = next(m for m in harness.agent._wake_up_methods if m.name == "UDP")
    assert udp.local_port == int(port)  # type: ignore[attr-defined]
    for _ in range(500):
        if coturn.bindings_logged():
            break
        await asyncio.sleep(0.01)
    assert coturn.bindings_logged() >= 1, coturn.logs()


async def test_an_unanswered_stun_server_is_an_error(acs: LocalAcs, cpe: HarnessFactory) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))
        harness = await cpe(stun=stun_settings(silent.getsockname()))
        status = await harness.wake_up_status("UDP", WakeUpState.ERROR)
    assert "no answer" in status.detail
