"""HTTP Basic and Digest authentication (RFC 7616 / RFC 2617), both sides.

The client side answers an ACS's (or a file server's) challenge; the server
side protects the Connection Request URL with expiring, single-use-counter
nonces.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
import hashlib
import hmac
import re
import secrets
import time
from typing import Final

_PARAM = re.compile(r'\s*([A-Za-z0-9_-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]+)\s*,?')
_HASHES: Final = {
    "MD5": hashlib.md5,
    "MD5-SESS": hashlib.md5,
    "SHA-256": hashlib.sha256,
    "SHA-256-SESS": hashlib.sha256,
}


def _hash(algorithm: str, text: str) -> str:
    return _HASHES[algorithm.upper()](text.encode()).hexdigest()


def parse_challenges(header: str) -> dict[str, dict[str, str]]:
    """``WWW-Authenticate`` → {scheme (lower case): {param: value}}.

    Handles several challenges in one header (``Digest …, Basic realm=…``).
    """
    challenges: dict[str, dict[str, str]] = {}
    position = 0
    scheme: str | None = None
    while position < len(header):
        match = _PARAM.match(header, position)
        if match is not None and scheme is not None:
            value = match.group(2)
            if value.startswith('"'):
                value = re.sub(r"\\(.)", r"\1", value[1:-1])
            challenges[scheme][match.group(1).lower()] = value
            position = match.end()
            continue
        word = re.match(r"\s*,?\s*([A-Za-z0-9_-]+)", header[position:])
        if word is None:
            break
        scheme = word.group(1).lower()
        challenges.setdefault(scheme, {})
        position += word.end()
    return challenges


def parse_authorization(header: str) -> tuple[str, dict[str, str]]:
    """``Authorization`` → (scheme in lower case, params); Basic gives {"token": …}."""
    scheme, _, rest = header.strip().partition(" ")
    scheme = scheme.lower()
    if scheme == "basic":
        return scheme, {"token": rest.strip()}
    return scheme, parse_challenges(f"{scheme} {rest}").get(scheme, {})


def basic_header(username: str, password: str) -> str:
    """``Authorization`` value for Basic."""
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


@dataclass(slots=True)
class DigestClient:
    """Answers one Digest challenge, request after request (nonce counts go up)."""

    username: str
    password: str
    challenge: dict[str, str]
    _nc: int = 0
    _cnonce: str = field(default_factory=lambda: secrets.token_hex(8))

    @property
    def algorithm(self) -> str:
        """The challenge's algorithm (MD5 when it names none)."""
        return self.challenge.get("algorithm", "MD5").upper()

    @property
    def supported(self) -> bool:
        """Whether this client can answer the challenge."""
        qops = self._qops()
        return self.algorithm in _HASHES and (not qops or "auth" in qops)

    def _qops(self) -> list[str]:
        return [q.strip() for q in self.challenge.get("qop", "").split(",") if q.strip()]

    def header(self, method: str, uri: str) -> str:
        """``Authorization`` value for the next request."""
        self._nc += 1
        realm = self.challenge.get("realm", "")
        nonce = self.challenge.get("nonce", "")
        algorithm = self.algorithm
        ha1 = _hash(algorithm, f"{self.username}:{realm}:{self.password}")
        if algorithm.endswith("-SESS"):
            ha1 = _hash(algorithm, f"{ha1}:{nonce}:{self._cnonce}")
        ha2 = _hash(algorithm, f"{method}:{uri}")
        parts = [
            f'username="{_quote(self.username)}"',
            f'realm="{_quote(realm)}"',
            f'nonce="{_quote(nonce)}"',
            f'uri="{_quote(uri)}"',
            f"algorithm={self.challenge.get('algorithm', 'MD5')}",
        ]
        if self._qops():
            nc = f"{self._nc:08x}"
            response = _hash(algorithm, f"{ha1}:{nonce}:{nc}:{self._cnonce}:auth:{ha2}")
            parts += ["qop=auth", f"nc={nc}", f'cnonce="{self._cnonce}"']
        else:
            response = _hash(algorithm, f"{ha1}:{nonce}:{ha2}")
        parts.append(f'response="{response}"')
        if "opaque" in self.challenge:
            parts.append(f'opaque="{_quote(self.challenge["opaque"])}"')
        return "Digest " + ", ".join(parts)


