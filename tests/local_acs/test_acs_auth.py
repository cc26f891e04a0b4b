"""CPE authentication (Basic, Digest with per-connection nonces) and the Digest helpers."""

from __future__ import annotations

import base64
import hashlib

import pytest

from local_acs import LocalAcs
from local_acs.auth import (
    Credentials,
    digest_response,
    parse_auth_header,
    solve_challenge,
    verify,
)
from local_acs.testing import RawCpe, cpe_envelope, inform_body

INFORM = cpe_envelope(inform_body())


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def test_rfc2617_example():
    assert (
        digest_response(
            "Mufasa",
            "testrealm@host.com",
            "Circle Of Life",
            "GET",
            "/dir/index.html",
            nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",
            qop="auth",
            nc="00000001",
            cnonce="0a4f113b",
        )
        == "6629fae49393a05397450978507c4ef1"
    )


def test_solve_and_verify_round_trip():
    challenge = 'Digest realm="GenieACS",qop="auth,auth-int",nonce="abc123"'
    header = solve_challenge(challenge, "u", "p w", "POST", "/acs?x=1")
    scheme, params = parse_auth_header(header)
    assert scheme == "digest"
    assert params["uri"] == "/acs?x=1"
    assert params["qop"] == "auth"
    expected = md5(
        f"{md5('u:GenieACS:p w')}:abc123:{params['nc']}:{params['cnonce']}:auth:"
        f"{md5('POST:/acs?x=1')}"
    )
    assert params["response"] == expected
    creds = Credentials("digest", "u", "p w")
    assert verify(header, "POST", creds, "abc123")
    assert not verify(header, "POST", creds, "other-nonce")
    assert not verify(header, "GET", creds, "abc123")
    assert not verify(header, "POST", Credentials("digest", "u", "x"), "abc123")
    basic = solve_challenge('Basic realm="GenieACS"', "u", "p", "POST", "/")
    assert basic == "Basic " + base64.b64encode(b"u:p").decode()
    assert verify(basic, "POST", Credentials("basic", "u", "p"), None)
    assert not verify("Basic !!!", "POST", Credentials("basic", "u", "p"), None)


async def test_basic_auth():
    async with LocalAcs(auth="basic", username="cpe", password="secret") as acs:
        async with RawCpe(acs.url) as cpe:
            challenged = await cpe.post(INFORM)
            assert challenged.status == 401
            assert challenged.headers["WWW-Authenticate"] == 'Basic realm="GenieACS"'
            ok = await cpe.post(
                INFORM,
                authorization=solve_challenge(
                    challenged.headers["WWW-Authenticate"], "cpe", "secret", "POST", "/"
                ),
            )
            assert ok.status == 200
            # Authenticated connection: no credentials needed for the rest of the session.
            assert (await cpe.post(b"")).status == 204
        assert acs.sessions[0].end_reason == "completed"
        assert len(acs.informs) == 1


async def test_wrong_password_gets_one_challenge_then_close():
    async with LocalAcs(auth="basic", username="cpe", password="secret") as acs:
        async with RawCpe(acs.url, credentials=("basic", "cpe", "wrong")) as cpe:
            refused = await cpe.post(INFORM)
        assert refused.status == 401
        assert "WWW-Authenticate" not in refused.headers
        assert refused.headers["Connection"] == "close"
        assert acs.sessions[0].end_reason == "authentication failed"
        assert acs.informs == []


async def test_digest_auth_and_nonce_bound_to_connection():
    async with LocalAcs(auth="digest", username="cpe", password="secret") as acs:
        async with RawCpe(acs.url) as cpe:
            challenged = await cpe.post(INFORM)
            assert challenged.status == 401
            challenge = challenged.headers["WWW-Authenticate"]
            scheme, params = parse_auth_header(challenge)
            assert scheme == "digest"
            assert params["realm"] == "GenieACS"
            assert params["qop"] == "auth"
            assert len(params["nonce"]) == 32
            answer = solve_challenge(challenge, "cpe", "secret", "POST", "/")
            assert (await cpe.post(INFORM, authorization=answer)).status == 200
            assert (await cpe.post(b"")).status == 204

        # A second session on a new connection re-using the old nonce is challenged again.
        async with RawCpe(acs.url) as cpe:
            stale = await cpe.post(INFORM, authorization=answer)
            assert stale.status == 401
            fresh = stale.headers["WWW-Authenticate"]
            assert parse_auth_header(fresh)[1]["nonce"] != params["nonce"]
            answer2 = solve_challenge(fresh, "cpe", "secret", "POST", "/")
            assert (await cpe.post(INFORM, authorization=answer2)).status == 200
            assert (await cpe.post(b"")).status == 204
        assert [s.end_reason for s in acs.sessions] == ["completed", "completed"]


async def test_digest_session_resumed_on_new_connection_needs_new_nonce():
    async with LocalAcs(auth="digest", username="cpe", password="secret") as acs:
        acs.queue("SN0001", "Reboot")
        async with RawCpe(acs.url, credentials=("digest", "cpe", "secret")) as cpe:
            assert (await cpe.post(INFORM)).status == 200
            await cpe.new_connection()
            reboot = await cpe.post(b"")
            assert reboot.status == 200
        statuses = [m.status for m in acs.sessions[0].messages if m.direction == "acs"]
        assert statuses == [401, 200, 401, 200]
        assert acs.sessions[0].connection_count == 2


@pytest.mark.parametrize("scheme", ["basic", "digest"])
async def test_raw_cpe_answers_challenges(scheme):
    async with (
        LocalAcs(auth=scheme, username="cpe", password="pw") as acs,
        RawCpe(acs.url, credentials=(scheme, "cpe", "pw")) as cpe,
    ):
        assert (await cpe.post(INFORM)).status == 200
        assert (await cpe.post(b"")).status == 204
