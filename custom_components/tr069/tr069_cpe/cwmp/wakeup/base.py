"""The seam for the ways the ACS wakes the gateway (Connection Requests).

HTTP, XMPP and UDP Connection Requests are implementations of
:class:`WakeUpMethod`: the agent starts and stops them and shows their status,
and they share the credentials and limits of one :class:`WakeUpGate`. The agent
does not know which one woke it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final, Protocol

from .gate import WakeUpGate

if TYPE_CHECKING:
    from ..datamodel import DataModel
    from ..management_server import ManagementServer


# How SupportedConnReqMethods names each method.
CONN_REQ_METHODS: Final = {"HTTP": "HTTP", "UDP": "STUN", "XMPP": "XMPP"}


class WakeUpState(StrEnum):
    """Where a wake-up method stands."""

    DISABLED = "disabled"
    STARTING = "starting"
    LISTENING = "listening"
    CONNECTED = "connected"
    BINDING = "binding"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class WakeUpStatus:
    """A method's state and the address it gives the ACS (URL, JID, host:port)."""

    method: str
    state: WakeUpState
    address: str = ""
    detail: str = ""


@dataclass(frozen=True, slots=True)
class WakeUpContext:
    """What a method gets from the agent when it starts.

    ``state`` is the method's own persisted state (a dict it may change; it calls
    ``state_changed`` then); ``on_status`` publishes its status.
    """

    datamodel: DataModel
    management_server: ManagementServer
    gate: WakeUpGate
    state: dict[str, Any]
    state_changed: Callable[[], None]
    on_status: Callable[[WakeUpStatus], None]


class WakeUpMethod(Protocol):
    """One way for the ACS to ask for a session."""

    @property
    def name(self) -> str:
        """``HTTP``, ``XMPP`` or ``UDP`` (SupportedConnReqMethods calls UDP ``STUN``)."""

    @property
    def status(self) -> WakeUpStatus:
        """The current state."""

    async def start(self, context: WakeUpContext) -> None:
        """Start listening or connecting; OSError when a local port is taken."""

    async def stop(self) -> None:
        """Stop, releasing ports and connections."""


def supported_conn_req_methods(statuses: Iterable[WakeUpStatus]) -> list[str]:
    """SupportedConnReqMethods: the methods that are enabled, in the data model's order."""
    enabled = {status.method for status in statuses if status.state is not WakeUpState.DISABLED}
    return [name for method, name in CONN_REQ_METHODS.items() if method in enabled]
