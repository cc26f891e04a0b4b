"""A throwaway Prosody: its own configuration, certificate and accounts in a temporary folder.

STARTTLS is required, server-to-server is off (no DNS, no port 5269), Nagle is
off (the first IQ to a client would otherwise wait ~40 ms). As root, Prosody
needs ``run_as_root``. It can run inside a network namespace (``netns``).
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
import signal
import socket
import subprocess

from local_acs.tls import TlsMaterial, generate

from .netns import in_netns, netns_command
from .programs import require

DOMAIN = "xmpp.test"

_CONFIG = """\
run_as_root = true
pidfile = "{dir}/prosody.pid"
data_path = "{dir}/data"
plugin_paths = {{ }}
interfaces = {{ "{host}" }}
c2s_ports = {{ {port} }}
c2s_direct_tls_ports = {{ }}
modules_enabled = {{ "roster"; "saslauth"; "tls"; "disco"; "ping"; }}
modules_disabled = {{ "s2s"; "s2s_auth_certs"; "offline"; {no_tls} }}
authentication = "internal_hashed"
c2s_require_encryption = {require_tls}
allow_registration = false
certificates = "{dir}/certs"
ssl = {{ certificate = "{dir}/server.pem"; key = "{dir}/server.key"; }}
network_settings = {{ nagle = false; }}
log = {{ {{ levels = {{ min = "info" }}, to = "file", filename = "{dir}/prosody.log" }} }}
VirtualHost "{domain}"
"""


def free_port(host: str) -> int:
    """A free TCP port on ``host`` (in the current thread's namespace)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class ProsodyServer:
    """``prosody -F`` with a generated configuration; ``start``/``stop`` are async."""

    def __init__(
        self,
        directory: Path,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        netns: str | None = None,
        tls: bool = True,
    ) -> None:
        self.prosody = require("prosody", "prosody")
        self.prosodyctl = require("prosodyctl", "prosody")
        self.directory, self.host, self.netns = directory, host, netns
        with in_netns(netns):
            self.port = port or free_port(host)
        self.tls: TlsMaterial = generate((DOMAIN, host))
        paths = self.tls.write(directory)
        # Prosody wants the key under the name the configuration gives.
        assert paths["key"] == directory / "server.key"
        for folder in ("data", "certs"):
            (directory / folder).mkdir(exist_ok=True)
        self.config = directory / "prosody.cfg.lua"
        self.config.write_text(
            _CONFIG.format(
                dir=directory,
                host=host,
                port=self.port,
                domain=DOMAIN,
                require_tls="true" if tls else "false",
                # Without TLS the server offers no STARTTLS at all.
                no_tls="" if tls else '"tls";',
            )
        )
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def ca_pem(self) -> str:
        """The CA the server's certificate chains to."""
        return self.tls.ca_pem

    def register(self, user: str, password: str) -> str:
        """An account; returns its bare JID."""
        command = [self.prosodyctl, "--config", str(self.config), "register", user, DOMAIN]
        subprocess.run(
            [*netns_command(self.netns), *command, password],
            check=True,
            capture_output=True,
            timeout=30,
        )
        return f"{user}@{DOMAIN}"

    def _spawn(self) -> subprocess.Popen[bytes]:
        with (self.directory / "stdout.log").open("wb") as output:
            return subprocess.Popen(
                [*netns_command(self.netns), self.prosody, "-F", "--config", str(self.config)],
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    async def start(self, timeout: float = 15.0) -> None:
        """Run it and wait until it accepts connections."""
        self.process = self._spawn()
        async with asyncio.timeout(timeout):
            while not self._accepts():
                if self.process.poll() is not None:
                    raise RuntimeError(f"prosody exited: {self.log()}")
                await asyncio.sleep(0.02)

    def _accepts(self) -> bool:
        with in_netns(self.netns):
            probe = socket.socket()
        with probe:
            probe.settimeout(0.2)
            try:
                probe.connect((self.host, self.port))
            except OSError:
                return False
            return True

    def log(self) -> str:
        """What Prosody wrote."""
        parts = [self.directory / "stdout.log", self.directory / "prosody.log"]
        return "\n".join(path.read_text(errors="replace") for path in parts if path.exists())

    def pause(self) -> None:
        """Freeze the server (SIGSTOP): connections stay open, nothing answers."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        """Let a paused server go on."""
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    async def stop(self) -> None:
        """SIGTERM (SIGKILL after 10 s), and wait for it."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGCONT)
        process.terminate()
        try:
            async with asyncio.timeout(10):
                while process.poll() is None:
                    await asyncio.sleep(0.02)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            process.wait()
