"""GenieACS 1.2.16's own bytes as test vectors, fed to a real agent rooted at ``InternetGatewayDevice.``.

Four levels of proof, all on the exact bytes GenieACS sent a TR-098 CPE:

1. the recording itself is what its README says (sections, lengths, one namespace);
2. the agent's codec decodes every envelope: method, ``cwmp:ID`` and arguments agree with
   an independent parse (stdlib ElementTree) and with hand-read values;
3. every ACS request goes through ``rpc.dispatch`` of a set-up agent; the answer is
   schema-valid, echoes GenieACS's ``cwmp:ID``, and is the right fault (9005 where our data
   model lacks the path, as GenieACS expects for "does not exist") or the right response;
4. whole sessions: GenieACS's recorded HTTP answers (InformResponse, TransferCompleteResponse,
   requests, 204) are served in order to the agent's session engine, and the requests are
   replayed verbatim over HTTP to a running agent through the local ACS.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
import errno
import functools
import re
from typing import Any
from xml.etree import ElementTree

from aiohttp import web
import pytest

from local_acs import LocalAcs, SchemaValidator, rpc
from local_acs.soap import parse_envelope
from tests.agent_harness import (
    CR_PASSWORD,
    CR_USERNAME,
    IDENTITY,
    SERIAL,
    AgentHarness,
    agent_config,
)
from tr069_cpe.cwmp.agent import CpeAgent
from tr069_cpe.cwmp.datamodel import RootObject
from tr069_cpe.cwmp.events import Event
from tr069_cpe.cwmp.rpc import dispatch
from tr069_cpe.cwmp.rpc.inform import DeviceId, inform_body
from tr069_cpe.cwmp.rpc.transfer_complete import transfer_complete_body
from tr069_cpe.cwmp.session import CpeRequest, CwmpSession
from tr069_cpe.cwmp.soap import Envelope, decode, encode
from tr069_cpe.cwmp.transfers import Transfer
from tr069_cpe.cwmp.transfers.model import TransferState
from tr069_cpe.cwmp.transport import AcsReply
from tr069_cpe.cwmp.versions import CWMP_1_0
from tr069_cpe.cwmp.xml import children, text_of
from tr069_cpe.meters.gateway import MeterGateway
from tr069_cpe.meters.table import meter_extension

from . import genieacs
from .genieacs import GenieSession, Section

IGD = "InternetGatewayDevice."
DI = f"{IGD}DeviceInfo."
MS = f"{IGD}ManagementServer."
METER_COUNT = f"{IGD}X_{IDENTITY.oui}_MeterNumberOfEntries"
METERS = f"{IGD}X_{IDENTITY.oui}_Meter."
SOAP_ENV = "{http://schemas.xmlsoap.org/soap/envelope/}"
SOAP_ENC = "{http://schemas.xmlsoap.org/soap/encoding/}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
VALIDATOR = SchemaValidator()

DEVICE_INFO = [
    "SpecVersion",  # TR-098 only, forced inform
    "Manufacturer",
    "ManufacturerOUI",
    "ModelName",
    "Description",
    "ProductClass",
    "SerialNumber",
    "HardwareVersion",
    "SoftwareVersion",
    "ProvisioningCode",
    "UpTime",
]
# TR-098 access of ManagementServer parameters (W = writable).
MANAGEMENT_SERVER_ACCESS = {
    "URL": True,
    "Username": True,
    "Password": True,
    "PeriodicInformEnable": True,
    "PeriodicInformInterval": True,
    "PeriodicInformTime": True,
    "ParameterKey": False,
    "ConnectionRequestURL": False,
    "ConnectionRequestUsername": True,
    "ConnectionRequestPassword": True,
    "UpgradesManaged": True,
}

#: Requests for paths our data model does not have: GenieACS reads 9005 as "does not exist".
#: SetParameterValues (#29) is 9003 carrying a SetParameterValuesFault 9005.
FAULTS: dict[int, int] = {
    **dict.fromkeys((16, 17, 18, 19, 98, 99, 100, 101), 9005),  # LANDevice, X_HUAWEI_*
    **dict.fromkeys((23, 24, 25, 26, 28, 30, 105, 107), 9005),  # WANIPConnection reads
    **dict.fromkeys((27, 106), 9005),  # AddObject WANIPConnection.
    **dict.fromkeys((34, 111), 9005),  # DeleteObject WANIPConnection.2.
    29: 9003,
}

#: Arguments read by hand from the recording (wire text, as GenieACS wrote it).
HAND_READ: dict[int, dict[str, Any]] = {
    1: {"MaxEnvelopes": "1"},
    5: {"ParameterPath": DI, "NextLevel": "1"},
    6: {"ParameterPath": MS, "NextLevel": "0"},
    7: {"ParameterNames": [f"{MS}PeriodicInformInterval"]},
    11: {
        "ParameterList": [
            (f"{DI}ProvisioningCode", "abc", "xsd:string"),
            (f"{MS}PeriodicInformInterval", "60", "xsd:unsignedInt"),
        ],
        "ParameterKey": "",
    },
    15: {"ParameterPath": IGD, "NextLevel": "1"},
    27: {
        "ObjectName": f"{IGD}WANDevice.1.WANConnectionDevice.1.WANIPConnection.",
        "ParameterKey": "",
    },
    29: {
        "ParameterList": [
            (
                f"{IGD}WANDevice.1.WANConnectionDevice.1.WANIPConnection.2.Enable",
                "true",
                "xsd:boolean",
            )
        ],
        "ParameterKey": "",
    },
    34: {
        "ObjectName": f"{IGD}WANDevice.1.WANConnectionDevice.1.WANIPConnection.2.",
        "ParameterKey": "",
    },
    38: {
        "CommandKey": "1a1ffa9ac750000",
        "FileType": "3 Vendor Configuration File",
        "URL": "http://127.0.0.1:7567/cfg-v1.txt",
        "Username": "",
        "Password": "",
        "FileSize": "0",
        "TargetFileName": "",
        "DelaySeconds": "0",
        "SuccessURL": "",
        "FailureURL": "",
    },
    42: {},
    48: {"CommandKey": ""},
    52: {},
    93: {
        "ParameterList": [(f"{MS}PeriodicInformInterval", "300", "xsd:unsignedInt")],
        "ParameterKey": "",
    },
}
HAND_READ_IDS = {1: "fc52z7li", 5: "1a1ffa979460000", 38: "1a1ffa9ac750000", 52: "1a1ffa9e6590000"}


# ---------------------------------------------------------------------- helpers
def reference_arguments(body: bytes) -> dict[str, Any]:
    """The RPC's arguments read with ElementTree (independent of the agent's codec)."""
    root = ElementTree.fromstring(body)
    soap_body = root.find(f"{SOAP_ENV}Body")
    assert soap_body is not None
    (method,) = list(soap_body)
    arguments: dict[str, Any] = {}
    for argument in method:
        array_type = argument.get(f"{SOAP_ENC}arrayType")
        if array_type is not None:
            # GenieACS's counts are exact: [n] is the number of items.
            assert array_type.endswith(f"[{len(argument)}]"), array_type
        if argument.tag == "ParameterNames":
            arguments[argument.tag] = [item.text or "" for item in argument]
        elif argument.tag == "ParameterList":
            arguments[argument.tag] = [
                (
                    struct.findtext("Name"),
                    struct.findtext("Value") or "",
                    struct.find("Value").get(XSI_TYPE),  # type: ignore[union-attr]
                )
                for struct in argument
            ]
        else:
            assert len(argument) == 0, argument.tag
            arguments[argument.tag] = argument.text or ""
    return arguments


def agent_arguments(envelope: Envelope) -> dict[str, Any]:
    """The same arguments as the agent's codec gives them to the RPC handlers."""
    body = envelope.body
    if body is None:
        return {}
    assert isinstance(body, dict)
    arguments: dict[str, Any] = {}
    for name, value in body.items():
        if name.startswith(("@", "#")):
            continue
        if name == "ParameterNames":
            arguments[name] = [text_of(item) for item in children(value, "string")]
        elif name == "ParameterList":
            arguments[name] = [
                (text_of(s["Name"]), text_of(s["Value"]), s["Value"].get("@xsi|type"))
                for s in children(value, "ParameterValueStruct")
            ]
        else:
            arguments[name] = text_of(value)
    return arguments


