"""``python -m bench [--quick] [--json PATH] [--only NAME ...] [--profile]``."""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime
import logging
from pathlib import Path
import sys
import time
import traceback

from . import machine, profile, report
from .acs_process import AcsProcess
from .context import Context
from .figures import Figure, not_available
from .suites import BENCHMARKS, Suite

TIME_LIMIT = 240.0  # seconds per benchmark: a hang becomes an error with its traceback


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, a few seconds")
    parser.add_argument(
        "--json", type=Path, default=Path(".bench/results.json"), help="where to write JSON"
    )
    parser.add_argument(
        "--only", nargs="+", choices=sorted(BENCHMARKS), help="run only these benchmarks"
    )
    parser.add_argument("--validate", action="store_true", help="ACS validates envelopes")
    parser.add_argument(
        "--profile", action="store_true", help="profile the agent instead (see bench.profile)"
    )
    return parser


async def _run(args: argparse.Namespace) -> tuple[list[Figure], list[str]]:
    figures: list[Figure] = []
    errors: list[str] = []
    work_dir = args.json.parent
    async with AcsProcess(work_dir / "acs.log", validate=args.validate) as acs:
        ctx = Context(quick=args.quick, acs=acs, work_dir=work_dir)
        if args.profile:
            print(await profile.run(ctx))
            return figures, errors
        for name in args.only or BENCHMARKS:
            print(f"running {name} ...", file=sys.stderr, flush=True)
            started = time.perf_counter()
            suite = BENCHMARKS[name]
            produced: list[Figure] = []
            try:
                async with asyncio.timeout(TIME_LIMIT):
                    produced = await suite.run(ctx)
            except Exception as err:
                traceback.print_exc()
                errors.append(f"{name}: {type(err).__name__}: {err}")
            figures.extend(_complete(name, suite, produced, errors))
            print(f"  {name}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return figures, errors


def _complete(name: str, suite: Suite, produced: list[Figure], errors: list[str]) -> list[Figure]:
    """The figures of a benchmark, every expected one present (n/a when it failed)."""
    ids = {figure.id for figure in produced}
    unexpected = ids - set(suite.figures)
    if unexpected:
        errors.append(f"{name}: figures not in its FIGURES: {sorted(unexpected)}")
    missing = [figure_id for figure_id in suite.figures if figure_id not in ids]
    if missing and not any(error.startswith(f"{name}:") for error in errors):
        errors.append(f"{name}: figures missing: {missing}")
    return produced + [
        not_available(figure_id, figure_id, "", f"n/a ({name} failed)") for figure_id in missing
    ]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks, print the table, write the JSON; 1 if a benchmark failed."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    started = datetime.now(UTC)
    begin = time.perf_counter()
    figures, errors = asyncio.run(_run(args))
    if args.profile:
        return 0
    info = machine.describe()
    print(report.table(figures, info, args.quick))
    data = report.document(
        figures,
        info,
        quick=args.quick,
        started=started.isoformat(timespec="seconds"),
        duration=time.perf_counter() - begin,
        errors=errors,
    )
    report.write_json(args.json, data)
    markdown = args.json.with_suffix(".md")
    markdown.write_text(report.markdown(figures, info), encoding="utf-8")
    print(f"\nJSON: {args.json}\nMarkdown table: {markdown}")
    for error in errors:
        print(f"ERROR {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
