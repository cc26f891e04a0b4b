"""A measured figure, its floor, its target and whether the target is met."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .stats import Summary

NOT_IMPLEMENTED = "n/a (not yet implemented)"


class Stat(StrEnum):
    """Which statistic of a figure a target applies to."""

    MEDIAN = "median"
    P95 = "p95"
    MAX = "max"
    RATIO = "ratio"


@dataclass(frozen=True, slots=True)
class Target:
    """A goal such as "p95 < 100 ms" or "ratio < 3x the floor"."""

    limit: float
    stat: Stat = Stat.MEDIAN
    higher_is_better: bool = False

    def describe(self, unit: str) -> str:
        """Human-readable form, e.g. ``p95 < 100 ms``."""
        sign = ">" if self.higher_is_better else "<"
        if self.stat is Stat.RATIO:
            return f"ratio {sign} {self.limit:g}x"
        return f"{self.stat.value} {sign} {self.limit:g} {unit}".rstrip()

    def met_by(self, value: float) -> bool:
        """Whether ``value`` (of :attr:`stat`) meets the target."""
        return value > self.limit if self.higher_is_better else value < self.limit


@dataclass(slots=True)
class Figure:
    """One line of the report.

    ``samples`` are the measurements of the agent; ``floor`` the same measurements of
    the floor (the least work that could produce the same result), taken in the same
    run, interleaved.  ``ratio`` is how many times costlier the agent is than its floor
    (above 1 = slower or bigger), whatever the direction of the unit.
    """

    id: str
    title: str
    unit: str
    samples: list[float] = field(default_factory=list)
    floor: list[float] | None = None
    floor_title: str = ""
    targets: tuple[Target, ...] = ()
    higher_is_better: bool = False
    na: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def measured(self) -> bool:
        """Whether there is a value (not n/a)."""
        return self.na is None and bool(self.samples)

    @property
    def summary(self) -> Summary | None:
        """Median, p95 ... of the samples."""
        return (
            Summary.of(self.samples, higher_is_better=self.higher_is_better)
            if self.measured
            else None
        )

    @property
    def floor_summary(self) -> Summary | None:
        """Median, p95 ... of the floor's samples."""
        if not self.measured or not self.floor:
            return None
        return Summary.of(self.floor, higher_is_better=self.higher_is_better)

    @property
    def ratio(self) -> float | None:
        """Agent cost / floor cost, from the medians."""
        value, floor = self.summary, self.floor_summary
        if value is None or floor is None:
            return None
        costly, cheap = (
            (floor.median, value.median)
            if self.higher_is_better
            else (
                value.median,
                floor.median,
            )
        )
        return costly / cheap if cheap > 0 else None

    def statistic(self, stat: Stat) -> float | None:
        """The value a target looks at."""
        summary = self.summary
        if summary is None:
            return None
        match stat:
            case Stat.MEDIAN:
                return summary.median
            case Stat.P95:
                return summary.p95
            case Stat.MAX:
                return summary.maximum
            case Stat.RATIO:
                return self.ratio

    def verdicts(self) -> list[tuple[Target, bool | None]]:
        """Each target and whether it is met (None when not measured)."""
        out: list[tuple[Target, bool | None]] = []
        for target in self.targets:
            value = self.statistic(target.stat)
            out.append((target, None if value is None else target.met_by(value)))
        return out

    def to_json(self) -> dict[str, Any]:
        """The figure as the JSON report holds it."""
        summary, floor = self.summary, self.floor_summary
        return {
            "id": self.id,
            "title": self.title,
            "unit": self.unit,
            "status": "ok" if self.measured else "n/a",
            "na_reason": None if self.measured else (self.na or "no samples"),
            "median": summary.median if summary else None,
            "p95": summary.p95 if summary else None,
            "min": summary.minimum if summary else None,
            "max": summary.maximum if summary else None,
            "samples": summary.count if summary else 0,
            "higher_is_better": self.higher_is_better,
            "floor": None
            if floor is None
            else {
                "what": self.floor_title,
                "median": floor.median,
                "p95": floor.p95,
                "samples": floor.count,
            },
            "ratio": self.ratio,
            "targets": [
                {
                    "text": target.describe(self.unit),
                    "stat": target.stat.value,
                    "limit": target.limit,
                    "met": met,
                }
                for target, met in self.verdicts()
            ],
            "detail": self.detail,
        }


def not_available(
    figure_id: str,
    title: str,
    unit: str,
    reason: str = NOT_IMPLEMENTED,
    targets: tuple[Target, ...] = (),
) -> Figure:
    """A figure that cannot be measured yet (printed as n/a, never faked)."""
    return Figure(figure_id, title, unit, targets=targets, na=reason)
