"""A size-limited place to stream a downloaded file into, at a minimum rate."""

from __future__ import annotations

from collections.abc import Callable
import time

from .. import limits
from ..faults import CwmpFault, FaultCode


class LimitedBuffer:
    """Collects chunks in memory; beyond ``limit`` bytes, or too slow, it is a download failure.

    The rate is measured over windows of TRANSFER_RATE_WINDOW seconds: a file server
    that sends less than MIN_TRANSFER_RATE bytes per second over one of them ends the
    download (fault 9010), so that a server dripping a byte at a time cannot hold it.
    """

    def __init__(self, limit: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._limit = limit
        self._chunks: list[bytes] = []
        self._size = 0
        self._clock = clock
        self._window_start = clock()
        self._window_bytes = 0

    def append(self, chunk: bytes) -> None:
        """Add a chunk (fault 9010 beyond the limit or below the minimum rate)."""
        self._size += len(chunk)
        if self._size > self._limit:
            raise CwmpFault(FaultCode.DOWNLOAD_FAILURE, f"the file exceeds {self._limit} bytes")
        self._chunks.append(chunk)
        self._check_rate(len(chunk))

    def _check_rate(self, received: int) -> None:
        self._window_bytes += received
        elapsed = self._clock() - self._window_start
        if elapsed < limits.TRANSFER_RATE_WINDOW:
            return
        if self._window_bytes < limits.MIN_TRANSFER_RATE * elapsed:
            raise CwmpFault(
                FaultCode.DOWNLOAD_FAILURE,
                f"the file server sent {self._window_bytes} bytes in {elapsed:.0f} s, "
                f"less than {limits.MIN_TRANSFER_RATE} bytes per second",
            )
        self._window_start += elapsed
        self._window_bytes = 0

    def data(self) -> bytes:
        """Everything received."""
        return b"".join(self._chunks)
