"""Where the agent keeps what must survive a restart.

The agent sees a small async key-value interface; Home Assistant provides it
with its ``Store``, the headless runner with a JSON file.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
import tempfile
from typing import Any, Protocol


class StateStore(Protocol):
    """Async persistence of one JSON-serialisable dict."""

    async def load(self) -> dict[str, Any] | None:
        """The saved state, or None on first start."""

    async def save(self, data: dict[str, Any]) -> None:
        """Save the state (atomically: a crash leaves the old or the new one)."""


class MemoryStateStore:
    """State kept in memory (tests, config-flow probes)."""

    def __init__(self, data: dict[str, Any] | None = None) -> None:
        self.data = data
        self.saves = 0

    async def load(self) -> dict[str, Any] | None:
        """The saved state."""
        return json.loads(json.dumps(self.data)) if self.data is not None else None

    async def save(self, data: dict[str, Any]) -> None:
        """Keep a deep copy, as a file would."""
        self.data = json.loads(json.dumps(data))
        self.saves += 1


class JsonFileStateStore:
    """State in a JSON file, written atomically off the event loop."""

    def __init__(self, path: Path) -> None:
        self.path = path

    async def load(self) -> dict[str, Any] | None:
        """The saved state."""
        return await asyncio.to_thread(self._read)

    def _read(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        return data if isinstance(data, dict) else None

    async def save(self, data: dict[str, Any]) -> None:
        """Write a temporary file, then rename it over the old one."""
        await asyncio.to_thread(self._write, json.dumps(data, indent=1, sort_keys=True))

    def _write(self, text: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".state-")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text)
                file.flush()
                os.fsync(file.fileno())
            Path(temporary).chmod(0o600)
            Path(temporary).replace(self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
