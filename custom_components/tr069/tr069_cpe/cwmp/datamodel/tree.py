"""The runtime data model: a tree of objects, tables of instances and parameters.

Every path is indexed, so lookups are O(1) and a partial path walks only its
own subtree. All value changes go through this class, which tells listeners
what changed and who changed it; that is what drives notifications and
persistence.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
import logging
from typing import Any

from .. import limits
from ..faults import CwmpFault, FaultCode, ParameterFault
from .spec import ObjectSpec, ParameterSpec
from .types import Value, xsd_local_name

_LOGGER = logging.getLogger(__name__)

MAX_REMEMBERED_WALKS = 4


class Source(StrEnum):
    """Who made a change: the ACS (through an RPC) or the CPE itself."""

    ACS = "acs"
    LOCAL = "local"


class ChangeKind(StrEnum):
    """What happened to a path."""

    VALUE = "value"
    ADDED = "added"
    DELETED = "deleted"


@dataclass(frozen=True, slots=True)
class Change:
    """One change of the data model, as listeners receive it."""

    kind: ChangeKind
    path: str
    source: Source
    old: Value | None = None
    new: Value | None = None


type Listener = Callable[[list[Change]], None]
type Validator = Callable[["ParameterNode", Value], None]
type Getter = Callable[[], Value]


class ParameterNode:
    """A parameter instance.

    ``xml`` caches its rendered ParameterValueStruct until the value changes:
    a large GetParameterValues mostly joins strings that are already there.
    """

    __slots__ = ("getter", "info", "path", "schema_path", "spec", "value", "xml")

    def __init__(self, path: str, spec: ParameterSpec, schema_path: str) -> None:
        self.path = path
        self.spec = spec
        self.schema_path = schema_path
        self.value: Value = spec.initial
        self.getter: Getter | None = None
        self.xml: str | None = None
        self.info: str | None = None

    def current(self) -> Value:
        """The value now (computed for dynamic parameters)."""
        return self.getter() if self.getter is not None else self.value


class ObjectNode:
    """A single object or one instance of a table (``instance`` is its number)."""

    __slots__ = ("children", "info", "instance", "path", "schema_path", "spec")

    def __init__(
        self, path: str, spec: ObjectSpec, schema_path: str, instance: int | None = None
    ) -> None:
        self.path = path
        self.spec = spec
        self.schema_path = schema_path
        self.instance = instance
        self.children: dict[str, Node] = {}
        self.info: str | None = None


class TableNode:
    """A multi-instance object: its path names the table, instances hang below."""

    __slots__ = ("counter", "info", "instances", "next_instance", "path", "schema_path", "spec")

    def __init__(self, path: str, spec: ObjectSpec, schema_path: str) -> None:
        self.path = path
        self.spec = spec
        self.schema_path = schema_path
        self.instances: dict[int, ObjectNode] = {}
        self.next_instance = 1
        self.info: str | None = None
        self.counter: ParameterNode | None = None


class TableCount:
    """The getter of a ``...NumberOfEntries`` parameter.

    Unlike other computed values, its changes are known: adding or deleting an
    instance reports them, so the counter can be watched like a stored value.
    """

    __slots__ = ("table",)

    def __init__(self, table: TableNode) -> None:
        self.table = table

    def __call__(self) -> int:
        """The number of instances."""
        return len(self.table.instances)


def announces_changes(node: ParameterNode) -> bool:
    """Whether every change of the parameter is reported to the data model's listeners."""
    return node.getter is None or isinstance(node.getter, TableCount)


type Node = ParameterNode | ObjectNode | TableNode


def is_writable(node: Node) -> bool:
    """GetParameterNames' Writable: settable parameter, addable table, deletable instance."""
    if isinstance(node, ParameterNode):
        return node.spec.writable
    if isinstance(node, TableNode):
        return node.spec.writable and node.spec.acs_can_add
    return node.instance is not None and node.spec.writable


