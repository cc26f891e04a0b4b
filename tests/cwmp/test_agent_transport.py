"""The HTTP side of sessions: TLS, ACS authentication, redirects, a new ACS URL."""

from __future__ import annotations

import pytest

from local_acs import LocalAcs, rpc
from local_acs.inject import NotAnAcs, Redirect
from tests.agent_harness import CR_PASSWORD, CR_USERNAME, SERIAL, AgentHarness, agent_config
from tr069_cpe.cwmp.status import SessionOutcome

from .conftest import HarnessFactory

MS = "Device.ManagementServer."


def codes(inform: object) -> list[str]:
    return [event.code for event in inform.events]  # type: ignore[attr-defined]


async def run_once(config_url: str, **overrides: object) -> AgentHarness:
    harness = AgentHarness(agent_config(config_url, **overrides))
    await harness.start(run=False)
    await harness.agent.run_once()
    await harness.stop()
    return harness


async def test_https_with_a_private_ca() -> None:
    async with LocalAcs(tls=True) as acs:
        assert acs.url.startswith("https://")
        untrusted = await run_once(acs.url)
        assert untrusted.agent.status.last_outcome is SessionOutcome.TLS_ERROR
        trusted = await run_once(acs.url, ca_pem=acs.ca_pem)
        assert trusted.agent.status.last_outcome is SessionOutcome.SUCCESS
        unverified = await run_once(acs.url, verify_tls=False)
        assert unverified.agent.status.last_outcome is SessionOutcome.SUCCESS
        assert len(acs.informs) == 2
        assert acs.validation_failures == []


@pytest.mark.parametrize(("scheme", "tls"), [("basic", True), ("digest", False)])
async def test_acs_authentication(scheme: str, tls: bool) -> None:
    async with LocalAcs(auth=scheme, username="cpe", password="pw", tls=tls) as acs:  # type: ignore[arg-type]
        ca = {"ca_pem": acs.ca_pem} if tls else {}
        good = await run_once(acs.url, acs_username="cpe", acs_password="pw", **ca)
        assert good.agent.status.last_outcome is SessionOutcome.SUCCESS
        session = acs.informs[0].session
        assert session.connection_count == 1
        assert session.cookie_echoed
        bad = await run_once(acs.url, acs_username="cpe", acs_password="nope", **ca)
        assert bad.agent.status.last_outcome is SessionOutcome.INVALID_AUTH
        assert acs.validation_failures == []


async def test_digest_keeps_one_connection_for_a_long_session() -> None:
    async with LocalAcs(auth="digest", username="cpe", password="pw") as acs:
        harness = AgentHarness(agent_config(acs.url, acs_username="cpe", acs_password="pw"))
        await harness.start(run=False)
        tasks = [acs.queue(SERIAL, rpc.get_parameter_values([f"{MS}URL"])) for _ in range(10)]
        result = await harness.agent.run_once()
        assert result.success
        assert [(await task.result()).ok for task in tasks] == [True] * 10
        assert acs.informs[0].session.connection_count == 1
        await harness.stop()


