"""AddObject (A.3.2.6): a new instance of a table; its number is never reused."""

from __future__ import annotations

from ..datamodel import Source
from ..faults import CwmpFault, FaultCode
from ..soap import Envelope
from .base import RpcContext, invalid, text_arg


def object_name(request: Envelope) -> str:
    """ObjectName, which must end with a dot (a name without one names no object: 9005)."""
    name = text_arg(request.body, "ObjectName")
    if not name.endswith("."):
        raise CwmpFault(
            FaultCode.INVALID_PARAMETER_NAME, f"ObjectName {name!r} must end with a dot"
        )
    return name


def parameter_key(request: Envelope) -> str:
    """ParameterKey (at most 32 characters)."""
    key = text_arg(request.body, "ParameterKey", required=False, strip=False)
    if len(key) > 32:
        raise invalid("ParameterKey is longer than 32 characters")
    return key


async def handle(request: Envelope, ctx: RpcContext) -> str:
    """Create the instance, then record the ParameterKey."""
    name, key = object_name(request), parameter_key(request)
    instance = ctx.datamodel.add_instance(name, Source.ACS)
    ctx.set_parameter_key(key)
    return (
        "<cwmp:AddObjectResponse>"
        f"<InstanceNumber>{instance.instance}</InstanceNumber><Status>0</Status>"
        "</cwmp:AddObjectResponse>"
    )
