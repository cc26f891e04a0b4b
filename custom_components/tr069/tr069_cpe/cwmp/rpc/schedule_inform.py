"""ScheduleInform (A.4.1.2): an Inform with ``3 SCHEDULED`` after DelaySeconds."""

from __future__ import annotations

from ..soap import Envelope
from .base import RpcContext, command_key, int_arg


async def handle(request: Envelope, ctx: RpcContext) -> str:
    """Schedule the Inform (it survives a restart)."""
    delay = int_arg(request.body, "DelaySeconds", minimum=1)
    ctx.schedule_inform(delay, command_key(request.body))
    return "<cwmp:ScheduleInformResponse/>"
