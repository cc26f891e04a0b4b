"""Real servers beside the local ACS (Prosody for XMPP; coturn in the tests).

Their programs come from Debian packages that ``scripts/install-servers``
installs; :func:`find_program` says so when one is missing. A :class:`Daemon`
runs one as a child process, inside a network namespace if asked (``ip netns
exec``), with its output in a file, and stops it again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
import contextlib
import os
from pathlib import Path
import secrets
import shutil
import signal
import socket
import subprocess
from typing import Final

INSTALL: Final = (
    "scripts/install-servers (apt-get install prosody coturn iptables conntrack nftables)"
)
_STOP_TIMEOUT: Final = 10.0
_POLL: Final = 0.02


class ProgramMissingError(RuntimeError):
    """A server's program is not installed."""


def find_program(program: str, package: str) -> str:
    """The program's path; :class:`ProgramMissingError` names the package when it is not there."""
    path = shutil.which(program) or shutil.which(program, path="/usr/sbin:/sbin:/usr/bin")
    if path is None:
        raise ProgramMissingError(
            f"{program} is missing: the {package} package is not installed; run {INSTALL}"
        )
    return path


def netns_command(name: str | None) -> list[str]:
    """The prefix that runs a program in a network namespace (none: this one)."""
    return [find_program("ip", "iproute2"), "netns", "exec", name] if name else []


class Netns:
    """Switching the calling thread into /run/netns/NAME until told to switch back."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._original: int | None = None

    def enter(self) -> None:
        """Move the calling thread (and threads it starts later) into the namespace."""
        self._original = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        target = os.open(f"/run/netns/{self.name}", os.O_RDONLY)
        try:
            os.setns(target, os.CLONE_NEWNET)
        finally:
            os.close(target)

    def leave(self) -> None:
        """Back to where :meth:`enter` was called."""
        if self._original is not None:
            os.setns(self._original, os.CLONE_NEWNET)
            os.close(self._original)
            self._original = None


@contextlib.contextmanager
def in_netns(name: str | None) -> Iterator[None]:
    """Move the calling thread into the namespace and back (never await inside).

    Sockets keep the namespace they were created in.
    """
    if name is None:
        yield
        return
    namespace = Netns(name)
    namespace.enter()
    try:
        yield
    finally:
        namespace.leave()


def free_port(host: str, kind: socket.SocketKind = socket.SOCK_STREAM) -> int:
    """A free TCP (or UDP) port on ``host``, in the calling thread's namespace.

    Picked below the kernel's ephemeral range: a port the kernel handed out for binding
    port 0 is one it may give next to any outgoing connection as its local port, and a
    server that binds it a moment later then finds it in use.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    low, high = _below_ephemeral()
    for _ in range(200):
        port = low + secrets.randbelow(high - low)
        with socket.socket(family, kind) as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return port
    with socket.socket(family, kind) as probe:  # a crowded range: let the kernel choose
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def _below_ephemeral() -> tuple[int, int]:
    """Ports from 10000 up to where the ephemeral range starts (Linux: 32768)."""
    try:
        start = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        start = 32768
    return (10000, start) if start > 11000 else (start // 2, start)


class Daemon:
    """One server process; its output goes to ``directory/<output>``."""

    def __init__(self, directory: Path, *, netns: str | None = None) -> None:
        self.directory = directory
        self.netns = netns
        self.process: subprocess.Popen[bytes] | None = None

    def command(self, *words: str) -> list[str]:
        """``words`` as run in the daemon's namespace."""
        return [*netns_command(self.netns), *words]

    def spawn(self, words: list[str], output: str) -> None:
        """Start the program."""
        with (self.directory / output).open("wb") as sink:
            self.process = subprocess.Popen(  # noqa: S603 - the daemon's own command line
                self.command(*words),
                stdout=sink,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    async def wait_ready(self, ready: Callable[[], Awaitable[bool]], timeout: float) -> None:  # noqa: ASYNC109
        """Until ``ready()``; RuntimeError with the logs when the program exits first."""
        process = self.process
        assert process is not None, "spawn() first"
        async with asyncio.timeout(timeout):
            while not await ready():
                if process.poll() is not None:
                    raise RuntimeError(f"{process.args!r} exited: {self.logs()}")
                await asyncio.sleep(_POLL)

    def logs(self) -> str:
        """What the program wrote (:attr:`log_files`)."""
        paths = [self.directory / name for name in self.log_files]
        return "\n".join(path.read_text(errors="replace") for path in paths if path.exists())

    @property
    def log_files(self) -> tuple[str, ...]:
        """The files of :meth:`logs`, relative to the directory."""
        return ()

    async def stop(self) -> None:
        """SIGCONT (it may be paused), SIGTERM, SIGKILL after 10 s; wait for it."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGCONT)
        process.terminate()
        try:
            await asyncio.to_thread(process.wait, _STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await asyncio.to_thread(process.wait)
