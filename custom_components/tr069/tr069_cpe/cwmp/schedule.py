"""When the next periodic Inform is due (PeriodicInformInterval and its phase)."""

from __future__ import annotations

from datetime import datetime
import math

from .datamodel import UNKNOWN_TIME


def next_periodic_inform(
    now: float, interval: int, phase: datetime | None, reference: float
) -> float:
    """Time (epoch seconds) of the next periodic Inform strictly after ``now``.

    With a known PeriodicInformTime, Informs fall on that time plus whole
    multiples of the interval (before or after it). Without one, they fall on
    ``reference`` (when the schedule last changed) plus multiples.
    """
    anchor = reference if phase is None or phase == UNKNOWN_TIME else phase.timestamp()
    steps = math.floor((now - anchor) / interval) + 1
    return anchor + steps * interval
