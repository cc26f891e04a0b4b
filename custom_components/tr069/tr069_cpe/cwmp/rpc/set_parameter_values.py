"""SetParameterValues (A.3.2.1): all or nothing, ParameterKey only on success."""

from __future__ import annotations

from ..datamodel import Source
from ..faults import CwmpFault, FaultCode, ParameterFault
from ..soap import Envelope
from ..xml import Node, has_children, text_of
from .base import RpcContext, array_arg, invalid, leaf_text, struct_members, text_arg

_XSI_TYPE = "@xsi|type"

type Item = tuple[str, str, str | None]


def _item(node: Node) -> Item | ParameterFault:
    """(name, text, xsi:type), or the parameter's fault when its Value is not text."""
    members = struct_members(node, "a ParameterValueStruct", ("Name", "Value"))
    name = leaf_text(members["Name"], "a ParameterValueStruct's Name").strip()
    value = members["Value"]
    if has_children(value):
        return ParameterFault(
            name, FaultCode.INVALID_PARAMETER_VALUE, f"{name}: the Value must be text"
        )
    xsi_type = value.get(_XSI_TYPE) if isinstance(value, dict) else None
    return name, text_of(value), xsi_type if isinstance(xsi_type, str) else None


async def handle(request: Envelope, ctx: RpcContext) -> str:
    """Check every value, apply them together, then record the ParameterKey."""
    body = request.body
    parsed = [_item(node) for node in array_arg(body, "ParameterList", "ParameterValueStruct")]
    faults = tuple(item for item in parsed if isinstance(item, ParameterFault))
    if faults:
        raise CwmpFault(FaultCode.INVALID_ARGUMENTS, parameter_faults=faults)
    key = text_arg(body, "ParameterKey", required=False, strip=False)
    if len(key) > 32:
        raise invalid("ParameterKey is longer than 32 characters")
    items = [item for item in parsed if not isinstance(item, ParameterFault)]
    ctx.datamodel.set_values(items, Source.ACS)
    ctx.set_parameter_key(key)
    return "<cwmp:SetParameterValuesResponse><Status>0</Status></cwmp:SetParameterValuesResponse>"
