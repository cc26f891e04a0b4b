"""Repair issues for rejected configuration files and format profiles.

A rejected file raises an issue that says, in words, which file and why; the next file
that is applied removes it. Issues follow the data model's last outcome, so they are
right again after a restart.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN
from .tr069_cpe import ConfigurationReport, Outcome, ReportKind

_TRANSLATION_KEYS = {
    ReportKind.CONFIGURATION_FILE: "configuration_rejected",
    ReportKind.FORMAT_PROFILE: "format_profile_rejected",
}


def issue_id(entry_id: str, kind: ReportKind) -> str:
    """The issue of one kind of file of one config entry."""
    return f"{_TRANSLATION_KEYS[kind]}_{entry_id}"


def async_follow_report(
    hass: HomeAssistant, entry_id: str, title: str, report: ConfigurationReport
) -> None:
    """Raise the issue for a rejected file, clear it when a file is applied."""
    if report.applied:
        ir.async_delete_issue(hass, DOMAIN, issue_id(entry_id, report.kind))
        return
    details = {"title": title, "file": report.file_name, "error": report.error or ""}
    _raise(hass, entry_id, report.kind, details)


def async_follow_outcome(
    hass: HomeAssistant, entry_id: str, title: str, kind: ReportKind, outcome: Outcome
) -> None:
    """The issue as the last outcome in the data model says (at start)."""
    if outcome.status == "Rejected":
        details = {"title": title, "file": outcome.file_name, "error": outcome.error}
        _raise(hass, entry_id, kind, details)
    else:
        ir.async_delete_issue(hass, DOMAIN, issue_id(entry_id, kind))


def _raise(
    hass: HomeAssistant, entry_id: str, kind: ReportKind, placeholders: dict[str, str]
) -> None:
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id(entry_id, kind),
        is_fixable=False,
        is_persistent=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key=_TRANSLATION_KEYS[kind],
        translation_placeholders=placeholders,
    )
