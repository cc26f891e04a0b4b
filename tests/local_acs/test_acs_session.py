"""Session flow, driven by a raw client posting hand-written CPE envelopes."""

from __future__ import annotations

import asyncio
import gzip
import re

import pytest

from local_acs import LocalAcs, rpc
from local_acs.soap import CWMP_1_0, CWMP_1_2, parse_envelope
from local_acs.testing import RawCpe, RawResponse, cpe_envelope, inform_body
from tests.shared_material import schema_validator

GPV_RESPONSE = (
    "<cwmp:GetParameterValuesResponse>"
    '<ParameterList soapenc:arrayType="cwmp:ParameterValueStruct[2]">'
    "<ParameterValueStruct><Name>Device.DeviceInfo.UpTime</Name>"
    '<Value xsi:type="xsd:unsignedInt">42</Value></ParameterValueStruct>'
    "<ParameterValueStruct><Name>Device.DeviceInfo.SoftwareVersion</Name>"
    '<Value xsi:type="xsd:string">1.2.3</Value></ParameterValueStruct>'
    "</ParameterList></cwmp:GetParameterValuesResponse>"
)
TRANSFER_COMPLETE = (
    "<cwmp:TransferComplete><CommandKey>dl-1</CommandKey><FaultStruct><FaultCode>0</FaultCode>"
    "<FaultString></FaultString></FaultStruct><StartTime>2026-01-01T00:00:00Z</StartTime>"
    "<CompleteTime>2026-01-01T00:00:05Z</CompleteTime></cwmp:TransferComplete>"
)


def cwmp_id(response: RawResponse) -> str:
    match = re.search(r'<cwmp:ID soap-env:mustUnderstand="1">([^<]*)</cwmp:ID>', response.text)
    assert match, response.text
    return match.group(1)


async def test_full_session(acs: LocalAcs):
    task = acs.queue("SN0001", "GetParameterValues", {"ParameterNames": ["Device.DeviceInfo."]})
    async with RawCpe(acs.url) as cpe:
        informed = await cpe.post(cpe_envelope(inform_body(), "inform-7"))
        assert informed.status == 200
        assert informed.headers["Content-Type"] == 'text/xml; charset="utf-8"'
        assert re.fullmatch(r"session=[0-9a-f]{16}", informed.headers["Set-Cookie"])
        assert cwmp_id(informed) == "inform-7"
        assert "<cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse>" in (
            informed.text
        )

        request = await cpe.post(b"")
        assert request.status == 200
        request_id = cwmp_id(request)
        assert re.fullmatch(r"[0-9a-f]{11}0000", request_id)
        assert parse_envelope(request.body).method == "GetParameterValues"

        done = await cpe.post(cpe_envelope(GPV_RESPONSE, request_id))
        assert done.status == 204
        assert done.headers["Connection"] == "close"
        assert done.body == b""

    result = await task.result(timeout=1)
    assert result.ok
    assert result.id_matched
    assert result.values == {
        "Device.DeviceInfo.UpTime": "42",
        "Device.DeviceInfo.SoftwareVersion": "1.2.3",
    }
    assert result.response["ParameterList"][0] == (
        "Device.DeviceInfo.UpTime",
        "42",
        "xsd:unsignedInt",
    )
    assert task.status == "done"
    assert task.attempts == 1

    session = acs.sessions[0]
    assert session.end_reason == "completed"
    assert session.connection_count == 1
    assert session.cookie_echoed is True
    assert session.methods() == [
        "Inform",
        "InformResponse",
        "empty",
        "GetParameterValues",
        "GetParameterValuesResponse",
        "empty",
    ]
    assert [m.status for m in session.messages if m.direction == "acs"] == [200, 200, 204]
    assert acs.validation_failures == []
    assert acs.protocol_errors == []
    inform = await acs.wait_for_inform(serial="SN0001", event="1 BOOT", timeout=1)
    assert inform.session is session
    assert inform.device_id.oui == "00D09E"


