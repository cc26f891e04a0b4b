"""The Connection Request server under attack, over real sockets from many loopback addresses.

Linux routes the whole of 127.0.0.0/8 to loopback, so each "host" here is a client
socket bound to its own 127.x.y.z address.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Callable
import contextlib
import logging
import socket

import pytest

from local_acs.auth import solve_challenge
from tr069_cpe.cwmp import limits
from tr069_cpe.cwmp.wakeup import RateLimit, WakeUpGate, http_server
from tr069_cpe.cwmp.wakeup.http_server import ConnectionRequestServer

PATH = "/secret-path"
LOGGER = "tr069_cpe.cwmp.wakeup.http_server"


def source(number: int) -> str:
    """The loopback address of test host ``number`` (1..65000)."""
    return f"127.0.{number // 250}.{number % 250 + 2}"


@pytest.fixture
async def started() -> AsyncIterator[Callable[..., asyncio.Future[ConnectionRequestServer]]]:
    servers: list[ConnectionRequestServer] = []

    async def start(
        accepted: list[bool] | None = None,
        limit: RateLimit | None = None,
        credentials: Callable[[], tuple[str, str]] = lambda: ("acs", "pw"),
    ) -> ConnectionRequestServer:
        woken = accepted if accepted is not None else []
        gate = WakeUpGate(credentials, lambda: woken.append(True), limit)
        server = ConnectionRequestServer(path=PATH, gate=gate, bind_host="127.0.0.1", port=0)
        await server.start()
        servers.append(server)
        return server

    yield start  # type: ignore[misc]
    for server in servers:
        await server.stop()


async def connect(
    server: ConnectionRequestServer, host: str = "127.0.0.1"
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection("127.0.0.1", server.port, local_addr=(host, 0))


async def exchange(server: ConnectionRequestServer, data: bytes, host: str = "127.0.0.1") -> bytes:
    """Send raw bytes on a new connection; everything the server answers until it closes."""
    reader, writer = await connect(server, host)
    writer.write(data)
    await writer.drain()
    try:
        async with asyncio.timeout(5):
            return await reader.read()
    finally:
        writer.close()


def get(authorization: str | None = None, path: str = PATH) -> bytes:
    extra = f"Authorization: {authorization}\r\n" if authorization else ""
    return f"GET {path} HTTP/1.1\r\nHost: cpe\r\nConnection: close\r\n{extra}\r\n".encode()


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def challenge_of(answer: bytes) -> str:
    for line in answer.decode().split("\r\n"):
        if line.lower().startswith("www-authenticate:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"no challenge in {answer!r}")


async def connection_request(
    server: ConnectionRequestServer, host: str, password: str = "pw"
) -> int:
    """GET, then GET with the Digest answer (each on its own connection)."""
    challenge = await exchange(server, get(), host)
    if status_of(challenge) != 401:
        return status_of(challenge)
    answer = solve_challenge(challenge_of(challenge), "acs", password, "GET", PATH)
    return status_of(await exchange(server, get(answer), host))


# ---------------------------------------------------------------------- the gate's limits
async def test_a_flooding_host_does_not_use_up_the_acs_share(started) -> None:
    accepted: list[bool] = []
    server = await started(accepted, RateLimit(burst=3, per_second=0.001))
    flood = [status_of(await exchange(server, get(), source(66))) for _ in range(8)]
    assert flood == [401] * 6 + [503] * 2  # twice the burst: each Digest request is two GETs
    guesses = [
        status_of(await exchange(server, get('Digest username="acs"'), source(67)))
        for _ in range(7)
    ]
    assert guesses[-1] == 503
    assert await connection_request(server, source(1)) == 200
    assert accepted == [True]


async def test_accepted_requests_share_one_bucket(started) -> None:
    accepted: list[bool] = []
    server = await started(accepted, RateLimit(burst=3, per_second=0.001))
    statuses = [await connection_request(server, source(n)) for n in range(4)]
    assert statuses == [200, 200, 200, 503]
    assert len(accepted) == 3


async def test_sources_are_remembered_within_bounds(started) -> None:
    server = await started()
    for number in range(300):
        await exchange(server, get(), source(number))
    assert len(server._gate.sources) == 256  # bounded memory


async def test_the_200_is_on_the_wire_before_the_session_is_asked_for(started) -> None:
    received_first: list[bytes] = []
    sock = socket.socket()

    def wake() -> None:
        received_first.append(sock.recv(64, socket.MSG_PEEK | socket.MSG_DONTWAIT))

    gate = WakeUpGate(lambda: ("acs", "pw"), wake)
    server = ConnectionRequestServer(path=PATH, gate=gate, bind_host="127.0.0.1", port=0)
    await server.start()
    try:
        challenge = await exchange(server, get())
        answer = solve_challenge(challenge_of(challenge), "acs", "pw", "GET", PATH)
        loop = asyncio.get_running_loop()
        sock.setblocking(False)
        await loop.sock_connect(sock, ("127.0.0.1", server.port))
        await loop.sock_sendall(sock, get(answer))
        async with asyncio.timeout(5):
            while not received_first:
                await asyncio.sleep(0.01)
        assert received_first[0].startswith(b"HTTP/1.1 200 OK")
    finally:
        sock.close()
        await server.stop()


async def test_every_interface_on_any_port_is_one_port() -> None:
    server = ConnectionRequestServer(path=PATH, gate=WakeUpGate(lambda: ("a", "b"), list), port=0)
    await server.start()
    try:
        assert {address[1] for address in server.addresses} == {server.port}
    finally:
        await server.stop()


async def test_a_picked_port_taken_meanwhile_is_picked_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Many gateways starting at once (a fleet) each pick a free port, then bind it.
    with socket.socket() as taken:
        taken.bind(("", 0))
        taken.listen()
        picks = iter([taken.getsockname()[1]])
        pick = http_server._free_port
        monkeypatch.setattr(http_server, "_free_port", lambda: next(picks, None) or pick())
        server = ConnectionRequestServer(
            path=PATH, gate=WakeUpGate(lambda: ("a", "b"), list), port=0
        )
        await server.start()
        try:
            assert server.port != taken.getsockname()[1]
        finally:
            await server.stop()


async def test_a_configured_port_in_use_is_an_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = ConnectionRequestServer(
            path=PATH, gate=WakeUpGate(lambda: ("a", "b"), list), bind_host="127.0.0.1", port=port
        )
        with pytest.raises(OSError):
            await server.start()


# ---------------------------------------------------------------------- connections
async def test_a_thousand_half_open_connections_leave_room_for_the_acs(started) -> None:
    accepted: list[bool] = []
    server = await started(accepted)
    held: list[asyncio.StreamWriter] = []
    try:
        for number in range(1000):  # 4 from each of 250 hosts, none sends anything
            _reader, writer = await connect(server, source(number // 4))
            held.append(writer)
        await asyncio.sleep(0.1)
        assert server.connections <= limits.MAX_CR_CONNECTIONS
        assert await connection_request(server, source(900)) == 200
        assert accepted == [True]
    finally:
        for writer in held:
            writer.close()


async def test_one_host_cannot_take_more_than_its_share(started) -> None:
    server = await started()
    held = [await connect(server, source(5)) for _ in range(limits.MAX_CR_CONNECTIONS_PER_SOURCE)]
    try:
        reader, writer = await connect(server, source(5))
        async with asyncio.timeout(5):
            refused = await reader.read()  # answered at once, without reading a request
        writer.close()
        assert status_of(refused) == 503
        assert status_of(await exchange(server, get(), source(6))) == 401
    finally:
        for _reader, writer in held:
            writer.close()


async def test_a_client_that_sends_no_complete_request_is_cut_off(
    started, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "CR_HEADER_TIMEOUT", 0.2)
    server = await started()
    reader, writer = await connect(server)
    writer.write(b"GET /secret-path HT")
    async with asyncio.timeout(5):
        assert await reader.read() == b""  # closed without an answer
    writer.close()
    assert server.connections == 0


async def test_a_kept_alive_connection_is_closed_when_idle(
    started, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "CR_IDLE_TIMEOUT", 0.2)
    server = await started()
    reader, writer = await connect(server)
    writer.write(get().replace(b"Connection: close\r\n", b""))
    async with asyncio.timeout(5):
        answer = await reader.read()  # the 401, then the close
    assert status_of(answer) == 401
    assert b"Connection: close" not in answer
    writer.close()


# ---------------------------------------------------------------------- malformed requests
@pytest.mark.parametrize(
    ("request_", "status"),
    [
        (b"GARBAGE\r\n\r\n", 400),
        (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400),
        (b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505),
        (b"GET * HTTP/1.1\r\n\r\n", 400),
        (b"GET /secret-path HTTP/1.1\r\nX-" + b"a" * 9000 + b": 1\r\n\r\n", 431),
        (b"GET /secret-path HTTP/1.1\r\nContent-Length: 5000\r\n\r\n", 413),
        (b"GET /secret-path HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400),
        (b"GET /secret-path HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx", 400),
        (b"GET /secret-path HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501),
        (b"GET /secret-path HTTP/1.1\r\nno colon\r\n\r\n", 400),
        (b"GET /secret-path HTTP/1.1\r\n folded: 1\r\n\r\n", 400),
        (b"GET /secret-path HTTP/1.1\r\nX: \xff\r\n\r\n", 400),
        (b"GET /secret-path HTTP/1.1\r\n" + b"X: 1\r\n" * 65 + b"\r\n", 431),
        (b"POST /secret-path HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", 405),
        (b"GET /guess HTTP/1.1\r\n\r\n", 404),
    ],
)
async def test_malformed_requests_get_the_status_that_says_why(
    started, request_: bytes, status: int
) -> None:
    server = await started()
    answer = await exchange(server, request_)
    assert status_of(answer) == status
    assert answer.endswith(b"\r\n\r\n")  # no body


@pytest.mark.parametrize(
    "nonce",
    [
        base64.b64encode("1:\u00e9".encode()).decode(),  # a MAC with a non-ASCII character
        base64.b64encode("\u0663:abc".encode()).decode(),  # a stamp in Arabic-Indic digits
        base64.b64encode(b"\xff\xfe").decode(),  # not UTF-8
        "not base64!",
    ],
)
async def test_a_forged_nonce_is_answered_with_a_challenge(
    started, caplog: pytest.LogCaptureFixture, nonce: str
) -> None:
    accepted: list[bool] = []
    server = await started(accepted)
    authorization = (
        f'Digest username="acs", realm="x", nonce="{nonce}", uri="{PATH}", '
        'qop=auth, nc=00000001, cnonce="c", response="0"'
    )
    answer = await exchange(server, get(authorization))
    assert status_of(answer) == 401
    assert not accepted
    assert all(record.levelno < logging.ERROR for record in caplog.records)


async def test_junk_is_logged_once_a_minute_per_host_without_a_traceback(
    started, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = await started()
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    for _ in range(200):
        await exchange(server, b"GARBAGE\r\n\r\n", source(9))
        await exchange(server, get('Digest username="acs", nonce="x"'), source(9))
    lines = [record for record in caplog.records if record.name == LOGGER]
    assert len(lines) == 1
    assert all(record.exc_info is None for record in caplog.records)
    monkeypatch.setattr(limits, "QUIET_LOG_INTERVAL", 0.0)
    await exchange(server, b"GARBAGE\r\n\r\n", source(9))
    lines = [record for record in caplog.records if record.name == LOGGER]
    assert "(and 399 more since the last line)" in lines[-1].getMessage()


async def test_a_failing_collaborator_is_one_quiet_line(
    started, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> tuple[str, str]:
        raise RuntimeError("credentials unavailable")

    server = await started(credentials=broken)
    for _ in range(5):
        with contextlib.suppress(ConnectionError):
            await exchange(server, get(), source(3))
    errors = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert len(errors) == 1
    assert errors[0].exc_info is None
    assert await exchange(server, b"GARBAGE\r\n\r\n", source(4))  # still serving
