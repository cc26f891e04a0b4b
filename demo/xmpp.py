"""``--behind-nat``: the operator's XMPP server, so that the ACS wakes the gateway over XMPP.

A throwaway Prosody in ``.demo/xmpp/`` (new configuration, certificate and accounts
on every run, on a free port of 127.0.0.1): one account for the gateway, which Home
Assistant's config flow is given (with Prosody's CA as the entry's CA certificate),
and one for the ACS, which logs in with it. The gateway then reports its JID
(ConnReqJabberID) and the ACS, like GenieACS, wakes it over XMPP instead of HTTP.
"""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path
import secrets
import shutil
from typing import Any, Final

from local_acs.daemon import ProgramMissingError, find_program
from local_acs.prosody import ProsodyServer
from local_acs.xmpp import AcsXmpp

from .console import DemoError, say

GATEWAY_USER: Final = "gateway"
GATEWAY_RESOURCE: Final = "home-assistant"
ACS_USER: Final = "acs"


class DemoXmpp:
    """Prosody with the two accounts, and the ACS's XMPP client."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._server: ProsodyServer | None = None
        self._gateway_password = secrets.token_urlsafe(12)
        self.gateway_jid = ""
        self.acs_jid = ""
        self.client: AcsXmpp | None = None

    @property
    def server(self) -> ProsodyServer:
        """The running Prosody."""
        assert self._server is not None, "DemoXmpp not started"
        return self._server

    @staticmethod
    def check_installed() -> None:
        """DemoError, saying how to install it, when Prosody is not installed."""
        try:
            find_program("prosody", "prosody")
            find_program("prosodyctl", "prosody")
        except ProgramMissingError:
            raise DemoError(
                "--behind-nat needs Prosody, the XMPP server, and it is not installed.\n"
                "  Install it with scripts/install-servers (apt-get install prosody and the "
                "other servers the tests use; with sudo when not root)."
            ) from None

    async def start(self) -> None:
        """Fresh configuration, Prosody running, the ACS logged in."""
        self.check_installed()
        if self.directory.exists():
            shutil.rmtree(self.directory)
        self.directory.mkdir(parents=True)
        self._server = ProsodyServer(self.directory)
        acs_password = secrets.token_urlsafe(12)
        self.gateway_jid = await asyncio.to_thread(
            self.server.register, GATEWAY_USER, self._gateway_password
        )
        self.acs_jid = await asyncio.to_thread(self.server.register, ACS_USER, acs_password)
        try:
            await self.server.start()
        except (RuntimeError, TimeoutError) as err:
            raise DemoError(f"Prosody did not start: {err}\nsee {self.directory}") from None
        say("XMPP", f"Prosody listening on {self.server.address} (log {self.directory}/)")
        client = self.server.client(self.acs_jid, acs_password)
        await client.start()
        self.client = client
        say("XMPP", f"the ACS is logged in as {client.jid}")

    async def stop(self) -> None:
        """Log the ACS out and stop Prosody."""
        if self.client is not None:
            await self.client.stop()
            self.client = None
        if self._server is not None:
            await self._server.stop()
            self._server = None
            say("XMPP", "Prosody stopped")

    def flow_section(self) -> dict[str, Any]:
        """The config flow's *XMPP Connection Requests* section for the gateway."""
        return {
            "jid": f"{self.gateway_jid}/{GATEWAY_RESOURCE}",
            "password": self._gateway_password,
            "server": self.server.address,
            "allowed_jids": self.acs_jid,
        }

    @property
    def fingerprint(self) -> str:
        """What an existing config entry must have been set up with to be reused."""
        digest = hashlib.sha256(self.server.ca_pem.encode()).hexdigest()[:16]
        return f"xmpp {self.server.address} {digest}"