async def test_emitted_envelopes_are_schema_valid(acs: LocalAcs):
    validator = schema_validator()
    for request in [rpc.get_rpc_methods(), rpc.reboot("r"), rpc.factory_reset()]:
        acs.queue("SN0001", request)
    async with RawCpe(acs.url) as cpe:
        await cpe.post(cpe_envelope(inform_body()))
        await cpe.post(cpe_envelope("<cwmp:GetRPCMethods/>", "g1"))
        await cpe.post(cpe_envelope(TRANSFER_COMPLETE, "t1"))
        response = await cpe.post(b"")
        for name in ["GetRPCMethodsResponse", "RebootResponse", "FactoryResetResponse"]:
            body = (
                f'<cwmp:{name}><MethodList soapenc:arrayType="xsd:string[1]">'
                f"<string>Inform</string></MethodList></cwmp:{name}>"
                if name == "GetRPCMethodsResponse"
                else f"<cwmp:{name}/>"
            )
            response = await cpe.post(cpe_envelope(body, cwmp_id(response)))
        assert response.status == 204
    sent = [m.body for m in acs.sessions[0].messages if m.direction == "acs" and m.body]
    assert len(sent) == 6
    for body in sent:
        assert validator.errors(body) == [], body


async def test_cpe_requests_are_answered(acs: LocalAcs):
    async with RawCpe(acs.url) as cpe:
        await cpe.post(cpe_envelope(inform_body(events=[("7 TRANSFER COMPLETE", "")])))
        tc = await cpe.post(cpe_envelope(TRANSFER_COMPLETE, "tc-1"))
        assert cwmp_id(tc) == "tc-1"
        assert "<cwmp:TransferCompleteResponse></cwmp:TransferCompleteResponse>" in tc.text
        methods = parse_envelope((await cpe.post(cpe_envelope("<cwmp:GetRPCMethods/>"))).body)
        assert methods.args["MethodList"] == [
            "Inform",
            "GetRPCMethods",
            "TransferComplete",
            "AutonomousTransferComplete",
            "RequestDownload",
            "Kicked",
        ]
        kicked = await cpe.post(
            cpe_envelope(
                "<cwmp:Kicked><Command>c</Command><Referer>r</Referer><Arg>a</Arg>"
                "<Next>http://next/</Next></cwmp:Kicked>"
            )
        )
        assert parse_envelope(kicked.body).args == {"NextURL": "http://next/"}
        request_download = await cpe.post(
            cpe_envelope(
                "<cwmp:RequestDownload><FileType>1 Firmware Upgrade Image</FileType>"
                '<FileTypeArg soapenc:arrayType="cwmp:ArgStruct[0]"></FileTypeArg>'
                "</cwmp:RequestDownload>"
            )
        )
        assert parse_envelope(request_download.body).method == "RequestDownloadResponse"
        unknown = parse_envelope((await cpe.post(cpe_envelope("<cwmp:Frobnicate/>"))).body)
        assert unknown.fault is not None
        assert (unknown.fault.code, unknown.fault.string) == (8000, "Method not supported")
        assert (await cpe.post(b"")).status == 204

    [tc_record] = acs.transfer_completes
    assert tc_record.command_key == "dl-1"
    assert tc_record.fault == (0, "")
    assert tc_record.serial == "SN0001"
    assert [r.method for r in acs.cpe_requests] == [
        "TransferComplete",
        "GetRPCMethods",
        "Kicked",
        "RequestDownload",
    ]


