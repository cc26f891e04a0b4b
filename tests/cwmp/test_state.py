"""Where the headless agent keeps its state: a JSON file written atomically."""

from __future__ import annotations

from pathlib import Path
import stat

import pytest

from tr069_cpe.cwmp.state import (
    JsonFileStateStore,
    MemoryStateStore,
    StateStoreError,
    StateUnreadable,
)


def names(folder: Path) -> list[str]:
    return sorted(item.name for item in folder.iterdir())


async def test_a_missing_file_is_a_first_start(tmp_path: Path) -> None:
    assert await JsonFileStateStore(tmp_path / "none" / "state.json").load() is None


async def test_saved_state_comes_back_private_and_without_leftovers(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "state.json"
    store = JsonFileStateStore(path)
    await store.save({"events": ["1 BOOT"], "retry": 3})
    await store.save({"events": [], "retry": 0, "key": "ä"})
    assert await store.load() == {"events": [], "retry": 0, "key": "ä"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert names(path.parent) == ["state.json"]


async def test_a_file_that_is_not_an_object_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(StateUnreadable):
        await JsonFileStateStore(path).load()


async def test_a_failed_write_keeps_the_old_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.json"
    store = JsonFileStateStore(path)
    await store.save({"kept": True})

    def refuse(self: Path, target: Path) -> Path:
        raise OSError("disk full")

    monkeypatch.setattr(Path, "replace", refuse)
    with pytest.raises(StateStoreError, match="disk full"):
        await store.save({"kept": False})
    monkeypatch.undo()
    assert await store.load() == {"kept": True}
    assert names(tmp_path) == ["state.json"]


async def test_memory_store_keeps_copies() -> None:
    store = MemoryStateStore()
    assert await store.load() is None
    data = {"list": [1]}
    await store.save(data)
    data["list"].append(2)
    loaded = await store.load()
    assert loaded == {"list": [1]}
    assert loaded is not store.data
    assert store.saves == 1