def assert_schema_valid(envelope: bytes) -> None:
    if VALIDATOR.available:
        assert VALIDATOR.errors(envelope) == [], envelope


def igd_harness(
    url: str = "http://127.0.0.1:9/", prepare: Callable[[CpeAgent], object] = MeterGateway
) -> AgentHarness:
    """A TR-098 agent (``InternetGatewayDevice.``) with the meter table."""
    config = agent_config(
        url, root=RootObject.INTERNET_GATEWAY_DEVICE, extensions=meter_extension(IDENTITY.oui)
    )
    return AgentHarness(config, prepare=prepare)


@pytest.fixture
async def igd() -> AsyncIterator[AgentHarness]:
    harness = igd_harness()
    await harness.start(run=False)
    yield harness
    await harness.stop()


# ---------------------------------------------------------------------- 1. the recording
def test_the_recording_is_what_its_readme_says() -> None:
    if genieacs.recording_path() is None:
        pytest.skip(genieacs.ABSENT)
    sections = genieacs.sections()
    assert [item.number for item in sections] == list(range(1, len(sections) + 1))
    methods: set[str | None] = set()
    for item in sections:
        if item.connection_request:
            assert item.body == b""
            continue
        assert len(item.body) == item.headers["content-length"], item.label
        if item.status == 204:
            assert item.headers["connection"] == "close"
            assert item.body == b""
            continue
        assert item.status == 200
        assert item.headers["content-type"] == 'text/xml; charset="utf-8"'
        assert b'xmlns:cwmp="urn:dslforum-org:cwmp-1-0"' in item.body
        methods.add(item.method)
    assert methods == {
        "InformResponse",
        "TransferCompleteResponse",
        "GetParameterNames",
        "GetParameterValues",
        "SetParameterValues",
        "AddObject",
        "DeleteObject",
        "Download",
        "Reboot",
        "FactoryReset",
    }
    sessions = genieacs.sessions()
    assert len(sessions) == 28
    assert sum(len(session.requests) for session in sessions) == len(genieacs.requests()) == 45
    # GenieACS's request IDs: hex, unique, growing within a session.
    ids = [str(request.cwmp_id) for request in genieacs.requests()]
    assert all(re.fullmatch("[0-9a-f]{15}", cwmp_id) for cwmp_id in ids)
    assert len(set(ids)) == len(ids)
    for session in sessions:
        numbers = [int(str(request.cwmp_id), 16) for request in session.requests]
        assert numbers == sorted(numbers)


