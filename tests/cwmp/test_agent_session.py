"""Whole sessions with the local ACS: Inform, events, GPV/SPV/GPN, persistence."""

from __future__ import annotations

import asyncio
from datetime import datetime

from local_acs import LocalAcs, rpc
from tests.agent_harness import SERIAL, AgentHarness, agent_config
from tr069_cpe.cwmp.state import MemoryStateStore

from .conftest import HarnessFactory

MS = "Device.ManagementServer."


def codes(inform: object) -> list[str]:
    return [event.code for event in inform.events]  # type: ignore[attr-defined]


async def test_first_contact_is_bootstrap_and_a_restart_is_boot(acs: LocalAcs) -> None:
    harness = AgentHarness(agent_config(acs.url), MemoryStateStore())
    await harness.start()
    inform = await acs.wait_for_inform(serial=SERIAL)
    assert codes(inform) == ["0 BOOTSTRAP", "1 BOOT"]
    assert inform.device_id == ("Home Assistant", "00D09E", "HomeAssistant", SERIAL)
    assert inform.max_envelopes == 1
    assert inform.retry_count == 0
    assert datetime.fromisoformat(inform.current_time).utcoffset() is not None
    values = {item.name: (item.value, item.type) for item in inform.parameters}
    assert values == {
        "Device.RootDataModelVersion": ("2.17", "xsd:string"),
        "Device.DeviceInfo.HardwareVersion": ("", "xsd:string"),
        "Device.DeviceInfo.SoftwareVersion": ("9.9.9", "xsd:string"),
        "Device.DeviceInfo.ProvisioningCode": ("", "xsd:string"),
        f"{MS}ParameterKey": ("", "xsd:string"),
        f"{MS}ConnectionRequestURL": (harness.cr_url, "xsd:string"),
        f"{MS}AliasBasedAddressing": ("false", "xsd:boolean"),
    }
    session = await inform.session.wait_ended()
    assert inform.session.end_reason == "completed", session
    assert inform.session.cookie_echoed
    assert inform.session.connection_count == 1

    await harness.restart()
    again = await acs.wait_for_inform(serial=SERIAL)
    assert codes(again) == ["1 BOOT"]
    await harness.stop()


def cr_url_of(inform: object) -> str:
    return next(
        item.value
        for item in inform.parameters  # type: ignore[attr-defined]
        if item.name.endswith("ConnectionRequestURL")
    )


async def wake(acs: LocalAcs, harness: AgentHarness) -> None:
    assert await acs.connection_request(harness.cr_url, "cr-user", "cr-secret") == 200


async def test_acs_reads_writes_and_walks_the_data_model(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    harness = await cpe()
    await acs.wait_for_inform(serial=SERIAL)
    names = acs.queue(SERIAL, rpc.get_parameter_names("", next_level=True))
    level = acs.queue(SERIAL, rpc.get_parameter_names(MS, next_level=True))
    values = acs.queue(SERIAL, rpc.get_parameter_values(["Device.DeviceInfo.", f"{MS}Password"]))
    setting = acs.queue(
        SERIAL,
        rpc.set_parameter_values(
            [
                ("Device.DeviceInfo.ProvisioningCode", "abc", "xsd:string"),
                (f"{MS}PeriodicInformInterval", "60", "xsd:unsignedInt"),
            ],
            "key-1",
        ),
    )
    key = acs.queue(
        SERIAL, rpc.get_parameter_values([f"{MS}ParameterKey", f"{MS}PeriodicInformInterval"])
    )
    await wake(acs, harness)
    assert (await names.result()).response["ParameterList"] == [("Device.", False)]
    listed = dict((await level.result()).response["ParameterList"])
    assert listed[f"{MS}URL"] is True
    assert listed[f"{MS}ConnectionRequestURL"] is False
    read = (await values.result()).values
    assert read["Device.DeviceInfo.SoftwareVersion"] == "9.9.9"
    assert read[f"{MS}Password"] == ""
    assert (await setting.result()).response == {"Status": 0}
    after = (await key.result()).values
    assert after == {f"{MS}ParameterKey": "key-1", f"{MS}PeriodicInformInterval": "60"}
    assert cr_url_of(acs.informs[-1]) == harness.cr_url


async def test_faults_leave_the_session_going(acs: LocalAcs, cpe: HarnessFactory) -> None:
    harness = await cpe()
    await acs.wait_for_inform(serial=SERIAL)
    unknown = acs.queue(SERIAL, rpc.get_parameter_values(["Device.Nope."]))
    failing = acs.queue(
        SERIAL,
        rpc.set_parameter_values(
            [
                (f"{MS}PeriodicInformInterval", "0", "xsd:unsignedInt"),
                ("Device.DeviceInfo.UpTime", "1", "xsd:unsignedInt"),
                ("Device.DeviceInfo.ProvisioningCode", "kept?", "xsd:string"),
            ],
            "never",
        ),
    )
    unsupported = acs.queue(SERIAL, rpc.raw("X_ACME_Frobnicate", "<cwmp:X_ACME_Frobnicate/>"))
    malformed = acs.queue(
        SERIAL,
        rpc.raw(
            "GetParameterNames",
            "<cwmp:GetParameterNames><NextLevel>1</NextLevel></cwmp:GetParameterNames>",
        ),
    )
    after = acs.queue(
        SERIAL,
        rpc.get_parameter_values(["Device.DeviceInfo.ProvisioningCode", f"{MS}ParameterKey"]),
    )
    await wake(acs, harness)
    assert (await unknown.result()).fault.code == 9005
    fault = (await failing.result()).fault
    assert fault.code == 9003
    assert [(item.name, item.code) for item in fault.set_parameter_values_faults] == [
        (f"{MS}PeriodicInformInterval", 9007),
        ("Device.DeviceInfo.UpTime", 9008),
    ]
    assert (await unsupported.result()).fault.code == 9000
    assert (await malformed.result()).fault.code == 9003
    assert (await after.result()).values == {
        "Device.DeviceInfo.ProvisioningCode": "",
        f"{MS}ParameterKey": "",
    }


async def test_periodic_informs_follow_the_interval_the_acs_sets(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    harness = await cpe(periodic_inform_interval=3600)
    await acs.wait_for_inform(serial=SERIAL)
    acs.queue(
        SERIAL, rpc.set_parameter_values([(f"{MS}PeriodicInformInterval", "1", "xsd:unsignedInt")])
    )
    await wake(acs, harness)
    first = await acs.wait_for_inform(serial=SERIAL, event="2 PERIODIC", timeout=5)
    second = await acs.wait_for_inform(serial=SERIAL, event="2 PERIODIC", timeout=5)
    assert second.received_at - first.received_at > 0.5
    disable = acs.queue(
        SERIAL, rpc.set_parameter_values([(f"{MS}PeriodicInformEnable", "false", "xsd:boolean")])
    )
    assert (await disable.result(timeout=5)).ok
    periodic = sum("2 PERIODIC" in codes(inform) for inform in acs.informs)
    await asyncio.sleep(2.5)
    assert sum("2 PERIODIC" in codes(inform) for inform in acs.informs) == periodic
