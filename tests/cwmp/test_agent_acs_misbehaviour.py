"""An ACS that refuses CPE requests or sends what a CPE must not accept."""

from __future__ import annotations

import asyncio

import pytest

from local_acs import LocalAcs, rpc
from local_acs.inject import Fault, NotAnAcs
from tests.agent_harness import CR_PASSWORD, CR_USERNAME, SERIAL, AgentHarness
from tr069_cpe.cwmp import rpc as rpc_handlers
from tr069_cpe.cwmp.cpe_requests import RequestDownloadOutcome
from tr069_cpe.cwmp.session import MAX_RESENDS

from .conftest import HarnessFactory

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"


def acs_envelope(body: str) -> bytes:
    return (
        f'<soap-env:Envelope xmlns:soap-env="{SOAP}" xmlns:cwmp="urn:dslforum-org:cwmp-1-0">'
        f'<soap-env:Header><cwmp:ID soap-env:mustUnderstand="1">x1</cwmp:ID></soap-env:Header>'
        f"<soap-env:Body>{body}</soap-env:Body></soap-env:Envelope>"
    ).encode()


async def wake(acs: LocalAcs, harness: AgentHarness) -> None:
    assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 200


@pytest.mark.parametrize(("code", "times"), [(8000, 1), (8005, MAX_RESENDS)])
async def test_a_refused_get_rpc_methods_means_no_acs_methods(
    acs: LocalAcs, cpe: HarnessFactory, code: int, times: int
) -> None:
    acs.inject(Fault(on="GetRPCMethods", code=code), times=times)
    harness = await cpe(run=False)
    # Asked for before the ACS's methods are known, dropped once they are.
    outcome = harness.agent.request_download("3 Vendor Configuration File")
    assert (await harness.agent.run_once()).success
    assert outcome.result() is RequestDownloadOutcome.UNSUPPORTED
    inform = await acs.wait_for_inform(serial=SERIAL)
    assert await inform.session.wait_ended() == "completed"
    assert harness.agent.cpe_requests.acs_methods == []
    assert harness.agent.cpe_requests.downloads == []
    assert harness.agent.status.last_error is None
    with pytest.raises(ValueError, match="does not support RequestDownload"):
        harness.agent.request_download("3 Vendor Configuration File")


async def test_a_fault_instead_of_a_request_ends_the_session(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    harness = await cpe()
    await (await acs.wait_for_inform(serial=SERIAL)).session.wait_ended()
    fault = (
        "<soap-env:Fault><faultcode>Server</faultcode><faultstring>CWMP fault</faultstring>"
        "<detail><cwmp:Fault><FaultCode>8002</FaultCode><FaultString>oops</FaultString>"
        "</cwmp:Fault></detail></soap-env:Fault>"
    )
    acs.queue(SERIAL, rpc.raw_body(acs_envelope(fault)))
    await wake(acs, harness)
    await acs.wait_for_inform(serial=SERIAL, event="6 CONNECTION REQUEST")
    async with asyncio.timeout(5):
        while harness.agent.status.last_error is None:
            await asyncio.sleep(0.01)
    assert "fault outside a request" in harness.agent.status.last_error


async def test_a_response_sent_as_a_request_gets_9003(acs: LocalAcs, cpe: HarnessFactory) -> None:
    harness = await cpe()
    await (await acs.wait_for_inform(serial=SERIAL)).session.wait_ended()
    stray = acs.queue(
        SERIAL, rpc.raw_body(acs_envelope("<cwmp:RebootResponse/>"), "RebootResponse")
    )
    good = acs.queue(SERIAL, rpc.get_rpc_methods())
    await wake(acs, harness)
    assert b"<FaultCode>9003</FaultCode>" in (await stray.result()).raw
    assert b"unexpected RebootResponse" in (await stray.result()).raw
    assert (await good.result()).ok
    assert not harness.agent.restarting


async def test_an_unexpected_error_in_a_handler_is_9002(
    acs: LocalAcs, cpe: HarnessFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_args: object) -> str:
        raise RuntimeError("bug")

    methods = rpc_handlers.RPCS["GetRPCMethods"]
    monkeypatch.setitem(
        rpc_handlers.RPCS, "GetRPCMethods", methods.__class__("GetRPCMethods", broken)
    )
    harness = await cpe()
    await (await acs.wait_for_inform(serial=SERIAL)).session.wait_ended()
    failing = acs.queue(SERIAL, rpc.get_rpc_methods())
    after = acs.queue(SERIAL, rpc.get_parameter_values(["Device.DeviceInfo.UpTime"]))
    await wake(acs, harness)
    result = await failing.result()
    assert result.fault is not None
    assert result.fault.code == 9002
    assert (await after.result()).ok


async def test_a_broken_get_rpc_methods_is_asked_again_and_loses_nothing(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    acs.inject(NotAnAcs(status=500, on="GetRPCMethods"))
    harness = await cpe(run=False)
    harness.agent.request_download("3 Vendor Configuration File")
    assert not (await harness.agent.run_once()).success
    assert harness.agent.cpe_requests.acs_methods is None  # not "the ACS supports nothing"
    assert len(harness.agent.cpe_requests.downloads) == 1
    assert (await harness.agent.run_once()).success
    assert "RequestDownload" in (harness.agent.cpe_requests.acs_methods or [])
    assert (await harness.agent.run_once()).success  # the agent's loop would run it at once
    assert harness.agent.cpe_requests.downloads == []
    assert acs.cpe_requests[-1].method == "RequestDownload"
