"""The transfer queue on a clock that jumps to the next due transfer.

ScheduleDownload windows span hours; the manager reads time only through its
clock, so the clock here jumps forward whenever the queue changes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
import contextlib

from aiohttp import web
import pytest

from tr069_cpe.cwmp.faults import CwmpFault, FaultCode
from tr069_cpe.cwmp.transfers.manager import (
    DEFAULT_WINDOW_RETRIES,
    TransferManager,
)
from tr069_cpe.cwmp.transfers.model import TimeWindow, Transfer, TransferState

from .conftest import Serve

CONFIG = "3 Vendor Configuration File"
START = 1_000_000.0
type Handler = Callable[[bytes, Transfer], Awaitable[None]]


class JumpingClock:
    """Time that moves to the next transfer's start whenever the queue changes."""

    def __init__(self) -> None:
        self.now = START
        self.manager: TransferManager | None = None

    def __call__(self) -> float:
        return self.now

    def jump(self) -> None:
        assert self.manager is not None
        waiting = [
            item.start_at
            for item in self.manager.transfers
            if item.state is TransferState.NOT_STARTED
        ]
        self.now = max([self.now, *waiting[:1]])


@pytest.fixture
async def file_url(serve: Serve) -> str:
    async def config_file(_request: web.Request) -> web.Response:
        return web.Response(body=b'{"meters": []}')

    return await serve(config_file) + "config.json"


@pytest.fixture
async def manager() -> AsyncIterator[TransferManager]:
    clock = JumpingClock()

    async def no_ssl(_url: str) -> None:
        return None

    queue = TransferManager(on_change=clock.jump, ssl_context=no_ssl, clock=clock, timeout=5)
    clock.manager = queue
    runner = asyncio.create_task(queue.run())
    yield queue
    runner.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await runner


def window(start: float, end: float, retries: int = -1) -> TimeWindow:
    return TimeWindow(
        start=START + start, end=START + end, mode="1 At Any Time", max_retries=retries
    )


async def run(manager: TransferManager, handler: Handler, transfer: Transfer) -> Transfer:
    """Queue one transfer with this handler; the transfer once it completed."""
    manager.download_handlers[transfer.file_type] = handler
    manager.queue(transfer)
    async with asyncio.timeout(10):
        while not manager.completed():
            await asyncio.sleep(0.01)
    return manager.completed()[0]


def scheduled(url: str, *windows: TimeWindow) -> Transfer:
    return Transfer(
        method="ScheduleDownload",
        command_key="sd",
        file_type=CONFIG,
        url=url,
        windows=list(windows),
        start_at=windows[0].start,
    )


def failing(calls: list[float], manager: TransferManager, code: FaultCode) -> Handler:
    async def handler(_data: bytes, _transfer: Transfer) -> None:
        calls.append(manager._clock())
        raise CwmpFault(code, "bad file")

    return handler


async def test_a_failing_file_is_retried_in_its_window_then_in_the_next(
    manager: TransferManager, file_url: str
) -> None:
    calls: list[float] = []
    handler = failing(calls, manager, FaultCode.FILE_CORRUPTED)
    transfer = scheduled(file_url, window(0, 100, retries=2), window(200, 300))
    done = await run(manager, handler, transfer)
    assert len(calls) == 3 + DEFAULT_WINDOW_RETRIES + 1
    assert calls[:3] == [START, START + 10, START + 20]
    assert calls[3] == START + 200
    assert done.fault_code == FaultCode.TIME_WINDOW_MISSED
    assert "last error 9018: bad file" in done.fault_string


async def test_windows_already_past_are_missed(manager: TransferManager, file_url: str) -> None:
    calls: list[float] = []
    transfer = scheduled(file_url, window(-300, -200))
    transfer.start_at = START
    done = await run(manager, failing(calls, manager, FaultCode.FILE_CORRUPTED), transfer)
    assert calls == []
    assert (done.fault_code, done.fault_string) == (9020, "every time window has passed")


async def test_a_window_closing_during_the_transfer_stops_it(
    manager: TransferManager, file_url: str
) -> None:
    async def slow(_data: bytes, _transfer: Transfer) -> None:
        await asyncio.sleep(3600)

    done = await run(manager, slow, scheduled(file_url, window(0, 0.05)))
    assert done.fault_code == FaultCode.TIME_WINDOW_MISSED
    assert "the time window closed" in done.fault_string


async def test_success_within_a_window(manager: TransferManager, file_url: str) -> None:
    received: list[bytes] = []

    async def apply(data: bytes, _transfer: Transfer) -> None:
        received.append(data)

    done = await run(manager, apply, scheduled(file_url, window(0, 100)))
    assert (done.fault_code, received) == (0, [b'{"meters": []}'])


@pytest.mark.parametrize(
    ("error", "code", "text"),
    [
        (RuntimeError("bug"), 9002, "internal error"),
        (CwmpFault(FaultCode.INVALID_ARGUMENTS, "odd"), 9010, "odd"),
    ],
)
async def test_faults_a_transfer_complete_cannot_carry_are_mapped(
    manager: TransferManager, file_url: str, error: Exception, code: int, text: str
) -> None:
    async def broken(_data: bytes, _transfer: Transfer) -> None:
        raise error

    transfer = Transfer(method="Download", command_key="d", file_type=CONFIG, url=file_url)
    done = await run(manager, broken, transfer)
    assert (done.fault_code, done.fault_string) == (code, text)


@pytest.mark.parametrize(
    ("file_size", "code"),
    [
        (10**9, FaultCode.DOWNLOAD_FAILURE),
        (100, FaultCode.DOWNLOAD_INCOMPLETE),
        (3, FaultCode.FILE_CORRUPTED),
    ],
)
async def test_file_size_is_checked_before_and_after(
    manager: TransferManager, file_url: str, file_size: int, code: int
) -> None:
    calls: list[float] = []
    transfer = Transfer(
        method="Download", command_key="d", file_type=CONFIG, url=file_url, file_size=file_size
    )
    done = await run(manager, failing(calls, manager, FaultCode.FILE_CORRUPTED), transfer)
    assert (done.fault_code, calls) == (code, [])
