"""Measuring tools: the event-loop lag probe and peak-memory tracing."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
import contextlib
import gc
import time
import tracemalloc
from types import TracebackType
from typing import Self


class LoopLagProbe:
    """A task that wakes every ``interval`` s and notes when it woke up late.

    ``async with LoopLagProbe() as probe``; afterwards :meth:`max_stall` tells the
    longest time the loop could not run the probe within a window (a callback or
    coroutine step that did not yield).
    """

    def __init__(self, interval: float = 0.001) -> None:
        self.interval = interval
        self.wakeups: list[tuple[float, float]] = []
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Self:
        self._task = asyncio.get_running_loop().create_task(self._run())
        await asyncio.sleep(0)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            asleep = time.perf_counter()
            await asyncio.sleep(self.interval)
            self.wakeups.append((asleep, time.perf_counter()))

    def max_stall(self, start: float, end: float) -> float:
        """Longest stall (seconds beyond the interval) of a sleep overlapping [start, end]."""
        stalls = [
            awake - asleep - self.interval
            for asleep, awake in self.wakeups
            if awake >= start and asleep <= end
        ]
        return max([0.0, *stalls])


class GcPauses:
    """Records every garbage collection: (start, seconds, generation)."""

    def __init__(self) -> None:
        self.pauses: list[tuple[float, float, int]] = []
        self._start = 0.0

    def __enter__(self) -> Self:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        now = time.perf_counter()
        if phase == "start":
            self._start = now
        else:
            self.pauses.append((self._start, now - self._start, info["generation"]))

    def longest(self, start: float, end: float) -> tuple[float, int]:
        """Longest collection (seconds, generation) that began within [start, end]."""
        within = [(seconds, gen) for began, seconds, gen in self.pauses if start <= began <= end]
        return max(within, default=(0.0, -1))


@contextlib.contextmanager
def traced_memory() -> Iterator[None]:
    """Trace allocations for the duration (nothing else should be timed meanwhile)."""
    already = tracemalloc.is_tracing()
    if not already:
        tracemalloc.start()
    try:
        yield
    finally:
        if not already:
            tracemalloc.stop()


def memory_now() -> int:
    """Bytes currently allocated (tracing must be on)."""
    return tracemalloc.get_traced_memory()[0]


def reset_peak() -> int:
    """Start a new peak measurement; returns the current allocation as the baseline."""
    tracemalloc.reset_peak()
    return tracemalloc.get_traced_memory()[0]


def peak_since(baseline: int) -> int:
    """Peak allocation above ``baseline`` since the last :func:`reset_peak`."""
    return tracemalloc.get_traced_memory()[1] - baseline
