"""STUN Binding messages (RFC 5389) with the TR-111 Part 2 attributes.

A CPE behind NAT learns its public UDP binding from Binding Responses and tells
the ACS's STUN server which binding takes Connection Requests
(CONNECTION-REQUEST-BINDING) and when it changed (BINDING-CHANGE). With a
STUNUsername, requests carry USERNAME and MESSAGE-INTEGRITY (HMAC-SHA1 keyed
with STUNPassword, RFC 5389 short-term credentials).

Parsing treats every datagram as hostile: anything malformed raises
:class:`StunError` (a ValueError), never anything else.
"""

from __future__ import annotations

from dataclasses import dataclass
import hashlib
import hmac
import ipaddress
import struct
from typing import Final

MAGIC_COOKIE: Final = 0x2112A442
HEADER_LENGTH: Final = 20
BINDING_REQUEST: Final = 0x0001
BINDING_SUCCESS: Final = 0x0101
BINDING_ERROR: Final = 0x0111

MAPPED_ADDRESS: Final = 0x0001
USERNAME: Final = 0x0006
MESSAGE_INTEGRITY: Final = 0x0008
ERROR_CODE: Final = 0x0009
XOR_MAPPED_ADDRESS: Final = 0x0020
# Servers written against the RFC 5389 drafts sent XOR-MAPPED-ADDRESS with this type.
XOR_MAPPED_ADDRESS_DRAFT: Final = 0x8020
CONNECTION_REQUEST_BINDING: Final = 0xC001
BINDING_CHANGE: Final = 0xC002
# TR-111's value of CONNECTION-REQUEST-BINDING: 20 bytes, the trailing space included.
CONNECTION_REQUEST_BINDING_VALUE: Final = b"dslforum.org/TR-111 "

_MAX_ATTRIBUTES: Final = 64
_INTEGRITY_LENGTH: Final = 20


class StunError(ValueError):
    """A datagram that is not a well-formed STUN message."""


@dataclass(frozen=True, slots=True)
class StunMessage:
    """A parsed message: type, transaction ID and attributes in order."""

    type: int
    transaction_id: bytes
    attributes: tuple[tuple[int, bytes], ...]
    # Where each attribute's header starts in the datagram (for MESSAGE-INTEGRITY).
    offsets: tuple[int, ...]

    def attribute(self, kind: int) -> bytes | None:
        """The first value of an attribute type (None when absent)."""
        for found, value in self.attributes:
            if found == kind:
                return value
        return None


def looks_like_stun(data: bytes) -> bool:
    """Whether a datagram may be STUN (RFC 5389 §6: two zero bits, the magic cookie).

    UDP Connection Requests start with "GET ", which this tells apart.
    """
    return (
        len(data) >= HEADER_LENGTH
        and data[0] & 0xC0 == 0
        and struct.unpack_from("!I", data, 4)[0] == MAGIC_COOKIE
    )


def _attribute(kind: int, value: bytes) -> bytes:
    return struct.pack("!HH", kind, len(value)) + value + b"\0" * (-len(value) % 4)


def _header(kind: int, length: int, transaction_id: bytes) -> bytes:
    return struct.pack("!HHI", kind, length, MAGIC_COOKIE) + transaction_id


def binding_request(
    transaction_id: bytes,
    *,
    username: str = "",
    password: str = "",
    binding_change: bool = False,
) -> bytes:
    """A Binding Request with CONNECTION-REQUEST-BINDING (and BINDING-CHANGE).

    With a username: USERNAME and MESSAGE-INTEGRITY keyed with the password.
    """
    if len(transaction_id) != 12:
        raise ValueError("a transaction ID has 12 bytes")
    body = b""
    if username:
        body += _attribute(USERNAME, username.encode())
    body += _attribute(CONNECTION_REQUEST_BINDING, CONNECTION_REQUEST_BINDING_VALUE)
    if binding_change:
        body += _attribute(BINDING_CHANGE, b"")
    if username:
        body += _attribute(
            MESSAGE_INTEGRITY, integrity(BINDING_REQUEST, transaction_id, body, password)
        )
    return _header(BINDING_REQUEST, len(body), transaction_id) + body


