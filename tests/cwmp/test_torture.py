"""A few rounds of SIGKILL at random points (``scripts/fuzz`` runs many): nothing is lost."""

from __future__ import annotations

from pathlib import Path

from tests.torture import torture


async def test_killed_at_random_points_the_agent_loses_nothing(tmp_path: Path) -> None:
    report = await torture(rounds=6, seed=2026, folder=tmp_path)
    assert report.problems == []
    assert report.kills == 6
    assert report.reads_checked == 6
    assert report.scheduled_informs == 6
    assert report.transfer_completes == 6
