"""The benchmarks ``scripts/bench`` runs, in order, and the figures each must produce."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from . import (
    config_files,
    connection_request,
    fleet,
    headless,
    home_assistant,
    idle,
    large_tree,
    sessions,
)
from .context import Context
from .figures import Figure

type Benchmark = Callable[[Context], Awaitable[list[Figure]]]


@dataclass(frozen=True, slots=True)
class Suite:
    """A benchmark and the ids of the figures it must produce."""

    run: Benchmark
    figures: tuple[str, ...]


BENCHMARKS: dict[str, Suite] = {
    "sessions": Suite(sessions.run, sessions.FIGURES),
    "large_tree": Suite(large_tree.run, large_tree.FIGURES),
    "config_files": Suite(config_files.run, config_files.FIGURES),
    "home_assistant": Suite(home_assistant.run, home_assistant.FIGURES),
    "connection_request": Suite(connection_request.run, connection_request.FIGURES),
    "idle": Suite(idle.run, idle.FIGURES),
    "headless": Suite(headless.run, headless.FIGURES),
    "fleet": Suite(fleet.run, fleet.FIGURES),
}
FIGURE_IDS = tuple(figure for suite in BENCHMARKS.values() for figure in suite.figures)
