"""Whole sessions shaped like GenieACS 1.2's, one per NBI task type, with a metered Device agent.

Each test runs the session(s) GenieACS would run for one task (getParameterValues,
refreshObject, setParameterValues with GenieACS's default provision, addObject,
deleteObject, download, reboot, factoryReset) against the local ACS, then asserts the
transcript (methods in order, cookie echoed, one TCP connection, 204 at the end) and the
data on both sides.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from local_acs import LocalAcs, Session, rpc
from tests.agent_harness import IDENTITY, AgentHarness
from tr069_cpe.cwmp.datamodel import ParameterNode

from .conftest import HarnessFactory
from .driver import Script, assert_transcript, fixed, provision, settled, until

DEVICE = "Device."
MS = "Device.ManagementServer."
METER_COUNT = f"Device.X_{IDENTITY.oui}_MeterNumberOfEntries"
METERS = f"Device.X_{IDENTITY.oui}_Meter."
CONFIG = "3 Vendor Configuration File"
FILE_A = b"""{"items": [
  {"serial": "26", "vendor": "PIKKETRON", "type": "electricityMeter", "T1": "5kWh", "T2": "7kWh"},
  {"serial": "987", "vendor": "WEBTECH", "type": "temperatureHumidity", "hum": "40%", "temp": "21\xc2\xb0C"},
  {"serial": "1234", "vendor": "BONEGA", "type": "waterMeter", "warm": "01", "cold": "02"}]}"""
GPV_BATCH = 32  # GenieACS asks for at most 32 values per GetParameterValues


def events(inform: Any) -> list[tuple[str, str]]:
    return [(event.code, event.command_key) for event in inform.events]


def sent(session: Session, method: str) -> bytes:
    """The bytes of the (only) ``method`` request the ACS sent in the session."""
    (body,) = [m.body for m in session.messages if m.direction == "acs" and m.method == method]
    return body


def wire_text(node: ParameterNode) -> str:
    """What GetParameterValues must say for a parameter (hidden ones read as "")."""
    return "" if node.spec.hidden else node.spec.type.to_text(node.current())


async def metered_with_file(acs: LocalAcs, cpe: HarnessFactory) -> AgentHarness:
    """A metered agent that got FILE_A (three meters) through a Download, sessions over."""
    harness = await cpe(meters=True)
    await settled(acs)
    acs.serve_file("a.json", FILE_A)
    await provision(acs, harness, fixed(rpc.download(acs.file_url("a.json"), CONFIG)))
    await settled(acs)  # the TransferComplete session
    assert acs.transfer_completes[-1].fault.code == 0
    return harness


# ---------------------------------------------------------------------- bootstrap
async def test_first_session_is_genieacs_shaped(acs: LocalAcs, cpe: HarnessFactory) -> None:
    await cpe(meters=True)
    inform = await settled(acs)
    assert events(inform) == [("0 BOOTSTRAP", ""), ("1 BOOT", "")]
    assert inform.max_envelopes == 1  # Amendment 6: the CPE MUST send 1
    assert inform.retry_count == 0
    # The agent asks once per ACS which methods it supports; GenieACS answers it.
    assert_transcript(inform.session, cpe_requests=("GetRPCMethods",))


# ---------------------------------------------------------------------- read
async def test_read(acs: LocalAcs, cpe: HarnessFactory) -> None:
    harness = await cpe(meters=True)
    await settled(acs)
    names = [f"{MS}PeriodicInformInterval", "Device.DeviceInfo.UpTime", METER_COUNT, f"{MS}URL"]
    inform, (read,) = await provision(acs, harness, fixed(rpc.get_parameter_values(names)))
    assert_transcript(inform.session, "GetParameterValues")
    values = {item.name: (item.value, item.type) for item in read.response["ParameterList"]}
    assert list(values) == names
    assert values[f"{MS}PeriodicInformInterval"] == ("300", "xsd:unsignedInt")
    assert values[METER_COUNT] == ("0", "xsd:unsignedInt")
    assert values[f"{MS}URL"] == (acs.url, "xsd:string")
    assert values["Device.DeviceInfo.UpTime"][0].isdigit()


# ---------------------------------------------------------------------- refresh a subtree
def refresh(acs: LocalAcs, walked: list[str], fetched: list[list[str]]) -> Script:
    """GenieACS's refreshObject of the whole tree: GPN level by level, then GPV in batches."""
    pending, parameters = [""], []
    while pending:
        path = pending.pop(0)
        walked.append(path)
        result = yield rpc.get_parameter_names(path, next_level=True)
        assert result.ok, (path, result.fault)
        for name, _writable in result.response["ParameterList"]:
            assert name.startswith(path)
            assert name[len(path) :].rstrip(".").count(".") == 0  # one level only
            (pending if name.endswith(".") else parameters).append(name)
    inform_values = acs.informs[-1].params  # what came in the Inform is not asked again
    wanted = sorted(name for name in parameters if name not in inform_values)
    for start in range(0, len(wanted), GPV_BATCH):
        batch = wanted[start : start + GPV_BATCH]
        fetched.append(batch)
        result = yield rpc.get_parameter_values(batch)
        assert result.ok, result.fault