async def test_acs_credentials_changed_by_the_acs_are_used_next(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    async with LocalAcs(auth="digest", username="cpe", password="pw") as guarded:
        harness = await cpe(run=False)
        acs.queue(
            SERIAL,
            rpc.set_parameter_values(
                [
                    (f"{MS}Username", "cpe", "xsd:string"),
                    (f"{MS}Password", "pw", "xsd:string"),
                    (f"{MS}URL", guarded.url, "xsd:string"),
                ]
            ),
        )
        assert (await harness.agent.run_once()).success
        assert (await harness.agent.run_once()).success
        assert codes(guarded.informs[0]) == ["0 BOOTSTRAP"]
        assert guarded.validation_failures == []


async def test_redirect_applies_to_one_session_only(acs: LocalAcs, cpe: HarnessFactory) -> None:
    async with LocalAcs() as elsewhere:
        acs.inject(Redirect(location=elsewhere.url, status=307, on="Inform"))
        harness = await cpe(run=False)
        assert (await harness.agent.run_once()).success
        assert codes(elsewhere.informs[0]) == ["0 BOOTSTRAP", "1 BOOT"]
        assert harness.agent.acs_url == acs.url
        harness.agent.connection_request()
        assert (await harness.agent.run_once()).success
        assert codes(acs.informs[-1]) == ["6 CONNECTION REQUEST"]
        assert elsewhere.validation_failures == []


async def test_too_many_redirects(acs: LocalAcs, cpe: HarnessFactory) -> None:
    acs.inject(Redirect(location=acs.url, status=302), times=6)
    harness = await cpe(run=False)
    assert not (await harness.agent.run_once()).success
    assert harness.agent.status.last_outcome is SessionOutcome.HTTP_ERROR


async def test_new_acs_url_means_bootstrap_at_the_new_acs(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    async with LocalAcs() as new_acs:
        harness = await cpe()
        await (await acs.wait_for_inform(serial=SERIAL)).session.wait_ended()
        acs.queue(SERIAL, rpc.set_parameter_values([(f"{MS}URL", new_acs.url, "xsd:string")]))
        assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 200
        inform = await new_acs.wait_for_inform(serial=SERIAL)
        assert codes(inform) == ["0 BOOTSTRAP"]
        await inform.session.wait_ended()
        # What the old ACS supported says nothing of the new one: it is asked again.
        assert "GetRPCMethods" in inform.session.methods()
        restarted = await harness.restart()
        assert restarted.acs_url == new_acs.url
        assert codes(await new_acs.wait_for_inform(serial=SERIAL)) == ["1 BOOT"]
        assert new_acs.validation_failures == []


async def test_user_settings_override_only_when_the_user_changes_them(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    harness = await cpe(run=False)
    acs.queue(
        SERIAL,
        rpc.set_parameter_values([(f"{MS}PeriodicInformInterval", "77", "xsd:unsignedInt")]),
    )
    assert (await harness.agent.run_once()).success
    same = await harness.restart()
    assert same.datamodel.value(f"{MS}PeriodicInformInterval") == 77
    changed = await harness.restart(periodic_inform_interval=120)
    assert changed.datamodel.value(f"{MS}PeriodicInformInterval") == 120


async def test_the_provisioning_code_is_the_users_until_the_acs_sets_it(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    code = "Device.DeviceInfo.ProvisioningCode"
    harness = await cpe(run=False, provisioning_code="TLCO.GRP1")
    assert (await harness.agent.run_once()).success
    assert acs.informs[-1].params[code] == "TLCO.GRP1"
    acs.queue(SERIAL, rpc.set_parameter_values([(code, "TLCO.GRP2", "xsd:string")]))
    assert (await harness.agent.run_once()).success
    same = await harness.restart(provisioning_code="TLCO.GRP1")
    assert same.datamodel.value(code) == "TLCO.GRP2"
    changed = await harness.restart(provisioning_code="TLCO.GRP3")
    assert changed.datamodel.value(code) == "TLCO.GRP3"
    # Left to the ACS (None): the ACS's value stays.
    untouched = await harness.restart(provisioning_code=None)
    assert untouched.datamodel.value(code) == "TLCO.GRP3"


def encodings(acs: LocalAcs) -> list[str | None]:
    """The Content-Encoding of the CPE's POSTs in the last session."""
    session = acs.informs[-1].session
    return [message.encoding for message in session.messages if message.direction == "cpe"]


async def test_an_acs_refusing_gzip_gets_plain_bodies_from_then_on(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    harness = await cpe()
    await (await acs.wait_for_inform(serial=SERIAL)).session.wait_ended()

    async def session() -> None:
        assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 200
        inform = await acs.wait_for_inform(serial=SERIAL, event="6 CONNECTION REQUEST")
        assert await inform.session.wait_ended() == "completed"

    acs.queue(SERIAL, rpc.set_parameter_values([(f"{MS}HTTPCompression", "GZIP", "xsd:string")]))
    await session()
    await session()
    assert set(encodings(acs)) == {"gzip", None}  # the Inform gzipped, the empty POST not
    acs.inject(NotAnAcs(status=415, body="", on="Inform"))
    await session()
    await session()
    assert encodings(acs) == [None, None]
    assert harness.agent.datamodel.value(f"{MS}HTTPCompression") == "GZIP"


async def test_basic_authentication_only_over_tls() -> None:
    async with LocalAcs(auth="basic", username="cpe", password="pw") as acs:
        refused = await run_once(acs.url, acs_username="cpe", acs_password="pw")
        assert refused.agent.status.last_outcome is SessionOutcome.INVALID_AUTH
        assert "plain HTTP" in (refused.agent.status.last_error or "")
        assert acs.informs == []
