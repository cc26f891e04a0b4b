"""The ACS's envelopes: byte-identical to GenieACS 1.2.16 and valid against the BBF schemas."""

from __future__ import annotations

import pytest

from local_acs import (
    CpeFault,
    ParameterAttribute,
    ParameterInfo,
    ParameterValue,
    SpvFault,
    rpc,
)
from local_acs.soap import (
    CWMP_1_0,
    CWMP_1_1,
    CWMP_1_2,
    EnvelopeError,
    element,
    envelope,
    fault_body,
    normalize_namespace,
    parse_envelope,
)
from local_acs.testing import cpe_envelope, inform_body
from local_acs.validation import SchemaValidator
from tests.shared_material import schema_validator

DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'
OPEN = (
    '<soap-env:Envelope xmlns:soap-enc="http://schemas.xmlsoap.org/soap/encoding/" '
    'xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:cwmp="urn:dslforum-org:cwmp-1-0"><soap-env:Header>'
    '<cwmp:ID soap-env:mustUnderstand="1">{id}</cwmp:ID></soap-env:Header><soap-env:Body>'
)
CLOSE = "</soap-env:Body></soap-env:Envelope>"

# Bodies recorded from GenieACS 1.2.16 (/work/shared/cwmp/genieacs-1.2.16/acs-messages.txt).
GENIEACS = [
    (
        "1a1ffa979460000",
        rpc.get_parameter_names("InternetGatewayDevice.DeviceInfo.", next_level=True),
        "<cwmp:GetParameterNames><ParameterPath>InternetGatewayDevice.DeviceInfo.</ParameterPath>"
        "<NextLevel>1</NextLevel></cwmp:GetParameterNames>",
    ),
    (
        "1a1ffa979460002",
        rpc.get_parameter_values(["InternetGatewayDevice.ManagementServer.PeriodicInformInterval"]),
        '<cwmp:GetParameterValues><ParameterNames soap-enc:arrayType="xsd:string[1]"><string>'
        "InternetGatewayDevice.ManagementServer.PeriodicInformInterval</string></ParameterNames>"
        "</cwmp:GetParameterValues>",
    ),
    (
        "1a1ffa97c2b0000",
        rpc.set_parameter_values(
            [
                ("InternetGatewayDevice.DeviceInfo.ProvisioningCode", "abc"),
                ("InternetGatewayDevice.ManagementServer.PeriodicInformInterval", 60),
            ]
        ),
        '<cwmp:SetParameterValues><ParameterList soap-enc:arrayType="cwmp:ParameterValueStruct[2]">'
        "<ParameterValueStruct><Name>InternetGatewayDevice.DeviceInfo.ProvisioningCode</Name>"
        '<Value xsi:type="xsd:string">abc</Value></ParameterValueStruct><ParameterValueStruct>'
        "<Name>InternetGatewayDevice.ManagementServer.PeriodicInformInterval</Name>"
        '<Value xsi:type="xsd:unsignedInt">60</Value></ParameterValueStruct></ParameterList>'
        "<ParameterKey></ParameterKey></cwmp:SetParameterValues>",
    ),
    (
        "1a1ffabcb580001",
        rpc.add_object("InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection."),
        "<cwmp:AddObject><ObjectName>InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1."
        "WANIPConnection.</ObjectName><ParameterKey></ParameterKey></cwmp:AddObject>",
    ),
    (
        "1a1ffabce120000",
        rpc.delete_object(
            "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.2."
        ),
        "<cwmp:DeleteObject><ObjectName>InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1."
        "WANIPConnection.2.</ObjectName><ParameterKey></ParameterKey></cwmp:DeleteObject>",
    ),
    (
        "1a1ffabd0e50000",
        rpc.download("http://127.0.0.1:7567/smoke.cfg", "3 Vendor Configuration File"),
        "<cwmp:Download><CommandKey>1a1ffabd0e50000</CommandKey><FileType>3 Vendor Configuration "
        "File</FileType><URL>http://127.0.0.1:7567/smoke.cfg</URL><Username></Username><Password>"
        "</Password><FileSize>0</FileSize><TargetFileName></TargetFileName><DelaySeconds>0"
        "</DelaySeconds><SuccessURL></SuccessURL><FailureURL></FailureURL></cwmp:Download>",
    ),
    (
        "1a1ffabd3760000",
        rpc.reboot(),
        "<cwmp:Reboot><CommandKey></CommandKey></cwmp:Reboot>",
    ),
    ("1a1ffabd6030000", rpc.factory_reset(), "<cwmp:FactoryReset></cwmp:FactoryReset>"),
]