async def test_refresh_subtree(acs: LocalAcs, cpe: HarnessFactory) -> None:
    harness = await metered_with_file(acs, cpe)
    walked: list[str] = []
    fetched: list[list[str]] = []
    inform, results = await provision(acs, harness, refresh(acs, walked, fetched))

    datamodel = harness.agent.datamodel
    objects = [""] + [
        path for path, _ in datamodel.names("", next_level=False) if path.endswith(".")
    ]
    assert sorted(walked) == sorted(objects)  # every object and table, each once
    assert walked[:3] == ["", DEVICE, "Device.DeviceInfo."]
    assert f"{METERS}3.Reading.2." in walked
    assert_transcript(
        inform.session,
        *["GetParameterNames"] * len(walked),
        *["GetParameterValues"] * len(fetched),
    )
    everything = {node.path: node for node in datamodel.parameters("")}
    skipped = set(inform.params)
    assert skipped == {
        "Device.RootDataModelVersion",
        "Device.DeviceInfo.HardwareVersion",
        "Device.DeviceInfo.SoftwareVersion",
        "Device.DeviceInfo.ProvisioningCode",
        f"{MS}ParameterKey",
        f"{MS}ConnectionRequestURL",
        f"{MS}AliasBasedAddressing",
    }
    assert len(fetched) == math.ceil((len(everything) - len(skipped)) / GPV_BATCH)
    assert all(len(batch) <= GPV_BATCH for batch in fetched)
    values: dict[str, tuple[str, str | None]] = {}
    for result in results[len(walked) :]:
        values.update(
            (item.name, (item.value, item.type)) for item in result.response["ParameterList"]
        )
    assert sorted(values) == sorted(set(everything) - skipped)
    for name, (value, xsd_type) in values.items():
        node = everything[name]
        assert xsd_type == node.spec.type.xsd, name
        if name != "Device.DeviceInfo.UpTime":
            assert value == wire_text(node), name
    assert values[f"{METERS}1.SerialNumber"][0] == "26"
    assert values[f"{METERS}3.Type"][0] == "waterMeter"
    assert values[f"{METERS}2.ReadingNumberOfEntries"] == ("2", "xsd:unsignedInt")
    assert values[f"{MS}ConnectionRequestPassword"] == ("", "xsd:string")  # never revealed


# ---------------------------------------------------------------------- set
DEFAULT_PROVISION = [
    (f"{MS}ConnectionRequestUsername", "genieacs-cr", "xsd:string"),
    (f"{MS}ConnectionRequestPassword", "cr-secret-2", "xsd:string"),
    (f"{MS}PeriodicInformEnable", "true", "xsd:boolean"),
    (f"{MS}PeriodicInformInterval", "300", "xsd:unsignedInt"),
    (f"{MS}PeriodicInformTime", "1970-01-01T05:23:20.000Z", "xsd:dateTime"),
]


def default_provision() -> Script:
    """GenieACS's default provision: read the values, then set those that differ."""
    names = [name for name, _value, _type in DEFAULT_PROVISION]
    current = yield rpc.get_parameter_values(names)
    have = current.values
    differ = [item for item in DEFAULT_PROVISION if have[item[0]] != item[1]]
    assert [name for name, _, _ in differ] == [
        f"{MS}ConnectionRequestUsername",
        f"{MS}ConnectionRequestPassword",
        f"{MS}PeriodicInformTime",
    ]
    # GenieACS sends the whole declaration; booleans as true/false, dateTime with millis.
    result = yield rpc.set_parameter_values(DEFAULT_PROVISION, "")
    assert result.response == {"Status": 0}