async def test_cpe_fault_answers_the_outstanding_request(acs: LocalAcs):
    task = acs.queue("SN0001", rpc.set_parameter_values([("Device.X", "1")]))
    follow_up = acs.queue("SN0001", rpc.get_rpc_methods())
    fault = (
        "<soapenv:Fault><faultcode>Client</faultcode><faultstring>CWMP fault</faultstring>"
        "<detail><cwmp:Fault><FaultCode>9003</FaultCode><FaultString>Invalid arguments"
        "</FaultString><SetParameterValuesFault><ParameterName>Device.X</ParameterName>"
        "<FaultCode>9005</FaultCode><FaultString>Invalid parameter name</FaultString>"
        "</SetParameterValuesFault></cwmp:Fault></detail></soapenv:Fault>"
    )
    async with RawCpe(acs.url) as cpe:
        await cpe.post(cpe_envelope(inform_body()))
        spv = await cpe.post(b"")
        gpm = await cpe.post(cpe_envelope(fault, cwmp_id(spv)))
        assert parse_envelope(gpm.body).method == "GetRPCMethods"
    result = await task.result(timeout=1)
    assert not result.ok
    assert result.fault.code == 9003
    assert result.fault.set_parameter_values_faults == [
        ("Device.X", 9005, "Invalid parameter name")
    ]
    assert not follow_up.done()


async def test_session_continues_on_a_new_connection_with_the_cookie(acs: LocalAcs):
    task = acs.queue("SN0001", rpc.reboot())
    async with RawCpe(acs.url) as cpe:
        await cpe.post(cpe_envelope(inform_body()))
        await cpe.new_connection()
        reboot = await cpe.post(b"")
        assert parse_envelope(reboot.body).method == "Reboot"
        assert (
            await cpe.post(cpe_envelope("<cwmp:RebootResponse/>", cwmp_id(reboot)))
        ).status == 204
    assert (await task.result(timeout=1)).ok
    session = acs.sessions[0]
    assert session.connection_count == 2
    assert session.cookie_echoed is True
    assert session.messages[2].connection == 2


async def test_new_connection_without_cookie_is_an_invalid_session(acs: LocalAcs):
    async with RawCpe(acs.url, cookies=False) as cpe:
        await cpe.post(cpe_envelope(inform_body()))
        await cpe.new_connection()
        refused = await cpe.post(b"")
        assert refused.status == 400
        assert refused.text == "Invalid session"
    assert acs.protocol_errors


async def test_cookie_not_echoed_on_the_same_connection_is_recorded(acs: LocalAcs):
    async with RawCpe(acs.url, cookies=False) as cpe:
        await cpe.post(cpe_envelope(inform_body()))
        assert (await cpe.post(b"")).status == 204
    assert acs.sessions[0].cookie_echoed is False
    assert acs.sessions[0].end_reason == "completed"


@pytest.mark.parametrize(
    ("cpe_namespace", "forced", "expected"),
    [
        (CWMP_1_2, None, CWMP_1_2),
        (CWMP_1_0, None, CWMP_1_0),
        (CWMP_1_2, "1-0", CWMP_1_0),
    ],
)
async def test_namespace_of_the_answers(cpe_namespace, forced, expected):
    async with LocalAcs(cwmp_namespace=forced) as acs:
        acs.queue("SN0001", rpc.get_rpc_methods())
        async with RawCpe(acs.url) as cpe:
            informed = await cpe.post(cpe_envelope(inform_body(), namespace=cpe_namespace))
            assert parse_envelope(informed.body).namespace == expected
            request = await cpe.post(b"")
            assert parse_envelope(request.body).namespace == expected


