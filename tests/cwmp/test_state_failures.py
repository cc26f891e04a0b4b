"""A disk that fails under the agent, and state files that cannot be used.

Real faults: a tmpfs too small for the state (ENOSPC), the same remounted read-only
(EROFS), the process's descriptor limit lowered (EMFILE). The agent keeps running in
memory, answers the ACS, says why it cannot save, and saves once it can again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
import contextlib
import json
import os
from pathlib import Path
import resource
import stat
import subprocess

import pytest

from local_acs import LocalAcs, rpc
from tests.agent_harness import SERIAL, AgentHarness, agent_config
from tests.conformance.driver import fixed, provision, settled, until
from tr069_cpe.cwmp import limits
from tr069_cpe.cwmp.agent_state import STATE_VERSION
from tr069_cpe.cwmp.state import TEMPORARY_PREFIX, JsonFileStateStore

INTERVAL = "Device.ManagementServer.PeriodicInformInterval"


@pytest.fixture(autouse=True)
def _quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "SAVE_RETRY_MIN", 0.05)
    monkeypatch.setattr(limits, "SAVE_RETRY_MAX", 0.2)


@contextlib.asynccontextmanager
async def agent_on(acs: LocalAcs, path: Path) -> AsyncIterator[AgentHarness]:
    harness = AgentHarness(agent_config(acs.url), store=JsonFileStateStore(path))
    try:
        await harness.start()
        yield harness
    finally:
        await harness.stop()


async def set_interval(acs: LocalAcs, harness: AgentHarness, seconds: int) -> None:
    """The ACS sets PeriodicInformInterval; the agent answers Status 0."""
    _inform, (result,) = await provision(
        acs, harness, fixed(rpc.set_parameter_values([(INTERVAL, str(seconds), "xsd:unsignedInt")]))
    )
    assert result.status == 0


def saved_interval(path: Path) -> str:
    return str(json.loads(path.read_text())["datamodel"]["values"][INTERVAL])


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 512 KiB tmpfs (needs root: CAP_SYS_ADMIN)."""
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def unusable(folder: Path) -> Path:
    return next(folder.glob("state.json.unusable-*"))


# ---------------------------------------------------------------------- saves that fail
@contextlib.contextmanager
def full(disk: Path) -> Iterator[None]:
    filler = disk / "filler"
    with contextlib.suppress(OSError), filler.open("wb") as file:
        while True:  # to the last block
            file.write(b"\0" * 4096)
            file.flush()
    yield
    filler.unlink()


@contextlib.contextmanager
def read_only(disk: Path) -> Iterator[None]:
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
    try:
        yield
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(disk)], check=True)


@pytest.mark.parametrize(
    ("fault", "error"),
    [(full, "No space left on device"), (read_only, "Read-only file system")],
    ids=["ENOSPC", "EROFS"],
)
async def test_a_disk_that_fails_neither_stops_nor_loses_the_agent(
    acs: LocalAcs,
    small_disk: Path,
    fault: Callable[[Path], contextlib.AbstractContextManager[None]],
    error: str,
) -> None:
    path = small_disk / "state.json"
    async with agent_on(acs, path) as harness:
        await settled(acs)
        with fault(small_disk):
            await set_interval(acs, harness, 600)
            assert error in (harness.agent.status.state_save_error or "")
            await set_interval(acs, harness, 601)  # still answering
            assert saved_interval(path) not in ("600", "601")
            assert [name for name in state_files(small_disk) if name.startswith(".")] == []
        await until(lambda: harness.agent.status.state_save_error is None)
        assert saved_interval(path) == "601"


