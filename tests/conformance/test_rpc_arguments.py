"""Each ACS→CPE RPC with valid and invalid arguments (beyond ``tests/cwmp/test_agent_rpcs.py``).

Every request goes to a running agent (Device root, meters) through the local ACS; every
answer — response or fault — is validated against the BBF schemas by the suite-wide
fixture. Faults are checked in cwmp-1-0 (GenieACS) and cwmp-1-2 sessions.
"""

from __future__ import annotations

from collections.abc import Sequence
import re
from typing import Any

import pytest

from local_acs import LocalAcs, RpcResult, SchemaValidator, rpc
from local_acs.rpc import AcsRequest
from local_acs.soap import envelope as acs_envelope
from tests.agent_harness import IDENTITY, AgentHarness
from tr069_cpe.cwmp.faults import CwmpFault, FaultCode, ParameterFault
from tr069_cpe.cwmp.soap import client_fault_body, encode, fault_body
from tr069_cpe.cwmp.versions import CWMP_1_0, CWMP_1_1, CWMP_1_2

from .conftest import HarnessFactory
from .driver import fixed, provision, settled

MS = "Device.ManagementServer."
CODE = "Device.DeviceInfo.ProvisioningCode"
UPTIME = "Device.DeviceInfo.UpTime"
PERIODIC = f"{MS}PeriodicInformInterval"
METERS = f"Device.X_{IDENTITY.oui}_Meter."
METER_COUNT = f"Device.X_{IDENTITY.oui}_MeterNumberOfEntries"
CONFIG = "3 Vendor Configuration File"
VALIDATOR = SchemaValidator()


# ---------------------------------------------------------------------- building requests
def raw(method: str, inner: str) -> AcsRequest:
    """``<cwmp:Method>inner</cwmp:Method>`` in the ACS's usual envelope."""
    return rpc.raw(method, f"<cwmp:{method}>{inner}</cwmp:{method}>")


def strings(tag: str, items: Sequence[str], count: int | None = None) -> str:
    """An xsd:string array; ``count`` overrides the (advisory) arrayType count."""
    declared = len(items) if count is None else count
    inner = "".join(f"<string>{item}</string>" for item in items)
    return f'<{tag} soap-enc:arrayType="xsd:string[{declared}]">{inner}</{tag}>'


def gpv(*names: str, count: int | None = None) -> AcsRequest:
    return raw("GetParameterValues", strings("ParameterNames", names, count))


def value_struct(name: str | None, value: str | None, xsd_type: str | None = "xsd:string") -> str:
    parts = "" if name is None else f"<Name>{name}</Name>"
    if value is not None:
        typed = "" if xsd_type is None else f' xsi:type="{xsd_type}"'
        parts += f"<Value{typed}>{value}</Value>"
    return f"<ParameterValueStruct>{parts}</ParameterValueStruct>"


def spv(
    *structs: str, key: str = "<ParameterKey></ParameterKey>", count: int | None = None
) -> AcsRequest:
    declared = len(structs) if count is None else count
    items = "".join(structs)
    return raw(
        "SetParameterValues",
        f'<ParameterList soap-enc:arrayType="cwmp:ParameterValueStruct[{declared}]">{items}'
        f"</ParameterList>{key}",
    )


def gpn(path: str | None, next_level: str | None) -> AcsRequest:
    inner = "" if path is None else f"<ParameterPath>{path}</ParameterPath>"
    inner += "" if next_level is None else f"<NextLevel>{next_level}</NextLevel>"
    return raw("GetParameterNames", inner)


def download(**fields: str | None) -> AcsRequest:
    """A Download like GenieACS's; a field given as None is left out."""
    defaults: dict[str, str | None] = {
        "CommandKey": "ck",
        "FileType": CONFIG,
        "URL": "http://127.0.0.1:1/a.json",
        "Username": "",
        "Password": "",
        "FileSize": "0",
        "TargetFileName": "",
        "DelaySeconds": "3600",
        "SuccessURL": "",
        "FailureURL": "",
    }
    merged = {**defaults, **fields}
    return raw("Download", "".join(f"<{k}>{v}</{k}>" for k, v in merged.items() if v is not None))


