"""The persisted event queue and its single/multiple semantics."""

from __future__ import annotations

from tr069_cpe.cwmp.events import (
    MAX_EVENTS_PER_INFORM,
    Event,
    EventCode,
    EventQueue,
)


def test_single_events_merge_multiple_events_keep_command_keys() -> None:
    queue = EventQueue()
    assert queue.add(Event(EventCode.PERIODIC))
    assert not queue.add(Event(EventCode.PERIODIC))
    assert queue.add(Event(EventCode.M_DOWNLOAD, "a"))
    assert queue.add(Event(EventCode.M_DOWNLOAD, "b"))
    assert not queue.add(Event(EventCode.M_DOWNLOAD, "a"))
    assert [event.command_key for event in queue.events if event.code == "M Download"] == ["a", "b"]


def test_bootstrap_goes_first_in_the_inform() -> None:
    queue = EventQueue([Event(EventCode.BOOT), Event(EventCode.PERIODIC)])
    queue.bootstrap()
    assert [event.code for event in queue.take_for_inform()] == ["0 BOOTSTRAP", "1 BOOT"]


def test_bootstrap_discards_events_of_the_old_acs() -> None:
    queue = EventQueue(
        [Event(EventCode.BOOT), Event(EventCode.VALUE_CHANGE), Event(EventCode.M_DOWNLOAD, "k")]
    )
    queue.bootstrap()
    assert {event.code for event in queue.events} == {"0 BOOTSTRAP", "1 BOOT"}


def test_event_raised_during_a_session_is_not_swallowed() -> None:
    queue = EventQueue([Event(EventCode.CONNECTION_REQUEST)])
    in_flight = queue.take_for_inform()
    assert in_flight == (Event(EventCode.CONNECTION_REQUEST),)
    assert queue.add(Event(EventCode.CONNECTION_REQUEST))
    queue.delivered()
    assert queue.events == (Event(EventCode.CONNECTION_REQUEST),)


def test_failed_session_keeps_events_but_not_connection_request() -> None:
    queue = EventQueue([Event(EventCode.BOOT), Event(EventCode.CONNECTION_REQUEST)])
    queue.take_for_inform()
    queue.add(Event(EventCode.PERIODIC))
    queue.session_failed()
    assert [event.code for event in queue.events] == ["1 BOOT", "2 PERIODIC"]


def test_at_most_64_events_per_inform() -> None:
    queue = EventQueue(Event(EventCode.M_DOWNLOAD, str(n)) for n in range(70))
    assert len(queue.take_for_inform()) == MAX_EVENTS_PER_INFORM
    assert len(queue) == 70 - MAX_EVENTS_PER_INFORM


def test_json_round_trip_includes_events_in_flight_that_are_retried() -> None:
    queue = EventQueue(
        [
            Event(EventCode.BOOT),
            Event(EventCode.CONNECTION_REQUEST),
            Event(EventCode.M_REBOOT, "key"),
        ]
    )
    queue.take_for_inform()
    queue.add(Event(EventCode.PERIODIC))
    queue.add(Event(EventCode.CONNECTION_REQUEST))  # a new request, not yet in an Inform
    restored = EventQueue.from_json(queue.to_json())
    assert restored.events == (
        Event(EventCode.BOOT),
        Event(EventCode.M_REBOOT, "key"),
        Event(EventCode.PERIODIC),
        Event(EventCode.CONNECTION_REQUEST),
    )


def test_discard() -> None:
    queue = EventQueue([Event(EventCode.BOOT), Event(EventCode.PERIODIC)])
    queue.discard(EventCode.PERIODIC)
    assert EventCode.PERIODIC not in queue
    assert EventCode.BOOT in queue
