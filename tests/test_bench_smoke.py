"""The benchmark suite runs (``python -m bench --quick``) and writes well-formed JSON.

Benchmarks are not tests: nothing here looks at how fast anything was.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
import subprocess
import sys

from bench.suites import FIGURE_IDS

ROOT = Path(__file__).resolve().parent.parent


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def test_quick_run_writes_every_figure(tmp_path: Path, socket_enabled: None) -> None:
    output = tmp_path / "results.json"
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--json", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Machine:" in run.stdout

    data = json.loads(output.read_text(encoding="utf-8"))
    assert data["quick"] is True
    assert data["errors"] == []
    machine = data["machine"]
    assert machine["cpu"]
    assert machine["cores"] >= 1
    assert machine["python"].startswith("3.")

    figures = data["figures"]
    assert set(figures) == set(FIGURE_IDS)
    for figure_id, figure in figures.items():
        assert figure["id"] == figure_id
        assert figure["title"]
        assert figure["status"] == "ok", figure
        assert figure["samples"] >= 1
        for key in ("median", "p95", "min", "max"):
            assert _number(figure[key]), (figure_id, key)
        floor = figure["floor"]
        assert floor is not None, figure_id
        assert floor["what"]
        assert _number(floor["median"])
        assert _number(floor["p95"])
        assert figure["ratio"] is None or _number(figure["ratio"])
        for target in figure["targets"]:
            assert target["text"]
            assert target["met"] in (True, False)

    table = output.with_suffix(".md").read_text(encoding="utf-8")
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    assert len(rows) == 1 + len(FIGURE_IDS)  # the header, then one row per figure
    assert all(figure["title"] in table for figure in figures.values())
