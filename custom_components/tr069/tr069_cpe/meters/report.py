"""What happened to a configuration file or a format profile: the report.

The same report goes into the data model (for the ACS), into Home Assistant's events
and the gateway's diagnostic entity (for the user), and into the log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from .model import ConfigurationFile
from .plan import ApplyResult

APPLIED: Final = "applied"
REJECTED: Final = "rejected"


class ReportKind(StrEnum):
    """What was received."""

    CONFIGURATION_FILE = "configuration_file"
    FORMAT_PROFILE = "format_profile"


@dataclass(frozen=True, slots=True)
class ConfigurationReport:
    """The outcome of one configuration file or format profile."""

    kind: ReportKind
    file_name: str
    status: str
    """``applied`` or ``rejected``."""
    time: datetime
    format: str | None = None
    profile: str | None = None
    """The profile used to read the file, or the profile received."""
    profile_version: str | None = None
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()
    more_ignored: int = 0
    kept: tuple[str, ...] = ()
    """Counters the file would have lowered, kept as they were."""
    not_read: tuple[str, ...] = ()
    superseded: tuple[str, ...] = ()
    time_zone: str | None = None
    """The zone times without one were read in (None: there were none)."""
    error: str | None = None

    @property
    def applied(self) -> bool:
        """Whether the file was applied."""
        return self.status == APPLIED

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-able data (Home Assistant's event data)."""
        return {
            "kind": self.kind.value,
            "file": self.file_name,
            "status": self.status,
            "time": self.time.isoformat(),
            "format": self.format,
            "profile": self.profile,
            "profile_version": self.profile_version,
            "added": list(self.added),
            "updated": list(self.updated),
            "removed": list(self.removed),
            "ignored": list(self.ignored),
            "more_ignored": self.more_ignored,
            "kept": list(self.kept),
            "not_read": list(self.not_read),
            "superseded": list(self.superseded),
            "time_zone": self.time_zone,
            "error": self.error,
        }


def applied_report(
    file_name: str, config: ConfigurationFile, result: ApplyResult, now: datetime
) -> ConfigurationReport:
    """The report of a configuration file that was applied."""
    return ConfigurationReport(
        kind=ReportKind.CONFIGURATION_FILE,
        file_name=file_name,
        status=APPLIED,
        time=now,
        format=config.format,
        profile=config.profile,
        added=result.added,
        updated=result.updated,
        removed=result.removed,
        ignored=config.ignored,
        more_ignored=config.more_ignored,
        kept=result.kept,
        not_read=result.not_read,
        superseded=config.superseded,
        time_zone=config.local_time_zone,
    )


def rejected_report(
    kind: ReportKind, file_name: str, error: str, now: datetime
) -> ConfigurationReport:
    """The report of a file or profile that was rejected (nothing changed)."""
    return ConfigurationReport(
        kind=kind, file_name=file_name, status=REJECTED, time=now, error=error
    )


def bounded(items: Sequence[str], limit: int, more: int = 0) -> str:
    """Items joined by ", ", shortened to ``limit`` characters with an explicit count.

    ``"26, 987 … (+3 more)"``: a report never drops items silently.
    """
    shown: list[str] = []
    for index, entry in enumerate(items):
        rest = len(items) - index - 1 + more
        candidate = ", ".join([*shown, entry])
        if len(candidate) + (len(_more(rest)) if rest else 0) > limit:
            return (", ".join(shown) + _more(len(items) - index + more)).strip()
        shown.append(entry)
    return ", ".join(shown) + (_more(more) if more else "")


def _more(count: int) -> str:
    return f" … (+{count} more)"
