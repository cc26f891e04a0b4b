"""The file server on the ACS's own port: downloads for the Download RPC, uploads for Upload.

``GET``/``HEAD /files/<name>`` serves what :meth:`FileServer.serve_file` registered;
``PUT``/``POST /upload/<name>`` stores the request body in :attr:`FileServer.uploaded`.
Either may require Basic or Digest credentials; Digest nonces are not tied to a connection
here (HTTP clients often retry a download on a new one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
import time

from aiohttp import web

from . import auth
from .auth import Credentials, Scheme
from .state import Notifier

AuthSpec = tuple[Scheme, str, str] | None
"""``None`` or ``("basic" | "digest", username, password)``."""


@dataclass
class FileRequest:
    """One request to the file server."""

    method: str
    name: str
    status: int
    authorization: str | None
    at: float = field(default_factory=time.time)


@dataclass
class _File:
    content: bytes
    content_type: str
    credentials: Credentials | None


def _credentials(spec: AuthSpec) -> Credentials | None:
    return None if spec is None else Credentials(*spec)


class FileServer:
    """Files to download and uploads received."""

    def __init__(self, notifier: Notifier, upload_dir: Path | None = None) -> None:
        self.uploaded: dict[str, bytes] = {}
        self.requests: list[FileRequest] = []
        self._files: dict[str, _File] = {}
        self._upload_auth: dict[str, Credentials | None] = {}
        self._nonces: set[str] = set()
        self._notifier = notifier
        self._upload_dir = upload_dir

    def serve_file(
        self,
        name: str,
        content: bytes,
        *,
        auth: AuthSpec = None,
        content_type: str = "application/octet-stream",
    ) -> None:
        """Serve ``content`` at ``/files/<name>`` (replacing an earlier file of that name)."""
        self._files[name] = _File(content, content_type, _credentials(auth))

    def expect_upload(self, name: str, *, auth: AuthSpec = None) -> None:
        """Require credentials for uploads to ``/upload/<name>`` (others need none)."""
        self._upload_auth[name] = _credentials(auth)

    def names(self) -> list[str]:
        """Names of the served files."""
        return list(self._files)

    def size(self, name: str) -> int:
        """Size of a served file (``KeyError`` if unknown)."""
        return len(self._files[name].content)

    def routes(self) -> list[web.RouteDef]:
        """The aiohttp routes."""
        return [
            web.get("/files/{name:.+}", self._download),
            web.put("/upload/{name:.+}", self._upload),
            web.post("/upload/{name:.+}", self._upload),
        ]

    def _check(
        self, request: web.Request, credentials: Credentials | None, name: str
    ) -> web.Response | None:
        if credentials is None:
            return None
        header = request.headers.get("Authorization")
        if auth.verify(header, request.method, credentials, self._nonces):
            return None
        nonce = auth.new_nonce()
        self._nonces.add(nonce)
        self.requests.append(FileRequest(request.method, name, 401, header))
        return web.Response(
            status=401,
            text="Unauthorized",
            headers={"WWW-Authenticate": auth.challenge(credentials.scheme, nonce)},
        )

    async def _download(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        file = self._files.get(name)
        if file is None:
            self.requests.append(FileRequest(request.method, name, 404, None))
            raise web.HTTPNotFound(text=f"no file {name!r}")
        denied = self._check(request, file.credentials, name)
        if denied is not None:
            return denied
        authorization = request.headers.get("Authorization")
        self.requests.append(FileRequest(request.method, name, 200, authorization))
        self._notifier.notify()
        return web.Response(body=file.content, content_type=file.content_type)

    async def _upload(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        denied = self._check(request, self._upload_auth.get(name), name)
        if denied is not None:
            await request.read()
            return denied
        self.uploaded[name] = await request.read()
        if self._upload_dir is not None:
            target = self._upload_dir / Path(name).name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(self.uploaded[name])
        authorization = request.headers.get("Authorization")
        self.requests.append(FileRequest(request.method, name, 200, authorization))
        self._notifier.notify()
        return web.Response(status=200, text="OK")
