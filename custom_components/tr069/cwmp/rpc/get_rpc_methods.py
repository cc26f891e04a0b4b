"""GetRPCMethods (A.3.1.1): the methods this CPE carries out."""

from __future__ import annotations

from ..soap import array
from ..xml import Node, escape
from .base import RpcContext


async def handle(body: Node, ctx: RpcContext) -> str:
    """List exactly the ACS→CPE methods that work."""
    items = [f"<string>{escape(name)}</string>" for name in ctx.rpc_methods]
    return (
        "<cwmp:GetRPCMethodsResponse>"
        f"{array('MethodList', 'xsd:string', items)}"
        "</cwmp:GetRPCMethodsResponse>"
    )