async def test_hold_requests(acs: LocalAcs):
    acs.set_hold_requests("SN0001")
    first = acs.queue("SN0001", rpc.get_rpc_methods())
    acs.queue("SN0001", rpc.get_rpc_methods())
    methods = (
        '<cwmp:GetRPCMethodsResponse><MethodList soapenc:arrayType="xsd:string[0]">'
        "</MethodList></cwmp:GetRPCMethodsResponse>"
    )
    async with RawCpe(acs.url) as cpe:
        informed = await cpe.post(cpe_envelope(inform_body()))
        assert parse_envelope(informed.body).hold_requests is True
        assert '<cwmp:HoldRequests soap-env:mustUnderstand="1">1</cwmp:HoldRequests>' in (
            informed.text
        )
        one = await cpe.post(b"")
        assert parse_envelope(one.body).hold_requests is True
        two = await cpe.post(cpe_envelope(methods, cwmp_id(one)))
        assert parse_envelope(two.body).hold_requests is False
        released = await cpe.post(cpe_envelope(methods, cwmp_id(two)))
        assert released.status == 204
        assert "Connection" not in released.headers
        tc = await cpe.post(cpe_envelope(TRANSFER_COMPLETE, "tc"))
        assert parse_envelope(tc.body).method == "TransferCompleteResponse"
        end = await cpe.post(b"")
        assert end.status == 204
        assert end.headers["Connection"] == "close"
    assert (await first.result(timeout=1)).ok
    assert acs.sessions[0].end_reason == "completed"
    assert acs.protocol_errors == []


async def test_request_while_holding_is_a_protocol_error(acs: LocalAcs):
    acs.set_hold_requests("SN0001")
    async with RawCpe(acs.url) as cpe:
        await cpe.post(cpe_envelope(inform_body()))
        await cpe.post(cpe_envelope(TRANSFER_COMPLETE))
    assert any("HoldRequests" in e for e in acs.protocol_errors)


@pytest.mark.parametrize(
    "body",
    [b"", cpe_envelope("<cwmp:GetRPCMethodsResponse/>"), cpe_envelope(TRANSFER_COMPLETE)],
)
async def test_no_session_without_inform(acs: LocalAcs, body):
    async with RawCpe(acs.url) as cpe:
        response = await cpe.post(body)
    assert response.status == 400
    assert response.headers["Connection"] == "close"


async def test_bad_session_state(acs: LocalAcs):
    async with RawCpe(acs.url) as cpe:
        await cpe.post(cpe_envelope(inform_body()))
        response = await cpe.post(cpe_envelope("<cwmp:GetRPCMethodsResponse/>"))
    assert response.status == 400
    assert response.text == "Bad session state"
    assert acs.sessions[0].end_reason == "bad session state"


async def test_unparsable_body_is_a_client_error(acs: LocalAcs):
    schema_validator()
    async with RawCpe(acs.url) as cpe:
        await cpe.post(cpe_envelope(inform_body()))
        response = await cpe.post(b"<not xml")
    assert response.status == 400
    assert "XML parse error" in response.text
    assert acs.validation_failures


async def test_wait_for_inform_consumes_in_order(acs: LocalAcs):
    waiter = asyncio.create_task(acs.wait_for_inform(serial="SN2", event="2 PERIODIC"))
    for serial, event in [("SN1", "1 BOOT"), ("SN2", "1 BOOT"), ("SN2", "2 PERIODIC")]:
        async with RawCpe(acs.url) as cpe:
            await cpe.post(cpe_envelope(inform_body(serial, events=[(event, "")])))
            await cpe.post(b"")
    inform = await waiter
    assert (inform.serial, inform.event_codes) == ("SN2", ["2 PERIODIC"])
    first = await acs.wait_for_inform(timeout=0.1)
    assert first.serial == "SN1"
    assert (await acs.wait_for_inform(timeout=0.1)).event_codes == ["1 BOOT"]
    with pytest.raises(TimeoutError, match="informs so far"):
        await acs.wait_for_inform(timeout=0.05)


async def test_schema_failures_are_recorded_and_strict_refuses_them():
    schema_validator()
    bad = cpe_envelope(inform_body(oui="00d09e"))
    async with LocalAcs() as lenient:
        async with RawCpe(lenient.url) as cpe:
            assert (await cpe.post(bad)).status == 200
        [(description, raw, errors)] = lenient.validation_failures
        assert "Inform" in description
        assert raw == bad
        assert any("OUI" in e for e in errors)
    async with LocalAcs(strict=True) as strict:
        async with RawCpe(strict.url) as cpe:
            refused = await cpe.post(bad)
        assert refused.status == 400
        assert "schema validation failed" in refused.text
        assert strict.informs == []


