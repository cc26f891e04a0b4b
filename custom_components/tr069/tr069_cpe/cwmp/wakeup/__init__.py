"""The ways the ACS wakes the gateway up: one seam, one gate, one module per method."""

from .base import (
    CONN_REQ_METHODS,
    WakeUpContext,
    WakeUpMethod,
    WakeUpState,
    WakeUpStatus,
    supported_conn_req_methods,
)
from .gate import RateLimit, WakeUpGate
from .http import HttpConnectionRequests
from .udp import UdpConnectionRequests
from .xmpp import XmppConnectionRequests

__all__ = [
    "CONN_REQ_METHODS",
    "HttpConnectionRequests",
    "RateLimit",
    "UdpConnectionRequests",
    "WakeUpContext",
    "WakeUpGate",
    "WakeUpMethod",
    "WakeUpState",
    "WakeUpStatus",
    "XmppConnectionRequests",
    "supported_conn_req_methods",
]
