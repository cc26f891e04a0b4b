"""The Connection Request server (TR-069 3.2.2): how the ACS wakes the CPE up.

A GET on a random path unique to this CPE, authenticated with HTTP Digest
against ConnectionRequestUsername/Password. A valid request is answered 200
with an empty body *before* the session starts; a burst of requests gives one
session. Too many requests in a short time are refused with 503 and no
Retry-After, as the standard asks.

Two limits apply. Accepted Connection Requests share one bucket (what the
standard asks for). Every request also counts against its source address, so
a host that floods the server, or guesses passwords, is refused without
using up the ACS's share.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
import logging
import socket
import time
from typing import Final

from aiohttp import web

from .auth import DigestServer

_LOGGER = logging.getLogger(__name__)

REALM: Final = "tr069-cpe"
# Source addresses whose buckets are remembered (the least recent are forgotten).
MAX_SOURCES: Final = 256


@dataclass(frozen=True, slots=True)
class RateLimit:
    """Token bucket: ``burst`` requests at once, refilled at ``per_second``."""

    burst: int = 20
    per_second: float = 1.0


class _TokenBucket:
    def __init__(self, limit: RateLimit) -> None:
        self._limit = limit
        self._tokens = float(limit.burst)
        self._stamp = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self._tokens = min(
            self._limit.burst, self._tokens + (now - self._stamp) * self._limit.per_second
        )
        self._stamp = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("", 0))
        return int(probe.getsockname()[1])


class _SourceBuckets:
    """One bucket per source address; a Digest request takes two (challenge, answer)."""

    def __init__(self, limit: RateLimit) -> None:
        self._limit = RateLimit(burst=2 * limit.burst, per_second=2 * limit.per_second)
        self._buckets: OrderedDict[str, _TokenBucket] = OrderedDict()

    def take(self, source: str) -> bool:
        bucket = self._buckets.pop(source, None) or _TokenBucket(self._limit)
        self._buckets[source] = bucket
        if len(self._buckets) > MAX_SOURCES:
            self._buckets.popitem(last=False)
        return bucket.take()


class ConnectionRequestServer:
    """aiohttp server for Connection Requests."""

    def __init__(
        self,
        *,
        path: str,
        credentials: Callable[[], tuple[str, str]],
        on_request: Callable[[], None],
        bind_host: str | None = None,
        port: int = 7547,
        rate_limit: RateLimit | None = None,
    ) -> None:
        self.path = path if path.startswith("/") else f"/{path}"
        self._credentials = credentials
        self._on_request = on_request
        self._bind_host = bind_host
        self._port = port
        self._accepted = _TokenBucket(rate_limit or RateLimit())
        self._sources = _SourceBuckets(rate_limit or RateLimit())
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
        if not self._sources.take(request.remote or ""):
            _LOGGER.warning("Connection Requests from %s refused: too many", request.remote)
            return web.Response(status=503)
        username, password = self._credentials()
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
        if not self._accepted.take():
            _LOGGER.warning("Connection Request refused: rate limit reached")
            return web.Response(status=503)
        response = web.Response(status=200)
        await response.prepare(request)
        await response.write_eof()
        self._on_request()
        return response
