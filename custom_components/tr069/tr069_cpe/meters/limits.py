"""Limits applied to every configuration file, whatever its format."""

from __future__ import annotations

from typing import Final

MAX_FILE_SIZE: Final = 16 * 1024 * 1024
"""Largest accepted file in bytes; checked before any parsing."""

MAX_DEPTH: Final = 32
"""Deepest accepted nesting of JSON arrays/objects or XML elements."""

MAX_METERS: Final = 25_000
"""Most meters one file may declare."""

MAX_READINGS: Final = 1_000
"""Most readings one meter may have."""

MAX_VALUES: Final = 1_000_000
"""Most JSON values (containers, strings, numbers ...) or XML elements plus attributes."""
