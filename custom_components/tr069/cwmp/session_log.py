"""The recent CWMP messages, passwords removed: what Upload sends as the Vendor Log File."""

from __future__ import annotations

from collections import deque
from datetime import UTC, datetime
import re
from typing import Final

MAX_BYTES: Final = 256 * 1024

_SECRET_VALUE = re.compile(
    r"(<Name>[^<]*(?:Password|Passphrase|PreSharedKey|Secret)</Name>\s*<Value\b[^>]*>)[^<]*(</Value>)"
)
_SECRET_ELEMENT = re.compile(r"(<(Password|Passphrase)>)[^<]*(</\2>)")


def redact(text: str) -> str:
    """The message with every password value replaced by ``***``."""
    text = _SECRET_VALUE.sub(r"\1***\2", text)
    return _SECRET_ELEMENT.sub(r"\1***\3", text)


class SessionLog:
    """A bounded log of the messages exchanged with the ACS."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self._entries: deque[str] = deque()
        self._size = 0
        self._max_bytes = max_bytes

    def __call__(self, direction: str, message: bytes) -> None:
        """Record one message (``out`` = to the ACS, ``in`` = from the ACS)."""
        arrow = "CPE -> ACS" if direction == "out" else "ACS -> CPE"
        body = redact(message.decode("utf-8", "replace")) if message else "(empty)"
        entry = f"--- {datetime.now(UTC).isoformat(timespec='milliseconds')} {arrow}\n{body}\n"
        self._entries.append(entry)
        self._size += len(entry)
        while self._size > self._max_bytes and len(self._entries) > 1:
            self._size -= len(self._entries.popleft())

    def text(self) -> str:
        """The log, oldest message first."""
        return "".join(self._entries)
