"""Crash and restart: the headless agent killed (SIGKILL) at random points, again and again.

Each round queues, at the local ACS, a GetParameterValues of a parameter the ACS keeps
setting, a SetParameterValues of it to a higher value, a Download of a configuration
file and a ScheduleInform, starts the agent if it is not running (or wakes it up), and
kills it at a random moment of the session, the download or a state save that follows.
Interrupted requests are sent again by the ACS, as GenieACS does. What must hold:

- a value the agent acknowledged is never lost: every later read gives it or a newer one;
- every Download the agent acknowledged ends with a TransferComplete, every
  ScheduleInform with its ``M ScheduleInform`` event, whatever the kills;
- the state file is never unusable, and no temporary file survives a start.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
import random

from local_acs import LocalAcs, RpcTask, Session, rpc
from tests.cpe_process import CpeProcess

SERIAL = "TORTURE01"
INTERVAL = "Device.ManagementServer.PeriodicInformInterval"
CR = ("torture", "torture-cr")
FILE = b'{"items": [{"serial": "7", "vendor": "V", "type": "electricityMeter", "T1": "12kWh"}]}'


@dataclass
class TortureReport:
    """What a run did and what it checked."""

    rounds: int = 0
    kills: int = 0
    kills_in_session: int = 0
    reads_checked: int = 0
    transfer_completes: int = 0
    scheduled_informs: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class _Round:
    read: RpcTask
    acknowledged_before: int
    write: RpcTask
    value: int
    download: RpcTask
    schedule: RpcTask


async def torture(rounds: int, seed: int, folder: Path) -> TortureReport:
    """Run ``rounds`` kill-and-restart rounds; the report lists any invariant broken."""
    rng = random.Random(seed)
    report = TortureReport()
    async with LocalAcs() as acs:
        acs.serve_file("meters.json", FILE)
        process = CpeProcess(acs.url, folder / "state", serial=SERIAL, log=folder / "agent.log")
        acs.queue(SERIAL, rpc.set_parameter_values(_credentials()))
        done: list[_Round] = []
        try:
            for number in range(rounds):
                done.append(_queue_round(acs, number, _acknowledged(done)))
                session = await _start_or_wake(acs, process)
                await asyncio.sleep(rng.uniform(0.0, rng.choice((0.05, 0.3))))
                report.kills_in_session += not session.ended
                await process.kill()
                report.kills += 1
                report.rounds += 1
            await _settle(acs, process, done, report)
        finally:
            await process.stop()
    report.problems += _state_problems(folder)
    return report


def _credentials() -> list[tuple[str, str, str]]:
    ms = "Device.ManagementServer."
    return [
        (f"{ms}ConnectionRequestUsername", CR[0], "xsd:string"),
        (f"{ms}ConnectionRequestPassword", CR[1], "xsd:string"),
    ]


def _queue_round(acs: LocalAcs, number: int, acknowledged: int) -> _Round:
    value = 1000 + number
    return _Round(
        read=acs.queue(SERIAL, rpc.get_parameter_values([INTERVAL])),
        acknowledged_before=acknowledged,
        write=acs.queue(
            SERIAL, rpc.set_parameter_values([(INTERVAL, str(value), "xsd:unsignedInt")])
        ),
        value=value,
        download=acs.queue(
            SERIAL,
            rpc.download(
                acs.file_url("meters.json"),
                "3 Vendor Configuration File",
                command_key=f"dl{number}",
            ),
        ),
        schedule=acs.queue(SERIAL, rpc.schedule_inform(1, f"si{number}")),
    )


def _acknowledged(rounds: list[_Round]) -> int:
    """The highest value the agent said it set (0: none yet)."""
    return max((item.value for item in rounds if item.write.done()), default=0)


async def _start_or_wake(acs: LocalAcs, process: CpeProcess) -> Session:
    """Get a session going: start the agent (its BOOT session) or send a Connection Request."""
    seen = len(acs.informs)
    if not process.running:
        await process.start()
    else:
        url = acs.device(SERIAL).connection_request_url
        if url is not None:
            await acs.connection_request_record(url, *CR)
    async with asyncio.timeout(30):
        while len(acs.informs) == seen:
            await asyncio.sleep(0.01)
    return acs.informs[-1].session


async def _settle(
    acs: LocalAcs, process: CpeProcess, rounds: list[_Round], report: TortureReport
) -> None:
    """Start the agent a last time and let everything pending be delivered."""
    await process.start()
    for number, item in enumerate(rounds):
        for task in (item.read, item.write, item.download, item.schedule):
            await _until(acs, process, task.done)
        _check_read(item, report)
        if item.download.outcome is not None and item.download.outcome.ok:
            await _until(acs, process, lambda key=f"dl{number}": key in _completed(acs))
            report.transfer_completes += 1
        await _until(acs, process, lambda key=f"si{number}": key in _scheduled(acs))
        report.scheduled_informs += 1


async def _until(
    acs: LocalAcs, process: CpeProcess, done: Callable[[], bool], timeout: float = 60.0
) -> None:
    """Wake the agent up until ``done()`` holds."""
    async with asyncio.timeout(timeout):
        while not done():
            url = acs.device(SERIAL).connection_request_url
            if url is not None and process.running:
                await acs.connection_request_record(url, *CR)
            await asyncio.sleep(0.2)


def _check_read(item: _Round, report: TortureReport) -> None:
    outcome = item.read.outcome
    assert outcome is not None
    value = int(outcome.values[INTERVAL])
    report.reads_checked += 1
    if value < item.acknowledged_before:
        report.problems.append(
            f"read {value} after the agent had acknowledged {item.acknowledged_before}"
        )


def _completed(acs: LocalAcs) -> set[str]:
    return {complete.command_key for complete in acs.transfer_completes}


def _scheduled(acs: LocalAcs) -> set[str]:
    return {
        event.command_key
        for inform in acs.informs
        for event in inform.events
        if event.code == "M ScheduleInform"
    }


def _state_problems(folder: Path) -> list[str]:
    problems = []
    log = (folder / "agent.log").read_text(errors="replace")
    if "cannot be used" in log:
        problems.append("a saved state could not be used after a kill")
    if "Traceback" in log:
        problems.append("a traceback in the agent's log")
    leftovers = [path.name for path in (folder / "state").iterdir() if path.name.startswith(".")]
    if leftovers:
        problems.append(f"temporary files left after a clean start and stop: {leftovers}")
    return problems
