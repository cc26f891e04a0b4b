"""The RPCs beyond GPV/SPV/GPN: objects, attributes, reboot, reset, schedules, uploads."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from local_acs import LocalAcs, ftp_server, rpc
from local_acs.inject import DropConnection, Fault
from tests.agent_harness import (
    CR_PASSWORD,
    CR_USERNAME,
    IDENTITY,
    SERIAL,
    AgentHarness,
    agent_config,
    assert_schema_valid,
    with_meters,
)
from tr069_cpe.cwmp.cpe_requests import RequestDownloadOutcome
from tr069_cpe.cwmp.versions import CWMP_1_2
from tr069_cpe.meters.table import meter_extension

from .conftest import HarnessFactory

MS = "Device.ManagementServer."
METERS = f"Device.X_{IDENTITY.oui}_Meter."
FILE_A = b"""{"items": [
  {"serial": "26", "vendor": "PIKKETRON", "type": "electricityMeter", "T1": "0kWh", "T2": "0kWh"},
  {"serial": "987", "vendor": "WEBTECH", "type": "temperatureHumidity", "hum": "0%", "temp": "0\xc2\xb0C"},
  {"serial": "1234", "vendor": "BONEGA", "type": "waterMeter", "warm": "01", "cold": "01"}]}"""


def codes(inform: Any) -> list[str]:
    return [event.code for event in inform.events]


def attr(
    name: str, notification: int | None = None, access: list[str] | None = None
) -> dict[str, Any]:
    """A SetParameterAttributesStruct: only the given attributes change."""
    return {
        "Name": name,
        "NotificationChange": notification is not None,
        "Notification": notification or 0,
        "AccessListChange": access is not None,
        "AccessList": access or [],
    }


def window(start: int, end: int, mode: str, message: str = "", retries: int = 0) -> dict[str, Any]:
    return {
        "WindowStart": start,
        "WindowEnd": end,
        "WindowMode": mode,
        "UserMessage": message,
        "MaxRetries": retries,
    }


async def session(acs: LocalAcs, harness: AgentHarness, *requests: Any) -> list[Any]:
    """Queue requests, wake the CPE, return the results in order."""
    tasks = [acs.queue(SERIAL, request) for request in requests]
    assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 200
    inform = await acs.wait_for_inform(serial=SERIAL, event="6 CONNECTION REQUEST")
    results = [await task.result() for task in tasks]
    await inform.session.wait_ended()
    return results


async def settled(acs: LocalAcs) -> None:
    await (await acs.wait_for_inform(serial=SERIAL)).session.wait_ended()


async def transferred(acs: LocalAcs) -> Any:
    """The next TransferComplete session, once it is over."""
    inform = await acs.wait_for_inform(serial=SERIAL, event="7 TRANSFER COMPLETE", timeout=5)
    await inform.session.wait_ended()
    return inform


# ---------------------------------------------------------------------- objects
async def test_add_and_delete_objects(acs: LocalAcs, cpe: HarnessFactory) -> None:
    harness = await cpe(meters=True)
    await settled(acs)
    added, names, deleted, again, listed = await session(
        acs,
        harness,
        rpc.add_object(METERS, "add-1"),
        rpc.get_parameter_names(METERS, next_level=True),
        rpc.delete_object(f"{METERS}1.", "del-1"),
        rpc.add_object(METERS, "add-2"),
        rpc.get_parameter_values([f"{MS}ParameterKey", "Device.X_00D09E_MeterNumberOfEntries"]),
    )
    assert added.response == {"InstanceNumber": 1, "Status": 0}
    assert names.response["ParameterList"] == [(f"{METERS}1.", True)]
    assert deleted.response == {"Status": 0}
    assert again.response == {"InstanceNumber": 2, "Status": 0}
    assert listed.values == {
        f"{MS}ParameterKey": "add-2",
        "Device.X_00D09E_MeterNumberOfEntries": "1",
    }


@pytest.mark.parametrize(
    ("request_", "code"),
    [
        (rpc.add_object(METERS.rstrip(".")), 9005),
        (rpc.add_object("Device.DeviceInfo."), 9005),
        (rpc.add_object("Device.Nope."), 9005),
        (rpc.delete_object(f"{METERS}9."), 9005),
        (rpc.delete_object(METERS), 9005),
    ],
)
async def test_object_faults(acs: LocalAcs, cpe: HarnessFactory, request_: Any, code: int) -> None:
    harness = await cpe(meters=True)
    await settled(acs)
    (result,) = await session(acs, harness, request_)
    assert result.fault.code == code


async def test_instances_survive_a_restart_and_are_never_reused(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    harness = await cpe(meters=True)
    await settled(acs)
    await session(acs, harness, rpc.add_object(METERS), rpc.add_object(METERS))
    await session(acs, harness, rpc.delete_object(f"{METERS}2."))
    await harness.restart()
    await settled(acs)
    (added,) = await session(acs, harness, rpc.add_object(METERS))
    assert added.response["InstanceNumber"] == 3


# ---------------------------------------------------------------------- attributes
async def test_parameter_attributes(acs: LocalAcs, cpe: HarnessFactory) -> None:
    harness = await cpe()
    await settled(acs)
    results = await session(
        acs,
        harness,
        rpc.set_parameter_attributes(
            [
                attr(f"{MS}PeriodicInformInterval", 1, ["Subscriber"]),
                attr("Device.DeviceInfo.", 1, None),
            ]
        ),
        rpc.get_parameter_attributes(
            [f"{MS}PeriodicInformInterval", "Device.DeviceInfo.SoftwareVersion", f"{MS}URL"]
        ),
        rpc.get_parameter_attributes(["Device.DeviceInfo."]),
    )
    assert results[0].ok
    attributes = {item.name: item for item in results[1].response["ParameterList"]}
    assert attributes[f"{MS}PeriodicInformInterval"].notification == 1
    assert attributes[f"{MS}PeriodicInformInterval"].access_list == ["Subscriber"]
    assert attributes["Device.DeviceInfo.SoftwareVersion"].notification == 2
    assert attributes[f"{MS}URL"].notification == 0
    below = {item.name: item.notification for item in results[2].response["ParameterList"]}
    assert below["Device.DeviceInfo.Manufacturer"] == 1
    assert below["Device.DeviceInfo.SoftwareVersion"] == 2  # forced active: unchanged
    # After the forced one, and computed: passive notification is never refused.
    assert below["Device.DeviceInfo.ProvisioningCode"] == 2
    assert below["Device.DeviceInfo.UpTime"] == 1
    assert below["Device.DeviceInfo.HardwareVersion"] == 1

    await harness.restart()
    await settled(acs)
    (kept,) = await session(
        acs, harness, rpc.get_parameter_attributes([f"{MS}PeriodicInformInterval"])
    )
    assert kept.response["ParameterList"][0].notification == 1


@pytest.mark.parametrize(
    ("item", "code"),
    [
        (attr("Device.DeviceInfo.UpTime", 2, None), 9009),
        (attr("Device.DeviceInfo.SoftwareVersion", 0, None), 9009),
        (attr(f"{MS}URL", 3, None), 9003),
        (attr(f"{MS}URL", 6, None), 9003),
        (attr(f"{MS}URL", 7, None), 9003),
        (attr(f"{MS}URL", None, ["Everybody"]), 9003),
        (attr("Device.Nope", 1, None), 9005),
    ],
)
async def test_attribute_faults_change_nothing(
    acs: LocalAcs, cpe: HarnessFactory, item: Any, code: int
) -> None:
    harness = await cpe()
    await settled(acs)
    failing, after = await session(
        acs,
        harness,
        rpc.set_parameter_attributes([attr(f"{MS}Username", 1), item]),
        rpc.get_parameter_attributes([f"{MS}Username"]),
    )
    assert failing.fault.code == code
    assert after.response["ParameterList"][0].notification == 0


async def test_genieacs_sends_an_empty_notification_when_unchanged(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    harness = await cpe()
    await settled(acs)
    body = (
        '<cwmp:SetParameterAttributes><ParameterList soap-enc:arrayType="cwmp:SetParameterAttributesStruct[1]">'
        f"<SetParameterAttributesStruct><Name>{MS}URL</Name><NotificationChange>false</NotificationChange>"
        "<Notification></Notification><AccessListChange>true</AccessListChange>"
        '<AccessList soap-enc:arrayType="xsd:string[0]"></AccessList></SetParameterAttributesStruct>'
        "</ParameterList></cwmp:SetParameterAttributes>"
    )
    (result,) = await session(acs, harness, rpc.raw("SetParameterAttributes", body))
    assert result.ok


# ---------------------------------------------------------------------- notifications
async def test_active_notification_starts_a_session(acs: LocalAcs, cpe: HarnessFactory) -> None:
    harness = await cpe()
    await settled(acs)
    harness.agent.datamodel.set_local("Device.DeviceInfo.ProvisioningCode", "local-change")
    inform = await acs.wait_for_inform(serial=SERIAL, event="4 VALUE CHANGE", timeout=3)
    assert codes(inform) == ["4 VALUE CHANGE"]
    values = {item.name: item.value for item in inform.parameters}
    assert values["Device.DeviceInfo.ProvisioningCode"] == "local-change"


async def test_passive_rides_along_and_acs_changes_are_not_reported(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    harness = await cpe()
    await settled(acs)
    await session(
        acs, harness, rpc.set_parameter_attributes([attr(f"{MS}UpgradesManaged", 1, None)])
    )
    harness.agent.datamodel.set_local(f"{MS}UpgradesManaged", True)
    await asyncio.sleep(0.3)
    assert len(acs.informs) == 2
    await session(
        acs, harness, rpc.set_parameter_values([(f"{MS}UpgradesManaged", "false", "xsd:boolean")])
    )
    inform = acs.informs[-1]
    assert set(codes(inform)) == {"4 VALUE CHANGE", "6 CONNECTION REQUEST"}
    values = {item.name: item.value for item in inform.parameters}
    assert values[f"{MS}UpgradesManaged"] == "true"
    await session(acs, harness)
    after = acs.informs[-1]
    assert codes(after) == ["6 CONNECTION REQUEST"]
    assert f"{MS}UpgradesManaged" not in {item.name for item in after.parameters}


async def test_active_notifications_are_throttled(acs: LocalAcs, cpe: HarnessFactory) -> None:
    harness = await cpe()
    await settled(acs)
    await session(
        acs,
        harness,
        rpc.set_parameter_values(
            [(f"{MS}DefaultActiveNotificationThrottle", "2", "xsd:unsignedInt")]
        ),
    )
    datamodel = harness.agent.datamodel
    datamodel.set_local("Device.DeviceInfo.ProvisioningCode", "one")
    first = await acs.wait_for_inform(serial=SERIAL, event="4 VALUE CHANGE", timeout=3)
    await first.session.wait_ended()
    datamodel.set_local("Device.DeviceInfo.ProvisioningCode", "two")
    second = await acs.wait_for_inform(serial=SERIAL, event="4 VALUE CHANGE", timeout=5)
    assert second.received_at - first.received_at >= 1.9


# ---------------------------------------------------------------------- reboot / reset
async def test_reboot_restarts_with_m_reboot(acs: LocalAcs) -> None:
    restarts: list[bool] = []
    harness = AgentHarness(agent_config(acs.url), on_reboot=lambda: restarts.append(True))
    await harness.start()
    await settled(acs)
    (result,) = await session(acs, harness, rpc.reboot("reboot-7"))
    assert result.ok
    await asyncio.sleep(0.2)
    assert restarts == [True]
    assert harness.agent.restarting
    await harness.restart()
    inform = await acs.wait_for_inform(serial=SERIAL)
    assert [(event.code, event.command_key) for event in inform.events] == [
        ("1 BOOT", ""),
        ("M Reboot", "reboot-7"),
    ]
    await harness.stop()


async def test_factory_reset_forgets_everything_and_bootstraps(acs: LocalAcs) -> None:
    harness = AgentHarness(
        agent_config(acs.url, extensions=meter_extension(IDENTITY.oui)), prepare=with_meters
    )
    await harness.start()
    await settled(acs)
    acs.serve_file("a.json", FILE_A)
    await session(
        acs,
        harness,
        rpc.set_parameter_values([(f"{MS}PeriodicInformInterval", "77", "xsd:unsignedInt")], "k"),
        rpc.download(acs.file_url("a.json"), "3 Vendor Configuration File"),
    )
    await transferred(acs)
    assert len(harness.agent.datamodel.table(METERS).instances) == 3
    (reset,) = await session(acs, harness, rpc.factory_reset())
    assert reset.ok
    await asyncio.sleep(0.2)
    assert harness.agent.restarting
    await harness.restart()
    inform = await acs.wait_for_inform(serial=SERIAL)
    assert codes(inform) == ["0 BOOTSTRAP", "1 BOOT"]
    datamodel = harness.agent.datamodel
    assert datamodel.value(f"{MS}PeriodicInformInterval") == 300
    assert datamodel.value(f"{MS}ParameterKey") == ""
    assert datamodel.table(METERS).instances == {}
    await inform.session.wait_ended()
    (added,) = await session(acs, harness, rpc.add_object(METERS))
    assert added.response["InstanceNumber"] == 4  # 1-3 were the reset meters': never reused
    await harness.stop()


# ---------------------------------------------------------------------- ScheduleInform
async def test_schedule_inform(acs: LocalAcs, cpe: HarnessFactory) -> None:
    harness = await cpe()
    await settled(acs)
    scheduled, zero = await session(
        acs, harness, rpc.schedule_inform(1, "sched-1"), rpc.schedule_inform(0, "never")
    )
    assert scheduled.ok
    assert zero.fault.code == 9003
    inform = await acs.wait_for_inform(serial=SERIAL, event="3 SCHEDULED", timeout=3)
    assert [(event.code, event.command_key) for event in inform.events] == [
        ("3 SCHEDULED", ""),
        ("M ScheduleInform", "sched-1"),
    ]


async def test_scheduled_inform_survives_a_restart(acs: LocalAcs, cpe: HarnessFactory) -> None:
    harness = await cpe()
    await settled(acs)
    await session(acs, harness, rpc.schedule_inform(2, "later"))
    await harness.restart()
    inform = await acs.wait_for_inform(serial=SERIAL, event="3 SCHEDULED", timeout=5)
    assert ("M ScheduleInform", "later") in [(e.code, e.command_key) for e in inform.events]


# ---------------------------------------------------------------------- Upload
async def test_upload_of_the_session_log_without_passwords(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    harness = await cpe()
    await settled(acs)
    acs.expect_upload("log.txt")
    await session(
        acs,
        harness,
        rpc.set_parameter_values([(f"{MS}Password", "hunter2", "xsd:string")]),
    )
    (result,) = await session(
        acs, harness, rpc.upload(acs.upload_url("log.txt"), "2 Vendor Log File", command_key="log")
    )
    assert result.response["Status"] == 1
    log = (await acs.wait_for_upload("log.txt")).decode()
    assert "cwmp:Inform>" in log
    assert f"{MS}Password</Name>" in log
    assert "hunter2" not in log
    inform = await acs.wait_for_inform(serial=SERIAL, event="7 TRANSFER COMPLETE")
    assert ("M Upload", "log") in [(event.code, event.command_key) for event in inform.events]
    await inform.session.wait_ended()
    assert acs.transfer_completes[-1].fault.code == 0


async def test_configuration_upload_round_trips(acs: LocalAcs, cpe: HarnessFactory) -> None:
    harness = await cpe(meters=True)
    await settled(acs)
    acs.serve_file("a.json", FILE_A)
    acs.expect_upload("back.json")
    await session(acs, harness, rpc.download(acs.file_url("a.json"), "3 Vendor Configuration File"))
    await (
        await acs.wait_for_inform(serial=SERIAL, event="7 TRANSFER COMPLETE")
    ).session.wait_ended()
    await session(
        acs, harness, rpc.upload(acs.upload_url("back.json"), "1 Vendor Configuration File")
    )
    uploaded = await acs.wait_for_upload("back.json")
    meters = {item["serial"]: item for item in json.loads(uploaded)["items"]}
    assert set(meters) == {"26", "987", "1234"}
    await (
        await acs.wait_for_inform(serial=SERIAL, event="7 TRANSFER COMPLETE")
    ).session.wait_ended()
    acs.serve_file("back.json", uploaded)
    await session(
        acs, harness, rpc.download(acs.file_url("back.json"), "3 Vendor Configuration File")
    )
    await (
        await acs.wait_for_inform(serial=SERIAL, event="7 TRANSFER COMPLETE")
    ).session.wait_ended()
    assert acs.transfer_completes[-1].fault.code == 0


async def test_upload_over_ftp_and_faults(acs: LocalAcs, cpe: HarnessFactory) -> None:
    harness = await cpe()
    await settled(acs)
    async with ftp_server("up", "load") as ftp:
        good, bad_type, bad_scheme = await session(
            acs,
            harness,
            rpc.upload(
                ftp.file_url("log.txt"), "2 Vendor Log File", username="up", password="load"
            ),
            rpc.upload(ftp.file_url("x"), "4 Vendor Log File 1"),
            rpc.upload("gopher://127.0.0.1/x", "2 Vendor Log File"),
        )
        assert good.ok
        assert bad_type.fault.code == 9003
        assert bad_scheme.fault.code == 9013
        await (
            await acs.wait_for_inform(serial=SERIAL, event="7 TRANSFER COMPLETE")
        ).session.wait_ended()
        assert b"cwmp:Inform" in ftp.read("log.txt")


# ---------------------------------------------------------------------- queued transfers
async def test_queued_transfers_and_cancel_in_cwmp_1_2(cpe: HarnessFactory) -> None:
    async with LocalAcs(cwmp_namespace="1-2") as acs:
        harness = await cpe(meters=True, url=acs.url, cwmp_namespace=CWMP_1_2)
        await settled(acs)
        acs.serve_file("a.json", b"{}")
        url = acs.file_url("a.json")
        results = await session(
            acs,
            harness,
            rpc.download(
                url, "3 Vendor Configuration File", command_key="later", delay_seconds=3600
            ),
            rpc.upload(
                acs.upload_url("x"), "2 Vendor Log File", command_key="up", delay_seconds=3600
            ),
            rpc.get_queued_transfers(),
            rpc.get_all_queued_transfers(),
            rpc.cancel_transfer("later"),
            rpc.cancel_transfer("nothing"),
            rpc.get_queued_transfers(),
        )
        assert [item.ok for item in results[:2]] == [True, True]
        queued = results[2].response["TransferList"]
        assert [(item["CommandKey"], item["State"]) for item in queued] == [("later", 1), ("up", 1)]
        every = results[3].response["TransferList"]
        assert every[0]["IsDownload"] is True
        assert every[1]["IsDownload"] is False
        assert every[1]["FileType"] == "2 Vendor Log File"
        assert results[4].ok
        assert results[5].fault.code == 9003
        assert [item["CommandKey"] for item in results[6].response["TransferList"]] == ["up"]
        await harness.stop()
        assert_schema_valid(acs)


async def test_cancel_is_refused_once_a_transfer_is_done(cpe: HarnessFactory) -> None:
    async with LocalAcs(cwmp_namespace="1-2") as acs:
        harness = await cpe(url=acs.url, cwmp_namespace=CWMP_1_2)
        await settled(acs)
        acs.expect_upload("x")
        acs.inject(DropConnection(on="TransferComplete"))
        await session(
            acs, harness, rpc.upload(acs.upload_url("x"), "2 Vendor Log File", command_key="k")
        )
        await acs.wait_for_upload("x")
        await (
            await acs.wait_for_inform(serial=SERIAL, event="7 TRANSFER COMPLETE")
        ).session.wait_ended()
        acs.set_hold_requests(SERIAL)
        (cancel,) = await session(acs, harness, rpc.cancel_transfer("k"))
        assert cancel.fault.code == 9021
        inform = acs.informs[-1]
        methods = inform.session.methods()
        assert methods.index("Fault") < methods.index("TransferComplete")
        await harness.stop()
        assert_schema_valid(acs)


async def test_methods_missing_from_cwmp_1_0_are_not_offered(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    harness = await cpe()
    await settled(acs)
    methods, cancel = await session(acs, harness, rpc.get_rpc_methods(), rpc.cancel_transfer("k"))
    offered = methods.response["MethodList"]
    assert "CancelTransfer" not in offered
    assert "ScheduleDownload" not in offered
    assert "GetAllQueuedTransfers" not in offered
    assert {"GetParameterAttributes", "AddObject", "Reboot", "Download", "Upload"} <= set(offered)
    assert cancel.fault.code == 9000


# ---------------------------------------------------------------------- ScheduleDownload
async def test_schedule_download_in_a_window(cpe: HarnessFactory) -> None:
    async with LocalAcs(cwmp_namespace="1-2") as acs:
        harness = await cpe(meters=True, url=acs.url, cwmp_namespace=CWMP_1_2)
        await settled(acs)
        acs.serve_file("a.json", FILE_A)
        (result,) = await session(
            acs,
            harness,
            rpc.schedule_download(
                acs.file_url("a.json"),
                [window(1, 30, "1 At Any Time", retries=-1)],
                "3 Vendor Configuration File",
                command_key="win",
            ),
        )
        assert result.ok
        inform = await acs.wait_for_inform(serial=SERIAL, event="7 TRANSFER COMPLETE", timeout=5)
        assert ("M ScheduleDownload", "win") in [(e.code, e.command_key) for e in inform.events]
        await inform.session.wait_ended()
        assert acs.transfer_completes[-1].fault.code == 0
        await harness.stop()
        assert_schema_valid(acs)


@pytest.mark.parametrize(
    "windows",
    [
        [],
        [window(10, 5, "1 At Any Time")],
        [window(0, 60, "1 At Any Time"), window(30, 90, "1 At Any Time")],
        [window(0, 60, "4 Confirmation Needed", "Please")],
        [window(0, 60, "9 Sometime")],
        [window(0, 1, "1 At Any Time")] * 3,
    ],
)
async def test_schedule_download_checks_its_windows(cpe: HarnessFactory, windows: Any) -> None:
    async with LocalAcs(cwmp_namespace="1-2") as acs:
        harness = await cpe(meters=True, url=acs.url, cwmp_namespace=CWMP_1_2)
        await settled(acs)
        (result,) = await session(
            acs,
            harness,
            rpc.schedule_download(acs.file_url("a.json"), windows, "3 Vendor Configuration File"),
        )
        assert result.fault.code == 9003
        await harness.stop()
        assert_schema_valid(acs)


async def test_schedule_download_reports_a_missed_window(cpe: HarnessFactory) -> None:
    async with LocalAcs(cwmp_namespace="1-2") as acs:
        harness = await cpe(meters=True, url=acs.url, cwmp_namespace=CWMP_1_2)
        await settled(acs)
        (result,) = await session(
            acs,
            harness,
            rpc.schedule_download(
                "http://127.0.0.1:1/a.json",
                [window(0, 2, "2 Immediately", retries=5)],
                "3 Vendor Configuration File",
            ),
        )
        assert result.ok
        inform = await acs.wait_for_inform(serial=SERIAL, event="7 TRANSFER COMPLETE", timeout=5)
        await inform.session.wait_ended()
        assert acs.transfer_completes[-1].fault.code == 9020
        await harness.stop()
        assert_schema_valid(acs)


# ---------------------------------------------------------------------- CPE requests
async def test_request_download_once_the_acs_supports_it(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    harness = await cpe()
    inform = await acs.wait_for_inform(serial=SERIAL)
    await inform.session.wait_ended()
    assert "GetRPCMethods" in inform.session.methods()
    assert harness.agent.cpe_requests.supports("RequestDownload")
    outcome = harness.agent.request_download("3 Vendor Configuration File", (("Reason", "user"),))
    asked = await acs.wait_for_inform(serial=SERIAL, event="9 REQUEST DOWNLOAD", timeout=3)
    await asked.session.wait_ended()
    request = acs.cpe_requests[-1]
    assert request.method == "RequestDownload"
    assert request.args["FileType"] == "3 Vendor Configuration File"
    assert harness.agent.cpe_requests.downloads == []
    assert await outcome is RequestDownloadOutcome.ACCEPTED


async def test_a_request_download_the_acs_faults_is_refused(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    harness = await cpe()
    await settled(acs)
    acs.inject(Fault(on="RequestDownload", code=8000))
    outcome = harness.agent.request_download("3 Vendor Configuration File")
    assert await asyncio.wait_for(outcome, 5) is RequestDownloadOutcome.REFUSED
    assert harness.agent.cpe_requests.downloads == []


async def test_request_download_refused_when_the_acs_lacks_it(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    harness = await cpe()
    await settled(acs)
    harness.agent.cpe_requests.acs_methods = ["Inform", "GetRPCMethods", "TransferComplete"]
    with pytest.raises(ValueError, match="does not support RequestDownload"):
        harness.agent.request_download("3 Vendor Configuration File")


# ---------------------------------------------------------------------- headers and versions
async def test_cwmp_1_4_headers_in_cwmp_1_2_informs(cpe: HarnessFactory) -> None:
    async with LocalAcs(cwmp_namespace="1-2") as acs:
        await cpe(url=acs.url, cwmp_namespace=CWMP_1_2)
        inform = await acs.wait_for_inform(serial=SERIAL)
        assert b"urn:dslforum-org:cwmp-1-2" in inform.raw
        assert (
            b'<cwmp:SupportedCWMPVersions soap-env:mustUnderstand="0">1.0,1.1,1.2,1.3,1.4'
            in inform.raw
        )
        assert (
            b'<cwmp:SessionTimeout soap-env:mustUnderstand="0">5</cwmp:SessionTimeout>'
            in inform.raw
        )
        await inform.session.wait_ended()
        assert_schema_valid(acs)


async def test_cwmp_1_0_informs_carry_no_newer_headers(acs: LocalAcs, cpe: HarnessFactory) -> None:
    await cpe()
    inform = await acs.wait_for_inform(serial=SERIAL)
    assert b"SupportedCWMPVersions" not in inform.raw
    assert b"SessionTimeout" not in inform.raw


async def test_an_acs_answering_in_cwmp_1_0_is_followed(cpe: HarnessFactory) -> None:
    async with LocalAcs(cwmp_namespace="1-0") as acs:
        harness = await cpe(url=acs.url, cwmp_namespace=CWMP_1_2)
        inform = await acs.wait_for_inform(serial=SERIAL)
        await inform.session.wait_ended()
        assert b"cwmp-1-2" in inform.raw
        await harness.restart()
        again = await acs.wait_for_inform(serial=SERIAL)
        assert b"urn:dslforum-org:cwmp-1-0" in again.raw
        assert_schema_valid(acs)


async def test_gzip_bodies_when_compression_is_enabled(acs: LocalAcs, cpe: HarnessFactory) -> None:
    harness = await cpe()
    await settled(acs)
    await session(
        acs, harness, rpc.set_parameter_values([(f"{MS}HTTPCompression", "GZIP", "xsd:string")])
    )
    (values,) = await session(acs, harness, rpc.get_parameter_values([f"{MS}HTTPCompression"]))
    assert values.values == {f"{MS}HTTPCompression": "GZIP"}
    assert acs.informs[-1].session.end_reason == "completed"


async def test_unknown_mandatory_header_gets_a_must_understand_fault(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    harness = await cpe()
    await settled(acs)
    envelope = (
        b'<?xml version="1.0"?><soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"'
        b' xmlns:cwmp="urn:dslforum-org:cwmp-1-0" xmlns:x="urn:example"><soap-env:Header>'
        b'<cwmp:ID soap-env:mustUnderstand="1">77</cwmp:ID><x:Secret soap-env:mustUnderstand="1">1</x:Secret>'
        b"</soap-env:Header><soap-env:Body><cwmp:GetRPCMethods/></soap-env:Body></soap-env:Envelope>"
    )
    bad, good = await session(acs, harness, rpc.raw_body(envelope), rpc.get_rpc_methods())
    assert b"MustUnderstand" in bad.raw
    assert good.ok


async def test_malformed_request_gets_9003(acs: LocalAcs, cpe: HarnessFactory) -> None:
    harness = await cpe()
    await settled(acs)
    broken, good = await session(
        acs, harness, rpc.raw_body(b"<soap-env:Envelope><oops"), rpc.get_rpc_methods()
    )
    assert b"<FaultCode>9003</FaultCode>" in broken.raw
    assert good.ok
