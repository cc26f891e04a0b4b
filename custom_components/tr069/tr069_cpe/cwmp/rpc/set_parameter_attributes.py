"""SetParameterAttributes (A.3.2.4): all or nothing, persisted."""

from __future__ import annotations

from ..notifications import AttributeChange
from ..soap import Envelope
from ..xml import Node, children, text_of
from .base import RpcContext, array_arg, bool_arg, invalid, text_arg


def _change(struct: Node) -> AttributeChange:
    if not isinstance(struct, dict) or "Name" not in struct:
        raise invalid("each SetParameterAttributesStruct needs a Name")
    notification: int | None = None
    if bool_arg(struct, "NotificationChange"):
        text = text_arg(struct, "Notification")
        if not text.lstrip("-").isdigit():
            raise invalid(f"Notification must be an integer, not {text!r}")
        notification = int(text)
    access: tuple[str, ...] | None = None
    if bool_arg(struct, "AccessListChange"):
        container = struct.get("AccessList")
        access = tuple(text_of(item).strip() for item in children(container, "string"))
    return AttributeChange(text_of(struct["Name"]).strip(), notification, access)


async def handle(request: Envelope, ctx: RpcContext) -> str:
    """Check and apply every attribute change; fault 9003/9005/9009 otherwise."""
    structs = array_arg(request.body, "ParameterList", "SetParameterAttributesStruct")
    ctx.notifications.set_attributes([_change(struct) for struct in structs])
    return "<cwmp:SetParameterAttributesResponse/>"
