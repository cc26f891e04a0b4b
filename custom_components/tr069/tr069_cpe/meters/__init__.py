"""Vendor Configuration Files: the meters behind the gateway and their readings.

Pure Python, no Home Assistant imports.  ``parse_configuration(data)`` turns a file
(JSON, JSON lines, XML or CSV; with a format profile if need be; see FORMATS.md) into a
validated :class:`ConfigurationFile` or raises :class:`ConfigurationFileError`;
``serialize_configuration(meters)`` writes meters back.
"""

from __future__ import annotations

from .errors import ConfigurationFileError
from .limits import MAX_DEPTH, MAX_FILE_SIZE, MAX_METERS, MAX_READINGS, MAX_VALUES
from .model import ConfigurationFile, Meter, MeterKind, Reading
from .parse import parse_configuration
from .registry import (
    ConfigurationFormat,
    find_format,
    load_builtin_formats,
    register_format,
    registered_formats,
)
from .serialize import serialize_configuration

load_builtin_formats()

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_SIZE",
    "MAX_METERS",
    "MAX_READINGS",
    "MAX_VALUES",
    "ConfigurationFile",
    "ConfigurationFileError",
    "ConfigurationFormat",
    "Meter",
    "MeterKind",
    "Reading",
    "find_format",
    "parse_configuration",
    "register_format",
    "registered_formats",
    "serialize_configuration",
]
