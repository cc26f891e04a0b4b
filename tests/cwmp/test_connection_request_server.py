"""The Connection Request server's two limits, with requests from several addresses."""

from __future__ import annotations

from unittest.mock import AsyncMock, Mock

from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from local_acs.auth import solve_challenge
from tr069_cpe.cwmp.wakeup import RateLimit, WakeUpGate
from tr069_cpe.cwmp.wakeup.http_server import ConnectionRequestServer

PATH = "/secret-path"


def server(accepted: list[bool]) -> ConnectionRequestServer:
    gate = WakeUpGate(
        lambda: ("acs", "pw"),
        lambda: accepted.append(True),
        RateLimit(burst=3, per_second=0.001),
    )
    return ConnectionRequestServer(path=PATH, gate=gate)


async def get(
    cr: ConnectionRequestServer, source: str, authorization: str | None = None
) -> web.StreamResponse:
    transport = Mock()
    transport.get_extra_info.side_effect = lambda name, default=None: (
        (source, 40000) if name == "peername" else default
    )
    headers = {"Authorization": authorization} if authorization else {}
    request = make_mocked_request("GET", PATH, headers=headers, transport=transport)
    return await cr._handle(request)  # the handler, without a socket


async def connection_request(cr: ConnectionRequestServer, source: str) -> int:
    challenge = await get(cr, source)
    if challenge.status != 401:
        return challenge.status
    answer = solve_challenge(challenge.headers["WWW-Authenticate"], "acs", "pw", "GET", PATH)
    return (await get(cr, source, answer)).status


async def test_a_flooding_host_does_not_use_up_the_acs_share() -> None:
    accepted: list[bool] = []
    cr = server(accepted)
    flood = [(await get(cr, "192.0.2.66")).status for _ in range(8)]
    assert flood == [401] * 6 + [503] * 2  # twice the burst: each Digest request is two GETs
    guesses = [(await get(cr, "192.0.2.67", 'Digest username="acs"')).status for _ in range(7)]
    assert guesses[-1] == 503
    assert await connection_request(cr, "198.51.100.1") == 200
    assert accepted == [True]


async def test_accepted_requests_share_one_bucket() -> None:
    accepted: list[bool] = []
    cr = server(accepted)
    sources = ["198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4"]
    assert [await connection_request(cr, source) for source in sources] == [200, 200, 200, 503]
    assert len(accepted) == 3


async def test_sources_are_remembered_within_bounds() -> None:
    cr = server([])
    for number in range(300):
        await get(cr, f"10.0.{number // 256}.{number % 256}")
    assert len(cr._gate.sources) == 256  # bounded memory


async def test_the_200_is_sent_before_the_session_is_asked_for() -> None:
    finished_first: list[bool] = []
    writer = Mock()
    writer.write_headers = AsyncMock()
    writer.write = AsyncMock()
    writer.drain = AsyncMock()
    writer.write_eof = AsyncMock()
    gate = WakeUpGate(
        lambda: ("acs", "pw"),
        lambda: finished_first.append(writer.write_eof.await_count == 1),
    )
    cr = ConnectionRequestServer(path=PATH, gate=gate)
    challenge = await get(cr, "198.51.100.1")
    answer = solve_challenge(challenge.headers["WWW-Authenticate"], "acs", "pw", "GET", PATH)
    request = make_mocked_request(
        "GET", PATH, headers={"Authorization": answer}, writer=writer, transport=Mock()
    )
    response = await cr._handle(request)  # the handler, without a socket
    assert response.status == 200
    assert finished_first == [True]


async def test_every_interface_on_any_port_is_one_port() -> None:
    cr = ConnectionRequestServer(path=PATH, gate=WakeUpGate(lambda: ("a", "b"), list), port=0)
    await cr.start()
    try:
        ports = {address[1] for address in cr._runner.addresses}  # type: ignore[union-attr]
        assert ports == {cr.port}
    finally:
        await cr.stop()
