"""What the demo prints: one line per step, tagged with who did it."""

from __future__ import annotations

from datetime import datetime
import logging
from pathlib import Path
import sys
from typing import Final, TextIO


class DemoError(Exception):
    """A step failed; the message says what happened and what to do."""


_COLOURS: Final = {
    "demo": "1;36",
    "ACS": "1;33",
    "HA": "1;32",
    "XMPP": "1;34",
    "check": "1;35",
    "error": "1;31",
}


def _coloured(stream: TextIO, tag: str) -> str:
    label = f"{tag:<5}"
    if stream.isatty() and tag in _COLOURS:
        return f"\033[{_COLOURS[tag]}m{label}\033[0m"
    return label


def say(tag: str, message: str) -> None:
    """Print ``HH:MM:SS TAG   message`` (tag: ``demo``, ``ACS``, ``HA``, ``XMPP``, ``check``)."""
    stamp = datetime.now().astimezone().strftime("%H:%M:%S")
    stream = sys.stdout
    for line in message.splitlines() or [""]:
        stream.write(f"{stamp} {_coloured(stream, tag)} {line}\n")
    stream.flush()


def error(message: str) -> None:
    """Print an error on stderr."""
    stamp = datetime.now().astimezone().strftime("%H:%M:%S")
    for line in message.splitlines() or [""]:
        sys.stderr.write(f"{stamp} {_coloured(sys.stderr, 'error')} {line}\n")
    sys.stderr.flush()


def setup_logging() -> None:
    """Warnings of the local ACS (schema or protocol errors) go to the console too."""
    logging.basicConfig(
        level=logging.WARNING,
        format="%(asctime)s log   %(name)s %(levelname)s: %(message)s",
        datefmt="%H:%M:%S",
    )


def tail(path: Path, lines: int = 25) -> str:
    """The last lines of a text file ("" if it does not exist)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])