# ---------------------------------------------------------------------- 2. the codec
ENVELOPES = [item for item in genieacs.sections() if item.method is not None]


@pytest.mark.parametrize("section", genieacs.params(ENVELOPES, lambda s: s.label))
def test_the_agent_decodes_genieacs_bytes(section: Section) -> None:
    envelope = decode(section.body)
    assert envelope.namespace == CWMP_1_0
    assert envelope.method == section.method
    assert envelope.request_id == section.cwmp_id
    assert envelope.hold_requests is None
    assert envelope.not_understood == ()
    assert envelope.fault is None
    arguments = agent_arguments(envelope)
    assert arguments == reference_arguments(section.body)
    if section.number in HAND_READ:
        assert arguments == HAND_READ[section.number]
    if section.number in HAND_READ_IDS:
        assert envelope.request_id == HAND_READ_IDS[section.number]


# ---------------------------------------------------------------------- 3. dispatch
def check_names(request: dict[str, Any], response: dict[str, Any], agent: CpeAgent) -> None:
    listed = {item.name: item.writable for item in response["ParameterList"]}
    path = request["ParameterPath"]
    if path == DI:  # NextLevel 1: the parameters of DeviceInfo, in data-model order
        assert list(listed) == [f"{DI}{name}" for name in DEVICE_INFO]
        assert {name for name, writable in listed.items() if writable} == {f"{DI}ProvisioningCode"}
    elif path == MS:  # NextLevel 0: the object itself, then everything below it
        assert next(iter(listed)) == MS
        for name, writable in MANAGEMENT_SERVER_ACCESS.items():
            assert listed[f"{MS}{name}"] is writable, name
    else:
        assert path == IGD
        assert listed == {
            f"{IGD}DeviceSummary": False,
            DI: False,
            MS: False,
            f"{IGD}XMPP.": False,
            METER_COUNT: False,
            METERS: True,
            # What the last configuration file and format profile did, and the profiles
            # (the ACS deletes them, never adds them: they come by Download).
            f"{IGD}X_{IDENTITY.oui}_LastConfigurationFile.": False,
            f"{IGD}X_{IDENTITY.oui}_LastFormatProfile.": False,
            f"{IGD}X_{IDENTITY.oui}_FormatProfileNumberOfEntries": False,
            f"{IGD}X_{IDENTITY.oui}_FormatProfile.": False,
        }