@pytest.fixture(scope="module")
def validator() -> SchemaValidator:
    return schema_validator()


@pytest.mark.parametrize(("cwmp_id", "request_", "body"), GENIEACS, ids=lambda v: str(v)[:20])
def test_requests_are_byte_identical_to_genieacs(cwmp_id, request_, body, validator):
    data = request_.render(cwmp_id, CWMP_1_0, None)
    assert data.decode() == DECL + OPEN.format(id=cwmp_id) + body + CLOSE
    assert validator.errors(data) == []


def test_inform_response_is_byte_identical_to_genieacs():
    body = element("cwmp:InformResponse", element("MaxEnvelopes", "1"))
    assert envelope("fc52z7li", body).decode() == (
        DECL
        + OPEN.format(id="fc52z7li")
        + "<cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse>"
        + CLOSE
    )


ALL_REQUESTS = [
    rpc.get_rpc_methods(),
    rpc.get_parameter_values(["Device.DeviceInfo.", "Device.ManagementServer.URL"]),
    rpc.set_parameter_values(
        [
            ("Device.A", True),
            ("Device.B", -5),
            ("Device.C", "x<&>\"'"),
            ("Device.D", "1", "xsd:int"),
        ],
        "key-1",
    ),
    rpc.get_parameter_names("Device.", next_level=False),
    rpc.get_parameter_attributes(["Device.DeviceInfo.SoftwareVersion"]),
    rpc.set_parameter_attributes(
        [
            ("Device.DeviceInfo.SoftwareVersion", 2),
            ("Device.X", 1, ["Subscriber"]),
            {"Name": "Device.Y", "AccessListChange": True, "AccessList": []},
        ]
    ),
    rpc.add_object("Device.IP.Interface.", "pk"),
    rpc.delete_object("Device.IP.Interface.2."),
    rpc.download("http://h/fw.bin", file_size=10, username="u", password="p", delay_seconds=5),
    rpc.upload("http://h/upload/cfg", "1 Vendor Configuration File", command_key="up"),
    rpc.reboot("rb"),
    rpc.factory_reset(),
    rpc.schedule_inform(30, "si"),
    rpc.get_queued_transfers(),
    rpc.get_all_queued_transfers(),
    rpc.cancel_transfer("dl-1"),
    rpc.schedule_download(
        "http://h/fw.bin",
        [{"WindowStart": 0, "WindowEnd": 3600, "WindowMode": "1 At Any Time", "MaxRetries": -1}],
    ),
]
CWMP_1_1_PLUS = {"GetAllQueuedTransfers", "ScheduleDownload", "CancelTransfer"}


@pytest.mark.parametrize("request_", ALL_REQUESTS, ids=lambda r: r.method)
@pytest.mark.parametrize("namespace", [CWMP_1_0, CWMP_1_2])
@pytest.mark.parametrize("hold", [None, True, False])
def test_every_request_is_schema_valid(request_, namespace, hold, validator):
    if namespace == CWMP_1_0 and request_.method in CWMP_1_1_PLUS:
        pytest.skip("not in cwmp-1-0")
    if request_.method == "ScheduleDownload" and namespace != CWMP_1_2:
        pytest.skip("cwmp-1-2 only")
    data = request_.render("1a1ffabd6030001", namespace, hold)
    assert validator.errors(data) == []
    parsed = parse_envelope(data)
    assert parsed.method == request_.method
    assert parsed.namespace == namespace
    assert parsed.hold_requests is hold


