"""Where the agent keeps what must survive a restart.

The agent sees a small async interface; Home Assistant provides it with its
``Store``, the headless runner with a JSON file. Besides the state itself a store
keeps the last copy that was loaded successfully (the agent falls back to it when
the state cannot be used) and can put an unusable state aside for a person to look at.

A store that cannot be read or written raises :class:`StateStoreError`; the agent
keeps running in memory and tries again.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime
import json
import logging
import os
from pathlib import Path
import tempfile
from typing import Any, Final, Protocol

_LOGGER = logging.getLogger(__name__)

TEMPORARY_PREFIX: Final = ".state-"


class StateStoreError(Exception):
    """The store could not be read or written (disk full, read-only, no descriptors...)."""


class StateUnreadable(StateStoreError):  # noqa: N818 - a condition, like the others
    """The saved state is there but is not a JSON object (corrupt)."""


class StateStore(Protocol):
    """Async persistence of one JSON-serialisable dict."""

    async def load(self) -> dict[str, Any] | None:
        """The saved state, or None on first start.

        Raises StateUnreadable when it is corrupt, StateStoreError when it cannot be read.
        """

    async def save(self, data: dict[str, Any]) -> None:
        """Save the state atomically (a crash leaves the old or the new one).

        Raises StateStoreError when it could not be written.
        """

    async def load_backup(self) -> dict[str, Any] | None:
        """The last good copy (see :meth:`save_backup`), or None."""

    async def save_backup(self, data: dict[str, Any]) -> None:
        """Keep ``data`` as the last good copy (after it was loaded and used)."""

    async def set_aside(self) -> str:
        """Move the saved state out of the way, next to it; says where it went."""


class MemoryStateStore:
    """State kept in memory (tests, config-flow probes)."""

    def __init__(self, data: dict[str, Any] | None = None) -> None:
        self.data = data
        self.backup: dict[str, Any] | None = None
        self.aside: list[dict[str, Any] | None] = []
        self.saves = 0

    async def load(self) -> dict[str, Any] | None:
        """The saved state."""
        return _copy(self.data)

    async def save(self, data: dict[str, Any]) -> None:
        """Keep a deep copy, as a file would."""
        self.data = _copy(data)
        self.saves += 1

    async def load_backup(self) -> dict[str, Any] | None:
        """The last good copy."""
        return _copy(self.backup)

    async def save_backup(self, data: dict[str, Any]) -> None:
        """Keep the last good copy."""
        self.backup = _copy(data)

    async def set_aside(self) -> str:
        """Keep the unusable state in :attr:`aside`."""
        self.aside.append(self.data)
        self.data = None
        return f"memory (set aside #{len(self.aside)})"


def _copy(data: dict[str, Any] | None) -> dict[str, Any] | None:
    return json.loads(json.dumps(data)) if data is not None else None


class JsonFileStateStore:
    """State in a JSON file (0600), written atomically off the event loop.

    A temporary file is written and fsynced, renamed over the state, and the folder
    is fsynced so that the rename itself survives a power cut. Temporary files a kill
    left behind are removed when the state is loaded. ``state.json.bak`` is the last
    good copy; an unusable state is renamed ``state.json.unusable-<time>``.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.backup_path = path.with_name(path.name + ".bak")

    async def load(self) -> dict[str, Any] | None:
        """The saved state (leftover temporary files are removed first)."""
        return await asyncio.to_thread(self._load)

    def _load(self) -> dict[str, Any] | None:
        self._remove_leftovers()
        return _read(self.path)

    def _remove_leftovers(self) -> None:
        try:
            leftovers = list(self.path.parent.glob(f"{TEMPORARY_PREFIX}*"))
        except OSError:
            return
        for leftover in leftovers:
            try:
                leftover.unlink()
            except OSError as err:
                _LOGGER.warning("Cannot remove the leftover %s: %s", leftover, err)
            else:
                _LOGGER.info("Removed %s, left by an interrupted save", leftover.name)

    async def save(self, data: dict[str, Any]) -> None:
        """Write a temporary file, then rename it over the old one."""
        await asyncio.to_thread(_write, self.path, _dump(data))

    async def load_backup(self) -> dict[str, Any] | None:
        """The last good copy."""
        try:
            return await asyncio.to_thread(_read, self.backup_path)
        except StateStoreError as err:
            _LOGGER.warning(
                "The last good copy %s cannot be used either: %s", self.backup_path, err
            )
            return None

    async def save_backup(self, data: dict[str, Any]) -> None:
        """Write the last good copy, atomically like the state."""
        await asyncio.to_thread(_write, self.backup_path, _dump(data))

    async def set_aside(self) -> str:
        """Rename the state to ``<name>.unusable-<UTC time>``."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"{self.path.name}.unusable-{stamp}")
        try:
            await asyncio.to_thread(self.path.replace, target)
        except OSError as err:
            raise StateStoreError(f"cannot rename {self.path}: {err}") from None
        return str(target)


def _dump(data: dict[str, Any]) -> str:
    try:
        return json.dumps(data, indent=1, sort_keys=True)
    except (TypeError, ValueError) as err:
        raise StateStoreError(f"the state cannot be written as JSON: {err}") from None


def _read(path: Path) -> dict[str, Any] | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        raise StateStoreError(f"cannot read {path}: {err}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        raise StateUnreadable(f"{path} is not valid JSON: {err}") from None
    if not isinstance(data, dict):
        raise StateUnreadable(f"{path} does not hold a JSON object")
    return data


def _write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically and durably (0600); StateStoreError if not."""
    temporary: str | None = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=TEMPORARY_PREFIX)
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            os.fchmod(file.fileno(), 0o600)
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        Path(temporary).replace(path)
        temporary = None
        _fsync_folder(path.parent)
    except OSError as err:
        raise StateStoreError(f"cannot write {path}: {err}") from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                Path(temporary).unlink(missing_ok=True)


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
