"""Parameter attributes (Notification, AccessList) and the value changes they report.

Notification 1 (passive) puts a changed value in the next Inform; 2 (active)
also starts a session, no sooner than DefaultActiveNotificationThrottle after
the previous one. Changes the ACS makes itself are not reported back to it.
Attributes and pending changes are persisted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final

from .datamodel import ActiveNotify, Change, ChangeKind, DataModel, ParameterNode, Source
from .faults import CwmpFault, FaultCode

OFF: Final = 0
PASSIVE: Final = 1
ACTIVE: Final = 2
SUBSCRIBER: Final = "Subscriber"
# 3-6 are lightweight notifications over UDP (Annex M), which this CPE does not offer.
_LIGHTWEIGHT: Final = range(3, 7)


@dataclass(frozen=True, slots=True)
class AttributeChange:
    """One SetParameterAttributesStruct."""

    name: str
    notification: int | None
    access_list: tuple[str, ...] | None


class Notifications:
    """Attributes of parameters and the changes waiting to be reported."""

    def __init__(self, datamodel: DataModel, on_active: Callable[[], None]) -> None:
        self._datamodel = datamodel
        self._on_active = on_active
        self._notification: dict[str, int] = {}
        self._access: dict[str, tuple[str, ...]] = {}
        self.pending: dict[str, None] = {}

    # ------------------------------------------------------------------ attributes
    def notification(self, node: ParameterNode) -> int:
        """The parameter's Notification attribute."""
        if node.spec.active_notify is ActiveNotify.FORCE_ENABLED:
            return ACTIVE
        default = ACTIVE if node.spec.active_notify is ActiveNotify.FORCE_DEFAULT_ENABLED else OFF
        return self._notification.get(node.path, default)

    def access_list(self, node: ParameterNode) -> tuple[str, ...]:
        """The parameter's AccessList attribute."""
        return self._access.get(node.path, ())

    def set_attributes(self, changes: Iterable[AttributeChange]) -> None:
        """SetParameterAttributes: check every item, then apply them all."""
        planned: list[tuple[ParameterNode, AttributeChange]] = []
        for change in changes:
            planned.extend(self._check(change))
        for node, change in planned:
            if change.notification is not None:
                self._store_notification(node, change.notification)
            if change.access_list is not None:
                if change.access_list:
                    self._access[node.path] = change.access_list
                else:
                    self._access.pop(node.path, None)

    def _check(self, change: AttributeChange) -> list[tuple[ParameterNode, AttributeChange]]:
        if change.notification is not None and (
            change.notification in _LIGHTWEIGHT or not OFF <= change.notification <= 6
        ):
            raise CwmpFault(
                FaultCode.INVALID_ARGUMENTS,
                f"Notification {change.notification} is not supported "
                "(no lightweight notifications)",
            )
        if change.access_list is not None and set(change.access_list) - {SUBSCRIBER}:
            raise CwmpFault(FaultCode.INVALID_ARGUMENTS, "AccessList may only hold Subscriber")
        nodes = list(self._datamodel.parameters(change.name))
        explicit = not change.name.endswith(".") and change.name != ""
        accepted = []
        for node in nodes:
            refusal = self._refusal(node, change.notification)
            if refusal and explicit:
                raise CwmpFault(FaultCode.NOTIFICATION_REQUEST_REJECTED, refusal)
            if refusal:
                change = AttributeChange(node.path, None, change.access_list)
            accepted.append((node, change))
        return accepted

    @staticmethod
    def _refusal(node: ParameterNode, notification: int | None) -> str | None:
        """Why a parameter refuses a Notification value (None: it accepts it)."""
        if notification is None:
            return None
        active_notify = node.spec.active_notify
        if active_notify is ActiveNotify.FORCE_ENABLED and notification != ACTIVE:
            return f"{node.path} always has active notification"
        if active_notify is ActiveNotify.CAN_DENY and notification == ACTIVE:
            return f"{node.path} changes too often for active notification"
        if node.getter is not None and notification != OFF and not node.spec.forced_inform:
            return f"{node.path} is computed on demand and cannot be watched"
        return None

    def _store_notification(self, node: ParameterNode, notification: int) -> None:
        default_on = node.spec.active_notify is ActiveNotify.FORCE_DEFAULT_ENABLED
        if notification == (ACTIVE if default_on else OFF):
            self._notification.pop(node.path, None)
        else:
            self._notification[node.path] = notification

    # ------------------------------------------------------------------ changes
    def on_changes(self, changes: list[Change]) -> None:
        """Data-model listener: record changes the ACS should hear about."""
        active = False
        for change in changes:
            if change.kind is ChangeKind.DELETED:
                self._forget(change.path)
                continue
            if change.kind is not ChangeKind.VALUE or change.source is Source.ACS:
                continue
            node = self._datamodel.node(change.path)
            if not isinstance(node, ParameterNode):
                continue
            level = self.notification(node)
            if level >= PASSIVE:
                self.pending[change.path] = None
                active = active or level == ACTIVE
        if active:
            self._on_active()

    def _forget(self, prefix: str) -> None:
        for store in (self._notification, self._access, self.pending):
            for path in [path for path in store if path.startswith(prefix)]:
                del store[path]

    def take(self) -> list[ParameterNode]:
        """The changed parameters for the next Inform (they stay pending until delivered)."""
        nodes = []
        for path in list(self.pending):
            node = self._datamodel.node(path)
            if isinstance(node, ParameterNode):
                nodes.append(node)
            else:
                del self.pending[path]
        return nodes

    def delivered(self, nodes: Iterable[ParameterNode]) -> None:
        """The ACS received these values."""
        for node in nodes:
            self.pending.pop(node.path, None)

    def clear(self) -> None:
        """Forget every attribute and change (factory reset)."""
        self._notification.clear()
        self._access.clear()
        self.pending.clear()

    # ------------------------------------------------------------------ state
    def to_json(self) -> dict[str, Any]:
        """Serialisable form."""
        return {
            "notification": dict(self._notification),
            "access": {path: list(items) for path, items in self._access.items()},
            "pending": list(self.pending),
        }

    def restore(self, data: dict[str, Any]) -> None:
        """Restore from :meth:`to_json` (attributes of vanished parameters are dropped)."""
        exists = self._datamodel.node
        self._notification = {
            path: int(value)
            for path, value in data.get("notification", {}).items()
            if isinstance(exists(path), ParameterNode)
        }
        self._access = {
            path: tuple(items)
            for path, items in data.get("access", {}).items()
            if isinstance(exists(path), ParameterNode)
        }
        self.pending = dict.fromkeys(data.get("pending", []))
