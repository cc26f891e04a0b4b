"""SetParameterValues (A.3.2.1): all or nothing, ParameterKey only on success."""

from __future__ import annotations

from ..datamodel import Source
from ..soap import Envelope
from ..xml import Node, text_of
from .base import RpcContext, array_arg, invalid, text_arg

_XSI_TYPE = "@xsi|type"


def _item(struct: Node) -> tuple[str, str, str | None]:
    if not isinstance(struct, dict) or "Name" not in struct or "Value" not in struct:
        raise invalid("each ParameterValueStruct needs a Name and a Value")
    value = struct["Value"]
    if isinstance(value, list):
        raise invalid("a ParameterValueStruct has one Value")
    xsi_type = value.get(_XSI_TYPE) if isinstance(value, dict) else None
    return text_of(struct["Name"]).strip(), text_of(value), xsi_type


async def handle(request: Envelope, ctx: RpcContext) -> str:
    """Check every value, apply them together, then record the ParameterKey."""
    body = request.body
    items = [_item(struct) for struct in array_arg(body, "ParameterList", "ParameterValueStruct")]
    key = text_arg(body, "ParameterKey", required=False, strip=False)
    if len(key) > 32:
        raise invalid("ParameterKey is longer than 32 characters")
    ctx.datamodel.set_values(items, Source.ACS)
    ctx.set_parameter_key(key)
    return "<cwmp:SetParameterValuesResponse><Status>0</Status></cwmp:SetParameterValuesResponse>"
