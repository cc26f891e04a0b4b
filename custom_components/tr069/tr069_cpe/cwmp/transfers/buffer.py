"""A size-limited place to stream a downloaded file into."""

from __future__ import annotations

from ..faults import CwmpFault, FaultCode


class LimitedBuffer:
    """Collects chunks in memory; more than ``limit`` bytes is a download failure."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._chunks: list[bytes] = []
        self._size = 0

    def append(self, chunk: bytes) -> None:
        """Add a chunk (fault 9010 beyond the limit)."""
        self._size += len(chunk)
        if self._size > self._limit:
            raise CwmpFault(FaultCode.DOWNLOAD_FAILURE, f"the file exceeds {self._limit} bytes")
        self._chunks.append(chunk)

    def data(self) -> bytes:
        """Everything received."""
        return b"".join(self._chunks)
