"""TransferComplete (A.3.3.2): the CPE's report of a finished transfer."""

from __future__ import annotations

from ..datamodel import format_datetime
from ..transfers import Transfer
from ..versions import transfer_fault_for
from ..xml import escape
from .base import struct


def transfer_complete_body(transfer: Transfer, namespace: str) -> str:
    """The TransferComplete request for a finished transfer, in the session's namespace."""
    code, text = transfer_fault_for(
        namespace, transfer.fault_code, transfer.fault_string, download=transfer.is_download
    )
    fault = struct("FaultStruct", FaultCode=str(code), FaultString=text[:256])
    return (
        "<cwmp:TransferComplete>"
        f"<CommandKey>{escape(transfer.command_key)}</CommandKey>"
        f"{fault}"
        f"<StartTime>{format_datetime(transfer.start_time)}</StartTime>"
        f"<CompleteTime>{format_datetime(transfer.complete_time)}</CompleteTime>"
        "</cwmp:TransferComplete>"
    )
