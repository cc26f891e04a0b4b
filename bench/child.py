"""Child processes driven by JSON lines: the ACS and Home Assistant run apart from the agent."""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path
import sys
from types import TracebackType
from typing import Any, Self

ROOT = Path(__file__).resolve().parent.parent


class ChildError(RuntimeError):
    """The child process failed or refused a command."""


class ChildProcess:
    """``python -m <module> <arguments>``; one JSON line per command and per answer.

    The first line the child writes (``hello``) says it is ready; stderr goes to
    ``log_path``.
    """

    def __init__(self, module: str, arguments: list[str], log_path: Path) -> None:
        self.module = module
        self.arguments = arguments
        self.log_path = log_path
        self.hello: dict[str, Any] = {}
        self._process: asyncio.subprocess.Process | None = None
        self._lock = asyncio.Lock()

    async def __aenter__(self) -> Self:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self._process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                self.module,
                *self.arguments,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=log,
                cwd=ROOT,
            )
        try:
            self.hello = await self._read()
        except BaseException:
            await self.__aexit__(None, None, None)
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        process = self._process
        if process is None:
            return
        self._process = None
        if process.stdin is not None and process.returncode is None:
            with contextlib.suppress(ConnectionError):
                process.stdin.write(b'{"cmd": "quit"}\n')
                await process.stdin.drain()
                process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), 20)
        except TimeoutError:
            process.kill()
            await process.wait()

    @property
    def pid(self) -> int:
        """The child's process ID."""
        if self._process is None:
            raise ChildError(f"{self.module} is not running")
        return self._process.pid

    async def call(self, cmd: str, **arguments: Any) -> dict[str, Any]:
        """Send one command and return its answer (ChildError if it failed)."""
        process = self._process
        if process is None or process.stdin is None:
            raise ChildError(f"{self.module} is not running")
        async with self._lock:
            process.stdin.write(json.dumps({"cmd": cmd, **arguments}).encode() + b"\n")
            await process.stdin.drain()
            answer = await self._read()
        if "error" in answer:
            raise ChildError(f"{self.module} {cmd}: {answer['error']}")
        return answer

    async def _read(self) -> dict[str, Any]:
        assert self._process is not None
        assert self._process.stdout is not None
        line = await self._process.stdout.readline()
        if not line:
            raise ChildError(f"{self.module} exited (see {self.log_path})")
        answer: dict[str, Any] = json.loads(line)
        return answer
