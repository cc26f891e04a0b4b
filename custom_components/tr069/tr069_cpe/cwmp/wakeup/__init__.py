"""The ways the ACS wakes the gateway up: one seam, one gate, one module per method."""

from .base import WakeUpContext, WakeUpMethod, WakeUpState, WakeUpStatus
from .gate import RateLimit, WakeUpGate
from .http import HttpConnectionRequests

__all__ = [
    "HttpConnectionRequests",
    "RateLimit",
    "WakeUpContext",
    "WakeUpGate",
    "WakeUpMethod",
    "WakeUpState",
    "WakeUpStatus",
]
