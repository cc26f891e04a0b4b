"""Injected misbehaviours."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from local_acs import LocalAcs, inject, rpc
from local_acs.soap import parse_envelope
from local_acs.testing import RawCpe, cpe_envelope, inform_body

INFORM = cpe_envelope(inform_body(), "inf-1")
TRANSFER_COMPLETE = cpe_envelope(
    "<cwmp:TransferComplete><CommandKey>k</CommandKey><FaultStruct><FaultCode>0</FaultCode>"
    "<FaultString></FaultString></FaultStruct><StartTime>2026-01-01T00:00:00Z</StartTime>"
    "<CompleteTime>2026-01-01T00:00:01Z</CompleteTime></cwmp:TransferComplete>",
    "tc-1",
)


async def test_service_unavailable(acs: LocalAcs):
    acs.inject("503", retry_after=7)
    async with RawCpe(acs.url) as cpe:
        busy = await cpe.post(INFORM)
        assert busy.status == 503
        assert busy.headers["Retry-After"] == "7"
        assert busy.headers["Connection"] == "close"
        assert (await cpe.post(INFORM)).status == 200
    assert acs.sessions[0].end_reason == "injected ServiceUnavailable"
    assert len(acs.informs) == 1
    assert acs.pending_behaviours == []


async def test_drop_connection(acs: LocalAcs):
    acs.inject(inject.DropConnection(on="empty"))
    task = acs.queue("SN0001", rpc.reboot())
    async with RawCpe(acs.url) as cpe:
        assert (await cpe.post(INFORM)).status == 200
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await cpe.post(b"")
    assert acs.sessions[0].end_reason == "injected DropConnection"
    assert task.status == "queued"


async def test_delay(acs: LocalAcs):
    acs.inject("delay", seconds=0.3)
    async with RawCpe(acs.url) as cpe:
        started = time.monotonic()
        assert (await cpe.post(INFORM)).status == 200
        assert time.monotonic() - started >= 0.3


async def test_delay_past_the_cpe_timeout(acs: LocalAcs):
    acs.inject(inject.Delay(5))
    async with aiohttp.ClientSession() as client:
        with pytest.raises(TimeoutError):
            await client.post(acs.url, data=INFORM, timeout=aiohttp.ClientTimeout(total=0.2))
    await asyncio.sleep(0)
    assert acs.informs == []


async def test_unauthorized_regardless(acs: LocalAcs):
    acs.inject(inject.Unauthorized(scheme="basic"))
    async with RawCpe(acs.url) as cpe:
        refused = await cpe.post(INFORM)
        assert refused.status == 401
        assert refused.headers["WWW-Authenticate"] == 'Basic realm="GenieACS"'
        assert (await cpe.post(INFORM)).status == 200


async def test_retry_fault_to_the_cpe_request(acs: LocalAcs):
    acs.inject("fault")
    async with RawCpe(acs.url) as cpe:
        informed = await cpe.post(cpe_envelope(inform_body(events=[("7 TRANSFER COMPLETE", "")])))
        assert parse_envelope(informed.body).method == "InformResponse"
        retry = parse_envelope((await cpe.post(TRANSFER_COMPLETE)).body)
        assert retry.cwmp_id == "tc-1"
        assert retry.fault is not None
        assert (retry.fault.code, retry.fault.string) == (8005, "Retry request")
        assert acs.transfer_completes == []
        again = parse_envelope((await cpe.post(TRANSFER_COMPLETE)).body)
        assert again.method == "TransferCompleteResponse"
        assert (await cpe.post(b"")).status == 204
    assert len(acs.transfer_completes) == 1


async def test_inform_fault(acs: LocalAcs):
    acs.inject("inform_fault", code=8004)
    async with RawCpe(acs.url) as cpe:
        # The fault only applies to an Inform, not to the empty POST before it.
        assert (await cpe.post(b"")).status == 400
        fault = parse_envelope((await cpe.post(INFORM)).body).fault
        assert fault is not None
        assert fault.code == 8004
        assert acs.informs == []
        assert (await cpe.post(INFORM)).status == 200
    assert len(acs.informs) == 1


async def test_redirect_to_another_acs(acs: LocalAcs):
    async with LocalAcs() as other:
        acs.inject("redirect", location=other.url, status=302)
        async with RawCpe(acs.url) as cpe:
            moved = await cpe.post(INFORM)
        assert moved.status == 302
        assert moved.headers["Location"] == other.url
        async with RawCpe(moved.headers["Location"]) as cpe:
            assert (await cpe.post(INFORM)).status == 200
        assert len(other.informs) == 1
        assert acs.informs == []


async def test_not_an_acs(acs: LocalAcs):
    acs.inject(inject.NotAnAcs())
    async with RawCpe(acs.url) as cpe:
        page = await cpe.post(INFORM)
    assert page.status == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "<html>" in page.text


async def test_behaviours_apply_in_order_and_times(acs: LocalAcs):
    acs.inject("503", times=2, retry_after=None)
    async with RawCpe(acs.url) as cpe:
        first = await cpe.post(INFORM)
        assert "Retry-After" not in first.headers
        assert (await cpe.post(INFORM)).status == 503
        assert (await cpe.post(INFORM)).status == 200


def test_unknown_behaviour():
    state = LocalAcs()
    with pytest.raises(ValueError, match="unknown behaviour"):
        state.inject("explode")
    with pytest.raises(TypeError):
        state.inject(inject.DropConnection(), seconds=1)
