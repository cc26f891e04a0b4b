"""``LocalAcs``: the aiohttp server around the CWMP endpoint, file server and NBI."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
import socket
import ssl
from types import TracebackType
from typing import TYPE_CHECKING, Self
from urllib.parse import quote

from aiohttp import web

from . import tls as tls_module
from .auth import Scheme
from .connreq import ConnectionRequestError, ConnectionRequestRecord, connection_request
from .cwmp import CwmpEndpoint
from .files import AuthSpec, FileRequest, FileServer
from .nbi import NbiApi
from .state import AcsState, InformHook
from .udp_connreq import UdpConnectionRequestRecord
from .wake import WakeRecord, wake

if TYPE_CHECKING:
    from .stun import StunServer
    from .xmpp import AcsXmpp

_LOGGER = logging.getLogger(__name__)

_REAP_INTERVAL = 0.2


class LocalAcs(AcsState):
    """A GenieACS-1.2-like ACS for tests and demos.

    ``auth`` (None, ``"basic"`` or ``"digest"``) with ``username``/``password`` is what the
    CPE must present; ``strict`` answers schema-invalid CPE envelopes with HTTP 400;
    ``cwmp_namespace`` forces the namespace of the ACS's envelopes (default: the one of the
    CPE's Inform); ``cr_username``/``cr_password`` are the NBI's default Connection Request
    credentials. ``xmpp`` (an :class:`~local_acs.xmpp.AcsXmpp` logged in) and ``stun`` (a
    :class:`~local_acs.stun.StunServer` listening) are the ACS's XMPP account and the STUN
    server beside it: :meth:`wake` uses them as GenieACS would. The caller starts and stops
    them.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        tls: bool = False,
        auth: Scheme | None = None,
        username: str = "acs",
        password: str = "acs",  # noqa: S107 - a test server's documented default
        strict: bool = False,
        cwmp_path: str = "/",
        cwmp_namespace: str | None = None,
        session_timeout: float = 30.0,
        soap_log_dir: Path | None = None,
        upload_dir: Path | None = None,
        cr_username: str | None = None,
        cr_password: str | None = None,
        tls_material: tls_module.TlsMaterial | None = None,
        xmpp: AcsXmpp | None = None,
        stun: StunServer | None = None,
    ) -> None:
        super().__init__(
            auth=auth,
            username=username,
            password=password,
            strict=strict,
            cwmp_namespace=cwmp_namespace,
            session_timeout=session_timeout,
            soap_log_dir=soap_log_dir,
        )
        self.host = host
        self.cwmp_path = cwmp_path
        self.cr_username = cr_username
        self.cr_password = cr_password
        self.connection_requests: list[ConnectionRequestRecord] = []
        self.udp_connection_requests: list[UdpConnectionRequestRecord] = []
        self.wakes: list[WakeRecord] = []
        self.xmpp = xmpp
        self.stun = stun
        self.tls_material = tls_material or (tls_module.generate() if tls else None)
        self._requested_port = port
        self._port: int | None = None
        self._runner: web.AppRunner | None = None
        self._reaper: asyncio.Task[None] | None = None
        self._tls_server: asyncio.Server | None = None
        self._handshakes: set[asyncio.Task[None]] = set()
        self.cwmp = CwmpEndpoint(self)
        self.files = FileServer(self.notifier, upload_dir)
        self.nbi = NbiApi(self)

    # ---------------------------------------------------------------- lifecycle

    def make_app(self) -> web.Application:
        """The aiohttp application (CWMP endpoint, ``/files/``, ``/upload/``, ``/nbi/``)."""
        app = web.Application(client_max_size=256 * 1024 * 1024)
        app.add_routes([web.post(self.cwmp_path, self.cwmp.handle)])
        app.add_routes(self.files.routes())
        app.add_routes(self.nbi.routes())
        return app

    async def start(self) -> None:
        """Bind and serve (port 0 picks a free port; see :attr:`url`)."""
        if self._runner is not None:
            raise RuntimeError("already started")
        if not self.schema_validation_available:
            _LOGGER.warning("LocalAcs runs WITHOUT CWMP schema validation")
        sock = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self._requested_port))
        self._port = int(sock.getsockname()[1])
        runner = web.AppRunner(self.make_app(), shutdown_timeout=1.0, handler_cancellation=True)
        await runner.setup()
        if self.tls_material is None:
            await web.SockSite(runner, sock).start()
        else:
            # The handshake is done by the ACS itself (see TlsAcceptor), not by asyncio's server.
            context = self.tls_material.server_context()
            handler = runner.server
            assert handler is not None
            self._tls_server = await asyncio.get_running_loop().create_server(
                lambda: tls_module.TlsAcceptor(handler, context, self._handshakes), sock=sock
            )
        self._runner = runner
        self._reaper = asyncio.create_task(self._reap_loop(), name="local_acs reaper")
        _LOGGER.info("LocalAcs listening on %s", self.url)

    async def stop(self) -> None:
        """End open sessions and stop serving."""
        if self._reaper is not None:
            self._reaper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reaper
            self._reaper = None
        for session in list(self.sessions):
            self.end_session(session, "ACS stopped")
        if self._tls_server is not None:
            self._tls_server.close()
            for handshake in list(self._handshakes):
                handshake.cancel()
            await asyncio.gather(*self._handshakes, return_exceptions=True)
            self._tls_server = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _reap_loop(self) -> None:
        while True:
            await asyncio.sleep(_REAP_INTERVAL)
            self.reap_sessions()

    # ---------------------------------------------------------------- addresses

    @property
    def port(self) -> int:
        """The bound port (after :meth:`start`)."""
        if self._port is None:
            raise RuntimeError("LocalAcs not started")
        return self._port

    @property
    def base_url(self) -> str:
        """``http(s)://host:port`` without a path."""
        scheme = "https" if self.tls_material else "http"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{host}:{self.port}"

    @property
    def url(self) -> str:
        """The ACS URL to configure in the CPE (``ManagementServer.URL``)."""
        return self.base_url + self.cwmp_path

    @property
    def ca_pem(self) -> str | None:
        """The PEM CA certificate that signed the server certificate (TLS only)."""
        return self.tls_material.ca_pem if self.tls_material else None

    def client_ssl_context(self) -> ssl.SSLContext:
        """An SSL context trusting this ACS's CA (TLS only)."""
        if self.tls_material is None:
            raise RuntimeError("LocalAcs was created without tls=True")
        return self.tls_material.client_context()

    # ---------------------------------------------------------------- devices

    def set_hold_requests(self, serial: str, enabled: bool = True) -> None:
        """Send ``HoldRequests`` to this device in its next sessions (see :mod:`.cwmp`)."""
        self.device(serial).hold_requests = enabled

    def add_inform_hook(self, hook: InformHook) -> None:
        """Call ``hook(inform)`` (sync or async) before answering each accepted Inform."""
        self.inform_hooks.append(hook)

    async def connection_request_record(
        self,
        url: str,
        username: str | None = None,
        password: str | None = None,
        *,
        timeout: float = 2.0,  # noqa: ASYNC109 - GenieACS's fixed 2 s, overridable
        ssl_context: ssl.SSLContext | None = None,
    ) -> ConnectionRequestRecord:
        """Send a Connection Request; the record (also kept in :attr:`connection_requests`)."""
        record = await connection_request(
            url, username, password, timeout=timeout, ssl_context=ssl_context
        )
        self.connection_requests.append(record)
        return record

    async def connection_request(
        self,
        url: str,
        username: str | None = None,
        password: str | None = None,
        *,
        timeout: float = 2.0,  # noqa: ASYNC109 - GenieACS's fixed 2 s, overridable
        ssl_context: ssl.SSLContext | None = None,
    ) -> int:
        """Send a Connection Request like GenieACS; return the final HTTP status.

        Raises :class:`~local_acs.connreq.ConnectionRequestError` on timeout or connection
        failure.
        """
        record = await self.connection_request_record(
            url, username, password, timeout=timeout, ssl_context=ssl_context
        )
        if record.status is None:
            raise ConnectionRequestError(f"connection request to {url} failed: {record.error}")
        return record.status

    async def wake(
        self,
        serial: str,
        username: str | None = None,
        password: str | None = None,
        *,
        timeout: float = 2.0,  # noqa: ASYNC109 - GenieACS's fixed 2 s, overridable
    ) -> WakeRecord:
        """Wake the device as GenieACS would: UDP too when it can, XMPP when it can, else HTTP.

        The credentials default to ``cr_username``/``cr_password``; the record is also kept
        in :attr:`wakes` (see :mod:`local_acs.wake`).
        """
        record = await wake(
            self,
            self.device(serial),
            username if username is not None else self.cr_username or "",
            password if password is not None else self.cr_password or "",
            timeout,
        )
        self.wakes.append(record)
        return record

    # ---------------------------------------------------------------- files

    def serve_file(
        self,
        name: str,
        content: bytes,
        *,
        auth: AuthSpec = None,
        content_type: str = "application/octet-stream",
    ) -> None:
        """Serve ``content`` at :meth:`file_url`; ``auth`` = ``(scheme, user, password)``."""
        self.files.serve_file(name, content, auth=auth, content_type=content_type)

    def expect_upload(self, name: str, *, auth: AuthSpec = None) -> None:
        """Require ``auth`` for uploads of ``name`` to :meth:`upload_url`."""
        self.files.expect_upload(name, auth=auth)

    def file_url(self, name: str) -> str:
        """Where a served file is downloaded from."""
        return f"{self.base_url}/files/{quote(name)}"

    def upload_url(self, name: str) -> str:
        """Where the CPE uploads ``name`` (HTTP PUT or POST)."""
        return f"{self.base_url}/upload/{quote(name)}"

    def file_size(self, name: str) -> int:
        """Size of a served file."""
        return self.files.size(name)

    @property
    def file_names(self) -> list[str]:
        """Names of the served files."""
        return self.files.names()

    @property
    def uploaded(self) -> dict[str, bytes]:
        """Uploads received, by name."""
        return self.files.uploaded

    @property
    def file_requests(self) -> list[FileRequest]:
        """Every request to the file server (downloads and uploads, incl. 401s)."""
        return self.files.requests

    async def wait_for_upload(self, name: str, timeout: float = 10.0) -> bytes:  # noqa: ASYNC109
        """Wait until ``name`` was uploaded; its content."""
        return await self.notifier.wait_for(lambda: self.files.uploaded.get(name), timeout)

    def __repr__(self) -> str:
        where = self.url if self._port is not None else "not started"
        return f"<LocalAcs {where} sessions={len(self.sessions)}>"