async def test_set_with_genieacs_default_provision(acs: LocalAcs, cpe: HarnessFactory) -> None:
    harness = await cpe(meters=True)
    await settled(acs)
    inform, _ = await provision(acs, harness, default_provision())
    assert_transcript(inform.session, "GetParameterValues", "SetParameterValues")
    body = sent(inform.session, "SetParameterValues")
    assert b"<ParameterKey></ParameterKey>" in body
    assert b'<Value xsi:type="xsd:dateTime">1970-01-01T05:23:20.000Z</Value>' in body

    # The old Connection Request credentials are refused, the new ones wake the CPE.
    assert await acs.connection_request(harness.cr_url, "cr-user", "cr-secret") == 401
    names = [name for name, _, _ in DEFAULT_PROVISION] + [f"{MS}ParameterKey"]
    inform, (read,) = await provision(
        acs,
        harness,
        fixed(rpc.get_parameter_values(names)),
        credentials=("genieacs-cr", "cr-secret-2"),
    )
    assert_transcript(inform.session, "GetParameterValues")
    assert read.values == {
        f"{MS}ConnectionRequestUsername": "genieacs-cr",
        f"{MS}ConnectionRequestPassword": "",  # hidden: reads as ""
        f"{MS}PeriodicInformEnable": "true",
        f"{MS}PeriodicInformInterval": "300",
        f"{MS}PeriodicInformTime": "1970-01-01T05:23:20Z",
        f"{MS}ParameterKey": "",
    }


# ---------------------------------------------------------------------- add
def add_meter(added: list[int]) -> Script:
    """GenieACS's addObject: check the table is writable, add, read, set, refresh."""
    listing = yield rpc.get_parameter_names(DEVICE, next_level=True)
    assert dict(listing.response["ParameterList"])[METERS] is True  # only then AddObject
    result = yield rpc.add_object(METERS, "")
    assert result.response["Status"] == 0
    number = result.response["InstanceNumber"]
    added.append(number)
    instance = f"{METERS}{number}."
    fresh = yield rpc.get_parameter_values([instance])
    assert fresh.values == {
        f"{instance}{name}": "0" if name == "ReadingNumberOfEntries" else ""
        for name in (
            "Alias",
            "SerialNumber",
            "Vendor",
            "Type",
            "Name",
            "Latitude",
            "Longitude",
            "ReadingNumberOfEntries",
        )
    }
    result = yield rpc.set_parameter_values(
        [
            (f"{instance}SerialNumber", "4711", "xsd:string"),
            (f"{instance}Vendor", "WEBTECH", "xsd:string"),
            (f"{instance}Type", "waterMeter", "xsd:string"),
            (f"{instance}Name", "Kitchen", "xsd:string"),
        ],
        "",
    )
    assert result.response == {"Status": 0}
    listing = yield rpc.get_parameter_names(METERS, next_level=True)
    assert listing.response["ParameterList"] == [(instance, True)]


async def test_add_object(acs: LocalAcs, cpe: HarnessFactory) -> None:
    harness = await cpe(meters=True)
    await settled(acs)
    added: list[int] = []
    inform, results = await provision(acs, harness, add_meter(added))
    assert_transcript(
        inform.session,
        "GetParameterNames",
        "AddObject",
        "GetParameterValues",
        "SetParameterValues",
        "GetParameterNames",
    )
    assert added == [1]
    assert all(result.id_matched for result in results)
    datamodel = harness.agent.datamodel
    assert datamodel.value(METER_COUNT) == 1
    assert datamodel.value(f"{METERS}1.SerialNumber") == "4711"
    assert datamodel.value(f"{METERS}1.Type") == "waterMeter"
    assert datamodel.value(f"{MS}ParameterKey") == ""


def add_reading_in_one_set(changes: list[tuple[str, str]]) -> Script:
    """A water meter gets a reading set up with one SetParameterValues, as GenieACS does."""
    result = yield rpc.add_object(METERS, "")
    meter = f"{METERS}{result.response['InstanceNumber']}."
    result = yield rpc.set_parameter_values(
        [
            (f"{meter}SerialNumber", "5150", "xsd:string"),
            (f"{meter}Type", "waterMeter", "xsd:string"),
        ]
    )
    assert result.ok, result.fault
    result = yield rpc.add_object(f"{meter}Reading.", "")
    assert result.response == {"InstanceNumber": 1, "Status": 0}
    result = yield rpc.set_parameter_values([(f"{meter}{name}", value) for name, value in changes])
    assert result.fault is None, result.fault
    assert result.response == {"Status": 0}


@pytest.mark.parametrize(
    "changes",
    [
        # SetParameterValues is atomic: checks see the request's other values.
        pytest.param(
            [("Reading.1.Name", "cold"), ("Reading.1.Value", "12")], id="reading-name-and-value"
        ),
        pytest.param(
            [("Reading.1.Name", "T1"), ("Type", "electricityMeter")], id="type-and-reading-name"
        ),
    ],
)
async def test_add_a_reading_in_one_set(
    acs: LocalAcs, cpe: HarnessFactory, changes: list[tuple[str, str]]
) -> None:
    harness = await cpe(meters=True)
    await settled(acs)
    await provision(acs, harness, add_reading_in_one_set(changes))


