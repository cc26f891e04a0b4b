"""The session retry back-off table (TR-069 3.2.1.1)."""

from __future__ import annotations

import random

import pytest

from tr069_cpe.cwmp.retry import retry_wait, retry_wait_bounds

# Table 3 with the default m = 5 s and k = 2000.
DEFAULT_TABLE = [
    (1, 5, 10),
    (2, 10, 20),
    (3, 20, 40),
    (4, 40, 80),
    (5, 80, 160),
    (6, 160, 320),
    (7, 320, 640),
    (8, 640, 1280),
    (9, 1280, 2560),
    (10, 2560, 5120),
]


@pytest.mark.parametrize(("retry", "low", "high"), DEFAULT_TABLE)
def test_default_table(retry: int, low: int, high: int) -> None:
    assert retry_wait_bounds(retry) == (low, high)


@pytest.mark.parametrize("retry", [10, 11, 25, 1000])
def test_no_growth_after_the_tenth_retry(retry: int) -> None:
    assert retry_wait_bounds(retry) == (2560, 5120)


def test_custom_interval_and_multiplier() -> None:
    assert retry_wait_bounds(1, 30, 1500) == (30, 45)
    assert retry_wait_bounds(3, 30, 1500) == pytest.approx((67.5, 101.25))
    assert retry_wait_bounds(4, 1, 1000) == (1, 1)


def test_random_wait_stays_within_bounds() -> None:
    rng = random.Random(7)
    for retry in range(1, 13):
        low, high = retry_wait_bounds(retry)
        waits = [retry_wait(retry, rng=rng) for _ in range(200)]
        assert all(low <= wait <= high for wait in waits)
        assert max(waits) - min(waits) > (high - low) / 2


def test_retry_count_starts_at_one() -> None:
    with pytest.raises(ValueError, match="starts at 1"):
        retry_wait_bounds(0)
