"""STUN messages and UDP Connection Request messages: what is built, what is refused."""

from __future__ import annotations

import struct

import pytest

from local_acs import udp_connreq
from tr069_cpe.cwmp.wakeup import stun
from tr069_cpe.cwmp.wakeup.stun_client import keep_alive_period
from tr069_cpe.cwmp.wakeup.udp_request import (
    MAX_CLOCK_SKEW,
    ReplayGuard,
    Verdict,
    parse_message,
)
from tr069_cpe.cwmp.wakeup.xmpp_model import jid_allowed

TID = bytes(range(12))


def test_a_binding_request_carries_the_tr111_attributes_and_integrity() -> None:
    data = stun.binding_request(TID, username="gw", password="pw", binding_change=True)
    message = stun.parse(data)
    kinds = [kind for kind, _ in message.attributes]
    assert kinds == [
        stun.USERNAME,
        stun.CONNECTION_REQUEST_BINDING,
        stun.BINDING_CHANGE,
        stun.MESSAGE_INTEGRITY,
    ]
    assert message.attribute(stun.CONNECTION_REQUEST_BINDING) == b"dslforum.org/TR-111 "
    assert stun.integrity_ok(data, message, "pw") is True
    assert stun.integrity_ok(data, message, "other") is False
    plain = stun.binding_request(TID)
    assert stun.integrity_ok(plain, stun.parse(plain), "pw") is None
    with pytest.raises(ValueError):
        stun.binding_request(b"short")


def _response(*attributes: bytes, kind: int = stun.BINDING_SUCCESS) -> bytes:
    body = b"".join(attributes)
    return struct.pack("!HHI", kind, len(body), stun.MAGIC_COOKIE) + TID + body


def _attribute(kind: int, value: bytes) -> bytes:
    return struct.pack("!HH", kind, len(value)) + value + b"\0" * (-len(value) % 4)


def test_mapped_addresses_ipv4_ipv6_and_plain() -> None:
    port = 40000 ^ (stun.MAGIC_COOKIE >> 16)
    raw4 = bytes(
        a ^ b
        for a, b in zip(bytes([203, 0, 113, 1]), struct.pack("!I", stun.MAGIC_COOKIE), strict=False)
    )
    xor4 = _attribute(stun.XOR_MAPPED_ADDRESS, struct.pack("!xBH", 1, port) + raw4)
    assert stun.mapped_address(stun.parse(_response(xor4))) == ("203.0.113.1", 40000)
    key = struct.pack("!I", stun.MAGIC_COOKIE) + TID
    raw6 = bytes(a ^ b for a, b in zip(bytes(15) + b"\x01", key, strict=True))
    xor6 = _attribute(stun.XOR_MAPPED_ADDRESS, struct.pack("!xBH", 2, port) + raw6)
    assert stun.mapped_address(stun.parse(_response(xor6))) == ("::1", 40000)
    plain = _attribute(stun.MAPPED_ADDRESS, struct.pack("!xBH", 1, 7547) + bytes([10, 0, 0, 1]))
    assert stun.mapped_address(stun.parse(_response(plain))) == ("10.0.0.1", 7547)
    error = _attribute(stun.ERROR_CODE, b"\0\0\x04\x01Unauthorized\0\0\0\0")
    assert stun.error_code(stun.parse(_response(error, kind=stun.BINDING_ERROR))) == (
        401,
        "Unauthorized",
    )


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"GET http://x HTTP/1.1",
        struct.pack("!HHI", 1, 4, 0x12345678) + TID + b"\0\0\0\0",  # no magic cookie
        struct.pack("!HHI", 1, 8, stun.MAGIC_COOKIE) + TID + b"\0\0\0\0",  # length past the end
        struct.pack("!HHI", 1, 8, stun.MAGIC_COOKIE) + TID + struct.pack("!HH", 1, 200) + b"\0" * 4,
        struct.pack("!HHI", 1, 3, stun.MAGIC_COOKIE) + TID + b"\0\0\0",  # not a multiple of 4
    ],
)
def test_malformed_stun_is_refused(data: bytes) -> None:
    with pytest.raises(stun.StunError):
        stun.parse(data)


@pytest.mark.parametrize(
    "attribute",
    [
        b"",
        _attribute(stun.MAPPED_ADDRESS, b"\0\x03\0\0\1\2\3\4"),  # unknown family
        _attribute(stun.MAPPED_ADDRESS, b"\0\x01\0"),  # truncated
    ],
)
def test_a_response_without_a_usable_address_is_refused(attribute: bytes) -> None:
    with pytest.raises(stun.StunError):
        stun.mapped_address(stun.parse(_response(attribute)))
    with pytest.raises(stun.StunError):
        stun.error_code(stun.parse(_response(attribute)))


