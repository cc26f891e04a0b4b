"""GetParameterNames (A.3.2.3) with the NextLevel rules of the standard."""

from __future__ import annotations

from ..soap import Envelope, array
from ..xml import escape
from .base import RpcContext, bool_arg, in_slices, text_arg


def _render(item: tuple[str, bool]) -> str:
    name, writable = item
    return (
        f"<ParameterInfoStruct><Name>{escape(name)}</Name>"
        f"<Writable>{'true' if writable else 'false'}</Writable></ParameterInfoStruct>"
    )


async def handle(request: Envelope, ctx: RpcContext) -> str:
    """Names below ParameterPath ("" = the root), one level or all levels."""
    body = request.body
    path = text_arg(body, "ParameterPath")
    next_level = bool_arg(body, "NextLevel")
    items = await in_slices(ctx.datamodel.names(path, next_level), _render)
    return (
        "<cwmp:GetParameterNamesResponse>"
        f"{array('ParameterList', 'cwmp:ParameterInfoStruct', items)}"
        "</cwmp:GetParameterNamesResponse>"
    )
