"""Behind a real NAT, only the Connection Requests the gateway keeps a way open for arrive.

The gateway sits in a home LAN behind a MASQUERADE router; the ACS, Prosody and
the STUN server are on the internet side. HTTP Connection Requests cannot reach
the gateway; XMPP (over the connection it keeps) and UDP (through the binding its
STUN keep-alives keep open) bring a ``6 CONNECTION REQUEST`` session within
GenieACS's 4 s, wrong credentials and replays bring none, and a new binding is
reported (BINDING-CHANGE to the STUN server, UDPConnectionRequestAddress to the
ACS).
"""

from __future__ import annotations

import asyncio
import itertools
import time

from local_acs import InformRecord, rpc, udp_connreq
from tests.agent_harness import CR_PASSWORD, CR_USERNAME, SERIAL, AgentHarness, HarnessFactory
from tests.servers.fixtures import CPE_XMPP_PASSWORD
from tests.servers.netns import HOME_ADDRESS, INTERNET_ADDRESS, ROUTER_WAN
from tr069_cpe.cwmp.config import RootObject, StunSettings, XmppAccount
from tr069_cpe.cwmp.datamodel import Change
from tr069_cpe.cwmp.wakeup import WakeUpState

from .conftest import STUN_PORT, XMPP_PORT, Internet

MS = "Device.ManagementServer."
# GenieACS's DEVICE_ONLINE_THRESHOLD: the Inform must come within 4 s of the request.
WITHIN = 4.0


async def start_gateway(
    gateway: HarnessFactory, internet: Internet, **options: object
) -> AgentHarness:
    return await gateway(
        connection_request_port=7547,
        connection_request_bind=None,
        connection_request_host=None,
        udp_connection_request_port=7547,
        xmpp=XmppAccount(
            jid=f"{internet.cpe_jid}/gateway",
            password=CPE_XMPP_PASSWORD,
            server=INTERNET_ADDRESS,
            port=XMPP_PORT,
        ),
        stun=StunSettings(enable=True, server=INTERNET_ADDRESS, port=STUN_PORT),
        ca_pem=internet.prosody.ca_pem,
        **options,
    )


async def inform(internet: Internet, event: str, timeout: float = 10.0) -> InformRecord:
    return await internet.loop.run(internet.acs.wait_for_inform(event=event, timeout=timeout))


def woken(internet: Internet) -> int:
    return sum("6 CONNECTION REQUEST" in i.event_codes for i in internet.acs.informs)


async def send_udp(
    internet: Internet, address: str, password: str = CR_PASSWORD
) -> udp_connreq.UdpConnectionRequestRecord:
    async def send() -> udp_connreq.UdpConnectionRequestRecord:
        return udp_connreq.send(internet.stun.send, address, CR_USERNAME, password)

    return await internet.loop.run(send())


async def provision(internet: Internet, *requests: rpc.AcsRequest) -> None:
    """The ACS queues the RPCs and wakes the gateway as it chooses; each must succeed.

    The ACS knows the gateway's JID first (from its VALUE CHANGE Inform): behind the
    NAT, only XMPP gets through.
    """
    acs = internet.acs

    async def run() -> None:
        await acs.notifier.wait_for(lambda: acs.device(SERIAL).conn_req_jabber_id or None, 10)
        tasks = [acs.queue(SERIAL, request) for request in requests]
        woken = await acs.wake(SERIAL, CR_USERNAME, CR_PASSWORD)
        assert woken.methods == ["XMPP"]
        assert woken.delivered, woken
        for task in tasks:
            assert (await task.result(10)).ok

    await internet.loop.run(run())


def publications(harness: AgentHarness, path: str) -> list[tuple[float, str]]:
    """Each value the gateway gives ``path`` from now on, with its time (monotonic)."""
    published: list[tuple[float, str]] = []

    def note(changes: list[Change]) -> None:
        published.extend((time.monotonic(), str(c.new)) for c in changes if c.path == path)

    harness.agent.datamodel.subscribe(note)
    return published


async def published(values: list[tuple[float, str]], value: str) -> None:
    """Until ``value`` is the last one published (the throttle may hold it back a while)."""
    for _ in range(600):
        if values and values[-1][1] == value:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{value} not published: {values}")


async def test_only_xmpp_and_udp_connection_requests_get_through(
    internet: Internet, gateway: HarnessFactory
) -> None:
    harness = await start_gateway(gateway, internet)
    await inform(internet, "1 BOOT")
    jid = (await harness.wake_up_status("XMPP", WakeUpState.CONNECTED)).address
    address = (await harness.wake_up_status("UDP", WakeUpState.CONNECTED)).address
    # The binding is the router's public address; the gateway knows it is behind NAT.
    assert address == f"{ROUTER_WAN}:7547"
    assert harness.value(f"{MS}NATDetected") is True
    assert harness.cr_url.startswith(f"http://{HOME_ADDRESS}:7547/")

    http = await internet.loop.run(
        internet.acs.connection_request_record(harness.cr_url, CR_USERNAME, CR_PASSWORD)
    )
    assert http.status is None, http
    assert http.error is not None

    record = await internet.loop.run(
        internet.xmpp.connection_request(jid, CR_USERNAME, CR_PASSWORD)
    )
    assert record.delivered, record
    async with asyncio.timeout(WITHIN):
        await inform(internet, "6 CONNECTION REQUEST")
    await harness.wait_idle()

    await send_udp(internet, address)
    async with asyncio.timeout(WITHIN):
        await inform(internet, "6 CONNECTION REQUEST")
    await harness.wait_idle()
    assert woken(internet) == 2


