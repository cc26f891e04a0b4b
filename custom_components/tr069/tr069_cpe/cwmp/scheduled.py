"""Informs the ACS scheduled with ScheduleInform; persisted, so they survive restarts."""

from __future__ import annotations

from dataclasses import dataclass
import math
from typing import Any

from .faults import CwmpFault, FaultCode
from .limits import MAX_SCHEDULED_INFORMS


@dataclass(frozen=True, slots=True)
class ScheduledInform:
    """One ScheduleInform: when it is due and its CommandKey."""

    due: float
    command_key: str


class ScheduledInforms:
    """The pending ScheduleInforms, each independent of the others."""

    def __init__(self) -> None:
        self._items: list[ScheduledInform] = []

    def __len__(self) -> int:
        return len(self._items)

    def add(self, due: float, command_key: str) -> None:
        """Schedule one more Inform; fault 9004 when MAX_SCHEDULED_INFORMS are pending."""
        if len(self._items) >= MAX_SCHEDULED_INFORMS:
            raise CwmpFault(
                FaultCode.RESOURCES_EXCEEDED,
                f"{MAX_SCHEDULED_INFORMS} ScheduleInforms are pending",
            )
        self._items.append(ScheduledInform(due, command_key))

    def next_due(self) -> float:
        """When the next one is due (infinity when none is pending)."""
        return min((item.due for item in self._items), default=math.inf)

    def pop_due(self, now: float) -> list[ScheduledInform]:
        """The ones due by ``now`` (removed from the schedule)."""
        due = [item for item in self._items if item.due <= now]
        self._items = [item for item in self._items if item.due > now]
        return due

    def clear(self) -> None:
        """Forget them all (factory reset, new ACS)."""
        self._items.clear()

    def to_json(self) -> list[list[Any]]:
        """Serialisable form."""
        return [[item.due, item.command_key] for item in self._items]

    def restore(self, data: list[list[Any]]) -> None:
        """Restore from :meth:`to_json`."""
        self._items = [ScheduledInform(float(due), str(key)) for due, key in data]
