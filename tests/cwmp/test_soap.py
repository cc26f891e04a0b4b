"""The SOAP codec: what real ACSes send, and what the CPE emits."""

from __future__ import annotations

import pytest

from tr069_cpe.cwmp.faults import CwmpFault, FaultCode, ParameterFault
from tr069_cpe.cwmp.soap import (
    SoapError,
    array,
    decode,
    encode,
    fault_body,
)
from tr069_cpe.cwmp.versions import CWMP_1_0, CWMP_1_1, CWMP_1_2
from tr069_cpe.cwmp.xml import children, text_of


def envelope(
    body: str,
    *,
    prefix: str = "soap-env",
    namespace: str = CWMP_1_0,
    header: str = '<cwmp:ID {p}:mustUnderstand="1">42</cwmp:ID>',
) -> bytes:
    header = header.format(p=prefix)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<{prefix}:Envelope xmlns:{prefix}="http://schemas.xmlsoap.org/soap/envelope/"'
        f' xmlns:soap-enc="http://schemas.xmlsoap.org/soap/encoding/"'
        f' xmlns:xsd="http://www.w3.org/2001/XMLSchema"'
        f' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:cwmp="{namespace}">\n'
        f"  <{prefix}:Header>{header}</{prefix}:Header>\n"
        f"  <{prefix}:Body>\n    {body}\n  </{prefix}:Body>\n"
        f"</{prefix}:Envelope>"
    ).encode()


GPV = (
    '<cwmp:GetParameterValues><ParameterNames soap-enc:arrayType="xsd:string[2]">'
    "<string>Device.DeviceInfo.</string>\n <string>Device.ManagementServer.URL</string>"
    "</ParameterNames></cwmp:GetParameterValues>"
)


@pytest.mark.parametrize("prefix", ["soap-env", "SOAP-ENV", "soapenv", "s"])
@pytest.mark.parametrize("namespace", [CWMP_1_0, CWMP_1_1, CWMP_1_2])
def test_decode_any_prefix_and_namespace(prefix: str, namespace: str) -> None:
    message = decode(envelope(GPV, prefix=prefix, namespace=namespace))
    assert message.namespace == namespace
    assert message.request_id == "42"
    assert message.method == "GetParameterValues"
    names = children(message.body["ParameterNames"], "string")  # type: ignore[index]
    assert [text_of(name) for name in names] == [
        "Device.DeviceInfo.",
        "Device.ManagementServer.URL",
    ]


def test_decode_without_header_and_with_hold_requests() -> None:
    plain = decode(envelope("<cwmp:GetRPCMethods/>", header=""))
    assert plain.request_id is None
    assert plain.hold_requests is None
    held = decode(
        envelope(
            "<cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse>",
            header='<cwmp:ID soap-env:mustUnderstand="1">1</cwmp:ID>'
            '<cwmp:HoldRequests soap-env:mustUnderstand="1">true</cwmp:HoldRequests>',
        )
    )
    assert held.hold_requests is True


def test_unknown_must_understand_header_is_reported() -> None:
    message = decode(
        envelope(
            "<cwmp:GetRPCMethods/>",
            header='<x:Secret xmlns:x="urn:example" soap-env:mustUnderstand="1">1</x:Secret>'
            '<y:Ignored xmlns:y="urn:example" soap-env:mustUnderstand="0">1</y:Ignored>',
        )
    )
    assert message.not_understood == ("urn:example|Secret",)


def test_decode_soap_fault_with_cwmp_detail() -> None:
    message = decode(
        envelope(
            "<soap-env:Fault><faultcode>Server</faultcode><faultstring>CWMP fault</faultstring>"
            "<detail><cwmp:Fault><FaultCode>8005</FaultCode><FaultString>Retry request"
            "</FaultString></cwmp:Fault></detail></soap-env:Fault>"
        )
    )
    assert message.method == "Fault"
    assert message.fault is not None
    assert (message.fault.code, message.fault.message) == (8005, "Retry request")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "malformed"),
        (b"<html><body>Hello</body></html>", "not a SOAP"),
        (b"<soap:Envelope xmlns:soap='http://schemas.xmlsoap.org/soap/envelope/'>", "malformed"),
        (envelope("").replace(b"<soap-env:Body>\n    \n  </soap-env:Body>", b""), "missing"),
        (envelope(""), "empty"),
        (envelope("<cwmp:A/><cwmp:B/>"), "exactly one"),
        (envelope('<x:Foo xmlns:x="urn:other"/>'), "unknown namespace"),
        (envelope("<cwmp:A/>", namespace="urn:dslforum-org:cwmp-1-3"), "unknown namespace"),
    ],
)
def test_decode_rejects_what_is_not_cwmp(data: bytes, reason: str) -> None:
    with pytest.raises(SoapError, match=reason):
        decode(data)


def test_doctype_and_entities_are_refused() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b"<lolz>&lol2;</lolz>"
    )
    with pytest.raises(SoapError, match="DOCTYPE"):
        decode(laughs)
    external = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
    )
    with pytest.raises(SoapError, match="DOCTYPE"):
        decode(external)


def test_size_limit() -> None:
    big = envelope("<cwmp:GetRPCMethods/>" + " " * 2000)
    with pytest.raises(SoapError, match="exceeds the limit"):
        decode(big, max_size=1000)
    assert decode(big, max_size=len(big)).method == "GetRPCMethods"


def test_mixed_namespaces_are_refused() -> None:
    data = envelope("<c2:GetRPCMethods xmlns:c2='urn:dslforum-org:cwmp-1-2'/>")
    with pytest.raises(SoapError, match="mixes"):
        decode(data)


def test_encode_echoes_id_with_must_understand_and_escapes() -> None:
    data = encode(CWMP_1_2, "<cwmp:GetRPCMethodsResponse/>", request_id='a<b&"c')
    text = data.decode()
    assert 'xmlns:cwmp="urn:dslforum-org:cwmp-1-2"' in text
    assert '<cwmp:ID soap-env:mustUnderstand="1">a&lt;b&amp;&quot;c</cwmp:ID>' in text
    assert decode(data).request_id == 'a<b&"c'


def test_encode_never_invents_a_namespace() -> None:
    with pytest.raises(ValueError, match="not a CWMP namespace"):
        encode("urn:dslforum-org:cwmp-1-4", "<cwmp:InformResponse/>")


def test_array_counts_items() -> None:
    assert array("MethodList", "xsd:string", ["<string>a</string>"] * 3) == (
        '<MethodList soap-enc:arrayType="xsd:string[3]">'
        + "<string>a</string>" * 3
        + "</MethodList>"
    )


def test_fault_body_lists_parameter_faults() -> None:
    fault = CwmpFault(
        FaultCode.INVALID_ARGUMENTS,
        parameter_faults=(ParameterFault("Device.X", FaultCode.INVALID_PARAMETER_NAME),),
    )
    body = fault_body(fault, CWMP_1_0)
    assert "<faultcode>Client</faultcode>" in body
    assert "<FaultCode>9003</FaultCode><FaultString>Invalid arguments</FaultString>" in body
    assert "<ParameterName>Device.X</ParameterName><FaultCode>9005</FaultCode>" in body
    internal = fault_body(CwmpFault(FaultCode.INTERNAL_ERROR), CWMP_1_0)
    assert "<faultcode>Server</faultcode>" in internal


def test_control_characters_never_break_an_envelope() -> None:
    data = encode(CWMP_1_0, "<cwmp:X/>", request_id="a\x00b\x1fc")
    assert decode(data).request_id == "a\ufffdb\ufffdc"