def spa_list(*structs: str) -> str:
    """A SetParameterAttributes ParameterList of hand-written structs."""
    items = "".join(
        f"<SetParameterAttributesStruct>{struct}</SetParameterAttributesStruct>"
        for struct in structs
    )
    return f"<ParameterList>{items}</ParameterList>"


def array_count(result: RpcResult) -> int:
    """The arrayType count of the response's ParameterList, as the CPE wrote it."""
    match = re.search(rb'<ParameterList soap-enc:arrayType="cwmp:\w+\[(\d+)\]"', result.raw)
    assert match is not None, result.raw
    return int(match.group(1))


# ---------------------------------------------------------------------- the agent
@pytest.fixture
async def ready(acs: LocalAcs, cpe: HarnessFactory) -> AgentHarness:
    """A metered agent whose bootstrap session is over (the cpe fixture stops it)."""
    harness = await cpe(meters=True)
    await settled(acs)
    return harness


async def ask(acs: LocalAcs, harness: AgentHarness, *requests: AcsRequest) -> list[RpcResult]:
    """One session with these requests; their results (every one is answered)."""
    inform, results = await provision(acs, harness, fixed(*requests))
    assert inform.session.end_reason == "completed"
    assert len(results) == len(requests)
    assert all(result.id_matched for result in results)
    return results


def fault_code(result: RpcResult) -> int | None:
    return None if result.fault is None else result.fault.code


# ---------------------------------------------------------------------- GetParameterValues
@pytest.mark.parametrize(
    ("request_", "code"),
    [
        pytest.param(gpv("DeviceInfo.UpTime"), 9005, id="name-without-root"),
        pytest.param(gpv("Device.DeviceInfo"), 9005, id="partial-path-without-dot"),
        pytest.param(gpv(f"{UPTIME}."), 9005, id="parameter-name-with-dot"),
        pytest.param(gpv("Device..DeviceInfo."), 9005, id="empty-segment"),
        pytest.param(gpv("device.deviceinfo.uptime"), 9005, id="names-are-case-sensitive"),
        pytest.param(gpv(UPTIME, "Device.X."), 9005, id="one-unknown-among-known"),
        pytest.param(gpv("Device." + "A" * 300), 9005, id="name-over-256-characters"),
        pytest.param(gpv("Device." + "Ab." * 40_000), 9005, id="name-of-120000-characters"),
        pytest.param(raw("GetParameterValues", ""), 9003, id="ParameterNames-missing"),
        pytest.param(
            raw("GetParameterValues", f"<ParameterNames>{UPTIME}</ParameterNames>"),
            9003,
            id="ParameterNames-not-an-array",
        ),
        pytest.param(
            raw("GetParameterValues", strings("ParameterNames", [UPTIME]) * 2),
            9003,
            id="ParameterNames-twice",
        ),
    ],
)
async def test_gpv_faults(
    acs: LocalAcs, ready: AgentHarness, request_: AcsRequest, code: int
) -> None:
    (result,) = await ask(acs, ready, request_)
    assert fault_code(result) == code
    assert result.fault is not None
    assert result.fault.soap_faultcode == "Client"


@pytest.mark.parametrize(
    "request_",
    [
        pytest.param(gpv(), id="arrayType-0"),
        pytest.param(
            raw("GetParameterValues", '<ParameterNames soap-enc:arrayType="xsd:string[0]"/>'),
            id="self-closing",
        ),
    ],
)
async def test_gpv_of_an_empty_array(
    acs: LocalAcs, ready: AgentHarness, request_: AcsRequest
) -> None:
    (result,) = await ask(acs, ready, request_)
    assert result.ok
    assert result.response == {"ParameterList": []}
    assert array_count(result) == 0


async def test_gpv_of_the_root_partial_path(acs: LocalAcs, ready: AgentHarness) -> None:
    (result,) = await ask(acs, ready, gpv("Device."))
    everything = [node.path for node in ready.agent.datamodel.parameters("Device.")]
    assert [item.name for item in result.response["ParameterList"]] == everything
    assert array_count(result) == len(everything)
    assert result.values["Device.RootDataModelVersion"] == "2.17"