# ---------------------------------------------------------------------- delete
def delete_meter(number: int) -> Script:
    listing = yield rpc.get_parameter_names(METERS, next_level=True)
    assert dict(listing.response["ParameterList"])[f"{METERS}{number}."] is True
    result = yield rpc.delete_object(f"{METERS}{number}.", "")
    assert result.response == {"Status": 0}
    yield rpc.get_parameter_names(METERS, next_level=True)


async def test_delete_object(acs: LocalAcs, cpe: HarnessFactory) -> None:
    harness = await metered_with_file(acs, cpe)
    inform, (before, _deleted, after) = await provision(acs, harness, delete_meter(2))
    assert_transcript(inform.session, "GetParameterNames", "DeleteObject", "GetParameterNames")
    assert [name for name, _ in before.response["ParameterList"]] == [
        f"{METERS}1.",
        f"{METERS}2.",
        f"{METERS}3.",
    ]
    assert after.response["ParameterList"] == [(f"{METERS}1.", True), (f"{METERS}3.", True)]
    datamodel = harness.agent.datamodel
    assert datamodel.value(METER_COUNT) == 2
    assert datamodel.node(f"{METERS}2.Reading.1.Value") is None
    assert datamodel.value(f"{METERS}3.SerialNumber") == "1234"  # numbers are not shifted


# ---------------------------------------------------------------------- download
@pytest.mark.parametrize("file_size", [0, len(FILE_A)], ids=["size-0", "real-size"])
async def test_download(acs: LocalAcs, cpe: HarnessFactory, file_size: int) -> None:
    harness = await cpe(meters=True)
    await settled(acs)
    acs.serve_file("meters.json", FILE_A)
    # GenieACS: CommandKey = the request's cwmp:ID, empty Username/Password.
    inform, (download,) = await provision(
        acs,
        harness,
        fixed(rpc.download(acs.file_url("meters.json"), CONFIG, file_size=file_size)),
    )
    assert_transcript(inform.session, "Download")
    body = sent(inform.session, "Download")
    assert b"<Username></Username><Password></Password>" in body
    assert f"<FileSize>{file_size}</FileSize>".encode() in body
    assert download.response["Status"] == 1
    command_key = download.cwmp_id
    assert command_key is not None
    assert f"<CommandKey>{command_key}</CommandKey>".encode() in body

    complete = await settled(acs)
    # The outcome of the file (X_..._LastConfigurationFile) is notified actively.
    assert events(complete) == [
        ("4 VALUE CHANGE", ""),
        ("7 TRANSFER COMPLETE", ""),
        ("M Download", command_key),
    ]
    assert_transcript(complete.session, cpe_requests=("TransferComplete",))
    (report,) = acs.transfer_completes
    assert report.command_key == command_key
    assert report.fault == (0, "")
    assert report.args["StartTime"] <= report.args["CompleteTime"]
    assert harness.agent.datamodel.value(METER_COUNT) == 3
    assert harness.agent.transfers.transfers == []


# ---------------------------------------------------------------------- reboot
async def test_reboot(acs: LocalAcs, cpe: HarnessFactory) -> None:
    harness = await cpe(meters=True)
    await settled(acs)
    inform, (reboot,) = await provision(acs, harness, fixed(rpc.reboot("")))
    assert_transcript(inform.session, "Reboot")
    assert reboot.ok
    assert reboot.response == {}
    await until(lambda: harness.agent.restarting)
    await harness.restart()
    booted = await settled(acs)
    assert events(booted) == [("1 BOOT", ""), ("M Reboot", "")]
    assert_transcript(booted.session)


# ---------------------------------------------------------------------- factory reset
async def test_factory_reset(acs: LocalAcs, cpe: HarnessFactory) -> None:
    harness = await metered_with_file(acs, cpe)
    await provision(
        acs,
        harness,
        fixed(
            rpc.set_parameter_values(
                [(f"{MS}PeriodicInformInterval", "77", "xsd:unsignedInt")], "k1"
            )
        ),
    )
    inform, (reset,) = await provision(acs, harness, fixed(rpc.factory_reset()))
    assert_transcript(inform.session, "FactoryReset")
    assert reset.ok
    assert reset.response == {}
    await until(lambda: harness.agent.restarting)
    await harness.restart()
    bootstrap = await settled(acs)
    assert events(bootstrap) == [("0 BOOTSTRAP", ""), ("1 BOOT", "")]
    assert_transcript(bootstrap.session, cpe_requests=("GetRPCMethods",))
    datamodel = harness.agent.datamodel
    assert datamodel.value(METER_COUNT) == 0
    assert datamodel.value(f"{MS}PeriodicInformInterval") == 300
    assert datamodel.value(f"{MS}ParameterKey") == ""
    assert bootstrap.params[f"{MS}ParameterKey"] == ""
