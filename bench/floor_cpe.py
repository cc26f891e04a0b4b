"""The Connection Request floor: a bare endpoint that replays a recorded session on a 200.

``FloorCpe`` runs in-process (:mod:`bench.connection_request`); ``python -m
bench.floor_cpe`` runs it as a process of its own, driven by JSON lines like the ACS
process: the first line announces its URL, ``{"cmd": "replay", "acs_url", "outgoing",
"incoming"}`` (bodies in base64) gives it the session to replay, ``{"cmd": "quit"}``
ends it.  It answers the first GET with a Digest challenge and the second with 200,
checking nothing: the least a CPE must do to be woken up.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import secrets
import sys
from types import TracebackType
from typing import Any, Protocol, Self

from aiohttp import web

from .replay import Replayer

_CHALLENGE = 'Digest realm="floor", qop="auth", nonce="{nonce}", algorithm=MD5'


class Replaying(Protocol):
    """Something that replays one recorded session."""

    async def session(self) -> None:
        """One session."""


class FloorCpe:
    """A bare Connection Request endpoint that replays a recorded session on a 200."""

    def __init__(self, replayer: Replaying) -> None:
        self._replayer = replayer
        self._runner: web.AppRunner | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.url = ""

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_get("/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/{secrets.token_urlsafe(18)}"
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if "Authorization" not in request.headers:
            nonce = secrets.token_hex(16)
            return web.Response(
                status=401, headers={"WWW-Authenticate": _CHALLENGE.format(nonce=nonce)}
            )
        response = web.Response(status=200)
        await response.prepare(request)
        await response.write_eof()
        task = asyncio.get_running_loop().create_task(self._replayer.session())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return response


async def _serve() -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    holder = _Holder()
    async with FloorCpe(holder) as floor:
        _reply({"url": floor.url})
        while line := await reader.readline():
            command: dict[str, Any] = json.loads(line)
            if command.get("cmd") == "quit":
                break
            holder.replayer = Replayer(
                command["acs_url"],
                [base64.b64decode(body) for body in command["outgoing"]],
                [base64.b64decode(body) for body in command["incoming"]],
            )
            _reply({})


class _Holder:
    """The session to replay, set (and replaced) by the driving process."""

    replayer: Replayer | None = None

    async def session(self) -> None:
        """Replay the current session."""
        assert self.replayer is not None, "no session to replay yet"
        await self.replayer.session()


def _reply(answer: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve())
