"""FactoryReset (A.4.1.6): back to defaults after the session, then BOOTSTRAP."""

from __future__ import annotations

from ..soap import Envelope
from .base import RpcContext


async def handle(request: Envelope, ctx: RpcContext) -> str:
    """Reset once the session is over."""
    ctx.factory_reset()
    return "<cwmp:FactoryResetResponse/>"
