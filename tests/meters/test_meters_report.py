"""The report's lists are bounded, and say how much they left out."""

from __future__ import annotations

from datetime import UTC, datetime

from tr069_cpe.meters.context import MAX_REPORTED, ReadContext, generalize
from tr069_cpe.meters.report import ReportKind, bounded, rejected_report


def test_bounded_lists_count_what_they_leave_out() -> None:
    assert bounded([], 20) == ""
    assert bounded(["26", "987"], 20) == "26, 987"
    assert bounded(["26", "987"], 20, more=3) == "26, 987 … (+3 more)"
    serials = [f"SN-{index:04d}" for index in range(100)]
    text = bounded(serials, 60)
    assert len(text) <= 60
    shown = text.split(" … ")[0].split(", ")
    assert text.endswith(f"(+{100 - len(shown)} more)")
    assert bounded(["x" * 100], 20) == "… (+1 more)"


def test_ignored_keys_are_generalized_and_bounded() -> None:
    assert generalize('line 3: meters[2].registers["1-0:1.8.0*101"]') == (
        'meters[*].registers["1-0:1.8.0*101"]'
    )
    assert generalize('line 0: column["Bemerkung"]') == "column:Bemerkung"
    context = ReadContext()
    for index in range(MAX_REPORTED + 7):
        context.ignore(f"items[{index}].key{index}")
        context.ignore(f"items[{index}].same")
    shown, more = context.ignored_report()
    assert len(shown) == MAX_REPORTED
    distinct = MAX_REPORTED + 7 + 1  # every key, and "same" once
    assert more == distinct - MAX_REPORTED
    assert shown[:2] == ("items[*].key0", "items[*].same")


def test_a_rejected_report_as_event_data() -> None:
    report = rejected_report(
        ReportKind.CONFIGURATION_FILE, "a.json", "broken", datetime(2026, 1, 1, tzinfo=UTC)
    )
    data = report.as_dict()
    assert (data["status"], data["error"], data["time"]) == (
        "rejected",
        "broken",
        "2026-01-01T00:00:00+00:00",
    )
    assert not report.applied
