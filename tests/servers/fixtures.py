"""Pytest fixtures of the real servers (import them into a conftest)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from local_acs.prosody import ProsodyServer
from local_acs.stun import StunServer
from local_acs.xmpp import AcsXmpp
from tr069_cpe.cwmp.config import XmppAccount

from .coturn import CoturnStun

CPE_XMPP_PASSWORD = "cpe-xmpp-secret"
ACS_XMPP_PASSWORD = "acs-xmpp-secret"


@dataclass
class XmppAccounts:
    """A running Prosody with an account for the gateway and one for the ACS."""

    server: ProsodyServer
    cpe_jid: str
    acs_jid: str

    def gateway(self, **overrides: Any) -> XmppAccount:
        """The gateway's account as configured (resource ``gateway``, the ACS allowed)."""
        values: dict[str, Any] = {
            "jid": f"{self.cpe_jid}/gateway",
            "password": CPE_XMPP_PASSWORD,
            "server": self.server.host,
            "port": self.server.port,
            "allowed_jids": (self.acs_jid,),
        }
        return XmppAccount(**(values | overrides))


@pytest.fixture
async def prosody(tmp_path: Path) -> AsyncIterator[XmppAccounts]:
    """Prosody on 127.0.0.1 with the accounts ``cpe`` and ``acs``."""
    server = ProsodyServer(tmp_path / "prosody")
    accounts = XmppAccounts(
        server, server.register("cpe", CPE_XMPP_PASSWORD), server.register("acs", ACS_XMPP_PASSWORD)
    )
    await server.start()
    try:
        yield accounts
    finally:
        await server.stop()


@pytest.fixture
async def acs_xmpp(prosody: XmppAccounts) -> AsyncIterator[AcsXmpp]:
    """The ACS logged in to ``prosody``."""
    client = prosody.server.client(prosody.acs_jid, ACS_XMPP_PASSWORD)
    await client.start()
    try:
        yield client
    finally:
        await client.stop()


@pytest.fixture
async def stun_server() -> AsyncIterator[StunServer]:
    """The ACS's STUN server on 127.0.0.1."""
    server = StunServer()
    await server.start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
async def coturn(tmp_path: Path) -> AsyncIterator[CoturnStun]:
    """coturn as a STUN server on 127.0.0.1."""
    (tmp_path / "coturn").mkdir()
    server = CoturnStun(tmp_path / "coturn")
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
