"""The session retry table (TR-069 Amendment 6, 3.2.1.1, Table 3) and the Inform's RetryCount."""

from __future__ import annotations

from local_acs import LocalAcs
from local_acs.inject import DropConnection
from tests.agent_harness import CR_PASSWORD, CR_USERNAME, SERIAL
from tests.cwmp.test_retry import DEFAULT_TABLE  # TR-069 Table 3, defaults m=5, k=2000
from tr069_cpe.cwmp.retry import retry_wait_bounds

from .conftest import HarnessFactory
from .driver import until

MS = "Device.ManagementServer."


def test_the_ten_steps_with_the_defaults() -> None:
    """Shown with ``pytest -s`` (or ``-rP``)."""
    rows = [(count, *retry_wait_bounds(count)) for count in range(1, 11)]
    print("\nTR-069 Table 3, defaults m = 5 s, k = 2000")
    print("retry  wait min (s)  wait max (s)")
    for count, low, high in rows:
        print(f"{count:>5}{low:>14g}{high:>14g}")
    assert rows == DEFAULT_TABLE
    assert {retry_wait_bounds(count) for count in (11, 12, 50, 10_000)} == {(2560, 5120)}


async def test_retry_count_counts_failed_informs_then_resets(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    acs.inject(DropConnection(on="Inform"), times=3)
    harness = await cpe(run=False)
    # Waits of exactly 1 s: m = 1, k = 1000 makes every step [1, 1].
    harness.agent.datamodel.set_many_local(
        {f"{MS}CWMPRetryMinimumWaitInterval": 1, f"{MS}CWMPRetryIntervalMultiplier": 1000}
    )
    seen: list[int] = []
    harness.agent.add_listener(lambda status: seen.append(status.retry_count))
    harness.run()

    accepted = await acs.wait_for_inform(serial=SERIAL, timeout=8)
    await accepted.session.wait_ended()
    assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 200
    again = await acs.wait_for_inform(serial=SERIAL, event="6 CONNECTION REQUEST")
    await again.session.wait_ended()
    await until(lambda: harness.agent.status.retry_count == 0 and len(seen) > 4)

    # Every Inform the ACS saw, in order, including the three it dropped unanswered.
    informs = [s.messages[0].envelope for s in acs.sessions if s.messages[0].method == "Inform"]
    retry_counts = [envelope.args["RetryCount"] for envelope in informs if envelope]
    assert retry_counts == [0, 1, 2, 3, 0]
    assert [s.end_reason for s in acs.sessions] == [
        "injected DropConnection",
        "injected DropConnection",
        "injected DropConnection",
        "completed",
        "completed",
    ]
    assert accepted.retry_count == 3
    assert [event.code for event in accepted.events] == ["0 BOOTSTRAP", "1 BOOT"]
    assert again.retry_count == 0
    # The agent's own count went up one failure at a time and back to 0 on success.
    assert [n for i, n in enumerate(seen) if i == 0 or n != seen[i - 1]] == [0, 1, 2, 3, 0]
