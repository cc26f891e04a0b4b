"""File servers that drip, stall or serve hostile files: the TransferComplete says why.

Raw asyncio peers over loopback; the limits are made small for the test, the code
paths are the ones the real limits take.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from local_acs import LocalAcs, rpc
from tests.agent_harness import CR_PASSWORD, CR_USERNAME, SERIAL, AgentHarness
from tr069_cpe.cwmp import limits

from .conftest import HarnessFactory

CONFIG = "3 Vendor Configuration File"

type Serve = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@pytest.fixture
async def raw_server() -> AsyncIterator[Callable[[Serve], Awaitable[str]]]:
    """An HTTP peer written by hand; returns its URL. Its handlers end with the test."""
    servers: list[asyncio.Server] = []
    handlers: list[asyncio.Task[None]] = []
    stop = asyncio.Event()

    async def start(serve: Serve) -> str:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            assert task is not None
            handlers.append(task)  # type: ignore[arg-type]
            serving = asyncio.ensure_future(serve(reader, writer))
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
            for pending in (serving, stopping):
                pending.cancel()
            await asyncio.gather(serving, stopping, return_exceptions=True)
            writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        servers.append(server)
        return f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/file.json"

    yield start
    stop.set()
    await asyncio.gather(*handlers, return_exceptions=True)
    for server in servers:
        server.close()
        await server.wait_closed()


async def drip(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A 1 MB file, one byte every 20 ms."""
    await reader.readuntil(b"\r\n\r\n")
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
    while True:
        writer.write(b" ")
        await writer.drain()
        await asyncio.sleep(0.02)


async def stall(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Headers, then nothing (the agent's read timeout is longer than the deadline)."""
    await reader.readuntil(b"\r\n\r\n")
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
    await writer.drain()
    await asyncio.Event().wait()


async def download_and_report(acs: LocalAcs, harness: AgentHarness, url: str) -> tuple[int, str]:
    """Download ``url``; the FaultStruct of the TransferComplete that follows."""
    task = acs.queue(SERIAL, rpc.download(url, CONFIG, command_key="hostile"))
    assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 200
    assert (await task.result()).ok
    inform = await acs.wait_for_inform(serial=SERIAL, event="7 TRANSFER COMPLETE", timeout=15)
    await inform.session.wait_ended()
    complete = acs.transfer_completes[-1]
    assert complete.command_key == "hostile"
    fault = complete.fault
    assert fault is not None
    return fault.code, fault.string


async def test_a_server_dripping_a_byte_at_a_time_ends_the_download_with_9010(
    acs: LocalAcs,
    cpe: HarnessFactory,
    raw_server: Callable[[Serve], Awaitable[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(limits, "TRANSFER_RATE_WINDOW", 0.3)
    harness = await cpe(meters=True)
    await (await acs.wait_for_inform(serial=SERIAL)).session.wait_ended()
    code, string = await download_and_report(acs, harness, await raw_server(drip))
    assert code == 9010
    assert "bytes per second" in string
    assert harness.agent.transfers.transfers == []


async def test_a_transfer_beyond_its_deadline_ends_with_9010(
    acs: LocalAcs,
    cpe: HarnessFactory,
    raw_server: Callable[[Serve], Awaitable[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(limits, "TRANSFER_DEADLINE", 0.3)
    harness = await cpe(meters=True)
    await (await acs.wait_for_inform(serial=SERIAL)).session.wait_ended()
    code, string = await download_and_report(acs, harness, await raw_server(stall))
    assert code == 9010
    assert "took longer than" in string


@pytest.mark.parametrize(
    "content",
    [
        b'{"items": [{"serial": "7", "vendor": "V", "type": "electricityMeter", '
        b'"T1": "1\\ud800kWh"}]}',
        b'{"items": [{"serial": "7", "vendor": "\\ud800\\udfff\\ud800", '
        b'"type": "electricityMeter", "T1": "1kWh"}]}',
    ],
    ids=["quoted-in-the-refusal", "in-an-accepted-vendor-name"],
)
async def test_a_file_with_a_lone_surrogate_is_reported_and_bricks_nothing(
    acs: LocalAcs, cpe: HarnessFactory, content: bytes
) -> None:
    acs.serve_file("surrogate.json", content)
    harness = await cpe(meters=True)
    await (await acs.wait_for_inform(serial=SERIAL)).session.wait_ended()
    code, string = await download_and_report(acs, harness, acs.file_url("surrogate.json"))
    assert code != 0
    assert all(not 0xD800 <= ord(char) <= 0xDFFF for char in string)
    # Nothing unencodable reached the data model: the whole tree can be read, also
    # by an agent started from the saved state.
    agent = await harness.restart()
    await (await acs.wait_for_inform(serial=SERIAL)).session.wait_ended()
    values = acs.queue(SERIAL, rpc.get_parameter_values(["Device."]))
    assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 200
    assert (await values.result()).ok
    assert agent.transfers.transfers == []


@pytest.mark.parametrize(
    "url", ["ftp://[::1/f.json", "ftp://127.0.0.1:99999/f.json", "ftp://h:abc/f"]
)
async def test_a_url_that_cannot_be_parsed_is_9003(
    acs: LocalAcs, cpe: HarnessFactory, url: str
) -> None:
    harness = await cpe(meters=True)
    await (await acs.wait_for_inform(serial=SERIAL)).session.wait_ended()
    task = acs.queue(SERIAL, rpc.download(url, CONFIG, command_key="bad-url"))
    assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 200
    result = await task.result()
    assert result.fault is not None
    assert result.fault.code == 9003


@pytest.mark.parametrize(
    "replies",
    [
        [b"220 hello\r\n", b"\xff\xfe\xfd garbage\r\n"],
        [b"220 hello\r\n", b"230 in\r\n", b"200 ok\r\n", b"227 Entering Passive Mode (x,y)\r\n"],
        [b"220 hello\r\n", b"2\r\n"],
        [b"hello, not FTP\r\n"],
    ],
    ids=["not-text", "passive-address-garbage", "short-reply", "not-ftp"],
)
async def test_an_ftp_server_that_speaks_garbage_ends_the_download_cleanly(
    acs: LocalAcs,
    cpe: HarnessFactory,
    raw_server: Callable[[Serve], Awaitable[str]],
    caplog: pytest.LogCaptureFixture,
    replies: list[bytes],
) -> None:
    async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for reply in replies:
            writer.write(reply)
            await writer.drain()
            await reader.readline()
        await asyncio.Event().wait()

    url = (await raw_server(garbage)).replace("http://", "ftp://")
    harness = await cpe(meters=True)
    await (await acs.wait_for_inform(serial=SERIAL)).session.wait_ended()
    code, _string = await download_and_report(acs, harness, url)
    assert code in (9010, 9015)  # cwmp-1-0: the precise code leads the FaultString
    assert all(
        record.exc_info is None for record in caplog.records if record.name.startswith("tr069")
    )
