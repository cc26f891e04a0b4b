"""What the agent keeps across restarts: typed, versioned, migrated when read.

Each part that has an owner (data model, notifications, events, transfers,
scheduled Informs, CPE requests, wake-up methods) serialises itself; this module
says which parts there are, checks their shapes, and brings a state written by
an older version up to date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

STATE_VERSION: Final = 2


class StateError(ValueError):
    """A saved state that cannot be used (corrupt, or written by a newer version)."""


@dataclass(slots=True, kw_only=True)
class AgentState:
    """The agent's state as saved (JSON-serialisable parts)."""

    datamodel: dict[str, Any] = field(default_factory=dict)
    notifications: dict[str, Any] = field(default_factory=dict)
    events: list[list[str]] = field(default_factory=list)
    transfers: list[dict[str, Any]] = field(default_factory=list)
    scheduled_informs: list[Any] = field(default_factory=list)
    cpe_requests: dict[str, Any] = field(default_factory=dict)
    # Each wake-up method's own state, by method name.
    wake_up: dict[str, dict[str, Any]] = field(default_factory=dict)
    retry_count: int = 0
    bootstrapped_url: str | None = None
    # The namespace the ACS answered in, and the configured one it was learnt under.
    namespace: str | None = None
    namespace_setting: str | None = None
    reboot_command_key: str | None = None
    factory_reset: bool = False
    # The user's ManagementServer settings when last saved (None: never started).
    user_settings: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """The saved form, with its version (the parts are taken as they are, not copied)."""
        return {"version": STATE_VERSION, **{name: getattr(self, name) for name in self.__slots__}}

    @classmethod
    def from_json(cls, data: object) -> AgentState:
        """Read a saved state of this or an older version; StateError when it cannot be."""
        if not isinstance(data, dict):
            raise StateError("the saved state is not an object")
        version = data.get("version", 1)
        if not isinstance(version, int) or version < 1:
            raise StateError(f"the saved state has no valid version ({version!r})")
        if version > STATE_VERSION:
            raise StateError(f"the saved state is of version {version}, newer than this agent's")
        fields = dict(data)
        if version == 1:
            fields = _migrate_from_1(fields)
        fields.pop("version", None)
        known = {name: fields[name] for name in cls.__slots__ if name in fields}
        try:
            state = cls(**known)
        except TypeError as err:
            raise StateError(f"the saved state is not usable: {err}") from err
        state._check()
        return state

    def _check(self) -> None:
        for name, kind in _SHAPES.items():
            value = getattr(self, name)
            if not isinstance(value, kind):
                raise StateError(f"the saved {name} is a {type(value).__name__}")
        for name in ("bootstrapped_url", "namespace", "namespace_setting", "reboot_command_key"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise StateError(f"the saved {name} is a {type(value).__name__}")
        if self.user_settings is not None and not isinstance(self.user_settings, dict):
            raise StateError("the saved user settings are not an object")


_SHAPES: Final[dict[str, type | tuple[type, ...]]] = {
    "datamodel": dict,
    "notifications": dict,
    "events": list,
    "transfers": list,
    "scheduled_informs": list,
    "cpe_requests": dict,
    "wake_up": dict,
    "retry_count": int,
    "factory_reset": bool,
}


def _migrate_from_1(fields: dict[str, Any]) -> dict[str, Any]:
    """Version 1 kept the Connection Request URL's path as ``cr_path``."""
    path = fields.pop("cr_path", None)
    if path:
        fields["wake_up"] = {"HTTP": {"path": path}}
    return fields