def check_values(request: dict[str, Any], response: dict[str, Any], agent: CpeAgent) -> None:
    values = {item.name: (item.value, item.type) for item in response["ParameterList"]}
    assert list(values) == request["ParameterNames"]
    for name, (value, xsd_type) in values.items():
        if name == f"{DI}UpTime":
            assert value.isdigit()
            assert xsd_type == "xsd:unsignedInt"
        else:
            expected = {
                f"{MS}PeriodicInformInterval": ("300", "xsd:unsignedInt"),
                f"{DI}ManufacturerOUI": (IDENTITY.oui, "xsd:string"),
            }
            assert (value, xsd_type) == expected[name]


def check_set(request: dict[str, Any], response: dict[str, Any], agent: CpeAgent) -> None:
    assert response == {"Status": 0}
    datamodel = agent.datamodel
    for name, value, _xsd_type in request["ParameterList"]:
        node = datamodel.parameter(name)
        assert node.spec.type.to_text(node.current()) == value


def check_download(request: dict[str, Any], response: dict[str, Any], agent: CpeAgent) -> None:
    assert response == {
        "Status": 1,
        "StartTime": "0001-01-01T00:00:00Z",
        "CompleteTime": "0001-01-01T00:00:00Z",
    }
    (transfer,) = agent.transfers.transfers
    assert transfer.command_key == request["CommandKey"]
    assert (transfer.username, transfer.password) == ("", "")
    assert transfer.file_size == int(request["FileSize"])
    assert transfer.url == request["URL"]
    assert transfer.target_file_name == request["TargetFileName"]
    assert transfer.file_type == "3 Vendor Configuration File"


def check_reboot(request: dict[str, Any], response: dict[str, Any], agent: CpeAgent) -> None:
    assert response == {}
    assert agent.export_state()["reboot_command_key"] == request["CommandKey"] == ""


def check_reset(request: dict[str, Any], response: dict[str, Any], agent: CpeAgent) -> None:
    assert response == {}
    assert agent.export_state()["factory_reset"] is True


CHECKS: dict[str, Callable[[dict[str, Any], dict[str, Any], CpeAgent], None]] = {
    "GetParameterNames": check_names,
    "GetParameterValues": check_values,
    "SetParameterValues": check_set,
    "Download": check_download,
    "Reboot": check_reboot,
    "FactoryReset": check_reset,
}


@pytest.mark.parametrize("section", genieacs.params(genieacs.requests(), lambda s: s.label))
async def test_each_genieacs_request_gets_the_right_answer(
    section: Section, igd: AgentHarness
) -> None:
    agent = igd.agent
    agent.datamodel.set_local(f"{MS}ParameterKey", "before")
    request = decode(section.body)
    answer = encode(
        request.namespace, await dispatch(request, agent), request_id=request.request_id
    )
    assert_schema_valid(answer)
    parsed = parse_envelope(answer)
    assert parsed.namespace == CWMP_1_0
    assert parsed.cwmp_id == section.cwmp_id
    if section.number in FAULTS:
        assert parsed.fault is not None, parsed
        assert parsed.fault.code == FAULTS[section.number]
        assert parsed.fault.soap_faultcode == "Client"
        if section.method == "SetParameterValues":
            ((name, _value, _type),) = agent_arguments(request)["ParameterList"]
            assert [
                (item.name, item.code) for item in parsed.fault.set_parameter_values_faults
            ] == [(name, 9005)]
        assert agent.datamodel.value(f"{MS}ParameterKey") == "before"  # nothing changed
        assert agent.datamodel.value(METER_COUNT) == 0
        return
    assert parsed.fault is None, parsed.fault
    assert parsed.method == f"{section.method}Response"
    CHECKS[str(section.method)](agent_arguments(request), parsed.args, agent)
    # A successful SetParameterValues records its (empty) ParameterKey; reads keep it.
    key = "" if section.method == "SetParameterValues" else "before"
    assert agent.datamodel.value(f"{MS}ParameterKey") == key