@pytest.mark.parametrize(
    ("minimum", "maximum", "period"),
    [(0, -1, 25), (60, -1, 60), (0, 10, 10), (0, 0, 1), (30, 20, 20)],
)
def test_keep_alive_period(minimum: int, maximum: int, period: int) -> None:
    assert keep_alive_period(minimum, maximum) == period


NOW = 1_800_000_000.0


def test_a_genieacs_message_is_accepted_once() -> None:
    payload, number = udp_connreq.message("203.0.113.1:7547", "user", "pass", now=NOW)
    request = parse_message(payload)
    assert (request.timestamp, request.message_id, request.username) == (int(NOW), number, "user")
    guard = ReplayGuard()
    assert guard.check(request, ("user", "pass"), NOW) is Verdict.ACCEPTED
    assert guard.check(request, ("user", "pass"), NOW) is Verdict.REPEATED
    assert guard.last_timestamp == int(NOW)


def test_signatures_replays_and_clocks() -> None:
    guard = ReplayGuard(last_timestamp=int(NOW))
    wrong, _ = udp_connreq.message("h:1", "user", "other", now=NOW)
    assert guard.check(parse_message(wrong), ("user", "pass"), NOW) is Verdict.WRONG_CREDENTIALS
    stranger, _ = udp_connreq.message("h:1", "someone", "pass", now=NOW)
    assert guard.check(parse_message(stranger), ("user", "pass"), NOW) is Verdict.WRONG_CREDENTIALS
    older, _ = udp_connreq.message("h:1", "user", "pass", now=NOW - 1)
    assert guard.check(parse_message(older), ("user", "pass"), NOW) is Verdict.STALE
    future, _ = udp_connreq.message("h:1", "user", "pass", now=NOW + MAX_CLOCK_SKEW + 1)
    assert guard.check(parse_message(future), ("user", "pass"), NOW) is Verdict.STALE
    plain, _ = udp_connreq.message("h:1", "user", "pass", now=NOW)
    # A URL-encoded username is read both ways; the signature covers the real one.
    request = parse_message(plain.replace(b"un=user", b"un=us%65r"))
    assert guard.check(request, ("user", "pass"), NOW) is Verdict.ACCEPTED


@pytest.mark.parametrize(
    "payload",
    [
        b"\xff\xfe",
        b"x" * 3000,
        b"POST http://h?ts=1&id=1&un=u&cn=c&sig=" + b"0" * 40 + b" HTTP/1.1",
        b"GET http://h?ts=1&id=1&un=u&cn=c&sig=" + b"0" * 40 + b" HTTP/1.0",
        b"GET http://h?ts=1&id=1&un=u&cn=c HTTP/1.1",
        b"GET http://h?ts=x&id=1&un=u&cn=c&sig=" + b"0" * 40 + b" HTTP/1.1",
        b"GET http://h?ts=1&id=99999999999&un=u&cn=c&sig=" + b"0" * 40 + b" HTTP/1.1",
        b"GET http://h?ts=1&id=1&un=u&cn=c&sig=zz HTTP/1.1",
        b"GET http://h?ts=1&ts=2&id=1&un=u&cn=c&sig=" + b"0" * 40 + b" HTTP/1.1",
        b"GET http://h?ts&id=1&un=u&cn=c&sig=" + b"0" * 40 + b" HTTP/1.1",
        b"GET http://h?ts=1&id=1&un=" + b"u" * 300 + b"&cn=c&sig=" + b"0" * 40 + b" HTTP/1.1",
    ],
)
def test_what_is_not_a_udp_connection_request(payload: bytes) -> None:
    with pytest.raises(ValueError):
        parse_message(payload)


def test_allowed_jabber_ids() -> None:
    allowed = ["ACS1@tr069.example.com", "ACS2@tr-069.example.com/resource1"]
    assert jid_allowed("acs1@tr069.example.com/any", allowed)
    assert jid_allowed("ACS2@tr-069.example.com/resource1", allowed)
    assert not jid_allowed("acs2@tr-069.example.com/resource2", allowed)
    assert not jid_allowed("acs3@tr069.example.com/x", allowed)
    assert jid_allowed("anyone@anywhere/x", [])
