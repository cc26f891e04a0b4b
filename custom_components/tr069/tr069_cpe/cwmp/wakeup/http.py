"""HTTP Connection Requests (TR-069 3.2.2): the server, and the URL it gives the ACS."""

from __future__ import annotations

import secrets

from ..network import connection_request_url, local_address_towards
from .base import WakeUpContext, WakeUpState, WakeUpStatus
from .http_server import METHOD, ConnectionRequestServer


class HttpConnectionRequests:
    """The Connection Request server and ManagementServer.ConnectionRequestURL.

    The URL's path is random and kept across restarts (the method's state); its
    host is the configured one, or this host's address towards the ACS.
    """

    name = METHOD

    def __init__(self, *, port: int, bind_host: str | None, advertised_host: str | None) -> None:
        self._port = port
        self._bind_host = bind_host
        self._advertised_host = advertised_host
        self._server: ConnectionRequestServer | None = None
        self.status = WakeUpStatus(METHOD, WakeUpState.DISABLED)

    async def start(self, context: WakeUpContext) -> None:
        """Listen (OSError when the port is taken) and publish the URL."""
        path = context.state.get("path")
        if not isinstance(path, str) or not path:
            path = context.state["path"] = secrets.token_urlsafe(18)
            context.state_changed()
        server = ConnectionRequestServer(
            path=path, gate=context.gate, bind_host=self._bind_host, port=self._port
        )
        await server.start()
        self._server = server
        management_server = context.management_server
        host = self._advertised_host or await local_address_towards(management_server.url)
        url = connection_request_url(host, server.port, path)
        management_server.set_connection_request_url(url)
        self.status = WakeUpStatus(METHOD, WakeUpState.LISTENING, url)
        context.on_status(self.status)

    async def stop(self) -> None:
        """Stop listening and release the port."""
        if self._server is not None:
            await self._server.stop()
            self._server = None
        self.status = WakeUpStatus(METHOD, WakeUpState.DISABLED)
