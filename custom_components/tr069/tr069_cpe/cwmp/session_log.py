"""The recent CWMP messages, passwords redacted: what Upload sends as the Vendor Log File.

Recording is cheap (it runs for every message): most messages hold nothing secret and
:func:`redact` returns them after one scan; long messages are cut. Decoding happens
when the log is read.
"""

from __future__ import annotations

from collections import deque
from datetime import UTC, datetime
from typing import Final

from .redaction import redact

MAX_BYTES: Final = 256 * 1024
MAX_MESSAGE: Final = 32 * 1024


class SessionLog:
    """A bounded log of the messages exchanged with the ACS."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self._entries: deque[tuple[str, str, bytes, int]] = deque()
        self._size = 0
        self._max_bytes = max_bytes

    def __call__(self, direction: str, message: bytes) -> None:
        """Record one message (``out`` = to the ACS, ``in`` = from the ACS)."""
        message = redact(message)
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