class DataModel:
    """A CWMP data model rooted at ``Device.`` or ``InternetGatewayDevice.``."""

    def __init__(self, root: ObjectSpec) -> None:
        self.root_name = root.name
        self._root_spec = root
        self._index: dict[str, Node] = {}
        self._validators: dict[str, Validator] = {}
        self._listeners: list[Listener] = []
        self._getters: dict[str, Getter] = {}
        self._staged: dict[str, Value] = {}
        # What export_state returns, kept up to date change by change; the revision
        # counts its changes, so that a host can tell whether there is anything to save.
        self._persisted: dict[str, str] = {}
        self.revision = 0
        self._tables: dict[str, TableNode] = {}
        self._batch: list[Change] | None = None
        # Recent walks (GPV/GPN of the same subtree again), valid while the shape holds.
        self._walks: OrderedDict[tuple[str, bool], list[Node]] = OrderedDict()
        self.root = self._build_object(f"{root.name}.", root, f"{root.name}.", None)

    # ------------------------------------------------------------------ building
    def _build_object(
        self, path: str, spec: ObjectSpec, schema_path: str, instance: int | None
    ) -> ObjectNode:
        obj = ObjectNode(path, spec, schema_path, instance)
        self._index[path] = obj
        counted: list[tuple[str, TableNode]] = []
        for child in spec.children:
            if isinstance(child, ParameterSpec):
                param = ParameterNode(path + child.name, child, schema_path + child.name)
                param.getter = self._getters.get(param.schema_path)
                obj.children[child.name] = param
                self._index[param.path] = param
                if child.persisted and param.getter is None:
                    self._persisted[param.path] = child.type.to_text(param.value)
            elif child.multi_instance:
                table = TableNode(f"{path}{child.name}.", child, f"{schema_path}{child.name}.")
                obj.children[child.name] = table
                self._index[table.path] = table
                self._tables[table.path] = table
                if child.count_parameter:
                    counted.append((child.count_parameter, table))
            else:
                obj.children[child.name] = self._build_object(
                    f"{path}{child.name}.", child, f"{schema_path}{child.name}.", None
                )
        for name, table in counted:
            self._bind_count(obj, name, table)
        return obj

    @staticmethod
    def _bind_count(obj: ObjectNode, name: str, table: TableNode) -> None:
        counter = obj.children.get(name)
        if not isinstance(counter, ParameterNode):
            raise TypeError(f"{obj.path}{name} must be a parameter of the same object")
        counter.getter = TableCount(table)
        table.counter = counter

    def bind(self, schema_path: str, getter: Getter) -> None:
        """Make a parameter dynamic: its value is computed by ``getter`` on each read.

        ``schema_path`` uses ``{i}`` for instance numbers and applies to current
        and future instances.
        """
        self._getters[schema_path] = getter
        for node in self._index.values():
            if isinstance(node, ParameterNode) and node.schema_path == schema_path:
                node.getter = getter
                self._persisted.pop(node.path, None)

    def add_validator(self, schema_path: str, validator: Validator) -> None:
        """Add a check beyond type and range; it raises ValueError to refuse a value."""
        self._validators[schema_path] = validator

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every batch of changes; returns an unsubscribe function."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Changes made inside reach the listeners as one list when the block ends."""
        if self._batch is not None:
            yield
            return
        self._batch = []
        try:
            yield
        finally:
            changes, self._batch = self._batch, None
            self._notify(changes)

    def _notify(self, changes: list[Change]) -> None:
        if not changes:
            return
        if self._batch is not None:
            self._batch.extend(changes)
            return
        for listener in list(self._listeners):
            listener(changes)

    # ------------------------------------------------------------------ lookups
    def node(self, path: str) -> Node | None:
        """The node at an exact path (objects and tables end with a dot)."""
        if path == "":
            return self.root
        return self._index.get(path)

    def parameter(self, path: str) -> ParameterNode:
        """The parameter at ``path``; fault 9005 when there is none."""
        node = self._index.get(path)
        if not isinstance(node, ParameterNode):
            raise CwmpFault(FaultCode.INVALID_PARAMETER_NAME, f"no parameter {path}")
        return node

    def value(self, path: str) -> Value:
        """The current value of a parameter (for the CPE itself: hidden values too)."""
        return self.parameter(path).current()

    def int_value(self, path: str) -> int:
        """The value of an integer parameter."""
        value = self.value(path)
        assert isinstance(value, int)
        return value

    def text_value(self, path: str) -> str:
        """The value of a string parameter."""
        return str(self.value(path))

    def resolve(self, path: str) -> Node:
        """Node for a parameter name or a partial path; fault 9005 when invalid."""
        node = self.node(path)
        if node is None or (path.endswith(".") == isinstance(node, ParameterNode) and path):
            raise CwmpFault(FaultCode.INVALID_PARAMETER_NAME, f"invalid name {path!r}")
        return node

    def parameters(self, path: str) -> list[ParameterNode]:
        """All parameters named by a parameter name or below a partial path, in order."""
        node = self.resolve(path)
        if isinstance(node, ParameterNode):
            return [node]
        return self._remembered((path, True), node)  # type: ignore[return-value]

    def names(self, path: str, next_level: bool) -> list[tuple[str, bool]]:
        """GetParameterNames: (name, writable) pairs for a path and NextLevel."""
        return [(node.path, is_writable(node)) for node in self.name_nodes(path, next_level)]

    def name_nodes(self, path: str, next_level: bool) -> list[Node]:
        """The nodes GetParameterNames lists for a path and NextLevel."""
        node = self.resolve(path)
        if isinstance(node, ParameterNode):
            if next_level:
                raise CwmpFault(
                    FaultCode.INVALID_ARGUMENTS, "NextLevel must be false for a parameter name"
                )
            return [node]
        if path == "" and next_level:
            return [self.root]
        if next_level:
            return list(_children(node))
        return self._remembered((path, False), node)

    def _remembered(self, key: tuple[str, bool], node: ObjectNode | TableNode) -> list[Node]:
        """A walk below ``node`` (parameters only when ``key[1]``).

        Reused until the tree's shape changes; the caller gets its own list.
        """
        found = self._walks.get(key)
        if found is None:
            found = list(_walk_parameters(node)) if key[1] else _walk(node)
            self._walks[key] = found
            if len(self._walks) > MAX_REMEMBERED_WALKS:
                self._walks.popitem(last=False)
        else:
            self._walks.move_to_end(key)
        return list(found)

    # ------------------------------------------------------------------ writes
    def set_values(
        self, items: Sequence[tuple[str, str, str | None]], source: Source = Source.ACS
    ) -> list[Change]:
        """SetParameterValues semantics: check every item, then apply all or none.

        ``items`` holds ``(name, wire text, xsi:type or None)``. Faults carry one
        ParameterFault per failing parameter under an overall 9003. Validators
        see the request's other values through :meth:`read`, as if applied.
        """
        faults: list[ParameterFault] = []
        checked: list[tuple[ParameterNode, Value]] = []
        seen: set[str] = set()
        for name, text, xsi_type in items:
            if name in seen:
                raise CwmpFault(FaultCode.INVALID_ARGUMENTS, f"{name} appears more than once")
            seen.add(name)
            try:
                checked.append(self._check_write(name, text, xsi_type, source))
            except CwmpFault as fault:
                faults.append(ParameterFault(name, fault.code, fault.message))
        faults.extend(self._validate(checked))
        if faults:
            raise CwmpFault(FaultCode.INVALID_ARGUMENTS, parameter_faults=tuple(faults))
        return self._apply(checked, source)

    def _check_write(
        self, name: str, text: str, xsi_type: str | None, source: Source
    ) -> tuple[ParameterNode, Value]:
        node = self._index.get(name)
        if not isinstance(node, ParameterNode):
            raise CwmpFault(FaultCode.INVALID_PARAMETER_NAME, f"no parameter {name}")
        if source is Source.ACS and (not node.spec.writable or node.getter is not None):
            raise CwmpFault(FaultCode.NON_WRITABLE_PARAMETER)
        if xsi_type and xsd_local_name(xsi_type) != node.spec.type.value:
            raise CwmpFault(
                FaultCode.INVALID_PARAMETER_TYPE,
                f"{name} is {node.spec.type.xsd}, not {xsi_type}",
            )
        try:
            return node, node.spec.parse(text)
        except ValueError as err:
            # A refused password is not quoted back (nor logged).
            reason = "not a valid value" if node.spec.hidden else str(err)
            raise CwmpFault(FaultCode.INVALID_PARAMETER_VALUE, f"{name}: {reason}") from None

    def _validate(self, checked: list[tuple[ParameterNode, Value]]) -> list[ParameterFault]:
        """Run the validators with the whole request staged."""
        faults = []
        self._staged = {node.path: value for node, value in checked}
        try:
            for node, value in checked:
                validator = self._validators.get(node.schema_path)
                if validator is None:
                    continue
                try:
                    validator(node, value)
                except ValueError as err:
                    faults.append(
                        ParameterFault(
                            node.path, FaultCode.INVALID_PARAMETER_VALUE, f"{node.path}: {err}"
                        )
                    )
        finally:
            self._staged = {}
        return faults

    def read(self, path: str) -> Value | None:
        """A parameter's value as the request being checked would leave it (None: no such)."""
        if path in self._staged:
            return self._staged[path]
        node = self._index.get(path)
        return node.current() if isinstance(node, ParameterNode) else None

    def set_local(self, path: str, value: Value) -> list[Change]:
        """A change made by the CPE itself (read-only parameters included)."""
        node = self.parameter(path)
        node.spec.check(value)
        return self._apply([(node, value)], Source.LOCAL)

    def set_many_local(
        self, values: Mapping[str, Value], source: Source = Source.LOCAL
    ) -> list[Change]:
        """Several changes as one batch, bypassing access rules (one notification)."""
        checked: list[tuple[ParameterNode, Value]] = []
        for path, value in values.items():
            node = self.parameter(path)
            node.spec.check(value)
            checked.append((node, value))
        return self._apply(checked, source)

    def _apply(self, checked: list[tuple[ParameterNode, Value]], source: Source) -> list[Change]:
        changes = []
        persisted = self._persisted
        for node, value in checked:
            old = node.value
            node.value = value
            node.xml = None
            if node.path in persisted:
                text = node.spec.type.to_text(value)
                if persisted[node.path] != text:
                    persisted[node.path] = text
                    self.revision += 1
            if old != value or type(old) is not type(value):
                changes.append(Change(ChangeKind.VALUE, node.path, source, old, value))
        self._notify(changes)
        return changes

    # ------------------------------------------------------------------ instances
    def table(self, path: str) -> TableNode:
        """The table at ``path`` (ending with a dot); fault 9005 otherwise."""
        node = self._index.get(path)
        if not isinstance(node, TableNode):
            raise CwmpFault(FaultCode.INVALID_PARAMETER_NAME, f"{path} is not a table")
        return node

    def add_instance(
        self, table_path: str, source: Source = Source.ACS, number: int | None = None
    ) -> ObjectNode:
        """Create an instance; its number is never reused, even after deletion."""
        table = self.table(table_path)
        if source is Source.ACS and not (table.spec.writable and table.spec.acs_can_add):
            raise CwmpFault(FaultCode.REQUEST_DENIED, f"{table_path} does not accept AddObject")
        if source is Source.ACS and len(self._index) >= limits.MAX_DATAMODEL_NODES:
            raise CwmpFault(
                FaultCode.RESOURCES_EXCEEDED,
                f"the data model holds {limits.MAX_DATAMODEL_NODES} objects and parameters",
            )
        limit = table.spec.max_entries
        if limit is not None and len(table.instances) >= limit:
            raise CwmpFault(FaultCode.RESOURCES_EXCEEDED, f"{table_path} is full ({limit})")
        if number is None:
            number = table.next_instance
        elif number in table.instances:
            raise ValueError(f"{table_path}{number}. exists")
        table.next_instance = max(table.next_instance, number + 1)
        instance = self._build_object(
            f"{table.path}{number}.", table.spec, f"{table.schema_path}{{i}}.", number
        )
        table.instances[number] = instance
        self._walks.clear()
        self.revision += 1
        self._notify(
            [Change(ChangeKind.ADDED, instance.path, source), *_counted(table, source, -1)]
        )
        return instance

    def delete_instance(self, path: str, source: Source = Source.ACS) -> None:
        """Delete a table instance and everything below it."""
        node = self._index.get(path)
        if not isinstance(node, ObjectNode) or node.instance is None:
            raise CwmpFault(FaultCode.INVALID_PARAMETER_NAME, f"{path} is not an instance")
        if source is Source.ACS and not node.spec.writable:
            raise CwmpFault(FaultCode.REQUEST_DENIED, f"{path} does not accept DeleteObject")
        table_path = path[: -len(f"{node.instance}.")]
        table = self.table(table_path)
        del table.instances[node.instance]
        self._walks.clear()
        self.revision += 1
        for item in _walk(node):
            self._index.pop(item.path, None)
            self._persisted.pop(item.path, None)
            self._tables.pop(item.path, None)
        self._notify([Change(ChangeKind.DELETED, path, source), *_counted(table, source, +1)])

    # ------------------------------------------------------------------ persistence
    def export_state(self) -> dict[str, Any]:
        """What must survive a restart: persisted values and table layouts.

        Kept up to date as values change, so saving often costs a copy, not a walk.
        """
        tables = {
            path: {"next": table.next_instance, "instances": list(table.instances)}
            for path, table in self._tables.items()
        }
        return {"values": dict(self._persisted), "tables": tables}

    def import_state(self, state: dict[str, Any]) -> None:
        """Restore what export_state produced (unknown paths are skipped, not fatal)."""
        tables: dict[str, Any] = state.get("tables", {})
        for path in sorted(tables, key=lambda item: item.count(".")):
            table = self._index.get(path)
            if not isinstance(table, TableNode):
                _LOGGER.warning("Stored table %s no longer exists in the data model", path)
                continue
            for number in tables[path].get("instances", []):
                if number not in table.instances:
                    self.add_instance(path, Source.LOCAL, int(number))
            table.next_instance = max(table.next_instance, int(tables[path].get("next", 1)))
        values: dict[str, str] = state.get("values", {})
        restored: list[tuple[ParameterNode, Value]] = []
        for path, text in values.items():
            node = self._index.get(path)
            if not isinstance(node, ParameterNode):
                continue
            try:
                restored.append((node, node.spec.parse(text)))
            except ValueError:
                _LOGGER.warning("Stored value of %s is no longer valid; using the default", path)
        self._apply(restored, Source.LOCAL)

    def reset(self) -> None:
        """Back to factory defaults; table instance numbers keep counting up.

        Listeners hear of every instance that disappears.
        """
        counters: dict[str, int] = {}
        instances: list[str] = []
        for node in _walk(self.root):
            if isinstance(node, TableNode):
                counters[node.path] = node.next_instance
                instances.extend(instance.path for instance in node.instances.values())
        self._index.clear()
        self._persisted.clear()
        self._tables.clear()
        self._walks.clear()
        self.revision += 1
        self.root = self._build_object(
            f"{self.root_name}.", self._root_spec, f"{self.root_name}.", None
        )
        for path, counter in counters.items():
            table = self._index.get(path)
            if isinstance(table, TableNode):
                table.next_instance = counter
        self._notify([Change(ChangeKind.DELETED, path, Source.LOCAL) for path in instances])


