"""XMPP Connection Requests (TR-069 Annex K) against a real Prosody and the local ACS."""

from __future__ import annotations

import asyncio
import logging
import random

import pytest

from local_acs import LocalAcs, rpc
from local_acs.xmpp import AcsXmpp
from tests.agent_harness import CR_PASSWORD, CR_USERNAME, SERIAL, AgentHarness, HarnessFactory
from tests.servers.fixtures import CPE_XMPP_PASSWORD, XmppAccounts
from tr069_cpe.cwmp.agent import CpeAgent
from tr069_cpe.cwmp.wakeup import WakeUpState
from tr069_cpe.cwmp.wakeup.gate import RateLimit

MS = "Device.ManagementServer."
CONNECTION = "Device.XMPP.Connection.1."


async def connected(harness: AgentHarness) -> str:
    """Wait until the XMPP connection is up; its JID."""
    return (await harness.wake_up_status("XMPP", WakeUpState.CONNECTED)).address


async def test_a_connection_request_over_xmpp_brings_a_session(
    acs: LocalAcs, cpe: HarnessFactory, prosody: XmppAccounts, acs_xmpp: AcsXmpp
) -> None:
    harness = await cpe(xmpp=prosody.gateway(), ca_pem=prosody.server.ca_pem)
    await acs.wait_for_inform(event="1 BOOT")
    jid = await connected(harness)
    assert jid == f"{prosody.cpe_jid}/gateway"
    assert harness.value(f"{MS}ConnReqJabberID") == jid
    assert harness.value(f"{CONNECTION}Status") == "Enabled"
    assert harness.value(f"{CONNECTION}TLSEstablished") is True
    assert harness.value(f"{MS}SupportedConnReqMethods") == "HTTP,XMPP"
    # ConnReqJabberID notifies actively by default: the ACS learns the JID.
    inform = await acs.wait_for_inform(event="4 VALUE CHANGE")
    assert inform.params[f"{MS}ConnReqJabberID"] == jid

    record = await acs_xmpp.connection_request(jid, CR_USERNAME, CR_PASSWORD)
    assert record.delivered, record
    async with asyncio.timeout(4):
        await acs.wait_for_inform(event="6 CONNECTION REQUEST")


