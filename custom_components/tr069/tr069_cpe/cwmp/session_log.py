"""The recent CWMP messages, passwords removed: what Upload sends as the Vendor Log File.

Recording is cheap (it runs for every message): the CPE's own messages never
carry a password parameter (they read as ""), so only the ACS's are redacted,
URLs with a password in them in either direction, and long messages are cut.
Decoding happens when the log is read.
"""

from __future__ import annotations

from collections import deque
from datetime import UTC, datetime
import re
from typing import Final

MAX_BYTES: Final = 256 * 1024
MAX_MESSAGE: Final = 32 * 1024

# Text, character references or CDATA sections: everything up to the closing tag.
_CONTENT = rb"(?:<!\[CDATA\[.*?\]\]>|[^<])*"
_SECRET_VALUE = re.compile(
    rb"(<Name>[^<]*(?:Password|Passphrase|PreSharedKey|Secret)</Name>\s*<Value\b[^>]*>)"
    + _CONTENT
    + rb"(</Value>)",
    re.DOTALL,
)
_SECRET_ELEMENT = re.compile(rb"(<(Password|Passphrase)>)" + _CONTENT + rb"(</\2>)", re.DOTALL)
_URL_PASSWORD = re.compile(rb"(://[^:/@<>\s]*:)[^@/<>\s]*(@)")


def redact(message: bytes) -> bytes:
    """The message with every password value replaced by ``***``."""
    message = _SECRET_VALUE.sub(rb"\1***\2", message)
    return _SECRET_ELEMENT.sub(rb"\1***\3", message)


def redact_urls(message: bytes) -> bytes:
    """The message with passwords in URLs (``ftp://user:secret@host``) replaced by ``***``."""
    return _URL_PASSWORD.sub(rb"\1***\2", message) if b"@" in message else message


class SessionLog:
    """A bounded log of the messages exchanged with the ACS."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self._entries: deque[tuple[str, str, bytes, int]] = deque()
        self._size = 0
        self._max_bytes = max_bytes

    def __call__(self, direction: str, message: bytes) -> None:
        """Record one message (``out`` = to the ACS, ``in`` = from the ACS)."""
        if direction == "in":
            message = redact(message)
        message = redact_urls(message)
        kept = message[:MAX_MESSAGE]
        stamp = datetime.now(UTC).isoformat(timespec="milliseconds")
        self._entries.append((stamp, direction, kept, len(message) - len(kept)))
        self._size += len(kept)
        while self._size > self._max_bytes and len(self._entries) > 1:
            self._size -= len(self._entries.popleft()[2])

    def text(self) -> str:
        """The log, oldest message first."""
        lines = []
        for stamp, direction, message, cut in self._entries:
            arrow = "CPE -> ACS" if direction == "out" else "ACS -> CPE"
            body = message.decode("utf-8", "replace") if message else "(empty)"
            more = f"\n[... {cut} more bytes]" if cut else ""
            lines.append(f"--- {stamp} {arrow}\n{body}{more}\n")
        return "".join(lines)