async def test_gpv_answers_each_requested_name_even_twice(
    acs: LocalAcs, ready: AgentHarness
) -> None:
    (result,) = await ask(acs, ready, gpv(PERIODIC, PERIODIC, "Device.DeviceInfo.Manufacturer"))
    listed = [(item.name, item.value) for item in result.response["ParameterList"]]
    assert listed == [
        (PERIODIC, "300"),
        (PERIODIC, "300"),
        ("Device.DeviceInfo.Manufacturer", IDENTITY.manufacturer),
    ]
    assert array_count(result) == 3


@pytest.mark.parametrize("declared", [0, 1, 5, 1000, None], ids=lambda c: f"declared-{c}")
async def test_gpv_array_counts_are_advisory(
    acs: LocalAcs, ready: AgentHarness, declared: int | None
) -> None:
    if declared is None:  # no arrayType attribute at all
        request_ = raw(
            "GetParameterValues",
            f"<ParameterNames><string>{PERIODIC}</string><string>{CODE}</string></ParameterNames>",
        )
    else:
        request_ = gpv(PERIODIC, CODE, count=declared)
    (result,) = await ask(acs, ready, request_)
    assert result.values == {PERIODIC: "300", CODE: ""}
    assert array_count(result) == 2  # the CPE's own count is exact


async def test_gpv_tolerates_pretty_printed_names(acs: LocalAcs, ready: AgentHarness) -> None:
    (result,) = await ask(acs, ready, gpv(f"\n      {PERIODIC}\n    "))
    assert result.values == {PERIODIC: "300"}


# ---------------------------------------------------------------------- SetParameterValues
@pytest.mark.parametrize(
    ("request_", "parameter_faults"),
    [
        pytest.param(spv(value_struct(CODE, None)), [], id="Value-missing"),
        pytest.param(spv(value_struct(None, "x")), [], id="Name-missing"),
        pytest.param(
            spv(value_struct(PERIODIC, "60", "xsd:string")),
            [(PERIODIC, 9006)],
            id="unsignedInt-sent-as-string",
        ),
        pytest.param(
            spv(value_struct(f"{MS}PeriodicInformEnable", "1", "xsd:unsignedInt")),
            [(f"{MS}PeriodicInformEnable", 9006)],
            id="boolean-sent-as-unsignedInt",
        ),
        pytest.param(
            spv(value_struct(f"{MS}PeriodicInformTime", "60", "xsd:int")),
            [(f"{MS}PeriodicInformTime", 9006)],
            id="dateTime-sent-as-int",
        ),
        pytest.param(
            spv(value_struct(PERIODIC, "yes", "xsd:unsignedInt")),
            [(PERIODIC, 9007)],
            id="not-a-number",
        ),
        pytest.param(
            spv(value_struct(f"{MS}PeriodicInformEnable", "TRUE-ish", "xsd:boolean")),
            [(f"{MS}PeriodicInformEnable", 9007)],
            id="not-a-boolean",
        ),
        pytest.param(
            spv(value_struct(f"{MS}PeriodicInformTime", "yesterday", "xsd:dateTime")),
            [(f"{MS}PeriodicInformTime", 9007)],
            id="not-a-dateTime",
        ),
        pytest.param(
            spv(value_struct(CODE, "é" * 65)), [(CODE, 9007)], id="65-characters-in-string(64)"
        ),
        pytest.param(
            spv(value_struct(CODE, "a"), value_struct(CODE, "b")), [], id="duplicate-name"
        ),
        pytest.param(
            spv(value_struct(CODE, "a"), key=f"<ParameterKey>{'k' * 33}</ParameterKey>"),
            [],
            id="ParameterKey-of-33-characters",
        ),
        pytest.param(raw("SetParameterValues", "<ParameterKey/>"), [], id="ParameterList-missing"),
    ],
)
async def test_spv_faults_change_nothing(
    acs: LocalAcs, ready: AgentHarness, request_: AcsRequest, parameter_faults: list[Any]
) -> None:
    failing, after = await ask(acs, ready, request_, gpv(CODE, PERIODIC, f"{MS}ParameterKey"))
    assert fault_code(failing) == 9003
    assert failing.fault is not None
    assert [(f.name, f.code) for f in failing.fault.set_parameter_values_faults] == parameter_faults
    assert after.values == {CODE: "", PERIODIC: "300", f"{MS}ParameterKey": ""}


