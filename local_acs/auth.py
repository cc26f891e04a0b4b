"""HTTP Basic and Digest (RFC 2617, MD5) authentication, both server and client side.

Server side follows GenieACS: realm ``GenieACS``, a fresh 128-bit hex nonce per challenge;
the CWMP endpoint ties each nonce to the TCP connection it was issued on (the caller keeps
that mapping), the file server accepts any nonce it issued.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
from typing import Literal, NamedTuple

REALM = "GenieACS"

Scheme = Literal["basic", "digest"]

_PARAM_RE = re.compile(r'\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?')


class Credentials(NamedTuple):
    """An authentication requirement: scheme, username, password."""

    scheme: Scheme
    username: str
    password: str


def md5_hex(value: str) -> str:
    """Hex MD5 digest of a UTF-8 string (Digest authentication is MD5 by default)."""
    return hashlib.md5(value.encode(), usedforsecurity=False).hexdigest()


def parse_auth_header(value: str) -> tuple[str, dict[str, str]]:
    """Split ``Digest a="b", c=d`` into ``("digest", {"a": "b", "c": "d"})``.

    For Basic, the parameters hold the single key ``"token"`` with the base64 string.
    """
    scheme, _, rest = value.strip().partition(" ")
    if scheme.lower() == "basic":
        return "basic", {"token": rest.strip()}
    params = {
        m.group(1).lower(): (
            m.group(2).replace('\\"', '"') if m.group(2) is not None else m.group(3)
        )
        for m in _PARAM_RE.finditer(rest)
    }
    return scheme.lower(), params


def new_nonce() -> str:
    """A fresh random nonce (32 hex digits, like GenieACS)."""
    return secrets.token_hex(16)


def challenge(scheme: Scheme, nonce: str) -> str:
    """The ``WWW-Authenticate`` value GenieACS sends (qop restricted to ``auth``)."""
    if scheme == "basic":
        return f'Basic realm="{REALM}"'
    return f'Digest realm="{REALM}",qop="auth",nonce="{nonce}"'


def digest_response(
    username: str,
    realm: str,
    password: str,
    method: str,
    uri: str,
    *,
    nonce: str,
    qop: str | None = None,
    nc: str = "",
    cnonce: str = "",
) -> str:
    """The RFC 2617 ``response`` value (MD5; qop ``auth`` or none)."""
    ha1 = md5_hex(f"{username}:{realm}:{password}")
    ha2 = md5_hex(f"{method}:{uri}")
    if qop:
        return md5_hex(f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}")
    return md5_hex(f"{ha1}:{nonce}:{ha2}")


def verify(
    header: str | None,
    method: str,
    expected: Credentials,
    nonce_ok: set[str] | str | None,
) -> bool:
    """Check an ``Authorization`` header against ``expected``.

    ``nonce_ok`` is the nonce (or the set of nonces) the server accepts for this request;
    a Digest answer to any other nonce fails, as GenieACS's per-connection nonce check does.
    """
    if not header:
        return False
    scheme, params = parse_auth_header(header)
    if scheme != expected.scheme:
        return False
    if scheme == "basic":
        try:
            decoded = base64.b64decode(params["token"], validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return False
        return decoded == f"{expected.username}:{expected.password}"
    nonce = params.get("nonce", "")
    accepted = {nonce_ok} if isinstance(nonce_ok, str) else (nonce_ok or set())
    if nonce not in accepted or params.get("username") != expected.username:
        return False
    qop = params.get("qop")
    if qop and (qop != "auth" or not params.get("cnonce") or not params.get("nc")):
        return False
    wanted = digest_response(
        expected.username,
        params.get("realm", ""),
        expected.password,
        method,
        params.get("uri", ""),
        nonce=nonce,
        qop=qop,
        nc=params.get("nc", ""),
        cnonce=params.get("cnonce", ""),
    )
    return params.get("realm") == REALM and secrets.compare_digest(
        wanted, params.get("response", "")
    )


def basic_header(username: str, password: str) -> str:
    """``Authorization`` value for Basic."""
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def solve_challenge(
    www_authenticate: str, username: str, password: str, method: str, uri: str
) -> str:
    """``Authorization`` value answering a Basic or Digest challenge (client side)."""
    scheme, params = parse_auth_header(www_authenticate)
    if scheme == "basic":
        return basic_header(username, password)
    if scheme != "digest":
        raise ValueError(f"unsupported authentication scheme {scheme!r}")
    realm, nonce = params.get("realm", ""), params.get("nonce", "")
    qops = [q.strip() for q in params.get("qop", "").split(",") if q.strip()]
    qop = "auth" if "auth" in qops else None
    if qops and qop is None:
        raise ValueError(f"unsupported Digest qop {params['qop']!r}")
    nc, cnonce = "00000001", secrets.token_hex(8)
    response = digest_response(
        username, realm, password, method, uri, nonce=nonce, qop=qop, nc=nc, cnonce=cnonce
    )
    fields = [
        f'username="{username}"',
        f'realm="{realm}"',
        f'nonce="{nonce}"',
        f'uri="{uri}"',
        f'response="{response}"',
    ]
    if qop:
        fields += [f"qop={qop}", f"nc={nc}", f'cnonce="{cnonce}"']
    if "opaque" in params:
        fields.append(f'opaque="{params["opaque"]}"')
    if "algorithm" in params:
        fields.append(f"algorithm={params['algorithm']}")
    return "Digest " + ", ".join(fields)
