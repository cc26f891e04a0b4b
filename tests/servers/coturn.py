"""coturn (``turnserver``) as a plain STUN server: no configuration file, UDP only.

An independent check of the gateway's STUN client: it parses attributes for real
(an unknown comprehension-required one gets 420) and ignores the TR-111 ones.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
import secrets
import socket
import struct

from local_acs.daemon import Daemon, free_port, in_netns

from .programs import require


class CoturnStun(Daemon):
    """``turnserver -S`` on one address and port."""

    log_files = ("turn.stdout", "turn.log")

    def __init__(self, directory: Path, *, host: str = "127.0.0.1", netns: str | None = None):
        super().__init__(directory, netns=netns)
        self.turnserver = require("turnserver", "coturn")
        self.host = host
        with in_netns(netns):
            self.port = free_port(host, socket.SOCK_DGRAM)
        self.log_file = directory / "turn.log"

    def _command(self) -> list[str]:
        return [
            self.turnserver, "-n", "-S", "-L", self.host, "-p", str(self.port),
            "--no-tls", "--no-dtls", "--no-tcp", "--no-cli",
            "--db", str(self.directory / "turndb"),
            "--pidfile", str(self.directory / "turn.pid"),
            "--log-file", str(self.log_file), "--simple-log", "--log-binding", "-v",
        ]  # fmt: skip

    async def start(self, timeout: float = 60.0) -> None:
        """Run it and wait for its first Binding Response (slow on a loaded machine)."""
        self.spawn(self._command(), "turn.stdout")
        with in_netns(self.netns):
            probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sent: set[bytes] = set()
        with probe:
            probe.setblocking(False)
            await self.wait_ready(lambda: self._answers(probe, sent), timeout)

    async def _answers(self, probe: socket.socket, sent: set[bytes]) -> bool:
        """Ask again; True once any request sent so far is answered (late answers count)."""
        transaction = secrets.token_bytes(12)
        sent.add(transaction)
        probe.sendto(struct.pack("!HHI", 1, 0, 0x2112A442) + transaction, (self.host, self.port))
        await asyncio.sleep(0.05)
        while True:
            try:
                data = probe.recv(2048)
            except BlockingIOError:
                return False
            if data[8:20] in sent:
                return True

    def bindings_logged(self) -> int:
        """How many Binding Requests it has logged as processed."""
        if not self.log_file.exists():
            return 0
        return self.log_file.read_text(errors="replace").count("BINDING processed, success")
