"""Session retry back-off (TR-069 Amendment 6, 3.2.1.1, Table 3)."""

from __future__ import annotations

import random

MAX_GROWING_RETRY = 10


def retry_wait_bounds(
    retry_count: int, minimum_wait: int = 5, multiplier: int = 2000
) -> tuple[float, float]:
    """Bounds of the wait before retry number ``retry_count`` (1 = first retry).

    The wait is random in [m·(k/1000)^(n-1), m·(k/1000)^n] with m =
    CWMPRetryMinimumWaitInterval and k = CWMPRetryIntervalMultiplier; it stops
    growing from the tenth retry on (2560-5120 s with the defaults).
    """
    if retry_count < 1:
        raise ValueError("retry_count starts at 1")
    step = min(retry_count, MAX_GROWING_RETRY)
    factor = multiplier / 1000
    return minimum_wait * factor ** (step - 1), minimum_wait * factor**step


def retry_wait(
    retry_count: int,
    minimum_wait: int = 5,
    multiplier: int = 2000,
    rng: random.Random | None = None,
) -> float:
    """A random wait within :func:`retry_wait_bounds`."""
    low, high = retry_wait_bounds(retry_count, minimum_wait, multiplier)
    return (rng or random).uniform(low, high)
