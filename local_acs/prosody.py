"""A throwaway Prosody (XMPP server): its configuration, certificate and accounts in one folder.

The operator's XMPP server for XMPP Connection Requests (TR-069 Annex K), in the
tests and in ``scripts/demo --behind-nat``. STARTTLS is required, with a
certificate from a CA of its own (:attr:`ProsodyServer.ca_pem`) for the domain
``xmpp.test`` and the listening address; server-to-server is off (no DNS, no
port 5269); Nagle is off (the first IQ to a client would otherwise wait ~40 ms).
As root, Prosody needs ``run_as_root``. It can run inside a network namespace
(``netns``).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
import socket
import subprocess
from typing import Final

from .daemon import Daemon, find_program, free_port, in_netns
from .tls import TlsMaterial, generate
from .xmpp import AcsXmpp

DOMAIN: Final = "xmpp.test"

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


class ProsodyServer(Daemon):
    """``prosody -F`` with a generated configuration in ``directory`` (which must exist)."""

    log_files = ("stdout.log", "prosody.log")

    def __init__(
        self,
        directory: Path,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        netns: str | None = None,
        tls: bool = True,
    ) -> None:
        super().__init__(directory, netns=netns)
        self.prosody = find_program("prosody", "prosody")
        self.prosodyctl = find_program("prosodyctl", "prosody")
        self.host = host
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

    @property
    def ca_pem(self) -> str:
        """The CA the server's certificate chains to."""
        return self.tls.ca_pem

    @property
    def address(self) -> str:
        """``host:port`` of the client port."""
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    def client(self, jid: str, password: str) -> AcsXmpp:
        """An ACS's XMPP client for an account here (trusting the server's CA; not started)."""
        return AcsXmpp(jid, password, self.host, self.port, ca_pem=self.ca_pem)

    def register(self, user: str, password: str) -> str:
        """An account (blocking: a short prosodyctl run); returns its bare JID."""
        command = self.command(
            self.prosodyctl, "--config", str(self.config), "register", user, DOMAIN, password
        )
        subprocess.run(command, check=True, capture_output=True, timeout=30)  # noqa: S603
        return f"{user}@{DOMAIN}"

    async def start(self, timeout: float = 15.0) -> None:  # noqa: ASYNC109
        """Run it and wait until it accepts connections."""
        self.spawn([self.prosody, "-F", "--config", str(self.config)], "stdout.log")
        await self.wait_ready(self._accepts, timeout)

    async def _accepts(self) -> bool:
        with in_netns(self.netns):
            probe = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET)
        probe.setblocking(False)
        with probe:
            try:
                async with asyncio.timeout(0.2):
                    await asyncio.get_running_loop().sock_connect(probe, (self.host, self.port))
            except (OSError, TimeoutError):
                return False
            return True
