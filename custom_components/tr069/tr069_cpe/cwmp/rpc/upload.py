"""Upload (A.4.1.5): the meters as a configuration file, or the CWMP session log."""

from __future__ import annotations

from ..soap import Envelope
from ..transfers import Transfer
from .base import RpcContext, optional_int
from .download import PENDING, bounded


async def handle(request: Envelope, ctx: RpcContext) -> str:
    """Check and queue the upload; TransferComplete reports the result."""
    body = request.body
    transfer = Transfer(
        method="Upload",
        command_key=bounded(body, "CommandKey", strip=False),
        file_type=bounded(body, "FileType"),
        url=bounded(body, "URL"),
        username=bounded(body, "Username", required=False, strip=False),
        password=bounded(body, "Password", required=False, strip=False),
        start_at=ctx.clock() + optional_int(body, "DelaySeconds"),
    )
    ctx.transfers.check(transfer)
    ctx.transfers.queue(transfer)
    return f"<cwmp:UploadResponse>{PENDING}</cwmp:UploadResponse>"
