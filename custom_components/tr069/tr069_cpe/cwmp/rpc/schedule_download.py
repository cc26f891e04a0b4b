"""ScheduleDownload (A.4.1.8): a download within one or two time windows.

Windows are relative to now; "1 At Any Time", "2 Immediately" and "3 When
Idle" (the gateway is always idle) start at the window's start. "4
Confirmation Needed" windows are skipped: there is no user to confirm, and
a download no window allows is refused with 9003.
"""

from __future__ import annotations

from ..soap import Envelope
from ..transfers import Transfer
from ..transfers.model import TimeWindow
from ..xml import Node
from .base import RpcContext, array_arg, int_arg, invalid, optional_int, text_arg
from .download import bounded

_CONFIRMATION_NEEDED = "4 Confirmation Needed"
_MODES = ("1 At Any Time", "2 Immediately", "3 When Idle", _CONFIRMATION_NEEDED)


def _window(struct: Node, now: float) -> TimeWindow:
    start = int_arg(struct, "WindowStart")
    end = int_arg(struct, "WindowEnd")
    mode = text_arg(struct, "WindowMode")
    if end < start:
        raise invalid("WindowEnd is before WindowStart")
    if mode not in _MODES and not mode.startswith("X "):
        raise invalid(f"unknown WindowMode {mode!r}")
    text_arg(struct, "UserMessage", required=False)
    retries = int_arg(struct, "MaxRetries", minimum=-1, maximum=2**31 - 1)
    return TimeWindow(start=now + start, end=now + end, mode=mode, max_retries=retries)


def _windows(body: Node, now: float) -> list[TimeWindow]:
    windows = [_window(item, now) for item in array_arg(body, "TimeWindowList", "TimeWindowStruct")]
    if not 1 <= len(windows) <= 2:
        raise invalid("TimeWindowList holds one or two windows")
    if len(windows) == 2 and windows[1].start < windows[0].end:
        raise invalid("time windows must be in order and must not overlap")
    usable = [window for window in windows if window.mode != _CONFIRMATION_NEEDED]
    if not usable:
        raise invalid("every window needs a user's confirmation, which this gateway cannot ask")
    return usable


async def handle(request: Envelope, ctx: RpcContext) -> str:
    """Check and queue the scheduled download."""
    body = request.body
    windows = _windows(body, ctx.clock())
    transfer = Transfer(
        method="ScheduleDownload",
        command_key=bounded(body, "CommandKey", strip=False),
        file_type=bounded(body, "FileType"),
        url=bounded(body, "URL"),
        username=bounded(body, "Username", required=False, strip=False),
        password=bounded(body, "Password", required=False, strip=False),
        file_size=optional_int(body, "FileSize"),
        target_file_name=bounded(body, "TargetFileName", required=False),
        start_at=windows[0].start,
        windows=windows,
    )
    ctx.transfers.check(transfer)
    ctx.transfers.queue(transfer)
    return "<cwmp:ScheduleDownloadResponse/>"
