"""The recent CWMP messages, passwords redacted: what Upload sends as the Vendor Log File.

Recording is cheap (it runs for every message, on the event loop): a long message is
cut where no secret can be cut in half, and kept as it came. Redacting and decoding
happen when the log is read (an Upload of the Vendor Log File), so that the log never
leaves the agent with a password in it.
"""

from __future__ import annotations

from collections import deque
from datetime import UTC, datetime
from typing import Final

from .redaction import redact, safe_prefix

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
        kept = safe_prefix(message, MAX_MESSAGE)
        cut = len(message) - len(kept)
        stamp = datetime.now(UTC).isoformat(timespec="milliseconds")
        self._entries.append((stamp, direction, kept, cut))
        self._size += len(kept)
        while self._size > self._max_bytes and len(self._entries) > 1:
            self._size -= len(self._entries.popleft()[2])

    def text(self) -> str:
        """The log, oldest message first."""
        lines = []
        for stamp, direction, message, cut in self._entries:
            arrow = "CPE -> ACS" if direction == "out" else "ACS -> CPE"
            body = redact(message).decode("utf-8", "replace") if message else "(empty)"
            more = f"\n[... {cut} more bytes]" if cut else ""
            lines.append(f"--- {stamp} {arrow}\n{body}{more}\n")
        return "".join(lines)
