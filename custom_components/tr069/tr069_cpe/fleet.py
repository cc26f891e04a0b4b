"""Many gateways in one process: ``scripts/cpe --fleet N``, to load-test an ACS.

Gateway ``k`` (1..N) is the runner's gateway with serial ``<--serial>-<k>``, its
Connection Request ports ``--cr-port + k - 1`` and ``--udp-port + k - 1`` (0: any
free port each), its XMPP resource suffixed with ``-<k>`` and its state in
``<--state-dir>/<serial>/``. Each one is a complete agent: it
bootstraps, informs periodically, answers Connection Requests and RPCs, and
restarts after a Reboot, as ``scripts/cpe`` alone does.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
import contextlib
import logging
import resource
import signal
from typing import Final

from .cwmp.agent import CpeAgent

_LOGGER = logging.getLogger(__name__)

# Starting gateways: how many set up at once (each binds a port and reads its state).
SETUP_CONCURRENCY: Final = 64
# Descriptors per gateway: its listening sockets, a session, a Connection Request.
DESCRIPTORS_PER_GATEWAY: Final = 6

# Builds and sets up one gateway; None when it cannot start (the reason is logged).
type StartGateway = Callable[[argparse.Namespace], Awaitable[CpeAgent | None]]


def members(args: argparse.Namespace) -> list[argparse.Namespace]:
    """The command line of each gateway of the fleet."""
    return [
        argparse.Namespace(
            **{
                **vars(args),
                "serial": f"{args.serial}-{number}",
                "cr_port": args.cr_port + number - 1 if args.cr_port else 0,
                "udp_port": args.udp_port + number - 1 if args.udp_port else 0,
                "xmpp_jid": _member_jid(args.xmpp_jid, number),
                "state_dir": args.state_dir / f"{args.serial}-{number}",
                "fleet": 1,
            }
        )
        for number in range(1, args.fleet + 1)
    ]


def _member_jid(jid: str | None, number: int) -> str | None:
    """The same account for every gateway, each with a resource of its own."""
    if not jid:
        return jid
    bare, _, resource = jid.partition("/")
    return f"{bare}/{resource or 'tr069'}-{number}"


def raise_descriptor_limit(gateways: int) -> None:
    """Allow the descriptors the fleet needs, within the hard limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 64 + gateways * DESCRIPTORS_PER_GATEWAY
    if soft < wanted:
        limit = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))
        if limit < wanted:
            _LOGGER.warning(
                "Only %d descriptors allowed: %d gateways may run short", limit, gateways
            )


async def run_fleet(args: argparse.Namespace, start: StartGateway) -> int:
    """Run every gateway until SIGINT/SIGTERM; 2 (and every gateway stops) if one cannot start."""
    raise_descriptor_limit(args.fleet)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    starting = asyncio.Semaphore(SETUP_CONCURRENCY)
    try:
        results = await asyncio.gather(
            *(_gateway(member, start, starting, stop) for member in members(args))
        )
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
    return max(results, default=0)


async def _gateway(
    args: argparse.Namespace, start: StartGateway, starting: asyncio.Semaphore, stop: asyncio.Event
) -> int:
    """One gateway: set up, run until stopped, start again after a Reboot."""
    while not stop.is_set():
        async with starting:
            agent = await start(args)
        if agent is None:
            stop.set()  # a fleet that is not whole would measure the wrong thing
            return 2
        running = asyncio.create_task(agent.run(), name=f"tr069 fleet {args.serial}")
        stopping = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait((running, stopping), return_when=asyncio.FIRST_COMPLETED)
            if running.done() and (error := running.exception()) is not None:
                _LOGGER.error("%s stopped: %s", args.serial, error, exc_info=error)
                return 1
        finally:
            for task in (running, stopping):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await agent.shutdown()
        if not agent.restarting:
            break
    return 0
