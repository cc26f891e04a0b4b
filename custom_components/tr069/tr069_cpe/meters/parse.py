"""The entry point: bytes in, validated configuration out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
import re
from typing import Final

from .context import ReadContext, ReadOptions
from .errors import ConfigurationFileError
from .limits import MAX_FILE_SIZE
from .model import ConfigurationFile
from .profile import FormatProfile
from .profile_reader import read_with_profile, select_profile
from .registry import find_format

_BLANK: Final = re.compile(rb"(?:\xef\xbb\xbf)?\s*")


def parse_configuration(
    data: bytes,
    *,
    filename: str | None = None,
    options: ReadOptions | None = None,
    profiles: Sequence[FormatProfile] = (),
) -> ConfigurationFile:
    """Parse and validate a Vendor Configuration File.

    The format is chosen by the registry (content first, then ``filename``).  The whole
    file is validated before anything is returned; keys that are not needed are ignored
    and listed in the result, and anything else that is not understood raises
    :class:`ConfigurationFileError` with a message saying what and where.  ``options``
    give the zone of times written without one (the gateway's) and number conventions.
    A file is read with the format profile it names, or the first of ``profiles`` whose
    ``match`` holds; otherwise with the built-in rules.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"expected bytes, got {type(data).__name__}")
    if len(data) > MAX_FILE_SIZE:
        raise ConfigurationFileError(
            f"the file has {len(data)} bytes; at most {MAX_FILE_SIZE} are accepted"
        )
    data = bytes(data)
    if _BLANK.fullmatch(data):
        raise ConfigurationFileError("the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ConfigurationFileError("the file is UTF-16 or UTF-32; only UTF-8 is accepted")
    context = ReadContext(options or ReadOptions())
    profile = select_profile(data, filename, profiles)
    if profile is not None:
        return _with_profile(data, filename, profile, context)
    chosen = find_format(data, filename)
    try:
        result = chosen.parse(data, filename, context)
    except ConfigurationFileError:
        raise
    except Exception as err:  # a format's bug must not escape as anything else
        raise ConfigurationFileError(
            f"the {chosen.name} parser failed: {type(err).__name__}: {err}"
        ) from err
    if result.format != chosen.name and not result.format.startswith(f"{chosen.name}"):
        result = replace(result, format=chosen.name)
    return result


def _with_profile(
    data: bytes, filename: str | None, profile: FormatProfile, context: ReadContext
) -> ConfigurationFile:
    try:
        return read_with_profile(data, filename, profile, context)
    except ConfigurationFileError:
        raise
    except Exception as err:  # a bug must not escape as anything else
        raise ConfigurationFileError(
            f"reading with the format profile {profile.name!r} failed: {type(err).__name__}: {err}"
        ) from err
