"""The driving side of :mod:`bench.acs_server`."""

from __future__ import annotations

from pathlib import Path

from .child import ChildProcess


class AcsProcess(ChildProcess):
    """A local ACS in a child process (``async with AcsProcess(log) as acs``)."""

    def __init__(self, log_path: Path, *, validate: bool = False) -> None:
        super().__init__("bench.acs_server", [] if validate else ["--no-validate"], log_path)

    @property
    def url(self) -> str:
        """The CWMP URL."""
        return str(self.hello["url"])

    @property
    def validation(self) -> bool:
        """Whether the ACS validates envelopes against the BBF schemas."""
        return bool(self.hello["validation"])

    async def cpu(self) -> float:
        """CPU seconds the ACS process has used so far."""
        return float((await self.call("stats"))["cpu"])
