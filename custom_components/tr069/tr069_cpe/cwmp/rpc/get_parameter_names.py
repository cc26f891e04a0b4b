"""GetParameterNames (A.3.2.3) with the NextLevel rules of the standard."""

from __future__ import annotations

from collections.abc import Sequence

from ..datamodel import is_writable
from ..datamodel.tree import Node
from ..soap import Envelope, array_of
from ..xml import escape
from .base import RpcContext, bool_arg, check_answer_items, in_slices, text_arg


def _render(node: Node) -> str:
    """One ParameterInfoStruct, cached on the node (its name and access never change)."""
    info = node.info
    if info is None:
        writable = "true" if is_writable(node) else "false"
        info = node.info = (
            f"<ParameterInfoStruct><Name>{escape(node.path)}</Name>"
            f"<Writable>{writable}</Writable></ParameterInfoStruct>"
        )
    return info


def _render_names(nodes: Sequence[Node]) -> str:
    return "".join([node.info or _render(node) for node in nodes])


async def handle(request: Envelope, ctx: RpcContext) -> str:
    """Names below ParameterPath ("" = the root), one level or all levels."""
    body = request.body
    path = text_arg(body, "ParameterPath")
    next_level = bool_arg(body, "NextLevel")
    names = ctx.datamodel.name_nodes(path, next_level)
    check_answer_items(len(names))
    items = await in_slices(names, _render_names)
    return (
        "<cwmp:GetParameterNamesResponse>"
        f"{array_of('ParameterList', 'cwmp:ParameterInfoStruct', len(names), items)}"
        "</cwmp:GetParameterNamesResponse>"
    )
