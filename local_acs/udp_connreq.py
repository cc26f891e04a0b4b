"""UDP Connection Requests (TR-069 Annex G) as GenieACS 1.2 sends them.

One datagram holding an HTTP request line and a Host header::

    GET http://host:port?ts=<unix s>&id=<random u32>&un=<user>&cn=<16 hex>&sig=<hex> HTTP/1.1
    Host: host:port

``sig`` is HMAC-SHA1 keyed with the password over ts, id, un and cn; ``un`` is
not URL-encoded. The same datagram goes out three times, from the STUN server's
port when there is one (``UDP_CONNECTION_REQUEST_PORT``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
import hashlib
import hmac
import secrets
import time
from typing import Final

COPIES: Final = 3


@dataclass
class UdpConnectionRequestRecord:
    """One UDP Connection Request: where it went and what it said."""

    address: str
    message: bytes
    message_id: int
    at: float = field(default_factory=time.time)


def split_address(address: str, default_port: int = 80) -> tuple[str, int]:
    """``host:port`` (a missing port means ``default_port``: 80, as GenieACS reads it)."""
    if address.startswith("["):
        host, _, rest = address[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") else default_port
    host, _, port = address.partition(":")
    return host, int(port) if port else default_port


def message(
    address: str,
    username: str,
    password: str,
    *,
    now: float | None = None,
    message_id: int | None = None,
) -> tuple[bytes, int]:
    """The datagram's payload and its id."""
    timestamp = str(int(time.time() if now is None else now))
    number = secrets.randbelow(2**32) if message_id is None else message_id
    cnonce = secrets.token_hex(8)
    text = f"{timestamp}{number}{username}{cnonce}".encode()
    signature = hmac.new(password.encode(), text, hashlib.sha1).hexdigest()
    query = f"ts={timestamp}&id={number}&un={username}&cn={cnonce}&sig={signature}"
    payload = f"GET http://{address}?{query} HTTP/1.1\r\nHost: {address}\r\n\r\n"
    return payload.encode(), number


def send(
    sender: Callable[[bytes, tuple[str, int]], object],
    address: str,
    username: str,
    password: str,
) -> UdpConnectionRequestRecord:
    """Three copies of one request through ``sender`` (a socket's sendto)."""
    payload, number = message(address, username, password)
    target = split_address(address)
    for _ in range(COPIES):
        sender(payload, target)
    return UdpConnectionRequestRecord(address, payload, number)
