"""The STUN server beside the ACS (RFC 5389 Binding, with TR-111's attributes).

GenieACS has no STUN server of its own: operators run one beside it, on the port
GenieACS then sends UDP Connection Requests from (``UDP_CONNECTION_REQUEST_PORT``),
so that a NAT that lets in only what comes from where the CPE's keep-alives went
lets them in. This server is that pair in one: it answers Binding Requests,
records the TR-111 attributes (CONNECTION-REQUEST-BINDING, BINDING-CHANGE) and
the binding of each STUNUsername, and sends UDP datagrams from its own socket.
With ``credentials`` (username → password), MESSAGE-INTEGRITY is checked and a
wrong one answered 401.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
import hashlib
import hmac
import ipaddress
import logging
import struct
import time
from typing import Final

_LOGGER = logging.getLogger(__name__)

MAGIC_COOKIE: Final = 0x2112A442
USERNAME: Final = 0x0006
MESSAGE_INTEGRITY: Final = 0x0008
ERROR_CODE: Final = 0x0009
MAPPED_ADDRESS: Final = 0x0001
XOR_MAPPED_ADDRESS: Final = 0x0020
CONNECTION_REQUEST_BINDING: Final = 0xC001
BINDING_CHANGE: Final = 0xC002
TR111_VALUE: Final = b"dslforum.org/TR-111 "


@dataclass
class BindingRequest:
    """One Binding Request as received."""

    source: tuple[str, int]
    username: str
    connection_request_binding: bool
    binding_change: bool
    integrity: bool | None
    at: float = field(default_factory=time.time)


def _attribute(kind: int, value: bytes) -> bytes:
    return struct.pack("!HH", kind, len(value)) + value + b"\0" * (-len(value) % 4)


def _address(kind: int, host: str, port: int, transaction: bytes) -> bytes:
    address = ipaddress.ip_address(host)
    raw = address.packed
    if kind == XOR_MAPPED_ADDRESS:
        port ^= MAGIC_COOKIE >> 16
        key = struct.pack("!I", MAGIC_COOKIE) + transaction
        raw = bytes(a ^ b for a, b in zip(raw, key, strict=False))
    family = 1 if address.version == 4 else 2
    return _attribute(kind, struct.pack("!xBH", family, port) + raw)


def _parse(data: bytes) -> tuple[int, bytes, list[tuple[int, bytes, int]]] | None:
    if len(data) < 20 or data[0] & 0xC0:
        return None
    kind, length, cookie = struct.unpack_from("!HHI", data)
    if cookie != MAGIC_COOKIE or 20 + length != len(data):
        return None
    attributes, offset = [], 20
    while offset + 4 <= len(data):
        attribute, size = struct.unpack_from("!HH", data, offset)
        attributes.append((attribute, data[offset + 4 : offset + 4 + size], offset))
        offset += 4 + size + (-size % 4)
    return kind, data[8:20], attributes


def _integrity(kind: int, transaction: bytes, before: bytes, password: str) -> bytes:
    header = struct.pack("!HHI", kind, len(before) + 24, MAGIC_COOKIE) + transaction
    return hmac.new(password.encode(), header + before, hashlib.sha1).digest()


class StunServer(asyncio.DatagramProtocol):
    """A Binding responder on one UDP socket, which also sends Connection Requests."""

    def __init__(self, credentials: dict[str, str] | None = None) -> None:
        self.credentials = credentials or {}
        self.requests: list[BindingRequest] = []
        # The latest binding each STUNUsername announced with CONNECTION-REQUEST-BINDING.
        self.bindings: dict[str, tuple[str, int]] = {}
        self.transport: asyncio.DatagramTransport | None = None
        self.changed = asyncio.Event()

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> tuple[str, int]:
        """Listen; returns the address."""
        loop = asyncio.get_running_loop()
        await loop.create_datagram_endpoint(lambda: self, local_addr=(host, port))
        return self.address

    @property
    def address(self) -> tuple[str, int]:
        """Where the server listens (and Connection Requests leave from)."""
        assert self.transport is not None
        host, port = self.transport.get_extra_info("sockname")[:2]
        return str(host), int(port)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Keep the transport."""
        assert isinstance(transport, asyncio.DatagramTransport)
        self.transport = transport

    def close(self) -> None:
        """Stop listening."""
        if self.transport is not None:
            self.transport.close()
            self.transport = None

    def send(self, payload: bytes, address: tuple[str, int]) -> None:
        """A datagram from the server's own address and port."""
        assert self.transport is not None
        self.transport.sendto(payload, address)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        """Answer Binding Requests; anything else is ignored."""
        parsed = _parse(data)
        if parsed is None or parsed[0] != 0x0001:
            return
        _, transaction, attributes = parsed
        values = {kind: value for kind, value, _ in attributes}
        username = values.get(USERNAME, b"").decode(errors="replace")
        integrity = self._integrity(data, transaction, attributes, username)
        request = BindingRequest(
            source=(addr[0], addr[1]),
            username=username,
            connection_request_binding=values.get(CONNECTION_REQUEST_BINDING) == TR111_VALUE,
            binding_change=BINDING_CHANGE in values,
            integrity=integrity,
        )
        self.requests.append(request)
        self.changed.set()
        if integrity is False:
            error = _attribute(ERROR_CODE, b"\0\0\x04\x01Unauthorized")
            self._reply(0x0111, transaction, error, addr)
            return
        if request.connection_request_binding:
            self.bindings[username] = request.source
        body = _address(XOR_MAPPED_ADDRESS, addr[0], addr[1], transaction)
        body += _address(MAPPED_ADDRESS, addr[0], addr[1], transaction)
        if integrity:
            body += _attribute(
                MESSAGE_INTEGRITY,
                _integrity(0x0101, transaction, body, self.credentials[username]),
            )
        self._reply(0x0101, transaction, body, addr)

    def _integrity(
        self, data: bytes, transaction: bytes, attributes: list[tuple[int, bytes, int]], user: str
    ) -> bool | None:
        password = self.credentials.get(user)
        for kind, value, offset in attributes:
            if kind == MESSAGE_INTEGRITY and password is not None:
                expected = _integrity(0x0001, transaction, data[20:offset], password)
                return hmac.compare_digest(value, expected)
        return False if password is not None else None

    def _reply(self, kind: int, transaction: bytes, body: bytes, addr: tuple[str, int]) -> None:
        if self.transport is not None:
            header = struct.pack("!HHI", kind, len(body), MAGIC_COOKIE) + transaction
            self.transport.sendto(header + body, addr)

    async def next_request(self, timeout: float = 10.0) -> BindingRequest:  # noqa: ASYNC109
        """The next Binding Request received from now on."""
        seen = len(self.requests)
        async with asyncio.timeout(timeout):
            while len(self.requests) <= seen:
                self.changed.clear()
                await self.changed.wait()
        return self.requests[seen]
