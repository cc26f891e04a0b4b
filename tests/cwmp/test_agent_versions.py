"""CWMP versions: cwmp-1-1 sessions, UseCWMPVersion, session-timeout headers, the TR-098 root."""

from __future__ import annotations

import pytest

from local_acs import LocalAcs, rpc
from tests.agent_harness import SERIAL
from tr069_cpe.cwmp.datamodel import RootObject
from tr069_cpe.cwmp.versions import CWMP_1_2, namespace_of_version

from .conftest import HarnessFactory
from .test_agent_rpcs import session, settled, transferred

NEWER_METHODS = {"GetAllQueuedTransfers", "ScheduleDownload", "CancelTransfer"}


def methods_of(result: object) -> set[str]:
    return set(result.response["MethodList"])  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("version", "namespace"),
    [
        ("1.0", "urn:dslforum-org:cwmp-1-0"),
        ("1.1", "urn:dslforum-org:cwmp-1-1"),
        ("1.4", CWMP_1_2),
        (" 1.2 ", CWMP_1_2),
        ("2.0", None),
        ("1", None),
        ("one", None),
    ],
)
def test_versions_and_their_methods(version: str, namespace: str | None) -> None:
    assert namespace_of_version(version) == namespace


async def test_a_cwmp_1_1_session(cpe: HarnessFactory) -> None:
    async with LocalAcs(cwmp_namespace="1-1") as acs:
        harness = await cpe(meters=True, url=acs.url, cwmp_namespace=CWMP_1_2)
        await settled(acs)
        acs.serve_file("gone.json", b"{}")
        url = acs.file_url("gone.json").replace("gone", "missing")
        methods, cancel, download = await session(
            acs,
            harness,
            rpc.get_rpc_methods(),
            rpc.cancel_transfer("x"),
            rpc.download(url, "3 Vendor Configuration File", command_key="missing"),
        )
        assert "GetAllQueuedTransfers" in methods_of(methods)
        assert not {"ScheduleDownload", "CancelTransfer"} & methods_of(methods)
        assert cancel.fault is not None
        assert cancel.fault.code == 9000
        assert download.ok
        await transferred(acs)
        # cwmp-1-1 carries the precise code (cwmp-1-0 would say 9010).
        assert acs.transfer_completes[-1].fault.code == 9016
        assert acs.validation_failures == []


async def test_use_cwmp_version_limits_the_methods(cpe: HarnessFactory) -> None:
    async with LocalAcs(cwmp_namespace="1-2") as acs:
        acs.use_cwmp_version = "1.0"
        harness = await cpe(url=acs.url, cwmp_namespace=CWMP_1_2)
        await settled(acs)
        methods, cancel, queued = await session(
            acs,
            harness,
            rpc.get_rpc_methods(),
            rpc.cancel_transfer("x"),
            rpc.get_queued_transfers(),
        )
        assert not NEWER_METHODS & methods_of(methods)
        assert cancel.fault is not None
        assert cancel.fault.code == 9000
        assert queued.ok
        acs.use_cwmp_version = "1.4"
        (methods,) = await session(acs, harness, rpc.get_rpc_methods())
        assert methods_of(methods) >= NEWER_METHODS


@pytest.mark.parametrize("namespace", ["1-0", "1-2"])
async def test_genieacs_reads_the_session_timeout(cpe: HarnessFactory, namespace: str) -> None:
    async with LocalAcs(cwmp_namespace=namespace) as acs:
        await cpe(url=acs.url, cwmp_namespace=f"urn:dslforum-org:cwmp-{namespace}")
        inform = await acs.wait_for_inform(serial=SERIAL)
        assert inform.session_timeout == 5  # the tests' agent timeout
        assert acs.validation_failures == []


async def test_the_tr_098_root_in_a_session(acs: LocalAcs, cpe: HarnessFactory) -> None:
    harness = await cpe(root=RootObject.INTERNET_GATEWAY_DEVICE)
    inform = await acs.wait_for_inform(serial=SERIAL)
    igd = "InternetGatewayDevice."
    values = {item.name: item.value for item in inform.parameters}
    assert values[f"{igd}DeviceSummary"] == "InternetGatewayDevice:1.14[]()"
    assert values[f"{igd}DeviceInfo.SpecVersion"] == "1.0"
    assert values[f"{igd}ManagementServer.ConnectionRequestURL"] == harness.cr_url
    assert not any(name.startswith("Device.") for name in values)
    await inform.session.wait_ended()
    interval = [(f"{igd}ManagementServer.PeriodicInformInterval", "120", "xsd:unsignedInt")]
    setting, reading = await session(
        acs,
        harness,
        rpc.set_parameter_values(interval),
        rpc.get_parameter_values([f"{igd}DeviceInfo."]),
    )
    assert setting.status == 0
    assert reading.values[f"{igd}DeviceInfo.SerialNumber"] == SERIAL
    assert harness.agent.datamodel.value(interval[0][0]) == 120