@pytest.mark.parametrize(
    ("struct", "read_back"),
    [
        pytest.param(
            value_struct(f"{MS}PeriodicInformEnable", "0", "xsd:boolean"), "false", id="boolean-0"
        ),
        pytest.param(
            value_struct(f"{MS}UpgradesManaged", "1", "xsd:boolean"), "true", id="boolean-1"
        ),
        pytest.param(
            value_struct(f"{MS}PeriodicInformTime", "2026-01-01T01:00:00+01:00", "xsd:dateTime"),
            "2026-01-01T00:00:00Z",
            id="dateTime-with-offset",
        ),
        pytest.param(
            value_struct(f"{MS}PeriodicInformTime", "0001-01-01T00:00:00Z", "xsd:dateTime"),
            "0001-01-01T00:00:00Z",
            id="dateTime-unknown",
        ),
        pytest.param(
            value_struct(PERIODIC, " 42 ", "xsd:unsignedInt"), "42", id="unsignedInt-whitespace"
        ),
        pytest.param(value_struct(PERIODIC, "+42", "xsd:unsignedInt"), "42", id="unsignedInt-plus"),
        pytest.param(
            value_struct(PERIODIC, "42", "xs:unsignedInt").replace(
                "<Value ", '<Value xmlns:xs="http://www.w3.org/2001/XMLSchema" '
            ),
            "42",
            id="xsd-under-another-prefix",
        ),
        pytest.param(value_struct(CODE, "", "xsd:string"), "", id="empty-string"),
        pytest.param(
            value_struct(CODE, "Zähler ☃ 電表 🚰 &lt;&amp;&gt;\"'"),
            "Zähler ☃ 電表 🚰 <&>\"'",
            id="unicode-and-markup",
        ),
        pytest.param(value_struct(CODE, "é" * 64), "é" * 64, id="64-characters-in-string(64)"),
        pytest.param(
            value_struct(CODE, "  spaces kept  "), "  spaces kept  ", id="string-keeps-whitespace"
        ),
    ],
)
async def test_spv_values_round_trip(
    acs: LocalAcs, ready: AgentHarness, struct: str, read_back: str
) -> None:
    name = re.search(r"<Name>(.*)</Name>", struct).group(1)  # type: ignore[union-attr]
    setting, reading = await ask(acs, ready, spv(struct), gpv(name))
    assert setting.response == {"Status": 0}, setting.fault
    assert reading.values == {name: read_back}


@pytest.mark.parametrize(
    ("key", "recorded"),
    [
        pytest.param("<ParameterKey/>", "", id="self-closing"),
        pytest.param("<ParameterKey></ParameterKey>", "", id="empty-genieacs"),
        pytest.param(
            "<ParameterKey>ключ-32-символа-ровно-0123456789</ParameterKey>", None, id="32-unicode"
        ),
    ],
)
async def test_spv_parameter_key_forms(
    acs: LocalAcs, ready: AgentHarness, key: str, recorded: str | None
) -> None:
    expected = recorded if recorded is not None else re.sub(r"</?ParameterKey>", "", key)
    assert len(expected) <= 32
    setting, reading = await ask(
        acs, ready, spv(value_struct(CODE, "set"), key=key), gpv(f"{MS}ParameterKey", CODE)
    )
    assert setting.response == {"Status": 0}
    assert reading.values == {f"{MS}ParameterKey": expected, CODE: "set"}
    assert reading.response["ParameterList"][0].type == "xsd:string"


