"""UDP Connection Request messages (TR-069 Annex G): parsing and the checks before a session.

A message is an HTTP/1.1 GET request line (plus headers) in one datagram::

    GET http://host:port?ts=1700000000&id=1234&un=user&cn=0123456789abcdef&sig=<40 hex> HTTP/1.1

``sig`` is HMAC-SHA1 keyed with ConnectionRequestPassword over ts, id, un and cn
concatenated; ``un`` is ConnectionRequestUsername. An ACS sends each message
several times (GenieACS: three), so a repeated ``id`` is the same request. A
message older than the newest accepted one, or far from this CPE's clock, is a
replay and is ignored, as are malformed and wrongly signed ones: nothing is
ever answered.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from enum import StrEnum
import hashlib
import hmac
import re
from typing import Final
from urllib.parse import unquote

from ..auth import same_secret

MAX_MESSAGE: Final = 2048
# How far a message's timestamp may be from this CPE's clock (seconds).
MAX_CLOCK_SKEW: Final = 120
# Message IDs remembered as already accepted.
REMEMBERED_IDS: Final = 64

_REQUEST_LINE = re.compile(r"GET (\S{1,1900}) HTTP/1\.1")
_DIGITS = re.compile(r"[0-9]{1,10}")
_SIGNATURE = re.compile(r"[0-9A-Fa-f]{40}")
_FIELDS: Final = ("ts", "id", "un", "cn", "sig")
_MAX_FIELD: Final = 256


@dataclass(frozen=True, slots=True)
class UdpConnectionRequest:
    """The fields of a UDP Connection Request, as received."""

    timestamp: int
    message_id: int
    username: str
    cnonce: str
    signature: str
    # The decimal texts the signature covers, as the ACS wrote them.
    timestamp_text: str
    message_id_text: str


class Verdict(StrEnum):
    """What a message is worth."""

    ACCEPTED = "accepted"
    REPEATED = "repeated"
    STALE = "stale"
    WRONG_CREDENTIALS = "wrong credentials"


def parse_message(data: bytes) -> UdpConnectionRequest:
    """The request in a datagram; ValueError for anything that is not one."""
    if len(data) > MAX_MESSAGE:
        raise ValueError("longer than a UDP Connection Request")
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as err:
        raise ValueError("not ASCII") from err
    line = text.split("\n", 1)[0].removesuffix("\r")
    match = _REQUEST_LINE.fullmatch(line)
    if match is None:
        raise ValueError("not an HTTP/1.1 GET request line")
    query = match.group(1).partition("?")[2]
    fields = _query_fields(query)
    timestamp, message_id = fields["ts"], fields["id"]
    if not (_DIGITS.fullmatch(timestamp) and _DIGITS.fullmatch(message_id)):
        raise ValueError("ts and id must be decimal numbers")
    if int(message_id) > 0xFFFFFFFF:
        raise ValueError("id is not an unsigned 32-bit number")
    if _SIGNATURE.fullmatch(fields["sig"]) is None:
        raise ValueError("sig is not 40 hexadecimal digits")
    return UdpConnectionRequest(
        timestamp=int(timestamp),
        message_id=int(message_id),
        username=fields["un"],
        cnonce=fields["cn"],
        signature=fields["sig"].lower(),
        timestamp_text=timestamp,
        message_id_text=message_id,
    )


def _query_fields(query: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for item in query.split("&"):
        name, sign, value = item.partition("=")
        if name not in _FIELDS:
            continue
        if not sign or name in fields or len(value) > _MAX_FIELD:
            raise ValueError(f"{name} is missing its value, repeated or too long")
        fields[name] = value
    missing = [name for name in _FIELDS if name not in fields]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    return fields


def signature(password: str, timestamp: str, message_id: str, username: str, cnonce: str) -> str:
    """The hex HMAC-SHA1 an ACS puts in ``sig``."""
    text = f"{timestamp}{message_id}{username}{cnonce}".encode()
    return hmac.new(password.encode(), text, hashlib.sha1).hexdigest()


class ReplayGuard:
    """The checks against the credentials, repeats and replays.

    ``last_timestamp`` is the newest accepted timestamp; it is kept across
    restarts so that a message recorded before one is not accepted after it.
    """

    def __init__(self, last_timestamp: int = 0) -> None:
        self.last_timestamp = last_timestamp
        self._accepted: OrderedDict[int, int] = OrderedDict()

    def check(
        self, request: UdpConnectionRequest, credentials: tuple[str, str], now: float
    ) -> Verdict:
        """The verdict; an accepted request is remembered."""
        username, password = credentials
        if request.message_id in self._accepted:
            return Verdict.REPEATED
        if not self._signed_by(request, username, password):
            return Verdict.WRONG_CREDENTIALS
        if request.timestamp < self.last_timestamp or abs(request.timestamp - now) > MAX_CLOCK_SKEW:
            return Verdict.STALE
        self.last_timestamp = request.timestamp
        self._accepted[request.message_id] = request.timestamp
        if len(self._accepted) > REMEMBERED_IDS:
            self._accepted.popitem(last=False)
        return Verdict.ACCEPTED

    @staticmethod
    def _signed_by(request: UdpConnectionRequest, username: str, password: str) -> bool:
        # GenieACS does not URL-encode the username; others may.
        sent = request.username
        if not (same_secret(sent, username) or same_secret(unquote(sent), username)):
            return False
        expected = signature(
            password, request.timestamp_text, request.message_id_text, username, request.cnonce
        )
        return same_secret(expected, request.signature)