async def test_wrong_credentials_and_replays_get_no_session(
    internet: Internet, gateway: HarnessFactory
) -> None:
    harness = await start_gateway(gateway, internet)
    jid = (await harness.wake_up_status("XMPP", WakeUpState.CONNECTED)).address
    address = (await harness.wake_up_status("UDP", WakeUpState.CONNECTED)).address
    wrong = await internet.loop.run(internet.xmpp.connection_request(jid, CR_USERNAME, "wrong"))
    assert wrong.condition == "not-authorized"
    await send_udp(internet, address, password="wrong")
    valid = await send_udp(internet, address)
    await inform(internet, "6 CONNECTION REQUEST")
    await harness.wait_idle()

    async def replay() -> None:
        internet.stun.send(valid.message, udp_connreq.split_address(address))

    await internet.loop.run(replay())
    # A later valid request shows the replay was received first, and ignored.
    await send_udp(internet, address)
    await inform(internet, "6 CONNECTION REQUEST")
    await harness.wait_idle()
    assert woken(internet) == 2


async def test_keep_alives_hold_the_binding_and_a_new_one_is_reported(
    internet: Internet, gateway: HarnessFactory
) -> None:
    # The router forgets an idle UDP binding after 2 s; keep-alives go every second.
    internet.network.udp_timeouts(2)
    harness = await start_gateway(gateway, internet)
    await inform(internet, "1 BOOT")
    await provision(
        internet,
        rpc.set_parameter_attributes([(f"{MS}UDPConnectionRequestAddress", 2)]),
        rpc.set_parameter_values([(f"{MS}STUNMaximumKeepAlivePeriod", "1", "xsd:int")]),
    )
    old = (await harness.wake_up_status("UDP", WakeUpState.CONNECTED)).address

    # More keep-alives than the router's timeout lasts: the binding is still there.
    for _ in range(4):
        await internet.loop.run(internet.stun.next_request())
    entries = internet.network.router_run("conntrack", "-L", "-p", "udp")
    assert f"sport=7547 dport={STUN_PORT}" in entries
    await send_udp(internet, old)
    async with asyncio.timeout(WITHIN):
        await inform(internet, "6 CONNECTION REQUEST")
    await harness.wait_idle()

    # The router maps the gateway to another port: BINDING-CHANGE, and the ACS hears of it.
    seen = len(internet.stun.requests)
    internet.network.change_udp_bindings()
    for _ in range(20):
        await internet.loop.run(internet.stun.next_request())
        changes = [r for r in internet.stun.requests[seen:] if r.binding_change]
        if changes:
            request = changes[0]
            break
    else:
        raise AssertionError(f"no BINDING-CHANGE: {internet.stun.requests[seen:]}")
    new = f"{request.source[0]}:{request.source[1]}"
    assert new != old
    assert 40000 <= request.source[1] <= 40999
    reported = None
    while reported != new:
        change = await inform(internet, "4 VALUE CHANGE")
        reported = change.params.get(f"{MS}UDPConnectionRequestAddress")
    await harness.wait_idle()
    await send_udp(internet, new)
    async with asyncio.timeout(WITHIN):
        await inform(internet, "6 CONNECTION REQUEST")


async def test_new_bindings_are_published_no_more_often_than_the_tr098_limit(
    internet: Internet, gateway: HarnessFactory
) -> None:
    ms = "InternetGatewayDevice.ManagementServer."
    limit = 5  # UDPConnectionRequestAddressNotificationLimit, in seconds
    harness = await start_gateway(gateway, internet, root=RootObject.INTERNET_GATEWAY_DEVICE)
    values = publications(harness, f"{ms}UDPConnectionRequestAddress")
    await provision(
        internet,
        rpc.set_parameter_attributes([(f"{ms}UDPConnectionRequestAddress", 2)]),
        rpc.set_parameter_values(
            [
                (f"{ms}STUNMaximumKeepAlivePeriod", "1", "xsd:int"),
                (f"{ms}UDPConnectionRequestAddressNotificationLimit", limit, "xsd:unsignedInt"),
            ]
        ),
    )
    first = (await harness.wake_up_status("UDP", WakeUpState.CONNECTED)).address
    internet.network.change_udp_bindings("40000-40999")
    second = (await harness.wake_up_status("UDP", WakeUpState.CONNECTED, other_than=first)).address
    await published(values, second)
    # Another binding at once: the gateway knows it, and holds it back until the limit.
    internet.network.change_udp_bindings("41000-41999")
    third = (await harness.wake_up_status("UDP", WakeUpState.CONNECTED, other_than=second)).address
    assert harness.value(f"{ms}UDPConnectionRequestAddress") == second, values
    await published(values, third)
    assert [value for _, value in values][-2:] == [second, third]
    # Measured in the listener, microseconds after the gateway read its own clock.
    gaps = [later - earlier for (earlier, _), (later, _) in itertools.pairwise(values)]
    assert min(gaps) >= limit - 0.01, values

    # The ACS hears of the published bindings (active notification), the last one included.
    reported = []
    while third not in reported:
        change = await inform(internet, "4 VALUE CHANGE", timeout=limit + 10)
        if f"{ms}UDPConnectionRequestAddress" in change.params:
            reported.append(change.params[f"{ms}UDPConnectionRequestAddress"])
    assert reported[-2:] == [second, third]