async def test_outstanding_request_is_retried_in_the_next_session(acs: LocalAcs):
    task = acs.queue("SN0001", rpc.reboot())
    async with RawCpe(acs.url) as cpe:
        await cpe.post(cpe_envelope(inform_body()))
        await cpe.post(b"")
    async with RawCpe(acs.url) as cpe:
        await cpe.post(cpe_envelope(inform_body(events=[("1 BOOT", "")])))
        assert acs.sessions[0].end_reason == "superseded"
        reboot = await cpe.post(b"")
        await cpe.post(cpe_envelope("<cwmp:RebootResponse/>", cwmp_id(reboot)))
    assert (await task.result(timeout=1)).ok
    assert task.attempts == 2


async def test_session_timeout():
    async with LocalAcs(session_timeout=0.2) as acs, RawCpe(acs.url) as cpe:
        await cpe.post(cpe_envelope(inform_body()))
        assert await acs.sessions[0].wait_ended(timeout=2) == "timeout"
        assert (await cpe.post(b"")).status == 400


async def test_raw_requests_and_inform_hook(acs: LocalAcs):
    raw = acs.queue("SN0001", rpc.raw_body(b"<garbage/>"))

    def on_inform(inform):
        acs.queue(
            inform.serial, rpc.raw("GetRPCMethods", "<cwmp:GetRPCMethods></cwmp:GetRPCMethods>")
        )

    acs.add_inform_hook(on_inform)
    async with RawCpe(acs.url) as cpe:
        await cpe.post(cpe_envelope(inform_body()))
        garbage = await cpe.post(b"")
        assert garbage.body == b"<garbage/>"
        fault = (
            "<soapenv:Fault><faultcode>Client</faultcode><faultstring>CWMP fault</faultstring>"
            "<detail><cwmp:Fault><FaultCode>9000</FaultCode><FaultString>Method not supported"
            "</FaultString></cwmp:Fault></detail></soapenv:Fault>"
        )
        hooked = await cpe.post(cpe_envelope(fault, "whatever"))
        assert parse_envelope(hooked.body).method == "GetRPCMethods"
    result = await raw.result(timeout=1)
    assert result.fault.code == 9000
    assert result.id_matched


async def test_wrong_response_and_id_are_protocol_errors(acs: LocalAcs):
    task = acs.queue("SN0001", rpc.reboot())
    async with RawCpe(acs.url) as cpe:
        await cpe.post(cpe_envelope(inform_body()))
        await cpe.post(b"")
        await cpe.post(cpe_envelope("<cwmp:FactoryResetResponse/>", "not-the-id"))
    result = await task.result(timeout=1)
    assert not result.ok
    assert not result.id_matched
    assert len(acs.protocol_errors) == 2


async def test_gzip_body_and_namespace_switch(acs: LocalAcs):
    async with RawCpe(acs.url) as cpe:
        informed = await cpe.post(
            gzip.compress(cpe_envelope(inform_body())), headers={"Content-Encoding": "gzip"}
        )
        assert informed.status == 200
        await cpe.post(cpe_envelope("<cwmp:GetRPCMethods/>", namespace=CWMP_1_2))
    assert acs.informs[0].serial == "SN0001"
    assert acs.protocol_errors == [
        f"session {acs.sessions[0].id} (SN0001): GetRPCMethods uses {CWMP_1_2}, "
        f"the Inform used {CWMP_1_0}"
    ]


async def test_hold_requests_without_rpcs_ends_when_the_cpe_hangs_up(acs: LocalAcs):
    acs.set_hold_requests("SN0001")
    async with RawCpe(acs.url) as cpe:
        await cpe.post(cpe_envelope(inform_body()))
        released = await cpe.post(b"")
        assert released.status == 204
        assert "Connection" not in released.headers
        assert not acs.sessions[0].ended
    assert await acs.sessions[0].wait_ended(timeout=2) == "completed"
