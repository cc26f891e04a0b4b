"""The data-model objects that say what happened, and the table of format profiles.

``X_<OUI>_LastConfigurationFile.`` and ``X_<OUI>_LastFormatProfile.`` hold the report of
the last configuration file and the last profile; their parameters have active
notification by default, so the ACS hears of every outcome without asking.
``X_<OUI>_FormatProfile.{i}.`` lists the profiles the gateway has (the ACS may disable
one, or delete it with DeleteObject).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from ..cwmp.datamodel import (
    UNKNOWN_TIME,
    ActiveNotify,
    DataModel,
    ObjectNode,
    ObjectSpec,
    ParameterSpec,
    ParamType,
    Source,
    TableNode,
    Value,
)
from .profile import MAX_PROFILE_SIZE, MAX_PROFILES, FormatProfile, ProfileError, parse_profile
from .report import ConfigurationReport, ReportKind, bounded

LIST_LENGTH: Final = 1024
STATUS_NONE: Final = "None"
STATUSES: Final = (STATUS_NONE, "Applied", "Rejected")


def _reported(name: str, kind: ParamType = ParamType.STRING, length: int = 0) -> ParameterSpec:
    """A parameter of an outcome: kept across restarts, notified actively by default."""
    return ParameterSpec(
        name=name,
        type=kind,
        max_length=length or None,
        persist=True,
        active_notify=ActiveNotify.FORCE_DEFAULT_ENABLED,
    )


def _status() -> ParameterSpec:
    return ParameterSpec(
        name="Status",
        enumeration=STATUSES,
        default=STATUS_NONE,
        persist=True,
        active_notify=ActiveNotify.FORCE_DEFAULT_ENABLED,
    )


def file_object_name(oui: str) -> str:
    """``X_<OUI>_LastConfigurationFile``."""
    return f"X_{oui}_LastConfigurationFile"


def profile_object_name(oui: str) -> str:
    """``X_<OUI>_LastFormatProfile``."""
    return f"X_{oui}_LastFormatProfile"


def profile_table_name(oui: str) -> str:
    """``X_<OUI>_FormatProfile`` (a table)."""
    return f"X_{oui}_FormatProfile"


def outcome_extension(oui: str) -> tuple[ParameterSpec | ObjectSpec, ...]:
    """Data-model definitions of the outcomes and of the profile table."""
    last_file = ObjectSpec(
        name=file_object_name(oui),
        children=(
            _reported("FileName", length=256),
            _reported("Format", length=16),
            _reported("Profile", length=64),
            _status(),
            _reported("Time", ParamType.DATETIME),
            _reported("MetersAdded", length=LIST_LENGTH),
            _reported("MetersUpdated", length=LIST_LENGTH),
            _reported("MetersRemoved", length=LIST_LENGTH),
            _reported("IgnoredKeys", length=LIST_LENGTH),
            _reported("CountersKept", length=LIST_LENGTH),
            _reported("CountersNotRead", length=LIST_LENGTH),
            _reported("TimeZone", length=64),
            _reported("Error", length=LIST_LENGTH),
        ),
    )
    last_profile = ObjectSpec(
        name=profile_object_name(oui),
        children=(
            _reported("FileName", length=256),
            _reported("Name", length=64),
            _reported("Version", length=32),
            _status(),
            _reported("Time", ParamType.DATETIME),
            _reported("Error", length=LIST_LENGTH),
        ),
    )
    table = profile_table_name(oui)
    profiles = ObjectSpec(
        name=table,
        multi_instance=True,
        writable=True,
        acs_can_add=False,
        max_entries=MAX_PROFILES,
        count_parameter=f"{table}NumberOfEntries",
        children=(
            ParameterSpec(name="Name", max_length=64, persist=True),
            ParameterSpec(name="Version", max_length=32, persist=True),
            ParameterSpec(name="Description", max_length=256, persist=True),
            ParameterSpec(name="Format", max_length=8, persist=True),
            ParameterSpec(name="Enable", type=ParamType.BOOLEAN, writable=True, default=True),
            ParameterSpec(name="Content", max_length=MAX_PROFILE_SIZE, persist=True),
        ),
    )
    return (
        last_file,
        last_profile,
        ParameterSpec(name=f"{table}NumberOfEntries", type=ParamType.UNSIGNED_INT),
        profiles,
    )


def _shortened(text: str, limit: int) -> str:
    """A text that fits, marked when it had to be shortened."""
    return text if len(text) <= limit else text[: limit - 2] + " …"


@dataclass(frozen=True, slots=True)
class Outcome:
    """The last outcome as the data model holds it (for Home Assistant's entity)."""

    status: str
    file_name: str
    time: datetime | None
    error: str
    details: dict[str, str]


class Outcomes:
    """Writes reports into the data model and reads the last ones back."""

    def __init__(self, datamodel: DataModel, root: str, oui: str) -> None:
        self.datamodel = datamodel
        self.file_path = f"{root}.{file_object_name(oui)}."
        self.profile_path = f"{root}.{profile_object_name(oui)}."

    def record(self, report: ConfigurationReport) -> None:
        """Put a report in the data model (one batch: one notification)."""
        if report.kind is ReportKind.FORMAT_PROFILE:
            base, values = self.profile_path, self._profile_values(report)
        else:
            base, values = self.file_path, self._file_values(report)
        status = "Applied" if report.applied else "Rejected"
        common: dict[str, Value] = {
            "FileName": _shortened(report.file_name, 256),
            "Status": status,
            "Time": report.time,
            "Error": _shortened(report.error or "", LIST_LENGTH),
        }
        self.datamodel.set_many_local(
            {f"{base}{name}": value for name, value in {**values, **common}.items()}
        )

    @staticmethod
    def _file_values(report: ConfigurationReport) -> dict[str, Value]:
        return {
            "Format": report.format or "",
            "Profile": report.profile or "",
            "MetersAdded": bounded(report.added, LIST_LENGTH),
            "MetersUpdated": bounded(report.updated, LIST_LENGTH),
            "MetersRemoved": bounded(report.removed, LIST_LENGTH),
            "IgnoredKeys": bounded(report.ignored, LIST_LENGTH, report.more_ignored),
            "CountersKept": bounded(report.kept, LIST_LENGTH),
            "CountersNotRead": bounded(report.not_read, LIST_LENGTH),
            "TimeZone": report.time_zone or "",
        }

    @staticmethod
    def _profile_values(report: ConfigurationReport) -> dict[str, Value]:
        return {"Name": report.profile or "", "Version": report.profile_version or ""}

    def last(self, kind: ReportKind) -> Outcome:
        """The last outcome of a kind of file (status "None" before the first)."""
        base = self.profile_path if kind is ReportKind.FORMAT_PROFILE else self.file_path
        obj = self.datamodel.node(base)
        assert isinstance(obj, ObjectNode)
        values = {name: self.datamodel.value(f"{base}{name}") for name in obj.children}
        time = values.pop("Time")
        return Outcome(
            status=str(values.pop("Status")),
            file_name=str(values.pop("FileName")),
            time=time if isinstance(time, datetime) and time != UNKNOWN_TIME else None,
            error=str(values.pop("Error")),
            details={name: str(value) for name, value in values.items()},
        )


class ProfileTable:
    """The format profiles in the data model (persisted with it)."""

    def __init__(self, datamodel: DataModel, root: str, oui: str) -> None:
        self.datamodel = datamodel
        self.path = f"{root}.{profile_table_name(oui)}."
        self._parsed: dict[str, FormatProfile] = {}

    def _rows(self) -> list[ObjectNode]:
        table = self.datamodel.node(self.path)
        assert isinstance(table, TableNode)
        return list(table.instances.values())

    def enabled(self) -> list[FormatProfile]:
        """The enabled profiles, in table order.

        A stored profile that no longer validates (a newer gateway's) is skipped.
        """
        profiles = []
        for row in self._rows():
            if self.datamodel.value(f"{row.path}Enable") is not True:
                continue
            text = str(self.datamodel.value(f"{row.path}Content"))
            profile = self._parsed.get(text)
            if profile is None:
                try:
                    profile = parse_profile(text.encode())
                except ProfileError:
                    continue
                self._parsed[text] = profile
            profiles.append(profile)
        return profiles

    def installed(self, profile: FormatProfile) -> bool:
        """Whether this very profile is installed (same name and content)."""
        return any(
            self.datamodel.value(f"{row.path}Name") == profile.name
            and self.datamodel.value(f"{row.path}Content") == profile.text
            for row in self._rows()
        )

    def install(self, profile: FormatProfile) -> int:
        """Add the profile, or replace the one of the same name; its instance number."""
        if len(profile.text) > MAX_PROFILE_SIZE:
            raise ProfileError(f"the profile is longer than {MAX_PROFILE_SIZE} characters")
        row = next(
            (r for r in self._rows() if self.datamodel.value(f"{r.path}Name") == profile.name),
            None,
        )
        if row is None:
            if len(self._rows()) >= MAX_PROFILES:
                raise ProfileError(f"the gateway keeps at most {MAX_PROFILES} format profiles")
            row = self.datamodel.add_instance(self.path, Source.LOCAL)
        self.datamodel.set_many_local(
            {
                f"{row.path}Name": profile.name,
                f"{row.path}Version": profile.version,
                f"{row.path}Description": profile.description,
                f"{row.path}Format": profile.source_format,
                f"{row.path}Enable": True,
                f"{row.path}Content": profile.text,
            }
        )
        self._parsed[profile.text] = profile  # validated already: not parsed again
        assert row.instance is not None
        return row.instance
