"""Logging that an attacker cannot turn into a flood: one line per source per minute.

The first refusal from a source is logged; the next ones within QUIET_LOG_INTERVAL
are only counted, and the count goes into the next line logged for that source.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
import logging
import time
from typing import Final

from .. import limits

MAX_SOURCES: Final = 256


@dataclass(slots=True)
class _Source:
    logged_at: float
    unlogged: int = 0


class QuietLog:
    """Per-source rate-limited log lines (bounded memory: the least recent are forgotten)."""

    def __init__(self, logger: logging.Logger, clock: Callable[[], float] = time.monotonic) -> None:
        self._logger = logger
        self._clock = clock
        self._sources: OrderedDict[str, _Source] = OrderedDict()

    def __call__(self, level: int, source: str, message: str, *args: object) -> None:
        """Log ``message % args`` about ``source`` unless a line about it was logged lately."""
        now = self._clock()
        entry = self._sources.pop(source, None)
        self._sources[source] = entry or _Source(now - limits.QUIET_LOG_INTERVAL)
        entry = self._sources[source]
        if len(self._sources) > MAX_SOURCES:
            self._sources.popitem(last=False)
        if now - entry.logged_at < limits.QUIET_LOG_INTERVAL:
            entry.unlogged += 1
            return
        more = f" (and {entry.unlogged} more since the last line)" if entry.unlogged else ""
        template = message + "%s"
        self._logger.log(level, template, *args, more)
        entry.logged_at, entry.unlogged = now, 0
