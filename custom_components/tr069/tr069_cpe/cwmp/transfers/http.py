"""HTTP(S) file transfers with Basic or Digest authentication and a size limit."""

from __future__ import annotations

import ssl
from urllib.parse import urlsplit

import aiohttp

from ..auth import DigestClient, basic_header, parse_challenges
from ..faults import CwmpFault, FaultCode
from .buffer import LimitedBuffer

_AUTH_STATUS = 401


class _Auth:
    """Answers the file server's challenge with the transfer's credentials."""

    def __init__(self, username: str, password: str) -> None:
        self._username = username
        self._password = password
        self._digest: DigestClient | None = None
        self._basic = False

    def headers(self, method: str, url: str) -> dict[str, str]:
        parts = urlsplit(url)
        uri = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if self._digest is not None:
            return {"Authorization": self._digest.header(method, uri)}
        if self._basic:
            return {"Authorization": basic_header(self._username, self._password)}
        return {}

    def answer(self, challenge: str) -> bool:
        """Prepare credentials for a challenge; False when there is nothing to answer."""
        if self._digest is not None or self._basic or not (self._username or self._password):
            return False
        challenges = parse_challenges(challenge)
        if "digest" in challenges:
            digest = DigestClient(self._username, self._password, challenges["digest"])
            if digest.supported:
                self._digest = digest
                return True
        self._basic = "basic" in challenges
        return self._basic


def _session(ssl_context: ssl.SSLContext | None, io_timeout: float) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(ssl=ssl_context if ssl_context else True),
        timeout=aiohttp.ClientTimeout(total=None, connect=io_timeout, sock_read=io_timeout),
    )


def _status_fault(status: int, download: bool) -> CwmpFault:
    if status == _AUTH_STATUS:
        return CwmpFault(
            FaultCode.FILE_TRANSFER_AUTH_FAILURE, "the file server refused the credentials"
        )
    if download and status in (403, 404, 410):
        return CwmpFault(FaultCode.FILE_ACCESS_FAILURE, f"the file server answered HTTP {status}")
    code = FaultCode.DOWNLOAD_FAILURE if download else FaultCode.UPLOAD_FAILURE
    return CwmpFault(code, f"the file server answered HTTP {status}")


def _network_fault(err: Exception, download: bool) -> CwmpFault:
    if isinstance(err, aiohttp.ClientConnectorError | TimeoutError) and download:
        return CwmpFault(FaultCode.FILE_SERVER_UNREACHABLE, f"cannot reach the file server: {err}")
    if download:
        return CwmpFault(FaultCode.DOWNLOAD_INCOMPLETE, f"transfer broken: {err}")
    return CwmpFault(FaultCode.UPLOAD_FAILURE, f"upload failed: {err}")


async def http_fetch(
    url: str,
    username: str,
    password: str,
    *,
    max_size: int,
    ssl_context: ssl.SSLContext | None,
    io_timeout: float,
) -> bytes:
    """GET a file into memory, never more than ``max_size`` bytes."""
    auth = _Auth(username, password)
    try:
        async with _session(ssl_context, io_timeout) as session:
            while True:
                async with session.get(url, headers=auth.headers("GET", url)) as response:
                    if response.status == _AUTH_STATUS and auth.answer(
                        response.headers.get("WWW-Authenticate", "")
                    ):
                        continue
                    if response.status != 200:
                        raise _status_fault(response.status, download=True)
                    return await _read_limited(response, max_size)
    except CwmpFault:
        raise
    except (aiohttp.ClientError, TimeoutError, OSError) as err:
        raise _network_fault(err, download=True) from err


async def _read_limited(response: aiohttp.ClientResponse, max_size: int) -> bytes:
    if response.content_length is not None and response.content_length > max_size:
        raise CwmpFault(
            FaultCode.DOWNLOAD_FAILURE,
            f"the file has {response.content_length} bytes, more than the {max_size} allowed",
        )
    buffer = LimitedBuffer(max_size)
    async for chunk in response.content.iter_chunked(65536):
        buffer.append(chunk)
    return buffer.data()


async def http_send(
    url: str,
    data: bytes,
    username: str,
    password: str,
    *,
    ssl_context: ssl.SSLContext | None,
    io_timeout: float,
    content_type: str,
) -> None:
    """PUT a file (Upload)."""
    auth = _Auth(username, password)
    try:
        async with _session(ssl_context, io_timeout) as session:
            while True:
                headers = {"Content-Type": content_type, **auth.headers("PUT", url)}
                async with session.put(url, data=data, headers=headers) as response:
                    await response.read()
                    if response.status == _AUTH_STATUS and auth.answer(
                        response.headers.get("WWW-Authenticate", "")
                    ):
                        continue
                    if response.status not in (200, 201, 204):
                        raise _status_fault(response.status, download=False)
                    return
    except CwmpFault:
        raise
    except (aiohttp.ClientError, TimeoutError, OSError) as err:
        raise _network_fault(err, download=False) from err
