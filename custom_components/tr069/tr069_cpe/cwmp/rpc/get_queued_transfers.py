"""GetQueuedTransfers (A.4.1.1) and GetAllQueuedTransfers (A.4.1.7)."""

from __future__ import annotations

from ..soap import Envelope, array
from ..transfers import Transfer
from .base import RpcContext, struct


def _queued(transfer: Transfer) -> str:
    return struct(
        "QueuedTransferStruct",
        CommandKey=transfer.command_key,
        State=str(int(transfer.state)),
    )


def _all_queued(transfer: Transfer) -> str:
    return struct(
        "AllQueuedTransferStruct",
        CommandKey=transfer.command_key,
        State=str(int(transfer.state)),
        IsDownload="true" if transfer.is_download else "false",
        FileType=transfer.file_type,
        FileSize=str(transfer.file_size),
        TargetFileName=transfer.target_file_name,
    )


async def handle(request: Envelope, ctx: RpcContext) -> str:
    """Transfers the ACS asked for that are not over yet."""
    items = [_queued(item) for item in ctx.transfers.transfers]
    return (
        "<cwmp:GetQueuedTransfersResponse>"
        f"{array('TransferList', 'cwmp:QueuedTransferStruct', items)}"
        "</cwmp:GetQueuedTransfersResponse>"
    )


async def handle_all(request: Envelope, ctx: RpcContext) -> str:
    """The same with direction, file type, size and target name."""
    items = [_all_queued(item) for item in ctx.transfers.transfers]
    return (
        "<cwmp:GetAllQueuedTransfersResponse>"
        f"{array('TransferList', 'cwmp:AllQueuedTransferStruct', items)}"
        "</cwmp:GetAllQueuedTransfersResponse>"
    )
