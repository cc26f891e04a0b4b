"""Where the meters are in a file: the one list or map of meter records.

A file is a list of meter records, a single meter record, a map of records keyed by
serial, or an envelope of any depth around exactly one such list or map. Everything
around it (headers, export information, checksums, sites) is ignored and reported;
``partial`` and ``timestamp`` beside it are understood.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from . import keys
from .catalog import kinds_of
from .context import ReadContext
from .errors import ConfigurationFileError
from .keys import child, fold, item
from .readings import unwrap
from .values import describe

type Tree = object

PARTIAL: Final = "partial"
TIMESTAMP: Final = "timestamp"
_EXPLICIT: Final = keys.METER_LIST_KEYS


@dataclass(frozen=True, slots=True)
class Found:
    """The meter records of a file, with where they are and the settings beside them."""

    records: list[tuple[str, Tree, str | None]]
    """(path, record, serial given outside the record as a map key)."""
    settings: dict[str, tuple[str, Tree]]
    """``partial`` / ``timestamp`` → (path, raw value)."""


@dataclass(frozen=True, slots=True)
class _Candidate:
    path: str
    container: Tree
    steps: tuple[str | int, ...]
    """Keys and indices from the top of the file to the container."""
    single: bool = False
    """The container is one meter record, not a list or map of them."""


def locate(tree: Tree, context: ReadContext) -> Found:
    """The meter records of a parsed file; raises if there are none or two lists."""
    if isinstance(tree, list):
        if not tree:
            raise ConfigurationFileError(
                'the file is an empty list; declare "no meters" as {"meters": []}'
            )
        return Found(records("", tree), {})
    if not isinstance(tree, dict):
        raise ConfigurationFileError(
            f"the file is {describe(tree)}, expected an object or a list of meters"
        )
    if _has_serial(tree):
        return Found([("", tree, None)], {})
    if _is_serial_map(tree):
        return Found(records("", tree), {})
    found = _search(tree, "", ())
    if not found:
        raise ConfigurationFileError(
            "no identifiable meter: no list or map of records with a serial "
            '(such as "serial", "id" or "meter_id") was found'
        )
    if len(found) > 1:
        first, second = found[0], found[1]
        raise ConfigurationFileError(
            f"{second.path or 'the top level'}: a second list of meters "
            f"(also {first.path or 'the top level'}); which one holds the meters is ambiguous"
        )
    (chosen,) = found
    settings = report_around(tree, chosen.steps, context)
    if chosen.single:
        return Found([(chosen.path, chosen.container, None)], settings)
    return Found(records(chosen.path, chosen.container), settings)


def records(path: str, container: Tree) -> list[tuple[str, Tree, str | None]]:
    """The records of a list of meters, a map keyed by serial, or one wrapped meter."""
    wrapped = unwrap(container, keys.METER_ELEMENTS)
    if wrapped is not None:
        path, container = child(path, wrapped[0]), wrapped[1]
        if isinstance(container, dict):
            return [(path, container, None)]
    if container == "":
        return []  # an empty XML element: no meters
    if isinstance(container, list):
        return [(item(path, index), record, None) for index, record in enumerate(container)]
    if isinstance(container, dict):
        return [(child(path, key), record, key) for key, record in container.items()]
    raise ConfigurationFileError(
        f"{path}: is {describe(container)}, expected a list of meters"
        if path
        else f"the file is {describe(container)}, expected a list of meters"
    )


def _has_serial(record: dict[str, Tree]) -> bool:
    return any(fold(key) in keys.SERIAL_KEYS for key in record)


def _has_readings(record: dict[str, Tree]) -> bool:
    """A type, a readings container, or a key some kind knows as a reading."""
    return any(
        fold(key) in keys.TYPE_KEYS or fold(key) in keys.READINGS_KEYS or kinds_of(key)
        for key in record
    )


def _looks_like_meter(value: Tree) -> bool:
    return isinstance(value, dict) and _has_serial(value) and _has_readings(value)


def _is_meter_list(value: list[Tree]) -> bool:
    return (
        bool(value)
        and all(isinstance(element, dict) for element in value)
        and any(_looks_like_meter(element) for element in value)
    )


def _is_serial_map(value: dict[str, Tree]) -> bool:
    """Every value a meter record (without a serial, or with the key as its serial)."""
    if not value:
        return False
    for key, record in value.items():
        if not isinstance(record, dict) or not _has_readings(record):
            return False
        serials = [v for k, v in record.items() if fold(k) in keys.SERIAL_KEYS]
        if any(str(serial).strip() != key.strip() for serial in serials):
            return False
    return True


def _search(obj: dict[str, Tree], path: str, steps: tuple[str | int, ...]) -> list[_Candidate]:
    """Candidate meter containers below an object (not inside a candidate)."""
    found: list[_Candidate] = []
    for key, value in obj.items():
        key_path, key_steps = child(path, key), (*steps, key)
        if fold(key) in _EXPLICIT and isinstance(value, dict | list | str):
            if value == "" or isinstance(value, dict | list):
                found.append(_Candidate(key_path, value, key_steps))
        elif isinstance(value, list):
            if _is_meter_list(value):
                found.append(_Candidate(key_path, value, key_steps))
                continue
            for index, element in enumerate(value):
                if isinstance(element, dict):
                    found.extend(_search(element, item(key_path, index), (*key_steps, index)))
        elif isinstance(value, dict):
            if _looks_like_meter(value):
                found.append(_Candidate(key_path, value, key_steps, single=True))
            elif _is_serial_map(value):
                found.append(_Candidate(key_path, value, key_steps))
            else:
                found.extend(_search(value, key_path, key_steps))
    return found


def report_around(
    tree: dict[str, Tree], steps: tuple[str | int, ...], context: ReadContext
) -> dict[str, tuple[str, Tree]]:
    """Report what lies beside the path to the meters; read partial/timestamp there."""
    settings: dict[str, tuple[str, Tree]] = {}
    node: Tree = tree
    path = ""
    for step in steps:
        if isinstance(node, dict):
            for key, value in node.items():
                if key != step:
                    _beside(child(path, key), key, value, settings, context)
            path = child(path, str(step))
        elif isinstance(node, list):
            for index in range(len(node)):
                if index != step:
                    context.ignore(item(path, index))
            path = item(path, int(step))
        node = node[step]  # type: ignore[index]
    return settings


def _beside(
    path: str,
    key: str,
    value: Tree,
    settings: dict[str, tuple[str, Tree]],
    context: ReadContext,
) -> None:
    folded = fold(key)
    role = (
        PARTIAL
        if folded in keys.PARTIAL_KEYS
        else TIMESTAMP
        if folded in keys.TIMESTAMP_KEYS and not isinstance(value, dict | list)
        else None
    )
    if role is None:
        context.ignore(path)
        return
    if role in settings:
        raise ConfigurationFileError(
            f'both "{settings[role][0]}" and "{path}" give the {role} of the file'
        )
    settings[role] = (path, value)
