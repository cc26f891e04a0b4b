"""Reboot (A.3.2.9): restart once the session is over; the next Inform says why."""

from __future__ import annotations

from ..soap import Envelope
from .base import RpcContext, command_key


async def handle(request: Envelope, ctx: RpcContext) -> str:
    """Remember the CommandKey for ``M Reboot``; restart after the session."""
    ctx.reboot(command_key(request.body))
    return "<cwmp:RebootResponse/>"
