"""Summaries of repeated measurements: median, p95 and the like."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
import math


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The ``fraction`` quantile (0..1) with linear interpolation between ranks."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    position = (len(ordered) - 1) * fraction
    low = math.floor(position)
    high = math.ceil(position)
    if low == high:
        return ordered[low]
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True, slots=True)
class Summary:
    """What the report shows of a list of samples."""

    median: float
    p95: float
    minimum: float
    maximum: float
    count: int

    @classmethod
    def of(cls, samples: Sequence[float], *, higher_is_better: bool = False) -> Summary:
        """Summarise at least one sample.

        ``p95`` is on the bad side: the 95th percentile, or the 5th when higher values
        are better (95 % of the samples are at least that good).
        """
        return cls(
            median=percentile(samples, 0.5),
            p95=percentile(samples, 0.05 if higher_is_better else 0.95),
            minimum=min(samples),
            maximum=max(samples),
            count=len(samples),
        )
