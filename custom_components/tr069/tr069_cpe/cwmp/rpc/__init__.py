"""ACS→CPE RPCs: one module per method, and the dispatcher that routes to them."""

from __future__ import annotations

import logging
from typing import Final

from ..faults import CwmpFault, FaultCode
from ..soap import Envelope, fault_body
from ..versions import method_exists
from . import (
    add_object,
    cancel_transfer,
    delete_object,
    download,
    factory_reset,
    get_parameter_attributes,
    get_parameter_names,
    get_parameter_values,
    get_queued_transfers,
    get_rpc_methods,
    reboot,
    schedule_download,
    schedule_inform,
    set_parameter_attributes,
    set_parameter_values,
    upload,
)
from .base import Rpc, RpcContext

_LOGGER = logging.getLogger(__name__)

RPCS: Final = {
    rpc.name: rpc
    for rpc in (
        Rpc("GetRPCMethods", get_rpc_methods.handle),
        Rpc("SetParameterValues", set_parameter_values.handle, mutating=True),
        Rpc("GetParameterValues", get_parameter_values.handle),
        Rpc("GetParameterNames", get_parameter_names.handle),
        Rpc("SetParameterAttributes", set_parameter_attributes.handle, mutating=True),
        Rpc("GetParameterAttributes", get_parameter_attributes.handle),
        Rpc("AddObject", add_object.handle, mutating=True),
        Rpc("DeleteObject", delete_object.handle, mutating=True),
        Rpc("Reboot", reboot.handle, mutating=True),
        Rpc("Download", download.handle, mutating=True),
        Rpc("Upload", upload.handle, mutating=True),
        Rpc("FactoryReset", factory_reset.handle, mutating=True),
        Rpc("ScheduleInform", schedule_inform.handle, mutating=True),
        Rpc("GetQueuedTransfers", get_queued_transfers.handle),
        Rpc("GetAllQueuedTransfers", get_queued_transfers.handle_all),
        Rpc("ScheduleDownload", schedule_download.handle, mutating=True),
        Rpc("CancelTransfer", cancel_transfer.handle, mutating=True),
    )
}


async def dispatch(envelope: Envelope, ctx: RpcContext) -> str:
    """Carry out one ACS request; returns the response body or a SOAP Fault body."""
    rpc = RPCS.get(envelope.method)
    namespace = envelope.namespace
    if rpc is None or rpc.name not in ctx.rpc_methods or not method_exists(rpc.name, namespace):
        unsupported = CwmpFault(
            FaultCode.METHOD_NOT_SUPPORTED, f"{envelope.method} is not supported"
        )
        return fault_body(unsupported, namespace)
    try:
        response = await rpc.handle(envelope, ctx)
        if rpc.mutating:
            await ctx.persist()
    except CwmpFault as fault:
        _LOGGER.debug("%s failed: %s %s", envelope.method, int(fault.code), fault.text)
        return fault_body(fault, namespace)
    except Exception:
        _LOGGER.exception("Unexpected error while handling %s", envelope.method)
        return fault_body(CwmpFault(FaultCode.INTERNAL_ERROR), namespace)
    return response


__all__ = ["RPCS", "Rpc", "RpcContext", "dispatch"]
