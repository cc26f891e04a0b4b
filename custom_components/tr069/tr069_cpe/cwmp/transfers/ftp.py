"""FTP file transfers (the original gateway fetched its files over FTP too)."""

from __future__ import annotations

from collections.abc import AsyncIterator
import contextlib
from urllib.parse import unquote, urlsplit

import aioftp

from ..faults import CwmpFault, FaultCode
from .buffer import LimitedBuffer

_BLOCK = 65536
# What a hostile FTP server can make aioftp raise: its own errors, the network's, and
# the decoding of replies that are not FTP (ValueError, IndexError), URLs included.
_FTP_ERRORS = (aioftp.AIOFTPException, OSError, TimeoutError, ValueError, IndexError)


def _fault(err: Exception, download: bool) -> CwmpFault:
    if isinstance(err, aioftp.StatusCodeError):
        received = err.received_codes[-1]
        if received.matches("530"):
            return CwmpFault(
                FaultCode.FILE_TRANSFER_AUTH_FAILURE, "the FTP server refused the login"
            )
        if download and received.matches("550"):
            return CwmpFault(FaultCode.FILE_ACCESS_FAILURE, "the FTP server has no such file")
    elif isinstance(err, OSError | TimeoutError) and download:
        return CwmpFault(FaultCode.FILE_SERVER_UNREACHABLE, f"cannot reach the FTP server: {err}")
    code = FaultCode.DOWNLOAD_INCOMPLETE if download else FaultCode.UPLOAD_FAILURE
    return CwmpFault(code, f"FTP transfer failed: {err}")


@contextlib.asynccontextmanager
async def _client(
    url: str, username: str, password: str, io_timeout: float
) -> AsyncIterator[tuple[aioftp.Client, str]]:
    parts = urlsplit(url)
    if not username and parts.username:
        # Credentials in the URL (ftp://user:pass@host/...) when the RPC gives none.
        username, password = unquote(parts.username), unquote(parts.password or "")
    client = aioftp.Client(socket_timeout=io_timeout, connection_timeout=io_timeout)
    await client.connect(parts.hostname or "", parts.port or aioftp.DEFAULT_PORT)
    try:
        await client.login(username or "anonymous", password or "anonymous@")
        yield client, unquote(parts.path) or "/"
    finally:
        client.close()


async def ftp_fetch(
    url: str, username: str, password: str, *, max_size: int, io_timeout: float
) -> bytes:
    """RETR a file into memory, never more than ``max_size`` bytes."""
    buffer = LimitedBuffer(max_size)
    try:
        async with (
            _client(url, username, password, io_timeout) as (client, path),
            client.download_stream(path) as stream,
        ):
            async for block in stream.iter_by_block(_BLOCK):
                buffer.append(block)
    except _FTP_ERRORS as err:
        raise _fault(err, download=True) from err
    return buffer.data()


async def ftp_send(
    url: str, data: bytes, username: str, password: str, *, io_timeout: float
) -> None:
    """STOR a file (Upload)."""
    try:
        async with (
            _client(url, username, password, io_timeout) as (client, path),
            client.upload_stream(path) as stream,
        ):
            await stream.write(data)
    except _FTP_ERRORS as err:
        raise _fault(err, download=False) from err