async def test_spv_of_an_empty_list_only_records_the_key(
    acs: LocalAcs, ready: AgentHarness
) -> None:
    setting, reading = await ask(
        acs, ready, spv(key="<ParameterKey>nothing</ParameterKey>"), gpv(f"{MS}ParameterKey")
    )
    assert setting.response == {"Status": 0}
    assert reading.values == {f"{MS}ParameterKey": "nothing"}


async def test_spv_array_counts_are_advisory(acs: LocalAcs, ready: AgentHarness) -> None:
    setting, reading = await ask(
        acs,
        ready,
        spv(value_struct(CODE, "a"), value_struct(PERIODIC, "61", "xsd:unsignedInt"), count=7),
        gpv(CODE, PERIODIC),
    )
    assert setting.response == {"Status": 0}
    assert reading.values == {CODE: "a", PERIODIC: "61"}


# ---------------------------------------------------------------------- GetParameterNames
@pytest.mark.parametrize(
    ("request_", "code"),
    [
        pytest.param(gpn("Device.X.", "1"), 9005, id="unknown-object-next-level"),
        pytest.param(gpn("Device.X.", "0"), 9005, id="unknown-object"),
        pytest.param(gpn("Device.DeviceInfo", "1"), 9005, id="object-without-dot"),
        pytest.param(gpn(f"{METERS}1.", "1"), 9005, id="instance-that-does-not-exist"),
        pytest.param(gpn(UPTIME, "1"), 9003, id="parameter-with-next-level-true"),
        pytest.param(gpn(UPTIME, "true"), 9003, id="parameter-with-next-level-true-literal"),
        pytest.param(gpn("Device.", "yes"), 9003, id="next-level-not-a-boolean"),
        pytest.param(gpn("Device.", None), 9003, id="next-level-missing"),
        pytest.param(gpn("Device." + "A." * 60_000, "0"), 9005, id="path-of-120000-characters"),
    ],
)
async def test_gpn_faults(
    acs: LocalAcs, ready: AgentHarness, request_: AcsRequest, code: int
) -> None:
    (result,) = await ask(acs, ready, request_)
    assert fault_code(result) == code


async def test_gpn_edges(acs: LocalAcs, ready: AgentHarness) -> None:
    results = await ask(
        acs,
        ready,
        gpn(UPTIME, "false"),
        gpn("Device.DeviceInfo.", "true"),
        gpn(METERS, "true"),
        rpc.add_object(METERS),
        gpn(f"{METERS}1.", "0"),
        gpn("", "0"),
    )
    parameter, literal, empty, _added, instance, everything = results
    assert parameter.response["ParameterList"] == [(UPTIME, False)]
    assert literal.ok
    assert empty.response["ParameterList"] == []
    assert array_count(empty) == 0
    listed = instance.response["ParameterList"]
    assert listed[0] == (f"{METERS}1.", True)  # the instance itself, deletable
    assert (f"{METERS}1.SerialNumber", True) in listed
    assert (f"{METERS}1.ReadingNumberOfEntries", False) in listed
    assert (f"{METERS}1.Reading.", True) in listed
    names = everything.response["ParameterList"]
    assert names[0] == ("Device.", False)
    assert len(names) == len({name for name, _ in names}) == array_count(everything)
    assert {name for name, _ in names if not name.endswith(".")} == {
        node.path for node in ready.agent.datamodel.parameters("")
    }


