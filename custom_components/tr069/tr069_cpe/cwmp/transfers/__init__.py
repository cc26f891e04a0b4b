"""File transfers: Download and Upload, their queue, and TransferComplete."""

from .manager import TransferManager
from .model import Transfer, TransferState

__all__ = ["Transfer", "TransferManager", "TransferState"]
