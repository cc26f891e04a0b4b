"""JSON configuration files (all shapes described in FORMATS.md)."""

from __future__ import annotations

from itertools import accumulate
import json
import re
from typing import Final

from ..errors import ConfigurationFileError
from ..limits import MAX_DEPTH, MAX_VALUES
from ..model import ConfigurationFile
from ..normalize import configuration_from_tree, decode_utf8
from ..registry import register_format

NAME: Final = "json"

_FIRST_CHARACTER: Final = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*(.?)", re.DOTALL)

# A JSON string, or an unterminated one up to the end of the text (possessive loops keep
# this linear even for broken input).
_STRING: Final = re.compile(r'"[^"\\]*+(?:\\(?:.|\Z)[^"\\]*+)*+(?:"|\Z)', re.DOTALL)
_NOT_STRUCTURE: Final = re.compile(r"[^\[\]{},]+")
_INNERMOST: Final = re.compile(r"\[\]|\{\}")


def _detect(data: bytes, filename: str | None) -> bool:
    """An object or a list (a configuration is never a bare scalar), or a ``.json`` name."""
    first = _FIRST_CHARACTER.match(data)
    character = first[1] if first else b""
    if character in (b"{", b"["):
        return True
    if character == b"<":
        return False
    return filename is not None and filename.lower().endswith(".json")


def check_structure(text: str) -> None:
    """Reject too deep nesting and too many values without parsing (and recursing).

    Strings are removed, then the innermost ``[]``/``{}`` pairs repeatedly: a document
    nested N levels deep is empty after exactly N rounds.
    """
    skeleton = _NOT_STRUCTURE.sub("", _STRING.sub("", text))
    containers = skeleton.count("[") + skeleton.count("{")
    if containers + skeleton.count(",") + 1 > MAX_VALUES:
        raise ConfigurationFileError(f"the file has more than {MAX_VALUES} values")
    brackets = skeleton.replace(",", "")
    for level in range(MAX_DEPTH + 1):
        if not brackets:
            return
        reduced = _INNERMOST.sub("", brackets)
        if len(reduced) == len(brackets):
            # Unbalanced: invalid JSON. Let the parser say where, unless that could
            # make it recurse deeply.
            depth = max(accumulate(1 if bracket in "[{" else -1 for bracket in brackets))
            if level + depth <= 2 * MAX_DEPTH:
                return
            raise ConfigurationFileError("invalid JSON: brackets do not match (truncated?)")
        brackets = reduced
    raise ConfigurationFileError(f"the file is nested deeper than {MAX_DEPTH} levels")


def _object(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ConfigurationFileError(f'invalid JSON: duplicate key "{key}" in an object')
            seen.add(key)
    return result


def _constant(name: str) -> object:
    raise ConfigurationFileError(f"invalid JSON: {name} is not a finite number")


def parse_json_tree(data: bytes) -> object:
    """Decode, check and load a JSON file (NaN and Infinity are rejected)."""
    text = decode_utf8(data)
    check_structure(text)
    try:
        return json.loads(text, object_pairs_hook=_object, parse_constant=_constant)
    except json.JSONDecodeError as err:
        raise ConfigurationFileError(
            f"invalid or truncated JSON: {err.msg} at line {err.lineno} column {err.colno}"
        ) from None
    except (ValueError, RecursionError) as err:
        raise ConfigurationFileError(f"invalid JSON: {err}") from None


def _parse(data: bytes, filename: str | None) -> ConfigurationFile:
    del filename
    return configuration_from_tree(parse_json_tree(data), format_name=NAME)


register_format(NAME, detect=_detect, parse=_parse)