@pytest.mark.parametrize("code", [8000, 8001, 8002, 8003, 8004, 8005])
def test_fault_bodies_are_schema_valid(code, validator):
    data = envelope("7", fault_body(code), CWMP_1_1)
    assert validator.errors(data) == []
    fault = parse_envelope(data).fault
    assert fault is not None
    assert fault.code == code
    assert fault.soap_faultcode == ("Client" if code == 8003 else "Server")


def test_command_key_defaults_to_the_request_id():
    body = rpc.download("http://h/x").body("1a2b0000")
    assert "<CommandKey>1a2b0000</CommandKey>" in body
    assert "<CommandKey>mine</CommandKey>" in rpc.upload("u", command_key="mine").body("1")


def test_build_checks_arguments():
    with pytest.raises(ValueError, match="unknown ACS"):
        rpc.RpcRequest.build("ChangeDUState", {})
    with pytest.raises(ValueError, match="no argument"):
        rpc.RpcRequest.build("Reboot", {"CommandKeys": "x"})
    with pytest.raises(ValueError, match="requires ObjectName"):
        rpc.RpcRequest.build("AddObject", {})
    built = rpc.RpcRequest.build("GetParameterNames", {"ParameterPath": "Device."})
    assert built.args == {"ParameterPath": "Device.", "NextLevel": False}


def test_namespace_names():
    assert normalize_namespace("1-2") == CWMP_1_2
    assert normalize_namespace("1.1") == CWMP_1_1
    assert normalize_namespace("cwmp-1-0") == CWMP_1_0
    with pytest.raises(ValueError, match="unsupported"):
        normalize_namespace("1-9")


# ------------------------------------------------------------------ parsing CPE envelopes


def test_parse_inform_with_other_prefixes():
    data = (
        b'<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/" '
        b'xmlns:E="http://schemas.xmlsoap.org/soap/encoding/" '
        b'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        b'xmlns:i="http://www.w3.org/2001/XMLSchema-instance">'
        b'<S:Header><c:ID xmlns:c="urn:dslforum-org:cwmp-1-2" S:mustUnderstand="1">9</c:ID>'
        b'</S:Header><S:Body><c:Inform xmlns:c="urn:dslforum-org:cwmp-1-2">'
        b"<DeviceId><Manufacturer>M</Manufacturer><OUI>00D09E</OUI><ProductClass>P</ProductClass>"
        b"<SerialNumber>S1</SerialNumber></DeviceId>"
        b'<Event E:arrayType="c:EventStruct[1]"><EventStruct><EventCode>0 BOOTSTRAP</EventCode>'
        b"<CommandKey/></EventStruct></Event><MaxEnvelopes>1</MaxEnvelopes>"
        b"<CurrentTime>2026-01-01T00:00:00Z</CurrentTime><RetryCount>3</RetryCount>"
        b'<ParameterList E:arrayType="c:ParameterValueStruct[2]"><ParameterValueStruct>'
        b'<Name>Device.A</Name><Value i:type="xs:unsignedInt">5</Value></ParameterValueStruct>'
        b"<ParameterValueStruct><Name>Device.B</Name><Value>x</Value></ParameterValueStruct>"
        b"</ParameterList></c:Inform></S:Body></S:Envelope>"
    )
    env = parse_envelope(data)
    assert env.method == "Inform"
    assert env.cwmp_id == "9"
    assert env.namespace == CWMP_1_2
    assert env.args["RetryCount"] == 3
    assert env.args["Event"] == [("0 BOOTSTRAP", "")]
    assert env.args["ParameterList"] == [
        ("Device.A", "5", "xsd:unsignedInt"),
        ("Device.B", "x", None),
    ]


