"""What every RPC handler shares: the context it works in and argument parsing."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
import re
from typing import TYPE_CHECKING, Final, Protocol

from .. import limits
from ..faults import CwmpFault, FaultCode
from ..limits import MAX_ANSWER_ITEMS, MAX_NAMES_PER_REQUEST
from ..xml import Node, children, escape, has_children, text_of

if TYPE_CHECKING:
    from ..datamodel import DataModel
    from ..notifications import Notifications
    from ..soap import Envelope
    from ..transfers import TransferManager

# Build big responses in slices so that the event loop is never blocked long.
SLICE = 2000
_INTEGER: Final = re.compile("[+-]?[0-9]{1,20}")


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


def too_much(message: str) -> CwmpFault:
    """Fault 9004: the request asks for more than the CPE answers in one go."""
    return CwmpFault(FaultCode.RESOURCES_EXCEEDED, message)


def leaf_text(node: Node, what: str) -> str:
    """The text of an element that must be text (fault 9003 for a struct or a repeat)."""
    if isinstance(node, list):
        raise invalid(f"{what} appears more than once")
    if has_children(node):
        raise invalid(f"{what} must be text")
    return text_of(node)


def text_arg(body: Node, name: str, *, required: bool = True, strip: bool = True) -> str:
    """A string argument; missing required arguments are fault 9003."""
    if not isinstance(body, dict) or name not in body:
        if required:
            raise invalid(f"missing argument {name}")
        return ""
    text = leaf_text(body[name], f"argument {name}")
    return text.strip() if strip else text


def struct_members(
    node: Node, what: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> dict[str, Node]:
    """The members of a struct: each at most once, the required ones present (else 9003)."""
    if not isinstance(node, dict):
        raise invalid(f"{what} must be a struct")
    members: dict[str, Node] = {}
    for name in (*required, *optional):
        if name not in node:
            if name in required:
                raise invalid(f"{what} has no {name}")
            continue
        value = node[name]
        if isinstance(value, list):
            raise invalid(f"{what} has more than one {name}")
        members[name] = value
    return members


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
    raise invalid(f"argument {name} must be a boolean, not {text[:20]!r}")


def parse_integer(text: str, what: str, minimum: int, maximum: int) -> int:
    """An xsd integer (ASCII digits only) within bounds; fault 9003 otherwise."""
    if _INTEGER.fullmatch(text) is None:
        raise invalid(f"{what} must be an integer, not {text[:20]!r}")
    number = int(text)
    if not minimum <= number <= maximum:
        raise invalid(f"{what} must be within {minimum}..{maximum}")
    return number


def int_arg(body: Node, name: str, *, minimum: int = 0, maximum: int = 2**32 - 1) -> int:
    """An integer argument within bounds."""
    return parse_integer(text_arg(body, name), f"argument {name}", minimum, maximum)


def optional_int(body: Node, name: str) -> int:
    """An unsignedInt argument that may be absent (then 0)."""
    if not isinstance(body, dict) or name not in body:
        return 0
    return int_arg(body, name)


def array_arg(body: Node, name: str, item: str) -> list[Node]:
    """The items of an array argument (an absent or empty array gives []).

    More than MAX_NAMES_PER_REQUEST items is fault 9004.
    """
    if not isinstance(body, dict) or name not in body:
        raise invalid(f"missing argument {name}")
    container = body[name]
    if container is None or isinstance(container, str):
        if isinstance(container, str) and container.strip():
            raise invalid(f"argument {name} must be an array")
        return []
    if isinstance(container, list):
        raise invalid(f"argument {name} appears more than once")
    items = children(container, item)
    if len(items) > MAX_NAMES_PER_REQUEST:
        raise too_much(f"{name} has {len(items)} items; at most {MAX_NAMES_PER_REQUEST}")
    return items


def names_arg(body: Node, name: str = "ParameterNames") -> list[str]:
    """An array of strings (parameter names), each stripped."""
    return [
        leaf_text(item, f"an item of {name}").strip() for item in array_arg(body, name, "string")
    ]


def check_answer_items(count: int) -> None:
    """Fault 9004 when an answer would list more than MAX_ANSWER_ITEMS items."""
    if count > MAX_ANSWER_ITEMS:
        raise too_much(f"the answer would hold more than {MAX_ANSWER_ITEMS} items")


async def in_slices[T](items: Sequence[T], render: Callable[[Sequence[T]], str]) -> str:
    """Render items to one XML fragment, a slice of SLICE items between event-loop turns.

    An answer growing beyond MAX_ANSWER_BYTES is fault 9004.
    """
    parts: list[str] = []
    size = 0
    for start in range(0, len(items), SLICE):
        if start:
            await asyncio.sleep(0)
        part = render(items[start : start + SLICE])
        size += len(part)
        if size > limits.MAX_ANSWER_BYTES:
            raise too_much(f"the answer would be larger than {limits.MAX_ANSWER_BYTES} bytes")
        parts.append(part)
    return "".join(parts)


def struct(tag: str, **fields: str) -> str:
    """A struct of text fields, escaped, in the order given."""
    inner = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in fields.items())
    return f"<{tag}>{inner}</{tag}>"
