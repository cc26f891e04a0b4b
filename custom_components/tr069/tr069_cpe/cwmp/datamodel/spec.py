"""Static definitions of data-model objects and parameters (type, range, access)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
import re

from ..xml import UNSAFE_XML_CHARS
from .types import ParamType, Value, quoted


class ActiveNotify(StrEnum):
    """How a parameter may take part in active notification (TR-106 ``activeNotify``)."""

    NORMAL = "normal"
    CAN_DENY = "canDeny"
    FORCE_ENABLED = "forceEnabled"
    FORCE_DEFAULT_ENABLED = "forceDefaultEnabled"


@dataclass(frozen=True, slots=True, kw_only=True)
class ParameterSpec:
    """A parameter definition: name, type, constraints and access."""

    name: str
    type: ParamType = ParamType.STRING
    writable: bool = False
    default: Value | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    enumeration: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    forced_inform: bool = False
    active_notify: ActiveNotify = ActiveNotify.NORMAL
    hidden: bool = False
    persist: bool | None = None
    # A comma-separated list (TR-106 ``list``): the length, enumeration and pattern
    # apply to each item; ``max_items`` bounds how many there are.
    is_list: bool = False
    max_items: int | None = None
    _regex: re.Pattern[str] | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        if self.pattern is not None:
            object.__setattr__(self, "_regex", re.compile(self.pattern))

    @property
    def initial(self) -> Value:
        """The factory default value."""
        return self.type.default() if self.default is None else self.default

    @property
    def persisted(self) -> bool:
        """Whether the value is kept across restarts (writable ones by default)."""
        return self.writable if self.persist is None else self.persist

    def parse(self, text: str) -> Value:
        """Parse and check a wire value; raises ValueError with the reason."""
        value = self.type.parse(text)
        self.check(value)
        return value

    def check(self, value: Value) -> None:
        """Check a typed value against the constraints; raises ValueError."""
        if isinstance(value, str):
            self._check_text(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            if self.minimum is not None and value < self.minimum:
                raise ValueError(f"{value} is below the minimum {self.minimum}")
            if self.maximum is not None and value > self.maximum:
                raise ValueError(f"{value} is above the maximum {self.maximum}")

    def _check_text(self, value: str) -> None:
        # What XML cannot carry could never be read back by the ACS (nor encoded at all).
        if UNSAFE_XML_CHARS.search(value) is not None:
            raise ValueError("holds a character XML 1.0 cannot carry")
        if not self.is_list:
            self._check_item(value)
            return
        items = list_items(value)
        if self.max_items is not None and len(items) > self.max_items:
            raise ValueError(f"more than {self.max_items} items")
        for item in items:
            self._check_item(item)

    def _check_item(self, value: str) -> None:
        if self.max_length is not None and len(value) > self.max_length:
            raise ValueError(f"longer than {self.max_length} characters")
        if self.min_length is not None and len(value) < self.min_length and value:
            raise ValueError(f"shorter than {self.min_length} characters")
        if self.enumeration and value not in self.enumeration:
            raise ValueError(f"{quoted(value)} is not one of {', '.join(self.enumeration)}")
        if self._regex is not None and value and self._regex.fullmatch(value) is None:
            raise ValueError(f"{quoted(value)} does not match {self.pattern}")


def list_items(value: str) -> list[str]:
    """The items of a list value ("a, b" → ["a", "b"]; "" → [])."""
    return [item.strip() for item in value.split(",")] if value.strip() else []


@dataclass(frozen=True, slots=True, kw_only=True)
class ObjectSpec:
    """An object definition; ``multi_instance`` objects form a table of instances.

    For a table, ``writable`` means the ACS may add and delete instances (only delete
    them when ``acs_can_add`` is False: instances the CPE creates from what it receives),
    and ``count_parameter`` names the ``…NumberOfEntries`` parameter of the parent.
    """

    name: str
    children: tuple[ParameterSpec | ObjectSpec, ...] = ()
    multi_instance: bool = False
    writable: bool = False
    max_entries: int | None = None
    count_parameter: str | None = None
    acs_can_add: bool = True
