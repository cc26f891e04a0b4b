"""A throw-away FTP server (aioftp) for Download/Upload tests over FTP.

::

    async with ftp_server("cpe", "secret") as ftp:
        ftp.put("fw.bin", b"...")
        acs.queue(serial, rpc.download(ftp.file_url("fw.bin"), username="cpe", password="secret"))
        ...
        assert ftp.read("log.txt") == b"..."
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
import tempfile
from urllib.parse import quote

import aioftp


@dataclass(frozen=True)
class FtpServer:
    """A running FTP server: ``url`` is ``ftp://127.0.0.1:<port>/``; files live in ``root``."""

    url: str
    root: Path
    username: str
    password: str
    port: int

    def file_url(self, name: str) -> str:
        """The URL of ``name`` (without credentials, which TR-069 passes separately)."""
        return self.url + quote(name)

    def put(self, name: str, content: bytes) -> Path:
        """Store a file for the CPE to download."""
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        return path

    def read(self, name: str) -> bytes:
        """A file the CPE uploaded (raises ``FileNotFoundError`` if none)."""
        return (self.root / name).read_bytes()


@asynccontextmanager
async def ftp_server(
    username: str,
    password: str,
    *,
    root: Path | None = None,
    host: str = "127.0.0.1",
) -> AsyncIterator[FtpServer]:
    """Run an FTP server on ``host`` and a random port, serving ``root`` (a temp dir if None)."""
    with tempfile.TemporaryDirectory(prefix="local_acs_ftp_") as tmp:
        base = root or Path(tmp)
        user = aioftp.User(
            username,
            password,
            base_path=base,
            permissions=[aioftp.Permission("/", readable=True, writable=True)],
        )
        server = aioftp.Server([user])
        await server.start(host, 0)
        try:
            port = int(server.server.sockets[0].getsockname()[1])
            yield FtpServer(f"ftp://{host}:{port}/", base, username, password, port)
        finally:
            await server.close()