# ---------------------------------------------------------------------- AddObject / DeleteObject
async def test_object_arguments(acs: LocalAcs, ready: AgentHarness) -> None:
    results = await ask(
        acs,
        ready,
        raw("AddObject", "<ParameterKey></ParameterKey>"),
        rpc.add_object(METERS, "k" * 33),
        rpc.add_object("Device."),
        rpc.add_object(f"{UPTIME}."),
        rpc.add_object(METERS, "added"),
        rpc.add_object(f"{METERS}1."),
        rpc.add_object(f"{METERS}1.Reading."),
        rpc.delete_object(f"{METERS}1.Reading.1"),
        rpc.delete_object("Device.DeviceInfo."),
        raw("DeleteObject", "<ParameterKey></ParameterKey>"),
        rpc.delete_object(f"{METERS}1.Reading.1.", "k" * 33),
        rpc.delete_object(f"{METERS}1.Reading.1.", "deleted"),
        rpc.delete_object(f"{METERS}1.Reading.1."),
        gpv(f"{MS}ParameterKey", f"{METERS}1.ReadingNumberOfEntries", METER_COUNT),
    )
    assert [fault_code(result) for result in results[:4]] == [9003, 9003, 9005, 9005]
    assert results[4].response == {"InstanceNumber": 1, "Status": 0}
    assert fault_code(results[5]) == 9005  # an instance is not a table
    assert results[6].response == {"InstanceNumber": 1, "Status": 0}
    # Without its trailing dot, an ObjectName names no object: 9005.
    assert [fault_code(result) for result in results[7:11]] == [9005, 9005, 9003, 9003]
    assert results[11].response == {"Status": 0}
    assert fault_code(results[12]) == 9005  # already gone
    assert results[13].values == {
        f"{MS}ParameterKey": "deleted",
        f"{METERS}1.ReadingNumberOfEntries": "0",
        METER_COUNT: "1",
    }


# ---------------------------------------------------------------------- transfers and the rest
@pytest.mark.parametrize(
    ("request_", "code"),
    [
        pytest.param(download(URL=None), 9003, id="Download-URL-missing"),
        pytest.param(download(FileType=None), 9003, id="Download-FileType-missing"),
        pytest.param(download(CommandKey=None), 9003, id="Download-CommandKey-missing"),
        pytest.param(download(URL="http://127.0.0.1/" + "u" * 1024), 9003, id="Download-URL-1041"),
        pytest.param(download(Username="u" * 257), 9003, id="Download-Username-257"),
        pytest.param(download(FileSize="big"), 9003, id="Download-FileSize-not-a-number"),
        pytest.param(download(DelaySeconds="-1"), 9003, id="Download-DelaySeconds-negative"),
        pytest.param(download(URL="file:///etc/passwd"), 9013, id="Download-file-scheme"),
        pytest.param(download(FileType="X 00D09E Meter Firmware"), 9003, id="Download-vendor-type"),
        pytest.param(
            raw("Upload", "<CommandKey></CommandKey><FileType>2 Vendor Log File</FileType>"),
            9003,
            id="Upload-URL-missing",
        ),
        pytest.param(
            raw("ScheduleInform", "<CommandKey></CommandKey>"),
            9003,
            id="ScheduleInform-DelaySeconds-missing",
        ),
        pytest.param(rpc.schedule_inform(2**32), 9003, id="ScheduleInform-DelaySeconds-2^32"),
        pytest.param(
            rpc.get_parameter_attributes(["Device.X"]), 9005, id="GetParameterAttributes-unknown"
        ),
        pytest.param(raw("GetParameterAttributes", ""), 9003, id="GetParameterAttributes-missing"),
        pytest.param(raw("SetParameterAttributes", ""), 9003, id="SetParameterAttributes-missing"),
        pytest.param(
            raw("SetParameterAttributes", spa_list("<NotificationChange>1</NotificationChange>")),
            9003,
            id="SetParameterAttributes-Name-missing",
        ),
        pytest.param(
            raw("SetParameterAttributes", spa_list(f"<Name>{UPTIME}</Name>")),
            9003,
            id="SetParameterAttributes-NotificationChange-missing",
        ),
        pytest.param(
            raw(
                "SetParameterAttributes",
                spa_list(
                    f"<Name>{UPTIME}</Name><NotificationChange>1</NotificationChange>"
                    "<Notification>active</Notification><AccessListChange>0</AccessListChange>"
                ),
            ),
            9003,
            id="SetParameterAttributes-Notification-not-a-number",
        ),
        pytest.param(
            raw("GetParameterAttributes", "<ParameterNames>text</ParameterNames>"),
            9003,
            id="GetParameterAttributes-names-not-an-array",
        ),
        pytest.param(gpv(".Device."), 9003, id="GetParameterValues-leading-dot"),
        pytest.param(
            raw(
                "SetParameterValues",
                "<ParameterList><ParameterValueStruct><Name>x</Name><Value>1</Value>"
                "<Value>2</Value></ParameterValueStruct></ParameterList>"
                "<ParameterKey></ParameterKey>",
            ),
            9003,
            id="SetParameterValues-two-Values",
        ),
        pytest.param(
            download(CommandKey="a</CommandKey><CommandKey>b"), 9003, id="Download-CommandKey-twice"
        ),
        pytest.param(download(URL="<x>http://a/</x>"), 9003, id="Download-URL-not-text"),
        pytest.param(download(FileSize=str(2**32)), 9003, id="Download-FileSize-2^32"),
        pytest.param(
            raw("ScheduleInform", "<DelaySeconds>5</DelaySeconds><CommandKey>a</CommandKey>" * 2),
            9003,
            id="ScheduleInform-arguments-twice",
        ),
    ],
)
async def test_other_rpc_faults(
    acs: LocalAcs, ready: AgentHarness, request_: AcsRequest, code: int
) -> None:
    failing, queued = await ask(acs, ready, request_, rpc.get_queued_transfers())
    assert fault_code(failing) == code
    assert queued.response == {"TransferList": []}  # nothing was queued


