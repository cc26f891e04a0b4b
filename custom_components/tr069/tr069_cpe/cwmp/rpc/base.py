"""What every RPC handler shares: the context it works in and argument parsing."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from ..faults import CwmpFault, FaultCode
from ..xml import Node, children, escape, text_of

if TYPE_CHECKING:
    from ..datamodel import DataModel
    from ..notifications import Notifications
    from ..soap import Envelope
    from ..transfers import TransferManager

# Build big responses in slices so that the event loop is never blocked long.
SLICE = 2000


class RpcContext(Protocol):
    """The agent as RPC handlers see it."""

    @property
    def datamodel(self) -> DataModel:
        """The CPE's data model."""

    @property
    def rpc_methods(self) -> tuple[str, ...]:
        """The ACS→CPE methods this CPE carries out (in any namespace)."""

    @property
    def transfers(self) -> TransferManager:
        """The queue of file transfers."""

    @property
    def notifications(self) -> Notifications:
        """Parameter attributes and pending value changes."""

    def clock(self) -> float:
        """Now, in epoch seconds (the agent's clock)."""

    def reboot(self, command_key: str) -> None:
        """Restart once the session is over; the next Inform carries ``M Reboot``."""

    def factory_reset(self) -> None:
        """Reset to defaults once the session is over; the next Inform is a BOOTSTRAP."""

    def schedule_inform(self, delay: int, command_key: str) -> None:
        """Inform with ``3 SCHEDULED`` and ``M ScheduleInform`` after ``delay`` seconds."""

    def set_parameter_key(self, key: str) -> None:
        """Record the ParameterKey of a successful configuration change."""

    async def persist(self) -> None:
        """Save the agent's state now (before the response goes out), if it changed."""


type Handler = Callable[[Envelope, RpcContext], Awaitable[str]]


@dataclass(frozen=True, slots=True)
class Rpc:
    """One ACS→CPE method: its name and its handler (which returns the response body).

    The handler gets the whole envelope: its body holds the arguments, its
    namespace tells which CWMP version the ACS speaks.
    """

    name: str
    handle: Handler
    # Changes what is saved: the dispatcher saves once it succeeded, before answering.
    mutating: bool = False


def invalid(message: str) -> CwmpFault:
    """Fault 9003 with a message saying which argument is wrong."""
    return CwmpFault(FaultCode.INVALID_ARGUMENTS, message)


def text_arg(body: Node, name: str, *, required: bool = True, strip: bool = True) -> str:
    """A string argument; missing required arguments are fault 9003."""
    if not isinstance(body, dict) or name not in body:
        if required:
            raise invalid(f"missing argument {name}")
        return ""
    value = body[name]
    if isinstance(value, list):
        raise invalid(f"argument {name} appears more than once")
    if isinstance(value, dict) and any(not key.startswith(("@", "#")) for key in value):
        raise invalid(f"argument {name} must be text")
    text = text_of(value)
    return text.strip() if strip else text


def command_key(body: Node) -> str:
    """CommandKey (at most 32 characters; an absent one is empty)."""
    key = text_arg(body, "CommandKey", required=False, strip=False)
    if len(key) > 32:
        raise invalid("CommandKey is longer than 32 characters")
    return key


def bool_arg(body: Node, name: str) -> bool:
    """A boolean argument (``1``/``0``/``true``/``false``)."""
    text = text_arg(body, name).lower()
    if text in ("1", "true"):
        return True
    if text in ("0", "false"):
        return False
    raise invalid(f"argument {name} must be a boolean, not {text!r}")


def int_arg(body: Node, name: str, *, minimum: int = 0, maximum: int = 2**32 - 1) -> int:
    """An integer argument within bounds."""
    text = text_arg(body, name)
    try:
        number = int(text)
    except ValueError:
        raise invalid(f"argument {name} must be an integer, not {text!r}") from None
    if not minimum <= number <= maximum:
        raise invalid(f"argument {name} must be within {minimum}..{maximum}")
    return number


def optional_int(body: Node, name: str) -> int:
    """An unsignedInt argument that may be absent (then 0)."""
    if not isinstance(body, dict) or name not in body:
        return 0
    return int_arg(body, name)


def array_arg(body: Node, name: str, item: str) -> list[Node]:
    """The items of an array argument (an absent or empty array gives [])."""
    if not isinstance(body, dict) or name not in body:
        raise invalid(f"missing argument {name}")
    container = body[name]
    if container is None or isinstance(container, str):
        if isinstance(container, str) and container.strip():
            raise invalid(f"argument {name} must be an array")
        return []
    if isinstance(container, list):
        raise invalid(f"argument {name} appears more than once")
    return children(container, item)


async def in_slices[T](items: Sequence[T], render: Callable[[Sequence[T]], str]) -> str:
    """Render items to one XML fragment, a slice of SLICE items between event-loop turns."""
    parts: list[str] = []
    for start in range(0, len(items), SLICE):
        if start:
            await asyncio.sleep(0)
        parts.append(render(items[start : start + SLICE]))
    return "".join(parts)


def struct(tag: str, **fields: str) -> str:
    """A struct of text fields, escaped, in the order given."""
    inner = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in fields.items())
    return f"<{tag}>{inner}</{tag}>"
