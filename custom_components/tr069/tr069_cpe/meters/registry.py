"""The registry of configuration-file formats.

Each format is one module in ``meters/formats/`` that calls :func:`register_format` when
imported.  The built-in modules are listed in :data:`BUILTIN_FORMATS`; adding an
operator's own format means writing one module and adding one line there::

    # meters/formats/acme_csv.py
    from ..registry import register_format

    def _detect(data: bytes, filename: str | None) -> bool:
        return filename is not None and filename.lower().endswith(".csv")

    def _parse(data: bytes, filename: str | None, context: ReadContext) -> ConfigurationFile:
        ...  # build a JSON-like tree and call normalize.configuration_from_tree()

    register_format("acme-csv", detect=_detect, parse=_parse)

Formats are tried in registration order (fallback formats, such as the built-in CSV,
last); the first whose ``detect`` returns True parses the file, and its verdict is final
(no other format is tried when it fails). Most operators need no code: a format
profile (``profiles/``) describes a file declaratively.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import importlib
import threading
from typing import Final

from .context import ReadContext
from .errors import ConfigurationFileError
from .model import ConfigurationFile

BUILTIN_FORMATS: Final[tuple[str, ...]] = (
    "json_format",
    "xml_format",
    "csv_format",
)
"""Modules of ``meters/formats/``, imported with the package, in priority order."""

type Detector = Callable[[bytes, str | None], bool]
"""``detect(data, filename)``: True if this format should parse the file."""

type Parser = Callable[[bytes, str | None, ReadContext], ConfigurationFile]
"""``parse(data, filename, context)``: the validated file, or :class:`ConfigurationFileError`.

``context`` carries the read options (time zone, number style) and collects the keys
the format ignored."""


@dataclass(frozen=True, slots=True)
class ConfigurationFormat:
    """A registered configuration-file format."""

    name: str
    detect: Detector
    parse: Parser
    fallback: bool = False
    """Tried after every other format (CSV: almost any text has a comma)."""


_formats: list[ConfigurationFormat] = []
_lock = threading.Lock()
_load_lock = threading.Lock()
_loaded = False


def register_format(
    name: str, *, detect: Detector, parse: Parser, fallback: bool = False
) -> ConfigurationFormat:
    """Register a format; its ``name`` must be unique.

    A ``fallback`` format is tried only when no other format recognises the file.
    """
    with _lock:
        if any(existing.name == name for existing in _formats):
            raise ValueError(f"configuration format {name!r} is already registered")
        registered = ConfigurationFormat(name, detect, parse, fallback)
        _formats.append(registered)
        return registered


def load_builtin_formats() -> None:
    """Import the built-in format modules (once).

    Called when the ``meters`` package is imported, so that no module is imported
    later from an event loop.
    """
    global _loaded  # noqa: PLW0603
    if not _loaded:
        with _load_lock:
            if not _loaded:
                for module in BUILTIN_FORMATS:
                    importlib.import_module(f"{__package__}.formats.{module}")
                _loaded = True


def registered_formats() -> tuple[ConfigurationFormat, ...]:
    """All registered formats, built-in ones first (in BUILTIN_FORMATS order)."""
    load_builtin_formats()
    order = [module.removesuffix("_format") for module in BUILTIN_FORMATS]
    return tuple(
        sorted(_formats, key=lambda f: order.index(f.name) if f.name in order else len(order))
    )


def find_format(data: bytes, filename: str | None = None) -> ConfigurationFormat:
    """The first format that recognises ``data`` (fallback formats last)."""
    formats = registered_formats()
    ordered = [*(f for f in formats if not f.fallback), *(f for f in formats if f.fallback)]
    for candidate in ordered:
        if candidate.detect(data, filename):
            return candidate
    names = ", ".join(candidate.name for candidate in registered_formats())
    raise ConfigurationFileError(f"unrecognised file format (accepted: {names})")
