"""One persistence policy: a mutating RPC saves once before its answer; nothing else per session.

And the saved state is typed and versioned: an older one is migrated, a newer or
corrupt one is refused (the agent starts from defaults and says so).
"""

from __future__ import annotations

import logging

import pytest

from local_acs import LocalAcs, rpc
from tests.agent_harness import CR_PASSWORD, CR_USERNAME, SERIAL, AgentHarness, agent_config
from tr069_cpe.cwmp.agent_state import STATE_VERSION, AgentState, StateError
from tr069_cpe.cwmp.state import MemoryStateStore

MS = "Device.ManagementServer."


async def cr_session(acs: LocalAcs, harness: AgentHarness) -> None:
    assert await acs.connection_request(harness.cr_url, CR_USERNAME, CR_PASSWORD) == 200
    inform = await acs.wait_for_inform(serial=SERIAL, event="6 CONNECTION REQUEST")
    await inform.session.wait_ended()
    await harness.wait_idle()


async def started(acs: LocalAcs) -> tuple[AgentHarness, MemoryStateStore]:
    """An agent past its first session, idle."""
    store = MemoryStateStore()
    harness = AgentHarness(agent_config(acs.url), store)
    await harness.start()
    first = await acs.wait_for_inform(serial=SERIAL)
    await first.session.wait_ended()
    await harness.wait_idle()
    return harness, store


async def test_a_session_that_changes_nothing_saves_nothing(acs: LocalAcs) -> None:
    harness, store = await started(acs)
    saves = store.saves
    await cr_session(acs, harness)
    await cr_session(acs, harness)
    assert store.saves == saves
    await harness.stop()


async def test_a_set_parameter_values_saves_once(acs: LocalAcs) -> None:
    harness, store = await started(acs)
    saves = store.saves
    write = acs.queue(
        SERIAL,
        rpc.set_parameter_values([(f"{MS}PeriodicInformInterval", "777", "xsd:unsignedInt")], "k1"),
    )
    await cr_session(acs, harness)
    assert (await write.result()).ok
    assert store.saves == saves + 1
    assert store.data is not None
    assert store.data["datamodel"]["values"][f"{MS}PeriodicInformInterval"] == "777"
    assert store.data["datamodel"]["values"][f"{MS}ParameterKey"] == "k1"
    await harness.stop()


async def test_a_refused_set_parameter_values_saves_nothing(acs: LocalAcs) -> None:
    harness, store = await started(acs)
    saves = store.saves
    write = acs.queue(
        SERIAL, rpc.set_parameter_values([(f"{MS}PeriodicInformInterval", "0", "xsd:unsignedInt")])
    )
    await cr_session(acs, harness)
    assert (await write.result()).fault is not None
    assert store.saves == saves
    await harness.stop()


def test_the_saved_state_is_versioned_and_reads_back() -> None:
    state = AgentState(
        retry_count=3, bootstrapped_url="http://acs/", wake_up={"HTTP": {"path": "p"}}
    )
    saved = state.to_json()
    assert saved["version"] == STATE_VERSION
    assert AgentState.from_json(saved) == state


def test_a_state_of_version_1_is_migrated() -> None:
    old = {"retry_count": 2, "cr_path": "abc", "events": [["1 BOOT", ""]], "unknown": 1}
    state = AgentState.from_json({"version": 1, **old})
    assert state.wake_up == {"HTTP": {"path": "abc"}}
    assert state.retry_count == 2
    assert state.events == [["1 BOOT", ""]]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ([], "not an object"),
        ({"version": STATE_VERSION + 1}, "newer"),
        ({"version": "2"}, "no valid version"),
        ({"version": 2, "retry_count": "3"}, "retry_count"),
        ({"version": 2, "events": {}}, "events"),
        ({"version": 2, "namespace": 5}, "namespace"),
        ({"version": 2, "user_settings": []}, "user settings"),
    ],
)
def test_an_unusable_state_is_refused_with_the_reason(data: object, reason: str) -> None:
    with pytest.raises(StateError, match=reason):
        AgentState.from_json(data)


async def test_the_agent_starts_from_defaults_on_a_state_it_cannot_use(
    acs: LocalAcs, caplog: pytest.LogCaptureFixture
) -> None:
    store = MemoryStateStore({"version": STATE_VERSION + 1, "retry_count": 9})
    harness = AgentHarness(agent_config(acs.url), store)
    with caplog.at_level(logging.ERROR):
        await harness.start()
    assert "newer than this agent's" in caplog.text
    inform = await acs.wait_for_inform(serial=SERIAL)
    assert [event.code for event in inform.events] == ["0 BOOTSTRAP", "1 BOOT"]
    await harness.stop()


async def test_a_version_1_state_keeps_its_connection_request_url(acs: LocalAcs) -> None:
    store = MemoryStateStore({"version": 1, "cr_path": "kept-path", "bootstrapped_url": acs.url})
    harness = AgentHarness(agent_config(acs.url), store)
    await harness.start()
    assert harness.cr_url.endswith("/kept-path")
    inform = await acs.wait_for_inform(serial=SERIAL)
    assert "0 BOOTSTRAP" not in [event.code for event in inform.events]
    await harness.stop()