async def test_wrong_credentials_and_other_senders_bring_no_session(
    acs: LocalAcs,
    cpe: HarnessFactory,
    prosody: XmppAccounts,
    acs_xmpp: AcsXmpp,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    harness = await cpe(
        xmpp=prosody.gateway(allowed_jids=(f"{prosody.acs_jid}/other",)),
        ca_pem=prosody.server.ca_pem,
    )
    jid = await connected(harness)
    other = await acs_xmpp.connection_request(jid, CR_USERNAME, CR_PASSWORD)
    assert other.condition == "service-unavailable"
    assert other.outcome == "Device is offline"

    harness.agent.datamodel.set_many_local({f"{MS}ConnReqAllowedJabberIDs": prosody.acs_jid})
    for _ in range(5):
        wrong = await acs_xmpp.connection_request(jid, CR_USERNAME, "wrong")
        assert wrong.condition == "not-authorized"
        assert wrong.outcome == "Incorrect connection request credentials"
    # Quiet under attack: one line for the sender, the other refusals only counted.
    refusals = [line for line in caplog.messages if "XMPP Connection Request from" in line]
    assert refusals == [
        f"XMPP Connection Request from {prosody.acs_jid} refused: not in ConnReqAllowedJabberIDs"
    ]
    right = await acs_xmpp.connection_request(jid, CR_USERNAME, CR_PASSWORD)
    assert right.delivered
    await acs.wait_for_inform(event="6 CONNECTION REQUEST")
    await harness.wait_idle()
    sessions = [i for i in acs.informs if "6 CONNECTION REQUEST" in i.event_codes]
    assert len(sessions) == 1


async def test_xmpp_shares_the_rate_limit_with_http(
    acs: LocalAcs, cpe: HarnessFactory, prosody: XmppAccounts, acs_xmpp: AcsXmpp
) -> None:
    harness = await cpe(
        xmpp=prosody.gateway(),
        ca_pem=prosody.server.ca_pem,
        rate_limit=RateLimit(burst=2, per_second=0.001),
    )
    jid = await connected(harness)
    assert (await acs_xmpp.connection_request(jid, CR_USERNAME, CR_PASSWORD)).delivered
    assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 200
    refused = await acs_xmpp.connection_request(jid, CR_USERNAME, CR_PASSWORD)
    assert refused.condition == "resource-constraint"
    assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 503


async def test_the_acs_provisions_the_account_and_the_gateway_follows(
    acs: LocalAcs, cpe: HarnessFactory, prosody: XmppAccounts, acs_xmpp: AcsXmpp
) -> None:
    harness = await cpe(ca_pem=prosody.server.ca_pem)
    await acs.wait_for_inform(event="1 BOOT")
    assert harness.value(f"{MS}SupportedConnReqMethods") == "HTTP"
    acs.queue(SERIAL, rpc.add_object("Device.XMPP.Connection."))
    acs.queue(SERIAL, rpc.add_object(f"{CONNECTION}Server."))
    settings = rpc.set_parameter_values(
        [
            (f"{CONNECTION}Username", "cpe", "xsd:string"),
            (f"{CONNECTION}Domain", "xmpp.test", "xsd:string"),
            (f"{CONNECTION}Resource", "acs-made", "xsd:string"),
            (f"{CONNECTION}Password", CPE_XMPP_PASSWORD, "xsd:string"),
            (f"{CONNECTION}ServerConnectAlgorithm", "ServerTable", "xsd:string"),
            (f"{CONNECTION}Server.1.ServerAddress", prosody.server.host, "xsd:string"),
            (f"{CONNECTION}Server.1.Port", str(prosody.server.port), "xsd:unsignedInt"),
            (f"{CONNECTION}Server.1.Enable", "true", "xsd:boolean"),
            (f"{CONNECTION}Enable", "true", "xsd:boolean"),
            (f"{MS}ConnReqXMPPConnection", "Device.XMPP.Connection.1", "xsd:string"),
        ],
        "xmpp",
    )
    task = acs.queue(SERIAL, settings)
    assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 200
    assert (await task.result(10)).ok
    jid = await connected(harness)
    assert jid == "cpe@xmpp.test/acs-made"
    inform = await acs.wait_for_inform(event="4 VALUE CHANGE")
    assert inform.params[f"{MS}ConnReqJabberID"] == jid

    disable = acs.queue(
        SERIAL,
        rpc.set_parameter_values([(f"{CONNECTION}Enable", "false", "xsd:boolean")], "off"),
    )
    assert (await acs_xmpp.connection_request(jid, CR_USERNAME, CR_PASSWORD)).delivered
    assert (await disable.result(10)).ok
    await harness.wake_up_status("XMPP", WakeUpState.DISABLED)
    assert harness.value(f"{MS}ConnReqJabberID") == ""
    assert harness.value(f"{CONNECTION}Status") == "Disabled"
    assert harness.value(f"{MS}SupportedConnReqMethods") == "HTTP"
    offline = await acs_xmpp.connection_request(jid, CR_USERNAME, CR_PASSWORD)
    assert offline.outcome == "Device is offline"


async def test_references_and_lists_are_checked(acs: LocalAcs, cpe: HarnessFactory) -> None:
    harness = await cpe()
    await acs.wait_for_inform(event="1 BOOT")
    bad = acs.queue(
        SERIAL,
        rpc.set_parameter_values(
            [
                (f"{MS}ConnReqXMPPConnection", "Device.XMPP.Connection.7", "xsd:string"),
                (f"{MS}ConnReqAllowedJabberIDs", ",".join(["a@b"] * 33), "xsd:string"),
            ],
            "bad",
        ),
    )
    acs.queue(SERIAL, rpc.add_object("Device.XMPP.Connection."))
    acs.queue(
        SERIAL,
        rpc.set_parameter_values(
            [(f"{MS}ConnReqXMPPConnection", "Device.XMPP.Connection.1", "xsd:string")], "ok"
        ),
    )
    deleted = acs.queue(SERIAL, rpc.delete_object(CONNECTION))
    assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 200
    fault = (await bad.result(10)).fault
    assert fault is not None
    assert sorted(f.code for f in fault.set_parameter_values_faults) == [9007, 9007]
    assert (await deleted.result(10)).ok
    assert harness.value(f"{MS}ConnReqXMPPConnection") == ""


async def test_failures_are_shown_and_retried(
    acs: LocalAcs, cpe: HarnessFactory, prosody: XmppAccounts, acs_xmpp: AcsXmpp
) -> None:
    harness = await cpe(xmpp=prosody.gateway(password="wrong"), ca_pem=prosody.server.ca_pem)
    await harness.wake_up_status("XMPP", WakeUpState.ERROR)
    assert harness.value(f"{CONNECTION}Status") == "Error_AuthenticationFailure"
    # The user corrects the password: the connection starts again at once.
    await harness.restart(xmpp=prosody.gateway())
    jid = await connected(harness)
    assert harness.value(f"{CONNECTION}Status") == "Enabled"
    assert (await acs_xmpp.connection_request(jid, CR_USERNAME, CR_PASSWORD)).delivered


class RecordingRandom(random.Random):
    """A real random generator that notes the range of each reconnection wait it draws."""

    def __init__(self) -> None:
        super().__init__()
        self.ranges: list[tuple[float, float]] = []

    def uniform(self, a: float, b: float) -> float:
        self.ranges.append((a, b))
        return super().uniform(a, b)


async def test_a_dropped_connection_comes_back_with_the_retry_back_off(
    acs: LocalAcs, cpe: HarnessFactory, prosody: XmppAccounts, acs_xmpp: AcsXmpp
) -> None:
    waits = RecordingRandom()

    def record_waits(agent: CpeAgent) -> None:
        method = next(m for m in agent._wake_up_methods if m.name == "XMPP")
        method._rng = waits  # type: ignore[attr-defined]

    harness = await cpe(xmpp=prosody.gateway(), ca_pem=prosody.server.ca_pem, prepare=record_waits)
    await connected(harness)
    # Short retries (seconds; the multiplier in thousandths), from the next start on.
    harness.agent.datamodel.set_many_local(
        {
            f"{CONNECTION}ServerRetryInitialInterval": 1,
            f"{CONNECTION}ServerRetryIntervalMultiplier": 2000,
            f"{CONNECTION}ServerRetryMaxInterval": 3,
        }
    )
    await harness.restart()
    jid = await connected(harness)
    assert waits.ranges == []

    # The established connection drops, and the server stays away for three waits.
    await prosody.server.stop()
    for _ in range(1500):
        if len(waits.ranges) >= 3:
            break
        await asyncio.sleep(0.01)
    assert harness.value(f"{CONNECTION}Status") in {"Connecting", "ServerNotPresent"}
    await prosody.server.start()
    assert await connected(harness) == jid
    assert harness.value(f"{MS}ConnReqJabberID") == jid
    # A random wait up to 1 s after the drop, then growing by the multiplier, at most 3 s.
    assert waits.ranges[:3] == [(0, 1), (0, 2), (0, 3)]
    assert set(waits.ranges[3:]) <= {(0, 3)}

    # The ACS logs in again; the gateway answers its Connection Request with a session.
    await acs_xmpp.stop()
    await acs_xmpp.start()
    assert (await acs_xmpp.connection_request(jid, CR_USERNAME, CR_PASSWORD)).delivered
    async with asyncio.timeout(4):
        await acs.wait_for_inform(event="6 CONNECTION REQUEST")


async def test_the_server_certificate_is_verified(
    acs: LocalAcs, cpe: HarnessFactory, prosody: XmppAccounts
) -> None:
    harness = await cpe(xmpp=prosody.gateway())
    status = await harness.wake_up_status("XMPP", WakeUpState.ERROR)
    assert "tls" in status.detail
    assert harness.value(f"{MS}ConnReqJabberID") == ""


async def test_passwords_stay_out_of_logs_and_reads(
    acs: LocalAcs,
    cpe: HarnessFactory,
    prosody: XmppAccounts,
    acs_xmpp: AcsXmpp,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    harness = await cpe(xmpp=prosody.gateway(), ca_pem=prosody.server.ca_pem)
    jid = await connected(harness)
    assert (await acs_xmpp.connection_request(jid, CR_USERNAME, CR_PASSWORD)).delivered
    await acs.wait_for_inform(event="6 CONNECTION REQUEST")
    assert CR_PASSWORD not in caplog.text
    assert CPE_XMPP_PASSWORD not in caplog.text
    task = acs.queue(SERIAL, rpc.get_parameter_values([f"{CONNECTION}Password"]))
    assert (await acs_xmpp.connection_request(jid, CR_USERNAME, CR_PASSWORD)).delivered
    result = await task.result(10)
    assert result.response is not None
    assert [p.value for p in result.response["ParameterList"]] == [""]
