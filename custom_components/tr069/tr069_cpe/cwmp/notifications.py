"""Parameter attributes (Notification, AccessList) and the value changes they report.

Notification 1 (passive) puts a changed value in the next Inform; 2 (active)
also starts a session, no sooner than DefaultActiveNotificationThrottle after
the previous one. Changes the ACS makes itself are not reported back to it.
Attributes and pending changes are persisted.

Stored values (and table counters) report their changes as they happen.
Values computed on each read, such as UpTime, cannot: passive notification on
them compares the value with the one last reported when an Inform is built,
and active notification, which would need polling, is refused (9009).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final

from .datamodel import (
    ActiveNotify,
    Change,
    ChangeKind,
    DataModel,
    ParameterNode,
    Source,
    announces_changes,
)
from .faults import CwmpFault, FaultCode
from .limits import MAX_ANSWER_ITEMS

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
        # Changed paths, each with the number of its latest change.
        self.pending: dict[str, int] = {}
        self._changes = 0
        # Computed parameters under passive notification: the value last reported.
        self._sampled: dict[str, str] = {}
        self._taken: dict[str, int] = {}
        self._taken_samples: dict[str, str] = {}

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
            if len(planned) > MAX_ANSWER_ITEMS:
                raise CwmpFault(
                    FaultCode.RESOURCES_EXCEEDED,
                    f"the request names more than {MAX_ANSWER_ITEMS} parameters",
                )
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
        unchanged = AttributeChange(change.name, None, change.access_list)
        for node in nodes:
            refusal = self._refusal(node, change.notification)
            if refusal and explicit:
                raise CwmpFault(FaultCode.NOTIFICATION_REQUEST_REJECTED, refusal)
            # Below a partial path, a parameter that refuses keeps its Notification.
            accepted.append((node, unchanged if refusal else change))
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
        if notification == ACTIVE and not announces_changes(node) and not node.spec.forced_inform:
            return f"{node.path} is computed on each read; active notification would mean polling"
        return None

    def _store_notification(self, node: ParameterNode, notification: int) -> None:
        default_on = node.spec.active_notify is ActiveNotify.FORCE_DEFAULT_ENABLED
        if notification == (ACTIVE if default_on else OFF):
            self._notification.pop(node.path, None)
        else:
            self._notification[node.path] = notification
        if notification == PASSIVE and not announces_changes(node):
            self._sampled.setdefault(node.path, _text(node))
        else:
            self._sampled.pop(node.path, None)

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
                self._changes += 1
                self.pending[change.path] = self._changes
                active = active or level == ACTIVE
        if active:
            self._on_active()

    def _forget(self, prefix: str) -> None:
        stores: tuple[dict[str, Any], ...] = (
            self._notification,
            self._access,
            self.pending,
            self._sampled,
        )
        for store in stores:
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
        self._taken = dict(self.pending)
        self._taken_samples = {}
        for path, reported in self._sampled.items():
            node = self._datamodel.node(path)
            if isinstance(node, ParameterNode) and (now := _text(node)) != reported:
                nodes.append(node)
                self._taken_samples[path] = now
        return nodes

    def delivered(self) -> None:
        """The ACS received the values of the last :meth:`take`.

        A parameter that changed again since then stays pending.
        """
        for path, number in self._taken.items():
            if self.pending.get(path) == number:
                del self.pending[path]
        for path, value in self._taken_samples.items():
            if path in self._sampled:
                self._sampled[path] = value
        self._taken, self._taken_samples = {}, {}

    def active_pending(self) -> bool:
        """Whether a change waiting to be reported is under active notification."""
        exists = self._datamodel.node
        return any(
            isinstance(node := exists(path), ParameterNode) and self.notification(node) == ACTIVE
            for path in self.pending
        )

    def clear(self) -> None:
        """Forget every attribute and change (factory reset)."""
        self._notification.clear()
        self._access.clear()
        self.pending.clear()
        self._sampled.clear()

    # ------------------------------------------------------------------ state
    def to_json(self) -> dict[str, Any]:
        """Serialisable form."""
        return {
            "notification": dict(self._notification),
            "access": {path: list(items) for path, items in self._access.items()},
            "pending": list(self.pending),
            "sampled": dict(self._sampled),
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
        self.pending = dict.fromkeys(data.get("pending", []), 0)
        self._sampled = {
            path: str(value)
            for path, value in data.get("sampled", {}).items()
            if path in self._notification
        }


def _text(node: ParameterNode) -> str:
    return node.spec.type.to_text(node.current())
