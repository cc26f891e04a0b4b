"""The HTTP Connection Request server (TR-069 3.2.2).

A GET on a random path unique to this CPE, authenticated with HTTP Digest
against ConnectionRequestUsername/Password. A valid request is answered 200
with an empty body *before* the session starts; a burst of requests gives one
session. Too many requests in a short time are refused with 503 and no
Retry-After, as the standard asks (the limits are the :class:`WakeUpGate`'s).

The port faces the network, so the server is built to be attacked: at most
MAX_CR_CONNECTIONS connections (MAX_CR_CONNECTIONS_PER_SOURCE per address; when
full, the oldest connection that has not sent a request yet makes room), a request
head within CR_HEADER_TIMEOUT, kept-alive connections closed after CR_IDLE_TIMEOUT,
heads and bodies of bounded size, and refusals logged at most once per source per
minute, never with a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
from http import HTTPStatus
import logging
import socket
from typing import Final

from .. import limits
from ..auth import DigestServer
from .gate import WakeUpGate
from .http_wire import HeadError, RequestHead, parse_head, response
from .quiet import QuietLog

_LOGGER = logging.getLogger(__name__)

REALM: Final = "tr069-cpe"
# Free ports tried when any port will do (each may be taken before it is bound).
_PORT_ATTEMPTS: Final = 10
METHOD: Final = "HTTP"
_END_OF_HEAD: Final = b"\r\n\r\n"
_DISCONNECTED: Final = (ConnectionError, asyncio.IncompleteReadError, OSError)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("", 0))
        return int(probe.getsockname()[1])


class _Connection:
    """One client connection: its source, and whether it has sent a request yet."""

    __slots__ = ("source", "started", "writer")

    def __init__(self, source: str, writer: asyncio.StreamWriter) -> None:
        self.source = source
        self.writer = writer
        self.started = False


class ConnectionRequestServer:
    """asyncio server for Connection Requests."""

    def __init__(
        self,
        *,
        path: str,
        gate: WakeUpGate,
        bind_host: str | None = None,
        port: int = 7547,
    ) -> None:
        self.path = path if path.startswith("/") else f"/{path}"
        self._gate = gate
        self._bind_host = bind_host
        self._port = port
        self._digest = DigestServer(REALM)
        self._server: asyncio.Server | None = None
        self._connections: list[_Connection] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._quiet = QuietLog(_LOGGER)
        self.port = port

    @property
    def connections(self) -> int:
        """Connections open now."""
        return len(self._connections)

    @property
    def addresses(self) -> list[tuple[str, int]]:
        """Where the server listens."""
        sockets = self._server.sockets if self._server is not None else ()
        return [sock.getsockname()[:2] for sock in sockets]

    async def start(self) -> None:
        """Listen; raises OSError when the port is taken."""
        # Every interface with "any port" would give IPv4 and IPv6 different ports, so a
        # free port is picked first; another process may take it meanwhile (many
        # gateways starting at once in a fleet): then another one is picked.
        picked = self._port == 0 and self._bind_host is None
        for attempt in range(_PORT_ATTEMPTS if picked else 1):
            try:
                self._server = await asyncio.start_server(
                    self._accept,
                    self._bind_host,
                    _free_port() if picked else self._port,
                    reuse_address=True,
                    limit=limits.CR_MAX_HEAD_BYTES,
                )
                break
            except OSError as err:
                if err.errno != errno.EADDRINUSE or attempt == _PORT_ATTEMPTS - 1 or not picked:
                    raise
        if self.addresses:
            self.port = int(self.addresses[0][1])

    async def stop(self) -> None:
        """Stop listening, close every connection and release the port."""
        if self._server is None:
            return
        self._server.close()
        for connection in list(self._connections):
            connection.writer.transport.abort()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()
        self._server = None

    # ------------------------------------------------------------------ connections
    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        source = str(peer[0]) if isinstance(peer, tuple) and peer else "unknown"
        if not self._admit(source):
            # Busy, said at once: the connection is closed without reading anything.
            writer.write(response(HTTPStatus.SERVICE_UNAVAILABLE, close=True))
            writer.close()
            return
        connection = _Connection(source, writer)
        self._connections.append(connection)
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            await self._converse(reader, connection)
        except _DISCONNECTED:
            pass
        except TimeoutError:
            self._quiet(
                logging.INFO, source, "Connection from %s closed: no request in time", source
            )
        except Exception:  # a bug must not leave a traceback per request: one line, quietly
            _LOGGER.debug("Connection Request from %s failed", source, exc_info=True)
            self._quiet(logging.ERROR, source, "Connection Request from %s failed", source)
        finally:
            if connection in self._connections:  # an evicted one is gone already
                self._connections.remove(connection)
            self._tasks.discard(task)
            writer.close()

    def _admit(self, source: str) -> bool:
        """Room for one more connection from ``source`` (evicting an idle one if need be)."""
        if sum(1 for item in self._connections if item.source == source) >= (
            limits.MAX_CR_CONNECTIONS_PER_SOURCE
        ):
            self._quiet(
                logging.WARNING, source, "Connections from %s refused: too many open", source
            )
            return False
        if len(self._connections) < limits.MAX_CR_CONNECTIONS:
            return True
        idle = next((item for item in self._connections if not item.started), None)
        if idle is None:
            self._quiet(logging.WARNING, source, "Connection from %s refused: server full", source)
            return False
        idle.writer.transport.abort()  # its handler sees the connection lost and ends
        self._connections.remove(idle)
        return True

    async def _converse(self, reader: asyncio.StreamReader, connection: _Connection) -> None:
        """Serve requests on one connection until it should close."""
        timeout = limits.CR_HEADER_TIMEOUT
        source = connection.source
        for _ in range(limits.CR_MAX_REQUESTS_PER_CONNECTION):
            try:
                async with asyncio.timeout(timeout):
                    head = await _read_request(reader, connection)
            except HeadError as err:
                self._quiet(logging.INFO, source, "Bad request from %s: %s", source, err)
                await _answer(connection, response(err.status, close=True))
                return
            if not await self._serve(head, connection):
                return
            timeout = limits.CR_IDLE_TIMEOUT

    async def _serve(self, head: RequestHead, connection: _Connection) -> bool:
        """Answer one request; whether the connection stays open."""
        status, headers = self._verdict(head, connection.source)
        keep = head.keep_alive and status in (HTTPStatus.OK, HTTPStatus.UNAUTHORIZED)
        await _answer(connection, response(status, headers, close=not keep))
        if status is HTTPStatus.OK:
            self._gate.wake(METHOD)
        return keep

    # ------------------------------------------------------------------ requests
    def _verdict(self, head: RequestHead, source: str) -> tuple[HTTPStatus, dict[str, str]]:
        if head.path != self.path:
            self._quiet(logging.INFO, source, "Request from %s for an unknown path", source)
            return HTTPStatus.NOT_FOUND, {}
        if head.method != "GET":
            return HTTPStatus.METHOD_NOT_ALLOWED, {"Allow": "GET"}
        if not self._gate.from_source(source):
            self._quiet(
                logging.WARNING, source, "Connection Requests from %s refused: too many", source
            )
            return HTTPStatus.SERVICE_UNAVAILABLE, {}
        authorization = head.headers.get("authorization")
        username, password = self._gate.credentials()
        verdict = self._digest.verify("GET", head.target, authorization, username, password)
        if not verdict:
            if authorization and verdict is False:
                self._quiet(
                    logging.INFO,
                    source,
                    "Connection Request with wrong credentials from %s",
                    source,
                )
            challenge = self._digest.challenge(stale=verdict is None)
            return HTTPStatus.UNAUTHORIZED, {"WWW-Authenticate": challenge}
        if not self._gate.admit(METHOD):
            return HTTPStatus.SERVICE_UNAVAILABLE, {}
        return HTTPStatus.OK, {}


async def _read_request(reader: asyncio.StreamReader, connection: _Connection) -> RequestHead:
    """The next request's head (its body read and dropped); HeadError when unusable."""
    try:
        raw = await reader.readuntil(_END_OF_HEAD)
    except asyncio.LimitOverrunError:
        raise HeadError(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "a head too large") from None
    connection.started = True
    head = parse_head(raw)
    await reader.readexactly(head.body_length(limits.CR_MAX_BODY_BYTES))
    return head


async def _answer(connection: _Connection, data: bytes) -> None:
    connection.writer.write(data)
    with contextlib.suppress(*_DISCONNECTED):
        await connection.writer.drain()
