"""Download: HTTP, HTTPS and FTP, faults, and TransferComplete that survives restarts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from local_acs import LocalAcs, ftp_server, rpc
from local_acs.inject import DropConnection, Fault
from tests.agent_harness import (
    CR_PASSWORD,
    CR_USERNAME,
    SERIAL,
    AgentHarness,
    agent_config,
    assert_schema_valid,
)
from tr069_cpe.cwmp.agent import CpeAgent
from tr069_cpe.cwmp.faults import CwmpFault, FaultCode
from tr069_cpe.cwmp.state import MemoryStateStore
from tr069_cpe.cwmp.transfers import Transfer

CONFIG = "3 Vendor Configuration File"
PAYLOAD = b'{"items": []}'


class Recorder:
    """A download handler that keeps what it got, or refuses it."""

    def __init__(self) -> None:
        self.files: list[tuple[bytes, str]] = []
        self.refuse: CwmpFault | None = None

    async def __call__(self, data: bytes, transfer: Transfer) -> None:
        if self.refuse is not None:
            raise self.refuse
        self.files.append((data, transfer.target_file_name))


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


type Starter = Callable[..., Awaitable[AgentHarness]]


@pytest.fixture
async def started(recorder: Recorder) -> AsyncIterator[Starter]:
    """Start an agent whose configuration files go to ``recorder``."""
    harnesses: list[AgentHarness] = []

    def prepare(agent: CpeAgent) -> None:
        agent.transfers.download_handlers[CONFIG] = recorder

    async def start(acs: LocalAcs, **overrides: Any) -> AgentHarness:
        harness = AgentHarness(agent_config(acs.url, **overrides), MemoryStateStore(), prepare)
        harnesses.append(harness)
        await harness.start()
        await (await acs.wait_for_inform(serial=SERIAL)).session.wait_ended()
        return harness

    yield start
    for harness in harnesses:
        await harness.stop()


async def download(acs: LocalAcs, harness: AgentHarness, url: str, **kwargs: Any) -> Any:
    task = acs.queue(SERIAL, rpc.download(url, CONFIG, **kwargs))
    assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 200
    return await task.result()


async def transfer_complete(acs: LocalAcs) -> Any:
    inform = await acs.wait_for_inform(serial=SERIAL, event="7 TRANSFER COMPLETE")
    await inform.session.wait_ended()
    return inform, acs.transfer_completes[-1]


async def test_download_over_http(acs: LocalAcs, recorder: Recorder, started: Starter) -> None:
    harness = await started(acs)
    acs.serve_file("meters.json", PAYLOAD)
    response = await download(
        acs,
        harness,
        acs.file_url("meters.json"),
        command_key="cfg-1",
        file_size=len(PAYLOAD),
        target_file_name="meters.json",
    )
    assert response.response == {
        "Status": 1,
        "StartTime": "0001-01-01T00:00:00Z",
        "CompleteTime": "0001-01-01T00:00:00Z",
    }
    inform, complete = await transfer_complete(acs)
    assert [(event.code, event.command_key) for event in inform.events] == [
        ("7 TRANSFER COMPLETE", ""),
        ("M Download", "cfg-1"),
    ]
    assert complete.command_key == "cfg-1"
    assert complete.fault.code == 0
    assert complete.args["StartTime"] <= complete.args["CompleteTime"]
    assert recorder.files == [(PAYLOAD, "meters.json")]
    assert harness.agent.transfers.transfers == []


async def test_download_with_digest_and_basic_credentials(
    acs: LocalAcs, recorder: Recorder, started: Starter
) -> None:
    harness = await started(acs)
    acs.serve_file("d.json", PAYLOAD, auth=("digest", "files", "s3cret"))
    acs.serve_file("b.json", PAYLOAD, auth=("basic", "files", "s3cret"))
    for name in ("d.json", "b.json"):
        await download(acs, harness, acs.file_url(name), username="files", password="s3cret")
        _, complete = await transfer_complete(acs)
        assert complete.fault.code == 0, complete
    await download(acs, harness, acs.file_url("d.json"), username="files", password="wrong")
    _, complete = await transfer_complete(acs)
    assert complete.fault.code == 9012
    await download(acs, harness, acs.file_url("b.json"))
    _, complete = await transfer_complete(acs)
    assert complete.fault.code == 9012
    assert len(recorder.files) == 2


async def test_download_over_https_follows_the_tls_rules(
    recorder: Recorder, started: Starter
) -> None:
    async with LocalAcs(tls=True) as acs, LocalAcs(tls=True) as stranger:
        acs.serve_file("meters.json", PAYLOAD)
        acs.serve_file("guarded.json", PAYLOAD, auth=("digest", "files", "s3cret"))
        stranger.serve_file("meters.json", PAYLOAD)
        harness = await started(acs, ca_pem=acs.ca_pem)
        await download(acs, harness, acs.file_url("meters.json"))
        _, complete = await transfer_complete(acs)
        assert complete.fault.code == 0
        await download(acs, harness, acs.file_url("guarded.json"), username="files", password="x")
        _, complete = await transfer_complete(acs)
        assert complete.fault.code == 9012
        # A file server whose certificate the CA option does not vouch for: not contacted.
        await download(acs, harness, stranger.file_url("meters.json"))
        _, complete = await transfer_complete(acs)
        assert complete.fault.code == 9010
        assert complete.fault.string.startswith("9015 cannot reach the file server")
        assert "certificate" in complete.fault.string
        assert stranger.file_requests == []
        await harness.stop()
        assert acs.validation_failures == []
    assert len(recorder.files) == 1


async def test_download_over_ftp(acs: LocalAcs, recorder: Recorder, started: Starter) -> None:
    harness = await started(acs)
    async with ftp_server("meter", "reader") as ftp:
        ftp.put("cfg.json", PAYLOAD)
        await download(acs, harness, ftp.file_url("cfg.json"), username="meter", password="reader")
        _, complete = await transfer_complete(acs)
        assert complete.fault.code == 0
        await download(acs, harness, ftp.file_url("cfg.json"), username="meter", password="bad")
        _, complete = await transfer_complete(acs)
        assert complete.fault.code == 9012
        await download(acs, harness, ftp.file_url("none.json"), username="meter", password="reader")
        _, complete = await transfer_complete(acs)
        assert complete.fault.code == 9010
        assert complete.fault.string.startswith("9016 ")
    assert recorder.files == [(PAYLOAD, "")]


@pytest.mark.parametrize("namespace", ["1-0", "1-2"])
@pytest.mark.parametrize(
    ("case", "code"),
    [("missing", 9016), ("size", 9017), ("refused", 9018), ("unreachable", 9015)],
)
async def test_failed_downloads_report_why(
    recorder: Recorder, started: Starter, namespace: str, case: str, code: int
) -> None:
    async with LocalAcs(cwmp_namespace=namespace) as acs:
        harness = await started(acs)
        acs.serve_file("meters.json", PAYLOAD)
        url, size = acs.file_url("meters.json"), 0
        if case == "missing":
            url = acs.file_url("nothing.json")
        elif case == "size":
            size = len(PAYLOAD) + 10
        elif case == "refused":
            recorder.refuse = CwmpFault(FaultCode.FILE_CORRUPTED, "items[0]: no serial")
        else:
            url = "http://127.0.0.1:1/meters.json"
        await download(acs, harness, url, file_size=size)
        _, complete = await transfer_complete(acs)
        await harness.stop()
        assert_schema_valid(acs)
    if namespace == "1-0":
        # cwmp-1-0 TransferComplete knows only 9010-9012: the precise code leads the string.
        assert complete.fault.code == 9010
        assert complete.fault.string.startswith(f"{code} ")
    else:
        assert complete.fault.code == code
        assert complete.fault.string
    assert recorder.files == []


async def test_faults_the_acs_gets_at_once(
    acs: LocalAcs, recorder: Recorder, started: Starter
) -> None:
    harness = await started(acs)
    acs.serve_file("fw.bin", b"\x00")
    firmware = acs.queue(SERIAL, rpc.download(acs.file_url("fw.bin"), "1 Firmware Upgrade Image"))
    tftp = acs.queue(SERIAL, rpc.download("tftp://127.0.0.1/cfg.json", CONFIG))
    long_key = acs.queue(SERIAL, rpc.download(acs.file_url("fw.bin"), CONFIG, command_key="k" * 33))
    assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 200
    assert (await firmware.result()).fault.code == 9003
    assert (await tftp.result()).fault.code == 9013
    assert (await long_key.result()).fault.code == 9003


async def test_queue_is_bounded(acs: LocalAcs, recorder: Recorder, started: Starter) -> None:
    harness = await started(acs)
    acs.serve_file("meters.json", PAYLOAD)
    tasks = [
        acs.queue(SERIAL, rpc.download(acs.file_url("meters.json"), CONFIG, delay_seconds=3600))
        for _ in range(17)
    ]
    assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 200
    results = [await task.result() for task in tasks]
    assert [result.ok for result in results] == [True] * 16 + [False]
    assert results[-1].fault.code == 9004
    queued = harness.agent.transfers.transfers
    assert len(queued) == 16
    assert all(item.start_at > harness.agent.clock() + 3500 for item in queued)
    # DelaySeconds: nothing is fetched yet, and the ACS sees them waiting (State 1).
    await (await acs.wait_for_inform(serial=SERIAL)).session.wait_ended()
    listing = acs.queue(SERIAL, rpc.get_queued_transfers())
    assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 200
    listed = await listing.result()
    assert {item["State"] for item in listed.response["TransferList"]} == {1}
    assert acs.file_requests == []


async def test_transfer_complete_survives_a_restart(
    acs: LocalAcs, recorder: Recorder, started: Starter
) -> None:
    harness = await started(acs)
    acs.serve_file("meters.json", PAYLOAD)
    acs.inject(DropConnection(on="TransferComplete"))
    await download(acs, harness, acs.file_url("meters.json"), command_key="keep-me")
    inform = await acs.wait_for_inform(serial=SERIAL, event="7 TRANSFER COMPLETE")
    await inform.session.wait_ended()
    assert acs.transfer_completes == []
    saved = harness.store.data  # type: ignore[attr-defined]
    assert saved is not None
    assert saved["transfers"][0]["state"] == 3

    await harness.restart()
    again = await acs.wait_for_inform(serial=SERIAL, event="7 TRANSFER COMPLETE")
    assert {(event.code, event.command_key) for event in again.events} == {
        ("1 BOOT", ""),
        ("7 TRANSFER COMPLETE", ""),
        ("M Download", "keep-me"),
    }
    await again.session.wait_ended()
    assert [complete.command_key for complete in acs.transfer_completes] == ["keep-me"]
    assert recorder.files == [(PAYLOAD, "")]
    await asyncio.sleep(0.2)
    assert harness.agent.transfers.transfers == []


async def test_restart_during_a_download_starts_it_again(
    acs: LocalAcs, recorder: Recorder, started: Starter
) -> None:
    harness = await started(acs)
    acs.serve_file("meters.json", PAYLOAD)
    await download(acs, harness, acs.file_url("meters.json"), command_key="k", delay_seconds=3600)
    state = harness.agent.export_state()
    state["transfers"][0]["state"] = 2
    state["transfers"][0]["start_at"] = 0
    await harness.stop()
    harness.store = MemoryStateStore(state)
    await harness.restart()
    _, complete = await transfer_complete(acs)
    assert complete.command_key == "k"
    assert complete.fault.code == 0


async def test_transfer_complete_is_resent_on_8005(
    acs: LocalAcs, recorder: Recorder, started: Starter
) -> None:
    harness = await started(acs)
    acs.serve_file("meters.json", PAYLOAD)
    acs.inject(Fault(code=8005, on="TransferComplete"))
    await download(acs, harness, acs.file_url("meters.json"), command_key="again")
    inform, complete = await transfer_complete(acs)
    assert complete.command_key == "again"
    assert inform.session.methods().count("TransferComplete") == 2


async def test_hold_requests_delays_transfer_complete(
    acs: LocalAcs, recorder: Recorder, started: Starter
) -> None:
    harness = await started(acs)
    acs.serve_file("meters.json", PAYLOAD)
    await download(acs, harness, acs.file_url("meters.json"), delay_seconds=1)
    acs.set_hold_requests(SERIAL)
    held = acs.queue(SERIAL, rpc.get_rpc_methods())
    inform = await acs.wait_for_inform(serial=SERIAL, event="7 TRANSFER COMPLETE")
    await inform.session.wait_ended()
    methods = inform.session.methods()
    assert methods.index("GetRPCMethodsResponse") < methods.index("TransferComplete")
    assert (await held.result()).ok
    assert acs.transfer_completes[-1].fault.code == 0