async def test_a_refused_reboot_does_not_reboot(acs: LocalAcs, ready: AgentHarness) -> None:
    (refused,) = await ask(acs, ready, rpc.reboot("k" * 33))
    assert fault_code(refused) == 9003
    assert not ready.agent.restarting
    assert ready.agent.export_state()["reboot_command_key"] is None


async def test_gpa_of_an_empty_array(acs: LocalAcs, ready: AgentHarness) -> None:
    (result,) = await ask(acs, ready, rpc.get_parameter_attributes([]))
    assert result.response == {"ParameterList": []}


@pytest.mark.parametrize(
    "cwmp_id",
    [
        pytest.param("0", id="zero"),
        pytest.param("a&b<c>\"d'", id="markup"),
        pytest.param("ID with spaces", id="spaces"),
        pytest.param("é☃", id="unicode"),
        pytest.param("x" * 255, id="longest"),
        pytest.param(" padded\n", id="leading-trailing-whitespace"),
    ],
)
async def test_any_cwmp_id_is_echoed_exactly(
    acs: LocalAcs, ready: AgentHarness, cwmp_id: str
) -> None:
    body = acs_envelope(cwmp_id, "<cwmp:GetRPCMethods></cwmp:GetRPCMethods>")
    (result,) = await ask(acs, ready, rpc.raw_body(body, "GetRPCMethods"))
    assert result.ok
    assert result.cwmp_id == cwmp_id


# ---------------------------------------------------------------------- faults in both namespaces
def must_understand(namespace: str) -> AcsRequest:
    """A request with a mandatory header the CPE cannot know."""
    return rpc.raw_body(
        (
            '<?xml version="1.0" encoding="UTF-8"?>\n<soap-env:Envelope'
            ' xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"'
            f' xmlns:cwmp="{namespace}" xmlns:x="urn:example"><soap-env:Header>'
            '<cwmp:ID soap-env:mustUnderstand="1">mu</cwmp:ID>'
            '<x:Secret soap-env:mustUnderstand="1">1</x:Secret></soap-env:Header>'
            "<soap-env:Body><cwmp:GetRPCMethods/></soap-env:Body></soap-env:Envelope>"
        ).encode()
    )


