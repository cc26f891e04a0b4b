"""JSON and JSON-lines configuration files (all shapes described in FORMATS.md).

JSON lines (``.jsonl``/``.ndjson``, or several objects one per line, as a wM-Bus decoder
such as wmbusmeters writes them) hold one meter record per line; several lines of one
meter are successive telegrams, the newest of which is used.
"""

from __future__ import annotations

from itertools import accumulate
import json
import re
from typing import Final

from ..context import ReadContext
from ..errors import ConfigurationFileError
from ..keys import child, item
from ..limits import MAX_DEPTH, MAX_METERS, MAX_VALUES
from ..model import ConfigurationFile
from ..normalize import MeterRecord, build_configuration, configuration_from_tree, decode_utf8
from ..registry import register_format

NAME: Final = "json"
LINES_NAME: Final = "jsonl"
_LINES_SUFFIXES: Final = (".jsonl", ".ndjson")
_SURROGATE_ESCAPE: Final = re.compile(r"\\u[dD][89a-fA-F]")
_LINE_PREFIX: Final = re.compile(r"\[(\d+)\]")

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
    """Decode, check and load a JSON file (NaN, Infinity and lone surrogates are rejected)."""
    return _load(decode_utf8(data))


def load_text(text: str, line: int = 1) -> object:
    """A JSON text as a tree (checked like a whole file)."""
    return _load(text, line)


def _load(text: str, line: int = 1) -> object:
    check_structure(text)
    try:
        tree = json.loads(text, object_pairs_hook=_object, parse_constant=_constant)
    except json.JSONDecodeError as err:
        raise ConfigurationFileError(
            f"invalid or truncated JSON: {err.msg} at line {err.lineno + line - 1} "
            f"column {err.colno}"
        ) from None
    except (ValueError, RecursionError) as err:
        raise ConfigurationFileError(f"invalid JSON: {err}") from None
    if _SURROGATE_ESCAPE.search(text):
        _reject_surrogates(tree)
    return tree


def _reject_surrogates(tree: object) -> None:
    """I-JSON (RFC 7493): a lone UTF-16 surrogate escape is not a character."""
    stack: list[tuple[str, object]] = [("", tree)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                _check_text(path, key)
                stack.append((child(path, key), value))
        elif isinstance(node, list):
            stack.extend((item(path, index), value) for index, value in enumerate(node))
        elif isinstance(node, str):
            _check_text(path, node)


def _check_text(path: str, text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        code = ord(text[err.start])
        where = f"{path}: " if path else ""
        raise ConfigurationFileError(
            f"{where}the string contains a lone UTF-16 surrogate (\\u{code:04x}), "
            "not a Unicode character"
        ) from None


def is_json_lines(text: str, filename: str | None) -> bool:
    """A ``.jsonl`` name, or several lines each holding one whole JSON object."""
    if filename is not None and filename.lower().endswith(_LINES_SUFFIXES):
        return True
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2 or not lines[0].lstrip().startswith("{"):
        return False
    try:
        json.loads(lines[0])
    except ValueError:
        return False
    return True


def _parse(data: bytes, filename: str | None, context: ReadContext) -> ConfigurationFile:
    text = decode_utf8(data)
    if is_json_lines(text, filename):
        return build_lines(load_lines(text), context)
    return configuration_from_tree(_load(text), format_name=NAME, context=context)


def load_lines(text: str) -> list[MeterRecord]:
    """The records of JSON lines, one per non-blank line (paths ``[0]``, ``[1]`` …)."""
    records: list[MeterRecord] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if len(records) >= MAX_METERS:
            raise ConfigurationFileError(f"more than {MAX_METERS} meters")
        try:
            record = _load(line, number)
        except ConfigurationFileError as err:
            if f"line {number} " in str(err):
                raise
            raise ConfigurationFileError(f"line {number}: {err}") from None
        records.append(MeterRecord(item("", len(records)), record, line=number))
    if not records:
        raise ConfigurationFileError("the file is empty")
    return records


def build_lines(
    records: list[MeterRecord], context: ReadContext, profile: str | None = None
) -> ConfigurationFile:
    """Validate JSON-lines records; errors name the line."""
    lines = {record.path: record.line for record in records}
    try:
        return build_configuration(
            records,
            partial=False,
            format_name=LINES_NAME,
            context=context,
            latest_wins=True,
            profile=profile,
        )
    except ConfigurationFileError as err:
        message = str(err)
        match = _LINE_PREFIX.match(message)
        found = lines.get(match.group()) if match is not None else None
        if found is not None:
            raise ConfigurationFileError(f"line {found}: {message}") from None
        raise


register_format(NAME, detect=_detect, parse=_parse)
