"""Connection Requests against a tiny CPE-side HTTP server."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
import hashlib
import secrets
import socket

from aiohttp import web
import pytest

from local_acs import ConnectionRequestError, LocalAcs
from local_acs.auth import parse_auth_header


def basic_authorization(username: str, password: str) -> str:
    """The Basic ``Authorization`` header (aiohttp 3.14 deprecates ``BasicAuth``)."""
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


class FakeCpe:
    """Answers GET /cr: 401 + Digest challenge, 200 for the right credentials."""

    def __init__(self, scheme: str = "digest", username: str = "cr", password: str = "pw"):
        self.scheme, self.username, self.password = scheme, username, password
        self.nonce = secrets.token_hex(8)
        self.requests: list[tuple[str | None, int]] = []
        self.peers: list[object] = []
        self.url = ""

    def _authorized(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization")
        if not header:
            return False
        scheme, p = parse_auth_header(header)
        if scheme == "basic":
            return self.scheme == "basic" and header == basic_authorization(
                self.username, self.password
            )
        ha1 = md5(f"{p['username']}:{p['realm']}:{self.password}")
        ha2 = md5(f"GET:{p['uri']}")
        expected = md5(f"{ha1}:{self.nonce}:{p['nc']}:{p['cnonce']}:{p['qop']}:{ha2}")
        return (
            p["nonce"] == self.nonce
            and p["username"] == self.username
            and p["uri"] == request.path_qs
            and p["response"] == expected
        )

    async def handle(self, request: web.Request) -> web.Response:
        self.peers.append(request.transport)
        status = 200 if self._authorized(request) else 401
        self.requests.append((request.headers.get("Authorization"), status))
        if status == 200:
            return web.Response(status=200)
        challenge = (
            'Basic realm="cpe"'
            if self.scheme == "basic"
            else f'Digest realm="cpe", qop="auth", nonce="{self.nonce}", algorithm=MD5'
        )
        return web.Response(status=401, headers={"WWW-Authenticate": challenge})


@pytest.fixture
async def serve() -> AsyncIterator:
    runners: list[web.AppRunner] = []

    async def start(cpe: FakeCpe) -> FakeCpe:
        app = web.Application()
        app.router.add_get("/cr", cpe.handle)
        runner = web.AppRunner(app)
        await runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        await web.SockSite(runner, sock).start()
        runners.append(runner)
        cpe.url = f"http://127.0.0.1:{sock.getsockname()[1]}/cr?x=1"
        return cpe

    yield start
    for runner in runners:
        await runner.cleanup()


async def test_digest_connection_request(acs: LocalAcs, serve):
    cpe = await serve(FakeCpe())
    assert await acs.connection_request(cpe.url, "cr", "pw") == 200
    assert [status for _, status in cpe.requests] == [401, 200]
    assert cpe.requests[0][0] is None
    assert cpe.peers[0] is cpe.peers[1], "the retry must reuse the connection"
    record = acs.connection_requests[-1]
    assert (record.status, record.challenged, record.error) == (200, True, None)


async def test_basic_connection_request(acs: LocalAcs, serve):
    cpe = await serve(FakeCpe("basic"))
    assert await acs.connection_request(cpe.url, "cr", "pw") == 200


async def test_wrong_or_missing_credentials(acs: LocalAcs, serve):
    cpe = await serve(FakeCpe())
    assert await acs.connection_request(cpe.url, "cr", "nope") == 401
    assert await acs.connection_request(cpe.url) == 401
    assert len(cpe.requests) == 3


async def test_timeout_and_refused(acs: LocalAcs):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    try:
        with pytest.raises(ConnectionRequestError, match="timeout"):
            await acs.connection_request(
                f"http://127.0.0.1:{silent.getsockname()[1]}/", "u", "p", timeout=0.3
            )
    finally:
        silent.close()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    with pytest.raises(ConnectionRequestError):
        await acs.connection_request(f"http://127.0.0.1:{port}/")
    assert [r.status for r in acs.connection_requests] == [None, None]
