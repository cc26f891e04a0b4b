"""When the agent opens sessions: periodic informs, retries, notifications, schedules."""

from __future__ import annotations

from datetime import datetime
import math

from .events import Event, EventCode
from .schedule import next_periodic_inform
from .scheduled import ScheduledInforms


class SessionTimers:
    """Deadlines of the agent's loop, all in epoch seconds."""

    def __init__(self, now: float) -> None:
        self.periodic_at = math.inf
        self.periodic_reference = now
        self.retry_at: float | None = None
        self.active_due: float | None = None
        self.last_active = -math.inf
        self.scheduled = ScheduledInforms()

    def reschedule_periodic(
        self, now: float, enabled: bool, interval: int, phase: datetime | None
    ) -> None:
        """Place the next periodic Inform (PeriodicInformEnable/Interval/Time)."""
        self.periodic_at = (
            next_periodic_inform(now, interval, phase, self.periodic_reference)
            if enabled
            else math.inf
        )

    def periodic_changed(self, now: float) -> None:
        """The schedule was changed: without a phase, count from now."""
        self.periodic_reference = now

    def active_change(self, now: float, throttle: int) -> None:
        """An actively notified parameter changed: Inform soon, but throttled."""
        due = max(now, self.last_active + throttle)
        self.active_due = due if self.active_due is None else min(self.active_due, due)

    def value_change_delivered(self, active_pending: bool) -> None:
        """An Inform carried the changed values (in any session).

        The session planned for active changes is no longer needed, unless some
        are still waiting. The throttle keeps counting from the last session
        that active notification opened.
        """
        if not active_pending:
            self.active_due = None

    def due_events(self, now: float) -> list[Event]:
        """Events whose time has come (the periodic one is rescheduled by the caller)."""
        events = []
        if now >= self.periodic_at:
            events.append(Event(EventCode.PERIODIC))
        if self.active_due is not None and now >= self.active_due:
            events.append(Event(EventCode.VALUE_CHANGE))
            self.active_due = None
            self.last_active = now
        for item in self.scheduled.pop_due(now):
            events.append(Event(EventCode.SCHEDULED))
            events.append(Event(EventCode.M_SCHEDULE_INFORM, item.command_key))
        return events

    def may_attempt(self, now: float, connection_request: bool) -> bool:
        """Outside a back-off wait; or the ACS itself asked for a session.

        New events wait for the back-off (it is not reset), except a Connection
        Request: the ACS that sent it is reachable and waiting for the session.
        """
        return self.retry_at is None or now >= self.retry_at or connection_request

    def next_deadline(self, has_work: bool) -> float:
        """When the loop must look again."""
        deadlines = [self.periodic_at, self.scheduled.next_due()]
        if self.active_due is not None:
            deadlines.append(self.active_due)
        if self.retry_at is not None and has_work:
            deadlines.append(self.retry_at)
        return min(deadlines)
