"""coturn (``turnserver``) as a plain STUN server: no configuration file, UDP only.

An independent check of the gateway's STUN client: it parses attributes for real
(an unknown comprehension-required one gets 420) and ignores the TR-111 ones.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
import secrets
import signal
import socket
import struct
import subprocess

from .netns import in_netns, netns_command
from .programs import require


def free_udp_port(host: str) -> int:
    """A free UDP port on ``host`` (in the current thread's namespace)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class CoturnStun:
    """``turnserver -S`` on one address and port."""

    def __init__(self, directory: Path, *, host: str = "127.0.0.1", netns: str | None = None):
        self.turnserver = require("turnserver", "coturn")
        self.directory, self.host, self.netns = directory, host, netns
        with in_netns(netns):
            self.port = free_udp_port(host)
        self.log_file = directory / "turn.log"
        self.process: subprocess.Popen[bytes] | None = None

    def _command(self) -> list[str]:
        return [
            self.turnserver, "-n", "-S", "-L", self.host, "-p", str(self.port),
            "--no-tls", "--no-dtls", "--no-tcp", "--no-cli",
            "--db", str(self.directory / "turndb"),
            "--pidfile", str(self.directory / "turn.pid"),
            "--log-file", str(self.log_file), "--simple-log", "--log-binding", "-v",
        ]  # fmt: skip

    def _spawn(self) -> subprocess.Popen[bytes]:
        with (self.directory / "turn.stdout").open("wb") as output:
            return subprocess.Popen(
                [*netns_command(self.netns), *self._command()],
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    async def start(self, timeout: float = 60.0) -> None:
        """Run it and wait for its first Binding Response (slow on a loaded machine)."""
        self.process = self._spawn()
        with in_netns(self.netns):
            probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        with probe:
            probe.setblocking(False)
            async with asyncio.timeout(timeout):
                sent: set[bytes] = set()
                while not await self._answers(probe, sent):
                    if self.process.poll() is not None:
                        raise RuntimeError("turnserver exited: " + self.output())

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

    def output(self) -> str:
        """What turnserver printed and logged."""
        parts = [self.directory / "turn.stdout", self.log_file]
        return "\n".join(path.read_text(errors="replace") for path in parts if path.exists())

    def bindings_logged(self) -> int:
        """How many Binding Requests it has logged as processed."""
        if not self.log_file.exists():
            return 0
        return self.log_file.read_text(errors="replace").count("BINDING processed, success")

    async def stop(self) -> None:
        """SIGTERM (SIGINT does not stop it), and wait."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(10):
                while process.poll() is None:
                    await asyncio.sleep(0.02)
        except TimeoutError:
            process.kill()
            process.wait()