def same_secret(left: str, right: str) -> bool:
    """Equal, compared in constant time (credentials, MACs, signatures).

    As bytes: compare_digest refuses strings with non-ASCII characters, which a hostile
    nonce (base64 of any UTF-8), header or XMPP stanza brings.
    """
    return hmac.compare_digest(left.encode(), right.encode())


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


class DigestServer:
    """Issues and checks Digest (MD5, qop=auth) credentials for one realm.

    Nonces are stateless HMACs over their creation time, valid for ``nonce_ttl``
    seconds; within that time each nonce count must grow, so a captured request
    cannot be replayed.
    """

    def __init__(self, realm: str, nonce_ttl: float = 300.0) -> None:
        self.realm = realm
        self.nonce_ttl = nonce_ttl
        self._secret = secrets.token_bytes(32)
        self._opaque = secrets.token_hex(16)
        # Nonces in use: when each was issued, and the last nonce count it came with.
        self._last_nc: dict[str, tuple[float, int]] = {}
        self._swept = time.monotonic()

    def _make_nonce(self, issued: float) -> str:
        stamp = str(int(issued * 1_000_000))  # microseconds, rounded down: never ahead of now
        mac = hmac.new(self._secret, stamp.encode(), hashlib.sha256).hexdigest()[:32]
        return base64.b64encode(f"{stamp}:{mac}".encode()).decode("ascii")

    def _nonce_age(self, nonce: str, now: float) -> float | None:
        try:
            stamp, mac = base64.b64decode(nonce, validate=True).decode().split(":")
            issued = int(stamp) / 1_000_000
        except ValueError:
            return None
        expected = hmac.new(self._secret, stamp.encode(), hashlib.sha256).hexdigest()[:32]
        if not same_secret(mac, expected):
            return None
        return now - issued

    def challenge(self, *, stale: bool = False) -> str:
        """``WWW-Authenticate`` value with a fresh nonce."""
        self._forget_expired(time.monotonic())
        nonce = self._make_nonce(time.monotonic())
        header = (
            f'Digest realm="{self.realm}", qop="auth", nonce="{nonce}", '
            f'opaque="{self._opaque}", algorithm=MD5'
        )
        return header + (", stale=true" if stale else "")

    def verify(
        self, method: str, uri: str, authorization: str | None, username: str, password: str
    ) -> bool | None:
        """True when valid; None when only the nonce is stale; False otherwise."""
        if not authorization:
            return False
        scheme, params = parse_authorization(authorization)
        if scheme != "digest" or params.get("username") != username:
            return False
        if params.get("uri") != uri:
            return False
        nonce = params.get("nonce", "")
        now = time.monotonic()
        age = self._nonce_age(nonce, now)
        if age is None or age < 0:
            return False
        expected = self._expected(method, params, password)
        if expected is None or not same_secret(expected, params.get("response", "")):
            return False
        if age > self.nonce_ttl:
            return None
        return self._count_ok(nonce, now - age, params.get("nc", ""))

    def _expected(self, method: str, params: dict[str, str], password: str) -> str | None:
        if params.get("realm") != self.realm or params.get("qop") != "auth":
            return None
        if params.get("algorithm", "MD5").upper() != "MD5":
            return None
        ha1 = _hash("MD5", f"{params.get('username')}:{self.realm}:{password}")
        ha2 = _hash("MD5", f"{method}:{params.get('uri', '')}")
        return _hash(
            "MD5",
            f"{ha1}:{params.get('nonce')}:{params.get('nc')}:{params.get('cnonce')}:auth:{ha2}",
        )

    def _count_ok(self, nonce: str, issued: float, nc_text: str) -> bool:
        try:
            nc = int(nc_text, 16)
        except ValueError:
            return False
        if nc <= self._last_nc.get(nonce, (issued, 0))[1]:
            return False
        self._last_nc[nonce] = (issued, nc)
        return True

    def _forget_expired(self, now: float) -> None:
        """Drop the counts of expired nonces (a sweep every quarter of their lifetime)."""
        if now - self._swept < self.nonce_ttl / 4:
            return
        self._swept = now
        self._last_nc = {
            nonce: entry
            for nonce, entry in self._last_nc.items()
            if now - entry[0] <= self.nonce_ttl
        }