def _counted(table: TableNode, source: Source, before: int) -> list[Change]:
    """The change of the table's counter after an instance was added (-1) or deleted (+1)."""
    if table.counter is None:
        return []
    count = len(table.instances)
    return [Change(ChangeKind.VALUE, table.counter.path, source, count + before, count)]


def _children(node: ObjectNode | TableNode) -> Iterable[Node]:
    if isinstance(node, TableNode):
        return node.instances.values()
    return node.children.values()


def _walk(node: Node) -> list[Node]:
    """The node and all its descendants, depth first, in data-model order."""
    found: list[Node] = [node]
    if type(node) is ParameterNode:
        return found
    stack = [iter(_children(node))]  # type: ignore[arg-type]
    while stack:
        for child in stack[-1]:
            found.append(child)
            if type(child) is not ParameterNode:
                stack.append(iter(_children(child)))  # type: ignore[arg-type]
                break
        else:
            stack.pop()
    return found


def _walk_parameters(node: ObjectNode | TableNode) -> list[ParameterNode]:
    """The parameters below an object or table, depth first, in data-model order."""
    found: list[ParameterNode] = []
    stack = [iter(_children(node))]
    while stack:
        for child in stack[-1]:
            if type(child) is ParameterNode:
                found.append(child)
            else:
                stack.append(iter(_children(child)))  # type: ignore[arg-type]
                break
        else:
            stack.pop()
    return found
