"""Home Assistant as a child process: started, watched, and stopped cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import sys
from typing import Final

from .console import DemoError, say, tail
from .settings import Paths

_PR_SET_PDEATHSIG: Final = 1
_STOP_TIMEOUT: Final = 60.0


def _die_with_parent() -> None:
    """Linux: Home Assistant gets SIGTERM if the demo dies without stopping it."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class HomeAssistantProcess:
    """``python -m homeassistant -c .demo/config``, in its own process group."""

    def __init__(self, paths: Paths) -> None:
        self._paths = paths
        self._process: asyncio.subprocess.Process | None = None

    @property
    def pid(self) -> int | None:
        """The process id once started."""
        return self._process.pid if self._process else None

    async def start(self) -> None:
        """Start Home Assistant; its console output goes to ``.demo/``."""
        env = dict(os.environ)
        # Only the frontend package on top of the venv; not the repository (its
        # custom_components package would shadow the configuration directory's).
        env["PYTHONPATH"] = str(self._paths.deps_dir)
        console = self._paths.ha_console_log.open("wb")
        try:
            self._process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "homeassistant",
                "--config",
                str(self._paths.config_dir),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=console,
                stderr=asyncio.subprocess.STDOUT,
                env=env,
                cwd=self._paths.demo_dir,
                # Its own session: Ctrl-C reaches the demo only, which then stops HA.
                start_new_session=True,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
        finally:
            console.close()
        say("HA", f"Home Assistant starting (pid {self._process.pid}), log {self._paths.ha_log}")

    async def wait_exited(self) -> int:
        """Wait until the process ends (however it ends); its exit code."""
        assert self._process is not None
        return await self._process.wait()

    def failure(self, what: str) -> DemoError:
        """An error explaining that Home Assistant failed, with the end of its logs."""
        logs = tail(self._paths.ha_log) or tail(self._paths.ha_console_log)
        return DemoError(f"{what}\n--- end of Home Assistant's log ---\n{logs}")

    def kill(self) -> None:
        """SIGKILL to Home Assistant's process group (when the user insists)."""
        if self._process is not None and self._process.returncode is None:
            say("HA", "killing Home Assistant")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._process.pid, signal.SIGKILL)

    async def stop(self) -> None:
        """SIGTERM (Home Assistant shuts down gracefully), SIGKILL after a minute."""
        process = self._process
        if process is None or process.returncode is not None:
            return
        say("HA", "stopping Home Assistant…")
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        try:
            async with asyncio.timeout(_STOP_TIMEOUT):
                code = await process.wait()
        except TimeoutError:
            say("HA", f"Home Assistant did not stop within {_STOP_TIMEOUT:.0f} s")
            self.kill()
            code = await process.wait()
        say("HA", f"Home Assistant stopped (exit code {code})")
