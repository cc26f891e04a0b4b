"""The HTTP Connection Request server (TR-069 3.2.2).

A GET on a random path unique to this CPE, authenticated with HTTP Digest
against ConnectionRequestUsername/Password. A valid request is answered 200
with an empty body *before* the session starts; a burst of requests gives one
session. Too many requests in a short time are refused with 503 and no
Retry-After, as the standard asks (the limits are the :class:`WakeUpGate`'s).
"""

from __future__ import annotations

import logging
import socket
from typing import Final

from aiohttp import web

from ..auth import DigestServer
from .gate import WakeUpGate

_LOGGER = logging.getLogger(__name__)

REALM: Final = "tr069-cpe"
METHOD: Final = "HTTP"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("", 0))
        return int(probe.getsockname()[1])


class ConnectionRequestServer:
    """aiohttp server for Connection Requests."""

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
        self._runner: web.AppRunner | None = None
        self.port = port

    async def start(self) -> None:
        """Listen; raises OSError when the port is taken."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        port = self._port
        if port == 0 and self._bind_host is None:
            # Every interface with "any port" would give IPv4 and IPv6 different ports.
            port = _free_port()
        site = web.TCPSite(runner, self._bind_host, port, reuse_address=True)
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner
        if runner.addresses:
            self.port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        """Stop listening and release the port."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.path != self.path:
            return web.Response(status=404)
        if request.method != "GET":
            return web.Response(status=405, headers={"Allow": "GET"})
        if not self._gate.from_source(request.remote or ""):
            _LOGGER.warning("Connection Requests from %s refused: too many", request.remote)
            return web.Response(status=503)
        username, password = self._gate.credentials()
        verdict = self._digest.verify(
            "GET", request.path_qs, request.headers.get("Authorization"), username, password
        )
        if not verdict:
            if request.headers.get("Authorization") and verdict is False:
                _LOGGER.info("Connection Request with wrong credentials from %s", request.remote)
            return web.Response(
                status=401,
                headers={"WWW-Authenticate": self._digest.challenge(stale=verdict is None)},
            )
        if not self._gate.admit(METHOD):
            return web.Response(status=503)
        response = web.Response(status=200)
        await response.prepare(request)
        await response.write_eof()
        self._gate.wake(METHOD)
        return response
