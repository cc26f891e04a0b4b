"""HTTP Basic and Digest, client and server side."""

from __future__ import annotations

import pytest

from tr069_cpe.cwmp import auth
from tr069_cpe.cwmp.auth import (
    DigestClient,
    DigestServer,
    basic_header,
    parse_authorization,
    parse_challenges,
)


def test_parse_several_challenges() -> None:
    header = (
        'Digest realm="GenieACS", qop="auth,auth-int", nonce="abc", opaque="o\\"p", '
        'algorithm=MD5-sess, Basic realm="x"'
    )
    challenges = parse_challenges(header)
    assert challenges["digest"] == {
        "realm": "GenieACS",
        "qop": "auth,auth-int",
        "nonce": "abc",
        "opaque": 'o"p',
        "algorithm": "MD5-sess",
    }
    assert challenges["basic"] == {"realm": "x"}


def test_basic_header() -> None:
    assert basic_header("Aladdin", "open sesame") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
    assert parse_authorization("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==") == (
        "basic",
        {"token": "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="},
    )


def test_digest_client_matches_rfc_2617_example() -> None:
    client = DigestClient(
        "Mufasa",
        "Circle Of Life",
        {
            "realm": "testrealm@host.com",
            "qop": "auth,auth-int",
            "nonce": "dcd98b7102dd2f0e8b11d0f600bfb0c093",
            "opaque": "5ccc069c403ebaf9f0171e9517f40e41",
        },
        _cnonce="0a4f113b",
    )
    header = client.header("GET", "/dir/index.html")
    _, params = parse_authorization(header)
    assert params["response"] == "6629fae49393a05397450978507c4ef1"
    assert params["nc"] == "00000001"
    assert params["opaque"] == "5ccc069c403ebaf9f0171e9517f40e41"
    _, again = parse_authorization(client.header("GET", "/dir/index.html"))
    assert again["nc"] == "00000002"


def test_digest_client_md5_sess_and_legacy_without_qop() -> None:
    sess = DigestClient(
        "u", "p", {"realm": "r", "nonce": "n", "qop": "auth", "algorithm": "MD5-sess"}
    )
    assert sess.supported
    _, params = parse_authorization(sess.header("POST", "/acs"))
    assert params["algorithm"] == "MD5-sess"
    legacy = DigestClient("u", "p", {"realm": "r", "nonce": "n"})
    _, params = parse_authorization(legacy.header("POST", "/"))
    assert "qop" not in params
    assert not DigestClient("u", "p", {"qop": "auth-int", "nonce": "n"}).supported
    assert not DigestClient("u", "p", {"algorithm": "SHA-512-256", "nonce": "n"}).supported


def answer(server: DigestServer, username: str, password: str, uri: str = "/cr") -> str:
    challenge = parse_challenges(server.challenge())["digest"]
    return DigestClient(username, password, challenge).header("GET", uri)


def test_digest_server_accepts_good_credentials_once_per_count() -> None:
    server = DigestServer("realm")
    header = answer(server, "acs", "secret")
    assert server.verify("GET", "/cr", header, "acs", "secret") is True
    assert server.verify("GET", "/cr", header, "acs", "secret") is False


@pytest.mark.parametrize(
    ("username", "password", "uri"),
    [("acs", "wrong", "/cr"), ("other", "secret", "/cr"), ("acs", "secret", "/elsewhere")],
)
def test_digest_server_refuses_bad_answers(username: str, password: str, uri: str) -> None:
    server = DigestServer("realm")
    header = answer(server, username, password, uri)
    assert server.verify("GET", "/cr", header, "acs", "secret") is False


def test_digest_server_refuses_forged_and_missing_nonces() -> None:
    server = DigestServer("realm")
    forged = DigestClient(
        "acs", "secret", {"realm": "realm", "nonce": "Zm9vOmJhcg==", "qop": "auth"}
    )
    assert server.verify("GET", "/cr", forged.header("GET", "/cr"), "acs", "secret") is False
    assert server.verify("GET", "/cr", None, "acs", "secret") is False
    assert server.verify("GET", "/cr", "Basic abc", "acs", "secret") is False
    other = DigestServer("realm")
    assert other.verify("GET", "/cr", answer(server, "acs", "secret"), "acs", "secret") is False


def test_expired_nonce_is_stale(monkeypatch: pytest.MonkeyPatch) -> None:
    server = DigestServer("realm", nonce_ttl=10)
    now = [1000.0]
    monkeypatch.setattr(auth.time, "monotonic", lambda: now[0])
    header = answer(server, "acs", "secret")
    now[0] += 11
    assert server.verify("GET", "/cr", header, "acs", "secret") is None
    assert "stale=true" in server.challenge(stale=True)


def test_counts_of_expired_nonces_are_forgotten(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(auth.time, "monotonic", lambda: now[0])
    server = DigestServer("realm", nonce_ttl=8)
    for _ in range(50):
        now[0] += 0.01  # one nonce per instant
        assert server.verify("GET", "/cr", answer(server, "acs", "secret"), "acs", "secret")
    assert len(server._last_nc) == 50
    now[0] += 0.5
    fresh = answer(server, "acs", "secret")  # a sweep waits for a quarter of the lifetime
    assert len(server._last_nc) == 50
    now[0] += 8
    server.challenge()
    assert server._last_nc == {}
    now[0] -= 4  # a nonce still in its lifetime keeps its count across sweeps
    assert server.verify("GET", "/cr", fresh, "acs", "secret") is True
    now[0] += 3
    server.challenge()
    assert len(server._last_nc) == 1
    assert server.verify("GET", "/cr", fresh, "acs", "secret") is False