def integrity(kind: int, transaction_id: bytes, before: bytes, password: str) -> bytes:
    """MESSAGE-INTEGRITY over a message's header and the attributes before it.

    The header's length counts up to the end of MESSAGE-INTEGRITY itself.
    """
    header = _header(kind, len(before) + 4 + _INTEGRITY_LENGTH, transaction_id)
    return hmac.new(password.encode(), header + before, hashlib.sha1).digest()


def parse(data: bytes) -> StunMessage:
    """A STUN message; StunError when the datagram is not one."""
    if not looks_like_stun(data):
        raise StunError("not a STUN message")
    kind, length = struct.unpack_from("!HH", data)
    if length % 4 or HEADER_LENGTH + length != len(data):
        raise StunError("the length does not match the datagram")
    attributes: list[tuple[int, bytes]] = []
    offsets: list[int] = []
    offset = HEADER_LENGTH
    while offset < len(data):
        if len(attributes) == _MAX_ATTRIBUTES or offset + 4 > len(data):
            raise StunError("malformed attributes")
        attribute_type, size = struct.unpack_from("!HH", data, offset)
        end = offset + 4 + size
        if end > len(data):
            raise StunError("an attribute runs past the message")
        attributes.append((attribute_type, data[offset + 4 : end]))
        offsets.append(offset)
        offset = end + (-size % 4)
    return StunMessage(kind, data[8:20], tuple(attributes), tuple(offsets))


def integrity_ok(data: bytes, message: StunMessage, password: str) -> bool | None:
    """Whether MESSAGE-INTEGRITY is right (None: the message has none)."""
    for (kind, value), offset in zip(message.attributes, message.offsets, strict=True):
        if kind == MESSAGE_INTEGRITY:
            expected = integrity(
                message.type, message.transaction_id, data[HEADER_LENGTH:offset], password
            )
            return len(value) == _INTEGRITY_LENGTH and hmac.compare_digest(value, expected)
    return None


def mapped_address(message: StunMessage) -> tuple[str, int]:
    """The binding a success response reports (XOR-MAPPED-ADDRESS, else MAPPED-ADDRESS)."""
    for kind in (XOR_MAPPED_ADDRESS, XOR_MAPPED_ADDRESS_DRAFT):
        value = message.attribute(kind)
        if value is not None:
            return _address(value, message.transaction_id, xor=True)
    value = message.attribute(MAPPED_ADDRESS)
    if value is None:
        raise StunError("no mapped address in the response")
    return _address(value, message.transaction_id, xor=False)


def _address(value: bytes, transaction_id: bytes, *, xor: bool) -> tuple[str, int]:
    if len(value) not in (8, 20):
        raise StunError("malformed address attribute")
    family, port = struct.unpack_from("!xBH", value)
    raw = value[4:]
    if (family, len(raw)) not in ((1, 4), (2, 16)):
        raise StunError("unknown address family")
    if xor:
        port ^= MAGIC_COOKIE >> 16
        key = struct.pack("!I", MAGIC_COOKIE) + transaction_id
        raw = bytes(byte ^ mask for byte, mask in zip(raw, key, strict=False))
    return str(ipaddress.ip_address(raw)), port


def error_code(message: StunMessage) -> tuple[int, str]:
    """ERROR-CODE of an error response: the code and its reason phrase."""
    value = message.attribute(ERROR_CODE)
    if value is None or len(value) < 4:
        raise StunError("no error code in the error response")
    code = (value[2] & 0x07) * 100 + value[3]
    reason = value[4:].decode("utf-8", errors="replace").rstrip("\0").strip()
    return code, reason[:128]
