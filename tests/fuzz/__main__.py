"""``scripts/fuzz``: the fuzz targets for a time budget, then many crash-and-restart rounds.

    scripts/fuzz [--minutes 10] [--rounds 200] [--seed N]

Each target gets an equal share of the time (three quarters of it; the rest is for the
kill rounds, which stop at ``--rounds`` or when the time is up) and draws fresh inputs in
batches. The first property that fails stops the run with the falsifying input (exit 1).
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from pathlib import Path
import random
import sys
import tempfile
import time
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st

from tests.torture import TortureReport, torture

from . import targets

BATCH = 300


def main(argv: list[str] | None = None) -> int:
    """Run every target, then the kill rounds; print what was tried."""
    parser = argparse.ArgumentParser(prog="scripts/fuzz", description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="time budget")
    parser.add_argument("--rounds", type=int, default=200, help="most crash-and-restart rounds")
    parser.add_argument("--seed", type=int, default=random.randrange(2**32), help="kill seed")
    args = parser.parse_args(argv)
    share = args.minutes * 60 * 0.75 / 4
    bench = targets.RpcBench()
    try:
        _fuzz("SOAP decoder", targets.decoder_inputs, targets.check_decoder, share)
        _fuzz(
            "RPC arguments", targets.rpc_inputs, lambda data: targets.check_rpc(bench, data), share
        )
        _fuzz(
            "configuration files", targets.configuration_inputs, targets.check_configuration, share
        )
        _fuzz("Connection Requests", targets.wakeup_inputs, targets.check_wakeup, share)
    finally:
        bench.close()
    report = _torture(args.rounds, args.seed, args.minutes * 60 * 0.25)
    for name, count in targets.COUNTER.tried.items():
        print(f"{name}: {count} inputs, no failure")
    print(
        f"crash and restart (seed {args.seed}): {report.kills} kills "
        f"({report.kills_in_session} during a session), {report.reads_checked} reads of "
        f"acknowledged values, {report.transfer_completes} TransferCompletes and "
        f"{report.scheduled_informs} scheduled Informs delivered"
    )
    for problem in report.problems:
        print(f"PROBLEM: {problem}")
    return 1 if report.problems else 0


def _fuzz(
    name: str, inputs: st.SearchStrategy[Any], check: Callable[[Any], None], seconds: float
) -> None:
    print(f"{name}: {seconds:.0f} s", flush=True)
    deadline = time.monotonic() + seconds

    @settings(
        max_examples=BATCH,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
    )
    @given(inputs)
    def batch(value: Any) -> None:
        check(value)

    while time.monotonic() < deadline:
        batch()


def _torture(rounds: int, seed: int, seconds: float) -> TortureReport:
    """Kill rounds in batches of 10 until ``rounds`` or the time is up."""
    total = TortureReport()
    deadline = time.monotonic() + seconds
    batch = 0
    while total.rounds < rounds and time.monotonic() < deadline:
        with tempfile.TemporaryDirectory(prefix="tr069-torture-") as folder:
            report = asyncio.run(
                torture(min(10, rounds - total.rounds), seed + batch, Path(folder))
            )
        batch += 1
        for name in (
            "rounds",
            "kills",
            "kills_in_session",
            "reads_checked",
            "transfer_completes",
            "scheduled_informs",
        ):
            setattr(total, name, getattr(total, name) + getattr(report, name))
        total.problems += report.problems
        print(f"crash and restart: {total.rounds} rounds", flush=True)
    return total


if __name__ == "__main__":
    sys.exit(main())
