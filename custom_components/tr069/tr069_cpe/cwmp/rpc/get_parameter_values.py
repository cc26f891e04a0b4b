"""GetParameterValues (A.3.2.2): full names and partial paths ending in a dot."""

from __future__ import annotations

from collections.abc import Sequence

from ..datamodel import ParameterNode
from ..soap import Envelope, array_of
from ..xml import escape
from .base import RpcContext, check_answer_items, in_slices, invalid, names_arg


def render_value(node: ParameterNode) -> str:
    """One ParameterValueStruct; hidden parameters (passwords) read as "".

    Stored values are rendered once and cached on the node until they change.
    """
    xml = node.xml
    if xml is None:
        spec = node.spec
        value = "" if spec.hidden else escape(spec.type.to_text(node.current()))
        xml = (
            f"<ParameterValueStruct><Name>{escape(node.path)}</Name>"
            f'<Value xsi:type="{spec.type.xsd}">{value}</Value></ParameterValueStruct>'
        )
        if node.getter is None:
            node.xml = xml
    return xml


def render_values(nodes: Sequence[ParameterNode]) -> str:
    """ParameterValueStructs, the cached ones without a call each."""
    return "".join([node.xml or render_value(node) for node in nodes])


async def handle(request: Envelope, ctx: RpcContext) -> str:
    """Values of the named parameters; an unknown name is fault 9005."""
    nodes: list[ParameterNode] = []
    for name in names_arg(request.body):
        if name and name[0] == ".":
            raise invalid(f"invalid name {name[:256]!r}")
        nodes.extend(ctx.datamodel.parameters(name))
        check_answer_items(len(nodes))
    items = await in_slices(nodes, render_values)
    return (
        "<cwmp:GetParameterValuesResponse>"
        f"{array_of('ParameterList', 'cwmp:ParameterValueStruct', len(nodes), items)}"
        "</cwmp:GetParameterValuesResponse>"
    )