def test_parse_responses():
    gpn = parse_envelope(
        cpe_envelope(
            "<cwmp:GetParameterNamesResponse>"
            '<ParameterList soapenc:arrayType="cwmp:ParameterInfoStruct[2]">'
            "<ParameterInfoStruct><Name>Device.A.</Name><Writable>0</Writable></ParameterInfoStruct>"
            "<ParameterInfoStruct><Name>Device.B</Name><Writable>true</Writable>"
            "</ParameterInfoStruct></ParameterList></cwmp:GetParameterNamesResponse>"
        )
    )
    assert gpn.args["ParameterList"] == [
        ParameterInfo("Device.A.", writable=False),
        ParameterInfo("Device.B", writable=True),
    ]
    gpa = parse_envelope(
        cpe_envelope(
            "<cwmp:GetParameterAttributesResponse>"
            '<ParameterList soapenc:arrayType="cwmp:ParameterAttributeStruct[1]">'
            "<ParameterAttributeStruct><Name>Device.A</Name><Notification>2</Notification>"
            '<AccessList soapenc:arrayType="xsd:string[1]"><string>Subscriber</string>'
            "</AccessList></ParameterAttributeStruct></ParameterList>"
            "</cwmp:GetParameterAttributesResponse>"
        )
    )
    assert gpa.args["ParameterList"] == [ParameterAttribute("Device.A", 2, ["Subscriber"])]
    add = parse_envelope(
        cpe_envelope(
            "<cwmp:AddObjectResponse><InstanceNumber>3</InstanceNumber><Status>1</Status>"
            "</cwmp:AddObjectResponse>"
        )
    )
    assert add.args == {"InstanceNumber": 3, "Status": 1}
    assert add.is_response
    empty = parse_envelope(cpe_envelope("<cwmp:RebootResponse/>"))
    assert empty.args == {}


def test_parse_cpe_fault_with_spv_faults():
    env = parse_envelope(
        cpe_envelope(
            "<soapenv:Fault><faultcode>Client</faultcode><faultstring>CWMP fault</faultstring>"
            "<detail><cwmp:Fault><FaultCode>9003</FaultCode><FaultString>Invalid arguments"
            "</FaultString><SetParameterValuesFault><ParameterName>Device.X</ParameterName>"
            "<FaultCode>9005</FaultCode><FaultString>Invalid parameter name</FaultString>"
            "</SetParameterValuesFault></cwmp:Fault></detail></soapenv:Fault>",
            namespace=CWMP_1_1,
        )
    )
    assert env.is_response
    assert env.namespace == CWMP_1_1
    assert env.fault == CpeFault(
        9003, "Invalid arguments", [SpvFault("Device.X", 9005, "Invalid parameter name")]
    )


@pytest.mark.parametrize(
    "data",
    [
        b"<html><body>hi</body></html>",
        b"<soapenv:Envelope xmlns:soapenv='http://schemas.xmlsoap.org/soap/envelope/'>",
        b"<soapenv:Envelope xmlns:soapenv='http://schemas.xmlsoap.org/soap/envelope/'>"
        b"<soapenv:Body/></soapenv:Envelope>",
    ],
)
def test_parse_rejects_non_envelopes(data):
    with pytest.raises(EnvelopeError):
        parse_envelope(data)


def test_parse_does_not_expand_entities():
    data = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        + cpe_envelope(
            "<cwmp:Kicked><Command>&x;</Command><Referer/><Arg/><Next/></cwmp:Kicked>"
        ).split(b"?>", 1)[1]
    )
    env = parse_envelope(data)
    assert "root:" not in str(env.args)


def test_cpe_envelope_helper_is_schema_valid(validator):
    params = [("Device.DeviceInfo.SoftwareVersion", "1.0", "xsd:string")]
    assert validator.errors(cpe_envelope(inform_body(params=params))) == []
    invalid = cpe_envelope(inform_body(oui="00d09e"))
    assert validator.errors(invalid) != []


def test_parameter_value_tuples_compare_with_plain_tuples():
    assert ParameterValue("a", "1", "xsd:int") == ("a", "1", "xsd:int")
