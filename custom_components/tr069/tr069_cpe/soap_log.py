"""The runner's ``--soap-log``: every envelope as a numbered file, passwords redacted.

Files are written off the event loop, in order, by one thread; the folder is 0700 and
the files 0600. The newest ``keep`` files are kept (older ones are deleted, those of
earlier runs included), and numbering goes on after the highest number already there,
so a restart neither overwrites nor mixes with what an earlier run wrote.
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import ThreadPoolExecutor
import contextlib
import logging
import os
from pathlib import Path
import re

from .cwmp import limits
from .cwmp.redaction import redact

_LOGGER = logging.getLogger(__name__)

_METHOD = re.compile(rb"<(?:[\w-]+:)?Body>\s*<(?:[\w-]+:)?(\w+)")
_NUMBERED = re.compile(r"(\d+)-(?:in|out)-\w+\.xml")


class SoapLog:
    """Numbered files, one per message (``0001-out-Inform.xml``), at most ``keep`` of them.

    A message that cannot be written (disk full) is skipped, and said so once.
    """

    def __init__(self, folder: Path, keep: int = limits.SOAP_LOG_FILES) -> None:
        self._folder = folder
        self._keep = keep
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="soap-log")
        self._files: deque[Path] = deque()
        self._number = 0
        self._failing = False
        self._writer.submit(self._scan)

    def __call__(self, direction: str, message: bytes) -> None:
        """Record one message (``out`` = CPE→ACS, ``in`` = ACS→CPE)."""
        match = _METHOD.search(message)
        name = match.group(1).decode() if match else "empty"
        self._writer.submit(self._write, direction, name, message)

    def _scan(self) -> None:
        """The files an earlier run left, oldest first."""
        with contextlib.suppress(OSError):
            found = [
                (int(match.group(1)), path)
                for path in self._folder.iterdir()
                if (match := _NUMBERED.fullmatch(path.name))
            ]
            found.sort()
            self._files.extend(path for _, path in found)
            self._number = found[-1][0] if found else 0

    def _write(self, direction: str, name: str, message: bytes) -> None:
        self._number += 1
        path = self._folder / f"{self._number:04d}-{direction}-{name}.xml"
        try:
            self._folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as file:
                file.write(redact(message))  # here, off the event loop: answers can be MBs
        except OSError as err:
            if not self._failing:
                _LOGGER.warning("The SOAP log cannot be written: %s", err)
            self._failing = True
            return
        self._failing = False
        self._files.append(path)
        while len(self._files) > self._keep:
            with contextlib.suppress(OSError):
                self._files.popleft().unlink()

    def close(self) -> None:
        """Finish pending writes."""
        self._writer.shutdown(wait=True)