@contextlib.contextmanager
def no_free_descriptors() -> Iterator[None]:
    """Lower the soft descriptor limit to the lowest free descriptor: every open is EMFILE."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    lowest_free = os.dup(0)
    os.close(lowest_free)
    resource.setrlimit(resource.RLIMIT_NOFILE, (lowest_free, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


async def test_no_descriptors_left_neither_stops_nor_loses_the_agent(
    acs: LocalAcs, tmp_path: Path
) -> None:
    path = tmp_path / "state.json"
    async with agent_on(acs, path) as harness:
        await settled(acs)
        agent = harness.agent
        agent.datamodel.set_many_local({INTERVAL: 1200})
        await harness.wait_idle()
        with no_free_descriptors():
            agent.datamodel.set_many_local({INTERVAL: 1300})
            await agent.persist()
        assert "Too many open files" in (agent.status.state_save_error or "")
        assert saved_interval(path) == "1200"
        await until(lambda: agent.status.state_save_error is None)
        assert saved_interval(path) == "1300"


# ---------------------------------------------------------------------- files that cannot be used
def state_files(folder: Path) -> list[str]:
    return sorted(item.name.split("-")[0] for item in folder.iterdir())


async def test_a_corrupt_state_is_set_aside_for_the_last_good_copy(
    acs: LocalAcs, tmp_path: Path
) -> None:
    path = tmp_path / "state.json"
    async with agent_on(acs, path) as harness:
        await settled(acs)
        await set_interval(acs, harness, 1800)
    async with agent_on(acs, path) as harness:  # a good start keeps a copy
        await settled(acs)
    assert (tmp_path / "state.json.bak").exists()
    path.write_bytes(b'{"version": 2, "datamodel": {"val\xff\x00')
    async with agent_on(acs, path) as harness:
        inform = await settled(acs)
        assert "1 BOOT" in [event.code for event in inform.events]
        assert "0 BOOTSTRAP" not in [event.code for event in inform.events]
        assert harness.agent.datamodel.value(INTERVAL) == 1800
        problem = harness.agent.status.state_problem or ""
        assert "not valid JSON" in problem
        assert "started from the last good copy" in problem
    assert state_files(tmp_path) == ["state.json", "state.json.bak", "state.json.unusable"]
    aside = unusable(tmp_path)
    assert aside.read_bytes().startswith(b'{"version": 2')
    assert stat.S_IMODE(aside.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ({"version": STATE_VERSION + 1}, "newer than this agent's"),
        ({"version": STATE_VERSION, "transfers": [{"no": "transfer"}]}, "does not fit"),
        ({"version": STATE_VERSION, "scheduled_informs": [["soon", "k"]]}, "does not fit"),
    ],
    ids=["newer-version", "bad-transfer", "bad-schedule"],
)
async def test_an_unusable_state_without_a_copy_starts_from_defaults(
    acs: LocalAcs, tmp_path: Path, content: dict[str, object], why: str
) -> None:
    path = tmp_path / "state.json"
    path.write_text(json.dumps(content))
    async with agent_on(acs, path) as harness:
        inform = await settled(acs)
        assert [event.code for event in inform.events] == ["0 BOOTSTRAP", "1 BOOT"]
        problem = harness.agent.status.state_problem or ""
        assert why in problem
        assert "started from the defaults" in problem
        assert harness.agent.transfers.transfers == []
        assert len(harness.agent._timers.scheduled) == 0
    assert state_files(tmp_path) == ["state.json", "state.json.unusable"]


async def test_leftovers_of_an_interrupted_save_are_removed_at_start(
    acs: LocalAcs, tmp_path: Path
) -> None:
    path = tmp_path / "state.json"
    (tmp_path / f"{TEMPORARY_PREFIX}abc123").write_text('{"secret": "half-written"')
    async with agent_on(acs, path):
        await settled(acs)
    assert state_files(tmp_path) == ["state.json"]
    async with agent_on(acs, path):  # a good start keeps a copy
        await settled(acs)
    assert state_files(tmp_path) == ["state.json", "state.json.bak"]
    for name in ("state.json", "state.json.bak"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
    assert SERIAL in path.read_text()


async def test_a_corrupt_copy_too_means_the_defaults(acs: LocalAcs, tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text('{"version": ')
    (tmp_path / "state.json.bak").write_text("[]")
    async with agent_on(acs, path) as harness:
        inform = await settled(acs)
        assert [event.code for event in inform.events] == ["0 BOOTSTRAP", "1 BOOT"]
        assert "started from the defaults" in (harness.agent.status.state_problem or "")


async def test_on_a_read_only_disk_an_unusable_state_stays_and_the_copy_is_used(
    acs: LocalAcs, small_disk: Path
) -> None:
    path = small_disk / "state.json"
    async with agent_on(acs, path) as harness:
        await settled(acs)
        await set_interval(acs, harness, 2400)
    async with agent_on(acs, path):
        await settled(acs)  # a good start keeps a copy
    path.write_text('{"version": 99}')
    with read_only(small_disk):
        async with agent_on(acs, path) as harness:
            await settled(acs)
            status = harness.agent.status
            assert "nor set aside" in (status.state_problem or "")
            assert "started from the last good copy" in (status.state_problem or "")
            assert harness.agent.datamodel.value(INTERVAL) == 2400
            assert "Read-only file system" in (status.state_save_error or "")
        assert path.read_text() == '{"version": 99}'
