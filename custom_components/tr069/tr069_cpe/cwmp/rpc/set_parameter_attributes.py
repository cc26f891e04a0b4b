"""SetParameterAttributes (A.3.2.4): all or nothing, persisted."""

from __future__ import annotations

from ..notifications import AttributeChange
from ..soap import Envelope
from ..xml import Node, children
from .base import (
    RpcContext,
    array_arg,
    bool_arg,
    leaf_text,
    parse_integer,
    struct_members,
    text_arg,
)


def _change(node: Node) -> AttributeChange:
    struct = struct_members(
        node,
        "a SetParameterAttributesStruct",
        ("Name", "NotificationChange", "AccessListChange"),
        ("Notification", "AccessList"),
    )
    notification: int | None = None
    if bool_arg(struct, "NotificationChange"):
        notification = parse_integer(
            text_arg(struct, "Notification"), "Notification", -(2**31), 2**31 - 1
        )
    access: tuple[str, ...] | None = None
    if bool_arg(struct, "AccessListChange"):
        access = tuple(
            leaf_text(item, "an AccessList item").strip()
            for item in children(struct.get("AccessList"), "string")
        )
    name = leaf_text(struct["Name"], "a SetParameterAttributesStruct's Name").strip()
    return AttributeChange(name, notification, access)


async def handle(request: Envelope, ctx: RpcContext) -> str:
    """Check and apply every attribute change; fault 9003/9005/9009 otherwise."""
    structs = array_arg(request.body, "ParameterList", "SetParameterAttributesStruct")
    ctx.notifications.set_attributes([_change(struct) for struct in structs])
    return "<cwmp:SetParameterAttributesResponse/>"
