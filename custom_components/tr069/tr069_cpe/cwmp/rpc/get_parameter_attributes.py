"""GetParameterAttributes (A.3.2.5): Notification and AccessList of parameters."""

from __future__ import annotations

from ..datamodel import ParameterNode
from ..soap import Envelope, array, array_of
from ..xml import escape
from .base import RpcContext, check_answer_items, in_slices, names_arg


async def handle(request: Envelope, ctx: RpcContext) -> str:
    """Attributes of the named parameters and of those below partial paths."""
    nodes: list[ParameterNode] = []
    for name in names_arg(request.body):
        nodes.extend(ctx.datamodel.parameters(name))
        check_answer_items(len(nodes))
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
