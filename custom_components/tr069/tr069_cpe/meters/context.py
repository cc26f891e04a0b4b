"""How a file is read (number style, time zone, time formats) and what reading it noticed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, tzinfo
import re
from typing import Final

MAX_REPORTED: Final = 50
"""Most ignored keys a report lists; the others are counted."""
_MAX_TRACKED: Final = 10_000
_LINE_PREFIX: Final = re.compile(r"line \d+: ")
_INDEX: Final = re.compile(r"\[\d+\]")
_COLUMN: Final = re.compile(r'column(?:\.(?P<plain>.+)|\["(?P<quoted>.*)"\])')


@dataclass(frozen=True, slots=True)
class NumberStyle:
    """How numbers are written.

    ``decimal``: None is the built-in rule (a dot, or a lone comma not followed by
    exactly three digits); ``"either"`` takes a lone comma or dot as the decimal mark
    (semicolon CSV); ``","`` or ``"."`` fixes it. ``thousands`` groups digits by three.
    """

    decimal: str | None = None
    thousands: str | None = None


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """What a file's own conventions are (built in, or from a format profile)."""

    time_zone: tzinfo = UTC
    """The zone of times written without one (the gateway's local zone)."""
    numbers: NumberStyle = NumberStyle()
    time_formats: tuple[str, ...] = ()
    """Extra time layouts (``DD.MM.YYYY hh:mm``) from a profile."""
    epoch_milliseconds: bool = False


def generalize(path: str) -> str:
    """A path as the report lists it: list indices as ``[*]``, CSV columns as ``column:X``."""
    path = _LINE_PREFIX.sub("", path)
    column = _COLUMN.fullmatch(path)
    if column is not None:
        return f"column:{column['plain'] or column['quoted']}"
    return _INDEX.sub("[*]", path)


@dataclass(slots=True)
class ReadContext:
    """The options of one read, and the keys it ignored (bounded)."""

    options: ReadOptions = field(default_factory=ReadOptions)
    ignored: dict[str, None] = field(default_factory=dict)
    more_ignored: int = 0
    zone_used: bool = False
    """A time without a zone was read (in ``options.time_zone``)."""

    def ignore(self, path: str) -> None:
        """Note a key that was not needed (reported, never fatal)."""
        entry = generalize(path)
        if entry in self.ignored:
            return
        if len(self.ignored) < _MAX_TRACKED:
            self.ignored[entry] = None
        else:
            self.more_ignored += 1

    def ignored_report(self) -> tuple[tuple[str, ...], int]:
        """The first MAX_REPORTED ignored keys, and how many more there are."""
        entries = list(self.ignored)
        extra = max(0, len(entries) - MAX_REPORTED) + self.more_ignored
        return tuple(entries[:MAX_REPORTED]), extra
