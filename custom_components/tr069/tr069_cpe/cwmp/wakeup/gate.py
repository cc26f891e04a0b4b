"""What every way of waking the gateway shares: credentials, rate limits, the agent to wake.

The standard asks for one limit on accepted Connection Requests, whichever way
they come (HTTP, XMPP, UDP): they share one bucket here. Every request also counts
against its source, so a host that floods a port, or guesses passwords, is refused
without using up the ACS's share.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
import logging
import time
from typing import Final

from .quiet import QuietLog

_LOGGER = logging.getLogger(__name__)

# Source addresses whose buckets are remembered (the least recent are forgotten).
MAX_SOURCES: Final = 256


@dataclass(frozen=True, slots=True)
class RateLimit:
    """Token bucket: ``burst`` requests at once, refilled at ``per_second``."""

    burst: int = 20
    per_second: float = 1.0


class TokenBucket:
    """Takes a token if one is left; tokens come back at the limit's rate."""

    def __init__(self, limit: RateLimit) -> None:
        self._limit = limit
        self._tokens = float(limit.burst)
        self._stamp = time.monotonic()

    def take(self) -> bool:
        """One token, or False when none is left."""
        now = time.monotonic()
        self._tokens = min(
            self._limit.burst, self._tokens + (now - self._stamp) * self._limit.per_second
        )
        self._stamp = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True


class SourceBuckets:
    """One bucket per source address, twice the shared allowance.

    Twice, because a Digest request takes two HTTP requests (challenge, answer).
    """

    def __init__(self, limit: RateLimit) -> None:
        self._limit = RateLimit(burst=2 * limit.burst, per_second=2 * limit.per_second)
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, source: str) -> bool:
        """A token of this source's bucket."""
        bucket = self._buckets.pop(source, None) or TokenBucket(self._limit)
        self._buckets[source] = bucket
        if len(self._buckets) > MAX_SOURCES:
            self._buckets.popitem(last=False)
        return bucket.take()


class WakeUpGate:
    """The Connection Request credentials, the shared limits, and the agent to wake."""

    def __init__(
        self,
        credentials: Callable[[], tuple[str, str]],
        wake: Callable[[], None],
        rate_limit: RateLimit | None = None,
    ) -> None:
        limit = rate_limit or RateLimit()
        self.credentials = credentials
        self._wake = wake
        self._accepted = TokenBucket(limit)
        self.sources = SourceBuckets(limit)
        self._quiet = QuietLog(_LOGGER)

    def from_source(self, source: str) -> bool:
        """Whether a request from ``source`` is looked at (its own allowance is not used up)."""
        return self.sources.take(source)

    def refused(self, method: str, source: str, reason: str) -> None:
        """Log a refused request: one line per method and source a minute, the rest counted."""
        self._quiet(
            logging.INFO,
            f"{method} {source}",
            "%s Connection Request from %s refused: %s",
            method,
            source,
            reason,
        )

    def admit(self, method: str) -> bool:
        """Whether an authenticated request is within the shared limit."""
        if self._accepted.take():
            return True
        message = "%s Connection Request refused: rate limit reached"
        self._quiet(logging.WARNING, method, message, method)
        return False

    def wake(self, method: str) -> None:
        """An admitted request has been answered: one session soon (bursts merge)."""
        _LOGGER.debug("%s Connection Request accepted", method)
        self._wake()