# ---------------------------------------------------------------------- 4a. whole sessions, scripted
class RecordedAcs:
    """GenieACS's recorded HTTP answers, served in order to the agent's session engine."""

    def __init__(self, session: GenieSession) -> None:
        self.replies = list(session.sections)
        self.posts: list[bytes] = []

    async def post(self, message: bytes | None) -> AcsReply:
        self.posts.append(message or b"")
        reply = self.replies.pop(0)
        assert reply.status is not None
        return AcsReply(reply.status, reply.body, reply.headers.get("content-type", ""))


def preceding_download(session: GenieSession) -> Section:
    """The Download whose TransferComplete opens this session (GenieACS: CommandKey = its ID)."""
    return [
        item
        for item in genieacs.requests()
        if item.method == "Download" and item.number < session.first
    ][-1]


def events_of(session: GenieSession, download: Section | None) -> list[Event]:
    if session.first == 1:
        return [Event("0 BOOTSTRAP"), Event("1 BOOT")]
    events = [Event("6 CONNECTION REQUEST" if session.woken else "2 PERIODIC")]
    if download is not None:
        events += [Event("7 TRANSFER COMPLETE"), Event("M Download", str(download.cwmp_id))]
    return events


@pytest.mark.parametrize("session", genieacs.params(genieacs.sessions(), lambda s: s.label))
async def test_genieacs_sessions_replayed_to_the_session_engine(
    session: GenieSession, igd: AgentHarness
) -> None:
    agent = igd.agent
    download = preceding_download(session) if session.transfer_complete_responses else None
    requests: list[CpeRequest] = []
    acknowledged: list[Envelope] = []
    if download is not None:
        now = datetime.now(UTC)
        transfer = Transfer(
            method="Download",
            command_key=str(download.cwmp_id),
            file_type="3 Vendor Configuration File",
            url="http://127.0.0.1:7567/cfg-v1.txt",
            state=TransferState.COMPLETED,
            start_time=now,
            complete_time=now,
        )
        requests.append(
            CpeRequest(
                "TransferComplete",
                functools.partial(transfer_complete_body, transfer),
                acknowledged.append,
            )
        )
    forced = [node for node in agent.datamodel.parameters("") if node.spec.forced_inform]
    inform = inform_body(
        DeviceId(IDENTITY.manufacturer, IDENTITY.oui, IDENTITY.product_class, SERIAL),
        events_of(session, download),
        datetime.now().astimezone(),
        0,
        forced,
    )
    acs = RecordedAcs(session)
    engine = CwmpSession(acs, functools.partial(dispatch, ctx=agent))  # type: ignore[arg-type]
    result = await engine.run(inform, requests)

    assert result.success, result.error
    assert acs.replies == []  # every recorded answer was asked for, the 204 last
    sent = [parse_envelope(post) if post else None for post in acs.posts]
    expected = ["Inform", *(["TransferComplete"] if download else []), "empty"]
    expected += [
        "Fault" if item.number in FAULTS else f"{item.method}Response" for item in session.requests
    ]
    assert [item.method if item else "empty" for item in sent] == expected
    assert sent[0] is not None
    assert sent[0].args["MaxEnvelopes"] == 1
    answers = sent[len(expected) - len(session.requests) :]
    assert [item.cwmp_id for item in answers if item] == [r.cwmp_id for r in session.requests]
    assert len(acknowledged) == len(session.transfer_complete_responses)
    if download is not None:
        assert sent[1] is not None
        assert sent[1].args["CommandKey"] == download.cwmp_id