def faulting(version: str) -> list[tuple[str, AcsRequest, int | str]]:
    """What the agent must refuse, and how (a fault code, or a plain SOAP faultcode)."""
    namespace = {"1-0": CWMP_1_0, "1-2": CWMP_1_2}[version]
    return [
        ("unknown method", raw("X_00D09E_Frobnicate", ""), 9000),
        ("method of a later version", rpc.cancel_transfer("k"), 9000 if version == "1-0" else 9003),
        ("malformed XML", rpc.raw_body(b"<soap-env:Envelope><broken"), 9003),
        ("unknown mandatory header", must_understand(namespace), "MustUnderstand"),
        (
            "a response where a request belongs",
            raw("GetRPCMethodsResponse", '<MethodList soap-enc:arrayType="xsd:string[0]"/>'),
            9003,
        ),
        ("9003", gpn(UPTIME, "1"), 9003),
        ("9005", gpv("Device.Nope"), 9005),
        (
            "9006/9007/9008/9005 in one SetParameterValues",
            spv(
                value_struct(PERIODIC, "60", "xsd:string"),
                value_struct(f"{MS}PeriodicInformEnable", "maybe", "xsd:boolean"),
                value_struct(UPTIME, "1", "xsd:unsignedInt"),
                value_struct("Device.Nope", "1"),
            ),
            9003,
        ),
        (
            "9009",
            rpc.set_parameter_attributes(
                [{"Name": UPTIME, "NotificationChange": True, "Notification": 2}]
            ),
            9009,
        ),
        ("9013", download(URL="tftp://127.0.0.1/a.json"), 9013),
        *[(f"download {n}", download(CommandKey=f"q{n}"), 0) for n in range(16)],
        ("9004", download(CommandKey="one-too-many"), 9004),
    ]


@pytest.mark.parametrize("version", ["1-0", "1-2"])
async def test_every_fault_is_schema_valid_in_both_namespaces(
    cpe: HarnessFactory, version: str
) -> None:
    namespace = {"1-0": CWMP_1_0, "1-2": CWMP_1_2}[version]
    cases = faulting(version)
    async with LocalAcs(cwmp_namespace=version) as acs:
        harness = await cpe(url=acs.url, meters=True, cwmp_namespace=namespace)
        await settled(acs)
        results = await ask(acs, harness, *(request for _, request, _ in cases))
        await harness.stop()
        assert acs.validation_failures == []
        assert acs.protocol_errors == []
    for (what, _request, expected), result in zip(cases, results, strict=True):
        assert f'xmlns:cwmp="{namespace}"'.encode() in result.raw, what
        if isinstance(expected, str):
            assert result.fault is not None, what
            assert expected in result.fault.soap_faultcode, what
            assert result.cwmp_id == "mu"
        else:
            assert (fault_code(result) or 0) == expected, what
        if result.fault is not None and not isinstance(expected, str):
            client = expected in (9003, 9005, 9006, 9007, 9008)
            assert result.fault.soap_faultcode == ("Client" if client else "Server"), what
    spv_faults = results[7].fault.set_parameter_values_faults  # type: ignore[union-attr]
    assert [(f.name, f.code) for f in spv_faults] == [
        (PERIODIC, 9006),
        (f"{MS}PeriodicInformEnable", 9007),
        (UPTIME, 9008),
        ("Device.Nope", 9005),
    ]


@pytest.mark.skipif(not VALIDATOR.available, reason="BBF schemas ABSENT: nothing to validate")
@pytest.mark.parametrize("namespace", [CWMP_1_0, CWMP_1_1, CWMP_1_2])
def test_every_fault_code_encodes_schema_valid(namespace: str) -> None:
    """Every code the agent can raise, in every namespace: mapped where the schema lacks it."""
    for code in FaultCode:
        fault = CwmpFault(code, f"why {int(code)} <&>")
        errors = VALIDATOR.errors(encode(namespace, fault_body(fault, namespace), request_id="1"))
        assert errors == [], (code, errors)
    spv_fault = CwmpFault(
        FaultCode.INVALID_ARGUMENTS,
        parameter_faults=tuple(
            ParameterFault("Device." + "A" * 300, FaultCode(code))
            for code in (9005, 9006, 9007, 9008, 9001, 9002)
        ),
    )
    assert (
        VALIDATOR.errors(encode(namespace, fault_body(spv_fault, namespace), request_id="2")) == []
    )
    must = client_fault_body("soap-env:MustUnderstand", "header not understood: x")
    assert VALIDATOR.errors(encode(namespace, must, request_id="3")) == []
