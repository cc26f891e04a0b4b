"""The table printed at the end and the JSON written next to it."""

from __future__ import annotations

from collections.abc import Sequence
import json
from pathlib import Path
from typing import Any

from .figures import Figure
from .machine import one_line

FORMAT_VERSION = 1


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def _verdict(figure: Figure) -> str:
    parts = []
    for target, met in figure.verdicts():
        mark = "n/a" if met is None else ("met" if met else "MISSED")
        parts.append(f"{target.describe(figure.unit)}: {mark}")
    return "; ".join(parts)


HEADER = ("figure", "median", "p95", "unit", "floor", "ratio", "target")


def _rows(figures: Sequence[Figure]) -> list[tuple[str, ...]]:
    """One row per figure: title, median, p95, unit, floor, ratio, targets and verdicts."""
    rows: list[tuple[str, ...]] = []
    for figure in figures:
        summary, floor = figure.summary, figure.floor_summary
        verdict = _verdict(figure)
        if summary is None:
            why = figure.na or "no samples"
            note = f"{why}; {verdict}" if verdict else why
            rows.append((figure.title, "n/a", "", figure.unit, "", "", note))
            continue
        ratio = figure.ratio
        rows.append(
            (
                figure.title,
                _number(summary.median),
                _number(summary.p95),
                figure.unit,
                _number(floor.median) if floor else "-",
                f"{ratio:.2f}x" if ratio is not None else "-",
                verdict,
            )
        )
    return rows


def _missed(figures: Sequence[Figure]) -> list[str]:
    return [
        f"{figure.title}: {target.describe(figure.unit)}"
        for figure in figures
        for target, met in figure.verdicts()
        if met is False
    ]


def markdown(figures: Sequence[Figure], machine: dict[str, Any]) -> str:
    """The same table in Markdown (for the README), with the machine and the verdict."""
    lines = [
        f"Measured on {one_line(machine)}:",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
    ]
    lines += ["| " + " | ".join(row) + " |" for row in _rows(figures)]
    missed = _missed(figures)
    lines.append("")
    lines.append("Targets missed: " + "; ".join(missed) if missed else "Every target is met.")
    return "\n".join(lines) + "\n"


def table(figures: Sequence[Figure], machine: dict[str, Any], quick: bool) -> str:
    """A plain-text table: one line per figure, targets and verdicts at the end."""
    header = HEADER
    rows = _rows(figures)
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header) - 1)]
    lines = [
        f"TR-069 agent benchmarks{' (--quick: tiny sizes, not representative)' if quick else ''}",
        f"Machine: {one_line(machine)}",
        "",
    ]
    for row in (header, *rows):
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    missed = _missed(figures)
    lines.append("")
    lines.append("Targets missed:" if missed else "Every measured target is met.")
    lines.extend(f"  {line}" for line in missed)
    return "\n".join(lines)


def document(
    figures: Sequence[Figure],
    machine: dict[str, Any],
    *,
    quick: bool,
    started: str,
    duration: float,
    errors: Sequence[str],
) -> dict[str, Any]:
    """The JSON report."""
    return {
        "format": FORMAT_VERSION,
        "quick": quick,
        "started": started,
        "duration_s": duration,
        "machine": machine,
        "notes": {
            "ratio": "agent cost / floor cost from the medians (above 1 = costlier)",
            "p95": "the 95th percentile on the bad side (for rates: 95 % of samples are faster)",
        },
        "errors": list(errors),
        "figures": {figure.id: figure.to_json() for figure in figures},
    }


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write the report (creating the directory)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
