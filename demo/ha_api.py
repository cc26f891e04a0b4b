"""A small client of Home Assistant's REST and WebSocket APIs (long-lived access token)."""

from __future__ import annotations

import asyncio
import itertools
from types import TracebackType
from typing import Any, Self

import aiohttp

from .console import DemoError


class HomeAssistantApi:
    """REST calls and WebSocket commands against one Home Assistant."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._session: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._ids = itertools.count(1)
        self._ws_lock = asyncio.Lock()

    async def __aenter__(self) -> Self:
        self._session = aiohttp.ClientSession(
            headers={"Authorization": f"Bearer {self._token}"},
            timeout=aiohttp.ClientTimeout(total=60),
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._session is not None:
            await self._session.close()

    @property
    def session(self) -> aiohttp.ClientSession:
        """The HTTP session (inside ``async with``)."""
        if self._session is None:
            raise RuntimeError("use HomeAssistantApi in `async with`")
        return self._session

    # ---------------------------------------------------------------- REST

    async def request(self, method: str, path: str, payload: Any = None) -> Any:
        """One REST call; the decoded JSON answer.  Raises DemoError on an HTTP error."""
        async with self.session.request(method, self.base_url + path, json=payload) as response:
            if response.status >= 400:
                text = await response.text()
                raise DemoError(f"{method} {path}: HTTP {response.status} {text.strip()}")
            if response.content_type == "application/json":
                return await response.json()
            return await response.text()

    async def core_state(self) -> str | None:
        """``NOT_RUNNING``/``STARTING``/``RUNNING``…, None while it does not answer."""
        try:
            async with self.session.get(
                f"{self.base_url}/api/config", timeout=aiohttp.ClientTimeout(total=5)
            ) as response:
                if response.status == 401:
                    raise DemoError(
                        "Home Assistant rejected the demo's token: run scripts/demo --reset"
                    )
                if response.status != 200:
                    return None
                data = await response.json()
        except (aiohttp.ClientError, TimeoutError):
            return None
        state = data.get("state")
        return str(state) if state is not None else None

    async def config_entries(self, domain: str) -> list[dict[str, Any]]:
        """The config entries of an integration."""
        entries: list[dict[str, Any]] = await self.request(
            "GET", f"/api/config/config_entries/entry?domain={domain}"
        )
        return entries

    # ---------------------------------------------------------------- WebSocket

    async def _websocket(self) -> aiohttp.ClientWebSocketResponse:
        if self._ws is not None and not self._ws.closed:
            return self._ws
        ws = await self.session.ws_connect(
            self.base_url.replace("http", "ws", 1) + "/api/websocket", max_msg_size=0
        )
        await ws.receive_json()  # auth_required
        await ws.send_json({"type": "auth", "access_token": self._token})
        answer = await ws.receive_json()
        if answer.get("type") != "auth_ok":
            await ws.close()
            raise DemoError(f"WebSocket authentication failed: {answer}")
        self._ws = ws
        return ws

    async def command(self, command: str, **data: Any) -> Any:
        """One WebSocket command; its result."""
        async with self._ws_lock:
            ws = await self._websocket()
            message_id = next(self._ids)
            await ws.send_json({"id": message_id, "type": command, **data})
            while True:
                answer = await ws.receive_json()
                if answer.get("id") == message_id:
                    break
        if not answer.get("success"):
            raise DemoError(f"WebSocket {command}: {answer.get('error')}")
        return answer["result"]
