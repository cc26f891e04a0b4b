"""CancelTransfer (A.4.1.9): only a transfer that has not started can be cancelled."""

from __future__ import annotations

from ..soap import Envelope
from .base import RpcContext, command_key


async def handle(request: Envelope, ctx: RpcContext) -> str:
    """Cancel, or fault 9021 (started or done) / 9003 (no such CommandKey)."""
    ctx.transfers.cancel(command_key(request.body))
    return "<cwmp:CancelTransferResponse/>"