# ---------------------------------------------------------------------- 4b. verbatim over HTTP
CONFIGURATION = b'{"items":[    ]}'  # 16 bytes: the FileSize of GenieACS's last Download (#128)
SMOKE = b'{"items": [{"serial": "26", "vendor": "PIKKETRON", "type": "electricityMeter", "T1": "5kWh"}]}'


@pytest.fixture
async def genieacs_file_server() -> AsyncIterator[list[str]]:
    """GenieACS's file server of the recording: http://127.0.0.1:7567/<name>."""
    files = {"cfg-v1.txt": CONFIGURATION, "smoke.cfg": SMOKE}
    served: list[str] = []

    async def serve(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        served.append(name)
        if name not in files:
            return web.Response(status=404)
        return web.Response(body=files[name])

    app = web.Application()
    app.router.add_get("/{name}", serve)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 7567).start()
    except OSError as err:
        await runner.cleanup()
        if err.errno != errno.EADDRINUSE:
            raise
        pytest.skip("port 7567 (GenieACS's file server in the recording) is in use")
    yield served
    await runner.cleanup()


async def until(predicate: Callable[[], object], timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.02)


@pytest.mark.skipif(genieacs.recording_path() is None, reason=genieacs.ABSENT)
async def test_every_genieacs_request_verbatim_over_http(
    acs: LocalAcs, genieacs_file_server: list[str]
) -> None:
    applied: list[tuple[str, tuple[str, ...]]] = []

    def prepare(agent: CpeAgent) -> None:
        MeterGateway(agent).add_report_listener(
            lambda report: applied.append((report.file_name, report.added))
        )

    harness = igd_harness(acs.url, prepare)
    await harness.start()
    try:
        await (await acs.wait_for_inform(serial=SERIAL)).session.wait_ended()
        # Reboot and FactoryReset end the agent's life: test_genieacs_sessions covers them.
        replayed = [
            item for item in genieacs.requests() if item.method not in {"Reboot", "FactoryReset"}
        ]
        tasks = [acs.queue(SERIAL, rpc.raw_body(item.body, str(item.method))) for item in replayed]
        assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 200
        inform = await acs.wait_for_inform(serial=SERIAL, event="6 CONNECTION REQUEST")
        results = [await task.result() for task in tasks]
        await inform.session.wait_ended()
        assert inform.session.end_reason == "completed"
        assert inform.session.connection_count == 1
        assert inform.session.cookie_echoed
        for item, result in zip(replayed, results, strict=True):
            assert result.cwmp_id == item.cwmp_id, item.label  # GenieACS's own ID, echoed
            if item.number in FAULTS:
                assert result.fault is not None, item.label
                assert result.fault.code == FAULTS[item.number], item.label
            else:
                assert result.ok, (item.label, result.fault)
        datamodel = harness.agent.datamodel
        assert datamodel.value(f"{DI}ProvisioningCode") == "pre-igd"  # the last SPV wins
        assert datamodel.value(f"{MS}PeriodicInformInterval") == 300
        assert datamodel.value(f"{MS}ParameterKey") == ""

        downloads = [item for item in replayed if item.method == "Download"]
        await until(lambda: len(acs.transfer_completes) == len(downloads))
        await until(lambda: not any(s.end_reason is None for s in acs.sessions))
        completes = acs.transfer_completes
        assert [c.command_key for c in completes] == [item.cwmp_id for item in downloads]
        assert [c.fault.code if c.fault else None for c in completes] == [0] * len(downloads)
        assert genieacs_file_server == ["cfg-v1.txt", "cfg-v1.txt", "smoke.cfg", "cfg-v1.txt"]
        assert applied == [
            ("cfg-v1.txt", ()),
            ("startup.cfg", ()),  # TargetFileName of #43
            ("smoke.cfg", ("26",)),
            ("cfg-v1.txt", ()),
        ]
    finally:
        await harness.stop()
