"""Passwords out of everything the agent writes: logs, SOAP logs, the Vendor Log File.

A parameter is secret when its name says so (every hidden parameter's name does: a
test checks it). In a SOAP message the values of secret parameters, the ``Password``
of Download/Upload/ScheduleDownload and the password of any URL become ``<redacted>``;
the names stay, so that the message still says what was set.
"""

from __future__ import annotations

import re
from typing import Final

REDACTED: Final = "<redacted>"
_REDACTED_XML: Final = b"&lt;redacted&gt;"

_SECRET_WORDS: Final = r"password|passphrase|presharedkey|secret|wepkey|psk"  # noqa: S105
_SECRET_NAME: Final = re.compile(_SECRET_WORDS, re.IGNORECASE)
_SECRET_NAME_BYTES: Final = re.compile(_SECRET_WORDS.encode(), re.IGNORECASE)
_URL_PASSWORD: Final = re.compile(r"(://[^:/@<>\s]*:)[^@/<>\s]*(@)")
_URL_PASSWORD_BYTES: Final = re.compile(rb"(://[^:/@<>\s]*:)[^@/<>\s]*(@)")
# Whether a message can hold a secret at all: one scan, most messages stop here.
_MAY_HOLD_SECRET: Final = re.compile(
    rb"(?:" + _SECRET_WORDS.encode() + rb")|://[^/@<>\s]*@", re.IGNORECASE
)

_PREFIX = rb"(?:[\w.-]+:)?"
# Text, character references or CDATA sections, up to the closing tag.
_CONTENT = rb"(?:<!\[CDATA\[.*?\]\]>|[^<])*"
_VALUE_STRUCT: Final = re.compile(
    rb"<(" + _PREFIX + rb"ParameterValueStruct)\b[^>]*>.*?</\1\s*>", re.DOTALL
)
# What comes between "<" and a tag's name: "/" for a closing tag, a namespace prefix.
_TAG_START: Final = re.compile(rb"/?" + _PREFIX)
_NAME: Final = re.compile(
    rb"<(" + _PREFIX + rb"Name)\b[^>]*>(" + _CONTENT + rb")</\1\s*>", re.DOTALL
)
_VALUE: Final = re.compile(
    rb"(<(" + _PREFIX + rb"Value)\b[^>]*(?<!/)>)" + _CONTENT + rb"(</\2\s*>)", re.DOTALL
)
_PASSWORD_ELEMENT: Final = re.compile(
    rb"(<(" + _PREFIX + rb"(?:Password|Passphrase))\b[^>]*(?<!/)>)" + _CONTENT + rb"(</\2\s*>)",
    re.DOTALL,
)


def is_secret_name(name: str) -> bool:
    """Whether a parameter of this name holds a secret (its value is never shown)."""
    return _SECRET_NAME.search(name) is not None


def redact_url(text: str) -> str:
    """``text`` with the password of every URL in it (``ftp://user:pw@host``) redacted."""
    return _URL_PASSWORD.sub(rf"\1{REDACTED}\2", text) if "@" in text else text


def redact(message: bytes) -> bytes:
    """A SOAP message with every secret value redacted (still well-formed XML)."""
    if _MAY_HOLD_SECRET.search(message) is None:
        return message
    message = _VALUE_STRUCT.sub(_redact_struct, message)
    message = _PASSWORD_ELEMENT.sub(rb"\1" + _REDACTED_XML + rb"\3", message)
    return _URL_PASSWORD_BYTES.sub(rb"\1" + _REDACTED_XML + rb"\2", message)


def safe_prefix(message: bytes, size: int) -> bytes:
    """At most ``size`` bytes of ``message``, cut where :func:`redact` still sees every secret.

    The cut falls after the last closing tag that fits (no element is left open with a
    secret in it: a password, a URL) and before a ParameterValueStruct left open (its
    name and value stay together). Text without tags is cut at a space.
    """
    if len(message) <= size:
        return message
    end = _last_closing_tag_end(message, size)
    if end is None:
        return message[: max(message.rfind(b" ", 0, size), 0)]
    kept = message[:end]
    opened = _open_struct(kept)
    return kept if opened is None else kept[:opened]


def _last_closing_tag_end(message: bytes, size: int) -> int | None:
    start = message.rfind(b"</", 0, size)
    while start != -1:
        close = message.find(b">", start, size)
        if close != -1:
            return close + 1
        start = message.rfind(b"</", 0, start)
    return None


def _open_struct(text: bytes) -> int | None:
    """Where a ParameterValueStruct left open at the end of ``text`` begins, if one is."""
    at = text.rfind(b"ParameterValueStruct")
    while at != -1:
        opening = text.rfind(b"<", 0, at)
        if opening != -1 and _TAG_START.fullmatch(text, opening + 1, at):
            return None if text[opening + 1 : opening + 2] == b"/" else opening
        at = text.rfind(b"ParameterValueStruct", 0, at)  # in a text, not a tag
    return None


def _redact_struct(match: re.Match[bytes]) -> bytes:
    struct = match.group(0)
    name = _NAME.search(struct)
    if name is None or _SECRET_NAME_BYTES.search(name.group(2)) is None:
        return struct
    return _VALUE.sub(rb"\1" + _REDACTED_XML + rb"\3", struct)
