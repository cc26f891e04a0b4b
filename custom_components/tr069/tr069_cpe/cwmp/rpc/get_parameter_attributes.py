"""GetParameterAttributes (A.3.2.5): Notification and AccessList of parameters."""

from __future__ import annotations

from ..datamodel import ParameterNode
from ..soap import Envelope, array, array_of
from ..xml import escape, text_of
from .base import RpcContext, array_arg, in_slices


async def handle(request: Envelope, ctx: RpcContext) -> str:
    """Attributes of the named parameters and of those below partial paths."""
    names = [text_of(item).strip() for item in array_arg(request.body, "ParameterNames", "string")]
    nodes: list[ParameterNode] = []
    for name in names:
        nodes.extend(ctx.datamodel.parameters(name))
    notifications = ctx.notifications

    def render(node: ParameterNode) -> str:
        access = [f"<string>{escape(item)}</string>" for item in notifications.access_list(node)]
        return (
            f"<ParameterAttributeStruct><Name>{escape(node.path)}</Name>"
            f"<Notification>{notifications.notification(node)}</Notification>"
            f"{array('AccessList', 'xsd:string', access)}</ParameterAttributeStruct>"
        )

    items = await in_slices(nodes, lambda chunk: "".join(map(render, chunk)))
    return (
        "<cwmp:GetParameterAttributesResponse>"
        f"{array_of('ParameterList', 'cwmp:ParameterAttributeStruct', len(nodes), items)}"
        "</cwmp:GetParameterAttributesResponse>"
    )
