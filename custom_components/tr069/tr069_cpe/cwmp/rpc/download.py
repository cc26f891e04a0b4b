"""Download (A.3.2.8): queue the file; TransferComplete reports the result later."""

from __future__ import annotations

from ..soap import Envelope
from ..transfers import Transfer
from ..xml import Node
from .base import RpcContext, invalid, optional_int, text_arg

# Status 1: the download is not done yet; StartTime/CompleteTime are the unknown time.
PENDING = (
    "<Status>1</Status>"
    "<StartTime>0001-01-01T00:00:00Z</StartTime>"
    "<CompleteTime>0001-01-01T00:00:00Z</CompleteTime>"
)
_LIMITS = {"CommandKey": 32, "FileType": 64, "URL": 1024, "Username": 256, "Password": 256}


def bounded(body: Node, name: str, *, required: bool = True, strip: bool = True) -> str:
    """A string argument within the schema's length (fault 9003 beyond it)."""
    value = text_arg(body, name, required=required, strip=strip)
    limit = _LIMITS.get(name, 256)
    if len(value) > limit:
        raise invalid(f"{name} is longer than {limit} characters")
    return value


async def handle(request: Envelope, ctx: RpcContext) -> str:
    """Check and queue the download; fault 9003/9004/9013 when it cannot be."""
    body = request.body
    file_size = optional_int(body, "FileSize")
    delay = optional_int(body, "DelaySeconds")
    transfer = Transfer(
        method="Download",
        command_key=bounded(body, "CommandKey", strip=False),
        file_type=bounded(body, "FileType"),
        url=bounded(body, "URL"),
        username=bounded(body, "Username", required=False, strip=False),
        password=bounded(body, "Password", required=False, strip=False),
        file_size=file_size,
        target_file_name=bounded(body, "TargetFileName", required=False),
        start_at=ctx.clock() + delay,
    )
    ctx.transfers.check(transfer)
    ctx.transfers.queue(transfer)
    return f"<cwmp:DownloadResponse>{PENDING}</cwmp:DownloadResponse>"
