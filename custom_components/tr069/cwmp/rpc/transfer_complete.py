"""TransferComplete (A.3.3.2): the CPE's report of a finished transfer."""

from __future__ import annotations

from ..datamodel import format_datetime
from ..transfers import Transfer
from ..xml import escape
from .base import struct


def transfer_complete_body(transfer: Transfer) -> str:
    """The TransferComplete request for a finished transfer."""
    fault = struct(
        "FaultStruct", FaultCode=str(transfer.fault_code), FaultString=transfer.fault_string
    )
    return (
        "<cwmp:TransferComplete>"
        f"<CommandKey>{escape(transfer.command_key)}</CommandKey>"
        f"{fault}"
        f"<StartTime>{format_datetime(transfer.start_time)}</StartTime>"
        f"<CompleteTime>{format_datetime(transfer.complete_time)}</CompleteTime>"
        "</cwmp:TransferComplete>"
    )
