"""Inform events: codes, and the persisted queue of events not yet delivered."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

MAX_EVENTS_PER_INFORM: Final = 64


class EventCode(StrEnum):
    """Event codes of TR-069 Amendment 6 (Table 8) that this CPE raises."""

    BOOTSTRAP = "0 BOOTSTRAP"
    BOOT = "1 BOOT"
    PERIODIC = "2 PERIODIC"
    SCHEDULED = "3 SCHEDULED"
    VALUE_CHANGE = "4 VALUE CHANGE"
    CONNECTION_REQUEST = "6 CONNECTION REQUEST"
    TRANSFER_COMPLETE = "7 TRANSFER COMPLETE"
    REQUEST_DOWNLOAD = "9 REQUEST DOWNLOAD"
    M_REBOOT = "M Reboot"
    M_SCHEDULE_INFORM = "M ScheduleInform"
    M_DOWNLOAD = "M Download"
    M_UPLOAD = "M Upload"
    M_SCHEDULE_DOWNLOAD = "M ScheduleDownload"


# Events of which several may be pending at once, told apart by CommandKey.
_MULTIPLE: Final = frozenset(
    {
        EventCode.M_SCHEDULE_INFORM,
        EventCode.M_DOWNLOAD,
        EventCode.M_UPLOAD,
        EventCode.M_SCHEDULE_DOWNLOAD,
    }
)
# Events that are not kept for a retry when the session fails.
_NOT_RETRIED: Final = frozenset({EventCode.CONNECTION_REQUEST})
# Events that survive a BOOTSTRAP (a new ACS): the rest concerned the old ACS.
_KEPT_ON_BOOTSTRAP: Final = frozenset({EventCode.BOOTSTRAP, EventCode.BOOT})


@dataclass(frozen=True, slots=True)
class Event:
    """One EventStruct."""

    code: str
    command_key: str = ""


class EventQueue:
    """Undelivered events, with single/multiple semantics; JSON-serialisable.

    Events carried by the Inform of the current session are "in flight": an
    event raised meanwhile (a Connection Request during a session) is queued
    anew instead of being merged into one that is about to be delivered.
    """

    def __init__(self, events: Iterable[Event] = ()) -> None:
        self._pending: list[Event] = []
        self._in_flight: list[Event] = []
        for event in events:
            self.add(event)

    def __len__(self) -> int:
        return len(self._pending)

    def __contains__(self, code: object) -> bool:
        return any(event.code == code for event in self._pending)

    @property
    def events(self) -> tuple[Event, ...]:
        """Pending events (not in flight), oldest first."""
        return tuple(self._pending)

    def add(self, event: Event) -> bool:
        """Queue an event; returns False when an equal one is already pending."""
        if event.code in _MULTIPLE:
            if event in self._pending:
                return False
        elif event.code in self:
            return False
        self._pending.append(event)
        return True

    def take_for_inform(self) -> tuple[Event, ...]:
        """Move the events of the next Inform in flight (at most 64, BOOTSTRAP first)."""
        ordered = sorted(self._pending, key=lambda event: event.code != EventCode.BOOTSTRAP)
        self._in_flight = ordered[:MAX_EVENTS_PER_INFORM]
        self._pending = ordered[MAX_EVENTS_PER_INFORM:]
        return tuple(self._in_flight)

    def delivered(self) -> None:
        """The ACS acknowledged the Inform: the events in flight are delivered."""
        self._in_flight = []

    def session_failed(self) -> None:
        """Put undelivered events back, except those the standard does not retry."""
        retried = [event for event in self._in_flight if event.code not in _NOT_RETRIED]
        self._in_flight = []
        pending, self._pending = self._pending, []
        for event in (*retried, *pending):
            self.add(event)

    def discard(self, code: str) -> None:
        """Forget pending events with this code."""
        self._pending = [event for event in self._pending if event.code != code]

    def bootstrap(self) -> None:
        """A new ACS: keep only what concerns it and queue 0 BOOTSTRAP."""
        self._pending = [event for event in self._pending if event.code in _KEPT_ON_BOOTSTRAP]
        self.add(Event(EventCode.BOOTSTRAP))

    def to_json(self) -> list[list[str]]:
        """Serialisable form: everything not yet delivered that a restart would retry.

        An Inform in flight when the agent stops has failed: its events that are
        never retried (6 CONNECTION REQUEST...) are not kept for the next start.
        """
        in_flight = [event for event in self._in_flight if event.code not in _NOT_RETRIED]
        return [[event.code, event.command_key] for event in (*in_flight, *self._pending)]

    @classmethod
    def from_json(cls, data: Iterable[Iterable[str]]) -> EventQueue:
        """Restore from :meth:`to_json`."""
        return cls(Event(*item) for item in data)
