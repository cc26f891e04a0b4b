"""DeleteObject (A.3.2.7): an instance and everything below it."""

from __future__ import annotations

from ..datamodel import Source
from ..soap import Envelope
from .add_object import object_name, parameter_key
from .base import RpcContext


async def handle(request: Envelope, ctx: RpcContext) -> str:
    """Delete the instance, then record the ParameterKey."""
    name, key = object_name(request), parameter_key(request)
    ctx.datamodel.delete_instance(name, Source.ACS)
    ctx.set_parameter_key(key)
    return "<cwmp:DeleteObjectResponse><Status>0</Status></cwmp:DeleteObjectResponse>"
