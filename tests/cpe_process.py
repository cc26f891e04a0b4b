"""The headless agent as a separate process (``python -m tr069_cpe``), for tests that kill it."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
import signal
import sys
from typing import Self

from tests.agent_harness import free_port

ROOT = Path(__file__).resolve().parents[1]


class CpeProcess:
    """One headless agent process; its log (stderr) goes to ``log``, appended across runs."""

    def __init__(
        self,
        acs_url: str,
        state_dir: Path,
        *,
        serial: str,
        log: Path,
        extra: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
    ) -> None:
        self.cr_port = free_port()
        self.arguments = [
            "--acs-url",
            acs_url,
            "--state-dir",
            str(state_dir),
            "--serial",
            serial,
            "--cr-port",
            str(self.cr_port),
            "--cr-host",
            "127.0.0.1",
            *extra,
        ]
        self.log = log
        self.env = {**os.environ, "TR069_LOG_LEVEL": "INFO", **(env or {})}
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> Self:
        """Start the process (it runs until killed or stopped)."""
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tr069_cpe",
                *self.arguments,
                cwd=ROOT,
                env=self.env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        return self

    async def kill(self) -> None:
        """SIGKILL: no clean-up of any kind."""
        await self._signal(signal.SIGKILL)

    async def stop(self) -> int:
        """SIGTERM, as an operator stops it; its exit status."""
        return await self._signal(signal.SIGTERM)

    async def _signal(self, signum: int) -> int:
        process, self.process = self.process, None
        if process is None:
            return 0
        if process.returncode is None:
            process.send_signal(signum)
        return await asyncio.wait_for(process.wait(), 30)

    @property
    def running(self) -> bool:
        """Whether the process is alive."""
        return self.process is not None and self.process.returncode is None
