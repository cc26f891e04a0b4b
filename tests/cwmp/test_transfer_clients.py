"""The HTTP and FTP file clients against loopback servers: every failure has its fault."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from aiohttp import web
import pytest

from local_acs.ftp import ftp_server
from tests.agent_harness import free_port
from tr069_cpe.cwmp.faults import CwmpFault, FaultCode
from tr069_cpe.cwmp.transfers.ftp import ftp_fetch, ftp_send
from tr069_cpe.cwmp.transfers.http import http_fetch, http_send

from .conftest import Handler, Serve

TIMEOUT = 5.0


def status(code: int, challenge: str | None = None) -> Handler:
    async def handler(request: web.Request) -> web.Response:
        await request.read()
        headers = {"WWW-Authenticate": challenge} if challenge else {}
        return web.Response(status=code, headers=headers, text="no")

    return handler


async def fetch(url: str, username: str = "", password: str = "", max_size: int = 1000) -> bytes:
    return await http_fetch(
        url, username, password, max_size=max_size, ssl_context=None, io_timeout=TIMEOUT
    )


async def send(url: str, username: str = "", password: str = "") -> None:
    await http_send(
        url,
        b"log",
        username,
        password,
        ssl_context=None,
        io_timeout=TIMEOUT,
        content_type="text/plain",
    )


async def fault_of(call: Awaitable[object]) -> FaultCode:
    with pytest.raises(CwmpFault) as caught:
        await call
    return caught.value.code


@pytest.mark.parametrize(
    ("code", "fault"),
    [
        (403, FaultCode.FILE_ACCESS_FAILURE),
        (404, FaultCode.FILE_ACCESS_FAILURE),
        (500, FaultCode.DOWNLOAD_FAILURE),
        (401, FaultCode.FILE_TRANSFER_AUTH_FAILURE),
    ],
)
async def test_http_download_status_faults(serve: Serve, code: int, fault: FaultCode) -> None:
    url = await serve(status(code))
    assert await fault_of(fetch(url + "a.json")) == fault


@pytest.mark.parametrize(
    ("code", "fault"),
    [(403, FaultCode.UPLOAD_FAILURE), (500, FaultCode.UPLOAD_FAILURE)],
)
async def test_http_upload_status_faults(serve: Serve, code: int, fault: FaultCode) -> None:
    url = await serve(status(code))
    assert await fault_of(send(url + "log")) == fault


async def test_wrong_credentials_are_tried_once(serve: Serve) -> None:
    attempts: list[str | None] = []

    async def refuse(request: web.Request) -> web.Response:
        attempts.append(request.headers.get("Authorization"))
        return web.Response(status=401, headers={"WWW-Authenticate": 'Basic realm="files"'})

    url = await serve(refuse)
    assert await fault_of(fetch(url, "cpe", "wrong")) == FaultCode.FILE_TRANSFER_AUTH_FAILURE
    assert await fault_of(send(url, "cpe", "wrong")) == FaultCode.FILE_TRANSFER_AUTH_FAILURE
    assert [attempt is None for attempt in attempts] == [True, False, True, False]


async def test_an_announced_size_over_the_limit_is_refused_unread(serve: Serve) -> None:
    async def big(request: web.Request) -> web.Response:
        return web.Response(body=b"x" * 2000)

    url = await serve(big)
    assert await fault_of(fetch(url, max_size=1000)) == FaultCode.DOWNLOAD_FAILURE
    assert await fetch(url, max_size=2000) == b"x" * 2000


async def test_a_chunked_body_over_the_limit_is_cut(serve: Serve) -> None:
    async def endless(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        for _ in range(10):
            await response.write(b"y" * 500)
        return response

    url = await serve(endless)
    assert await fault_of(fetch(url, max_size=1000)) == FaultCode.DOWNLOAD_FAILURE


async def test_a_connection_cut_mid_file_is_download_incomplete() -> None:
    async def cut(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\npartial")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(cut, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        url = f"http://127.0.0.1:{port}/"
        assert await fault_of(fetch(url)) == FaultCode.DOWNLOAD_INCOMPLETE


async def test_unreachable_http_servers() -> None:
    url = f"http://127.0.0.1:{free_port()}/file"
    assert await fault_of(fetch(url)) == FaultCode.FILE_SERVER_UNREACHABLE
    assert await fault_of(send(url)) == FaultCode.UPLOAD_FAILURE


async def test_ftp_failures() -> None:
    options = {"io_timeout": TIMEOUT}
    async with ftp_server("cpe", "secret") as ftp:
        ftp.put("big.bin", b"z" * 5000)
        url = ftp.file_url("big.bin")
        refused = ftp_fetch(url, "cpe", "wrong", max_size=10_000, **options)
        assert await fault_of(refused) == FaultCode.FILE_TRANSFER_AUTH_FAILURE
        missing = ftp_fetch(ftp.file_url("none.bin"), "cpe", "secret", max_size=10, **options)
        assert await fault_of(missing) == FaultCode.FILE_ACCESS_FAILURE
        too_big = ftp_fetch(url, "cpe", "secret", max_size=1000, **options)
        assert await fault_of(too_big) == FaultCode.DOWNLOAD_FAILURE
        assert await ftp_fetch(url, "cpe", "secret", max_size=5000, **options) == b"z" * 5000
        upload = ftp_send(ftp.file_url("log.txt"), b"l", "cpe", "wrong", **options)
        assert await fault_of(upload) == FaultCode.FILE_TRANSFER_AUTH_FAILURE
        nested = ftp_send(ftp.file_url("no/such/dir/log.txt"), b"l", "cpe", "secret", **options)
        assert await fault_of(nested) == FaultCode.UPLOAD_FAILURE
    gone = f"ftp://127.0.0.1:{free_port()}/a.bin"
    unreachable = ftp_fetch(gone, "", "", max_size=10, **options)
    assert await fault_of(unreachable) == FaultCode.FILE_SERVER_UNREACHABLE
    assert await fault_of(ftp_send(gone, b"l", "", "", **options)) == FaultCode.UPLOAD_FAILURE
