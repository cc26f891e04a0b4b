"""A real NAT: the gateway in a home LAN, the ACS, XMPP and STUN servers on the internet.

Network namespaces, veth pairs and a MASQUERADE rule (``tests.servers.netns``);
Prosody runs in the internet namespace through ``ip netns exec``, the local ACS,
its STUN server and its XMPP client on an event loop whose thread lives there,
and the gateway on the test's own loop, whose thread moves into the home LAN for
the test. Where namespaces cannot be created (no root, a container without the
capability), these tests are skipped, and say so.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
import secrets

import pytest
import pytest_socket

from local_acs import LocalAcs
from local_acs.daemon import Netns
from local_acs.prosody import ProsodyServer
from local_acs.stun import StunServer
from local_acs.xmpp import AcsXmpp
from tests.agent_harness import HarnessFactory, harness_factory
from tests.servers.fixtures import ACS_XMPP_PASSWORD, CPE_XMPP_PASSWORD
from tests.servers.netns import (
    HOME_ADDRESS,
    INTERNET_ADDRESS,
    ROUTER_LAN,
    ROUTER_WAN,
    LoopThread,
    NatNetwork,
    namespaces_permitted,
)

STUN_PORT = 3478
XMPP_PORT = 5222
ACS_PORT = 7557


@dataclass
class Internet:
    """What runs on the internet side, and the NAT in front of the gateway."""

    network: NatNetwork
    loop: LoopThread
    acs: LocalAcs
    stun: StunServer
    xmpp: AcsXmpp
    prosody: ProsodyServer
    cpe_jid: str


@pytest.fixture(autouse=True)
def _namespace_addresses(socket_enabled: None) -> None:
    """Sockets may reach the namespaces' addresses (Home Assistant's test plugin allows only
    127.0.0.1)."""
    pytest_socket.socket_allow_hosts(
        ["127.0.0.1", HOME_ADDRESS, ROUTER_LAN, ROUTER_WAN, INTERNET_ADDRESS]
    )


@pytest.fixture
async def internet(tmp_path: Path) -> AsyncIterator[Internet]:
    """The NAT, the servers on the internet side, and this thread moved into the home LAN."""
    refused = namespaces_permitted()
    if refused is not None:
        pytest.skip(f"NETWORK NAMESPACES ARE NOT PERMITTED HERE ({refused}): NO NAT TEST RAN")
    network = NatNetwork(secrets.token_hex(3))
    network.up()
    home = Netns(network.home)
    loop: LoopThread | None = None
    prosody: ProsodyServer | None = None
    started: list[object] = []
    try:
        (tmp_path / "prosody").mkdir()
        prosody = ProsodyServer(
            tmp_path / "prosody", host=INTERNET_ADDRESS, port=XMPP_PORT, netns=network.internet
        )
        cpe_jid = prosody.register("cpe", CPE_XMPP_PASSWORD)
        acs_jid = prosody.register("acs", ACS_XMPP_PASSWORD)
        await prosody.start()
        loop = LoopThread(network.internet)
        stun = StunServer()
        xmpp = prosody.client(acs_jid, ACS_XMPP_PASSWORD)
        acs = LocalAcs(INTERNET_ADDRESS, ACS_PORT, xmpp=xmpp, stun=stun)
        started.extend((acs, stun, xmpp))
        await loop.run(acs.start())
        await loop.run(stun.start(INTERNET_ADDRESS, STUN_PORT))
        await loop.run(xmpp.start())
        home.enter()
        yield Internet(network, loop, acs, stun, xmpp, prosody, cpe_jid)
    finally:
        home.leave()
        if loop is not None:
            if started:
                await loop.run(_stop(*started))  # type: ignore[arg-type]
            loop.stop()
        if prosody is not None:
            await prosody.stop()
        network.down()


async def _stop(acs: LocalAcs, stun: StunServer, xmpp: AcsXmpp) -> None:
    await xmpp.stop()
    stun.close()
    await acs.stop()


@pytest.fixture
async def gateway(internet: Internet) -> AsyncIterator[HarnessFactory]:
    """Agents in the home LAN, against the ACS on the internet."""
    async with harness_factory(internet.acs.url) as start:
        yield start
