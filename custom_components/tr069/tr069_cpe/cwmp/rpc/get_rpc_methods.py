"""GetRPCMethods (A.3.1.1): the methods this CPE carries out."""

from __future__ import annotations

from ..soap import Envelope, array
from ..versions import method_exists
from ..xml import escape
from .base import RpcContext


async def handle(request: Envelope, ctx: RpcContext) -> str:
    """List exactly the ACS→CPE methods that work in the ACS's CWMP version."""
    items = [
        f"<string>{escape(name)}</string>"
        for name in ctx.rpc_methods
        if method_exists(name, request.namespace)
    ]
    return (
        "<cwmp:GetRPCMethodsResponse>"
        f"{array('MethodList', 'xsd:string', items)}"
        "</cwmp:GetRPCMethodsResponse>"
    )
