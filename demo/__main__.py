"""``python -m demo [--check] [--reset] [--behind-nat] [--pause S]`` (``scripts/demo``)."""

from __future__ import annotations

import argparse
import asyncio
import os
from pathlib import Path
import signal
import sys

from .console import DemoError, error, say, setup_logging, tail
from .orchestrator import Demo
from .settings import Options, Paths, Ports

REPO = Path(__file__).resolve().parent.parent
_LOGS = "logs: {paths.ha_log}, {paths.ha_console_log}, CWMP messages in {paths.soap_dir}/"


def _parse(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        prog="scripts/demo",
        description="Home Assistant with the tr069 integration, managed by the bundled local "
        "ACS, which pushes a meters file and then an update.",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        default=os.environ.get("DEMO_CHECK", "") not in {"", "0"},
        help="headless: exit 0 once Home Assistant shows the updated meters (also $DEMO_CHECK=1)",
    )
    parser.add_argument(
        "--reset", action="store_true", help="start from scratch (new config, user and password)"
    )
    parser.add_argument(
        "--behind-nat",
        action="store_true",
        help="the ACS wakes the gateway over XMPP through a local Prosody (started and stopped "
        "by the demo), as it would a gateway behind NAT; needs prosody (scripts/install-servers)",
    )
    parser.add_argument(
        "--pause",
        type=float,
        help="seconds between the first file and its update (default 25; 0 with --check)",
    )
    parser.add_argument(
        "--timeout", type=float, default=180.0, help="--check fails after this many seconds"
    )
    ports = Ports()
    parser.add_argument("--ha-port", type=int, default=ports.home_assistant)
    parser.add_argument("--acs-port", type=int, default=ports.acs)
    parser.add_argument(
        "--cr-port", type=int, default=ports.connection_request, help="Connection Request port"
    )
    args = parser.parse_args(argv)
    pause = args.pause if args.pause is not None else (0.0 if args.check else 25.0)
    return Options(
        check=args.check,
        reset=args.reset,
        pause=max(pause, 0.0),
        timeout=args.timeout,
        ports=Ports(args.ha_port, args.acs_port, args.cr_port),
        behind_nat=args.behind_nat,
    )


async def _main(options: Options) -> int:
    demo = Demo(options, Paths(REPO))
    main = asyncio.current_task()
    assert main is not None
    signals = 0

    def stop() -> None:
        """Ctrl-C or SIGTERM: stop cleanly; a second one kills Home Assistant at once."""
        nonlocal signals
        signals += 1
        if signals == 1:
            say("demo", "stopping Home Assistant and the ACS (Ctrl-C again to force)")
            main.cancel()
        else:
            demo.ha.kill()

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop)
    try:
        if options.check:
            async with asyncio.timeout(options.timeout):
                await demo.run()
        else:
            await demo.run()
    except DemoError as err:
        error(str(err))
        error(_LOGS.format(paths=demo.paths))
        return 1
    except TimeoutError:
        what = f"--check: no result within {options.timeout:.0f} s" if options.check else "timeout"
        error(f"{what}\n--- end of Home Assistant's log ---\n{tail(demo.paths.ha_log)}")
        error(_LOGS.format(paths=demo.paths))
        return 1
    except asyncio.CancelledError:
        say("demo", "stopped")
        raise
    return 0


def main(argv: list[str] | None = None) -> None:
    """Run the demo; exit 0 on success or Ctrl-C, 1 when a step failed."""
    options = _parse(argv)
    setup_logging()
    try:
        code = asyncio.run(_main(options))
    except (KeyboardInterrupt, asyncio.CancelledError):
        code = 130 if options.check else 0
    sys.exit(code)


if __name__ == "__main__":
    main()
