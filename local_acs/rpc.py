"""ACS→CPE requests: every RPC of TR-069 Amendment 6 (except ChangeDUState), and raw bodies.

A request is built either with the snake_case helpers (``get_parameter_values([...])``) or
generically with :meth:`RpcRequest.build` from the method name and a dict keyed by the
TR-069 argument names (``{"ParameterNames": [...]}``); omitted arguments take GenieACS's
defaults (empty strings, ``0``).  Bodies are rendered when the request is sent, because a
Download/Upload/ScheduleDownload without ``CommandKey`` uses the request's cwmp:ID as its
CommandKey, as GenieACS does.

Argument value kinds:

* ``ParameterNames`` / ``AccessList``: a list of names → ``xsd:string`` array;
* ``ParameterList`` of SetParameterValues: ``(name, value)`` or ``(name, value, xsd_type)``
  tuples; without a type, ``bool`` → ``xsd:boolean``, ``int`` → ``xsd:unsignedInt`` (or
  ``xsd:int`` if negative), ``datetime`` → ``xsd:dateTime``, anything else ``xsd:string``;
* ``ParameterList`` of SetParameterAttributes: ``(name, notification)``,
  ``(name, notification, access_list)`` or a mapping with the struct's element names;
* ``TimeWindowList``: mappings with ``WindowStart``, ``WindowEnd``, ``WindowMode``,
  ``UserMessage``, ``MaxRetries``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from .soap import element, envelope, text


class AcsRequest(Protocol):
    """Anything the ACS can send to the CPE as one request."""

    @property
    def method(self) -> str:
        """The RPC name (``"GetParameterValues"``); the expected response adds ``Response``."""

    def render(self, cwmp_id: str, namespace: str, hold_requests: bool | None) -> bytes:
        """The HTTP body to send."""


# ---------------------------------------------------------------- argument renderers


def _strings(values: Sequence[str]) -> str:
    items = "".join(element("string", text(v)) for v in values)
    return f'soap-enc:arrayType="xsd:string[{len(values)}]">{items}'


def _xsd_type(value: object) -> str:
    if isinstance(value, bool):
        return "xsd:boolean"
    if isinstance(value, int):
        return "xsd:int" if value < 0 else "xsd:unsignedInt"
    if isinstance(value, datetime):
        return "xsd:dateTime"
    return "xsd:string"


def _value_text(value: object) -> str:
    if isinstance(value, datetime):
        stamp = value.astimezone(UTC) if value.tzinfo else value
        return stamp.strftime("%Y-%m-%dT%H:%M:%SZ" if value.tzinfo else "%Y-%m-%dT%H:%M:%S")
    return text(value)


def _parameter_values(params: Sequence[Sequence[Any]]) -> str:
    structs = []
    for param in params:
        name, value = param[0], param[1]
        xsd_type = param[2] if len(param) > 2 else _xsd_type(value)
        structs.append(
            element(
                "ParameterValueStruct",
                element("Name", text(name))
                + f'<Value xsi:type="{text(xsd_type)}">{_value_text(value)}</Value>',
            )
        )
    return f'soap-enc:arrayType="cwmp:ParameterValueStruct[{len(params)}]">{"".join(structs)}'


def _attribute_struct(attr: Sequence[Any] | Mapping[str, Any]) -> str:
    if isinstance(attr, Mapping):
        fields = dict(attr)
    else:
        fields = {"Name": attr[0], "Notification": attr[1]}
        if len(attr) > 2:
            fields["AccessList"] = attr[2]
    fields.setdefault("NotificationChange", "Notification" in fields)
    fields.setdefault("Notification", 0)
    fields.setdefault("AccessListChange", "AccessList" in fields)
    access = fields.get("AccessList", [])
    return element(
        "SetParameterAttributesStruct",
        element("Name", text(fields["Name"]))
        + element("NotificationChange", str(int(bool(fields["NotificationChange"]))))
        + element("Notification", str(int(fields["Notification"])))
        + element("AccessListChange", str(int(bool(fields["AccessListChange"]))))
        + f"<AccessList {_strings(access)}</AccessList>",
    )


def _attributes(attrs: Sequence[Sequence[Any] | Mapping[str, Any]]) -> str:
    structs = "".join(_attribute_struct(a) for a in attrs)
    return f'soap-enc:arrayType="cwmp:SetParameterAttributesStruct[{len(attrs)}]">{structs}'


_WINDOW_FIELDS = ("WindowStart", "WindowEnd", "WindowMode", "UserMessage", "MaxRetries")


def _time_windows(windows: Sequence[Mapping[str, Any]]) -> str:
    defaults = {"WindowStart": 0, "UserMessage": "", "MaxRetries": 0}
    structs = "".join(
        element(
            "TimeWindowStruct",
            "".join(element(f, text({**defaults, **w}[f])) for f in _WINDOW_FIELDS),
        )
        for w in windows
    )
    return f'soap-enc:arrayType="cwmp:TimeWindowStruct[{len(windows)}]">{structs}'


_ARRAY_RENDERERS: dict[str, Callable[[Any], str]] = {
    "strings": _strings,
    "values": _parameter_values,
    "attributes": _attributes,
    "windows": _time_windows,
}


class _Marker:
    """A placeholder argument value, shown by name."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


_REQUIRED = _Marker("<required>")
_COMMAND_KEY_FROM_ID = _Marker("<cwmp:ID>")


@dataclass(frozen=True)
class _Arg:
    name: str
    kind: str = "scalar"  # "scalar", "bool" or a key of _ARRAY_RENDERERS
    default: object = _REQUIRED


_TRANSFER = (
    _Arg("CommandKey", default=_COMMAND_KEY_FROM_ID),
    _Arg("FileType"),
    _Arg("URL"),
    _Arg("Username", default=""),
    _Arg("Password", default=""),
)

#: Argument order and defaults of every ACS→CPE RPC, as in the cwmp-1-x schemas.
SPECS: dict[str, tuple[_Arg, ...]] = {
    "GetRPCMethods": (),
    "SetParameterValues": (_Arg("ParameterList", "values"), _Arg("ParameterKey", default="")),
    "GetParameterValues": (_Arg("ParameterNames", "strings"),),
    "GetParameterNames": (
        _Arg("ParameterPath", default=""),
        _Arg("NextLevel", "bool", default=False),
    ),
    "SetParameterAttributes": (_Arg("ParameterList", "attributes"),),
    "GetParameterAttributes": (_Arg("ParameterNames", "strings"),),
    "AddObject": (_Arg("ObjectName"), _Arg("ParameterKey", default="")),
    "DeleteObject": (_Arg("ObjectName"), _Arg("ParameterKey", default="")),
    "Download": (
        *_TRANSFER,
        _Arg("FileSize", default=0),
        _Arg("TargetFileName", default=""),
        _Arg("DelaySeconds", default=0),
        _Arg("SuccessURL", default=""),
        _Arg("FailureURL", default=""),
    ),
    "Reboot": (_Arg("CommandKey", default=""),),
    "GetQueuedTransfers": (),
    "ScheduleInform": (_Arg("DelaySeconds"), _Arg("CommandKey", default="")),
    "Upload": (*_TRANSFER, _Arg("DelaySeconds", default=0)),
    "FactoryReset": (),
    "GetAllQueuedTransfers": (),
    "ScheduleDownload": (
        *_TRANSFER,
        _Arg("FileSize", default=0),
        _Arg("TargetFileName", default=""),
        _Arg("TimeWindowList", "windows"),
    ),
    "CancelTransfer": (_Arg("CommandKey"),),
}


@dataclass(frozen=True)
class RpcRequest:
    """A standard ACS→CPE RPC; ``args`` are keyed by the TR-069 argument names."""

    method: str
    args: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, method: str, args: Mapping[str, Any] | None = None) -> RpcRequest:
        """Check ``args`` against the RPC's signature and fill in the defaults."""
        spec = SPECS.get(method)
        if spec is None:
            raise ValueError(f"unknown ACS→CPE RPC {method!r} (use RawRpc for others)")
        given = dict(args or {})
        unknown = set(given) - {a.name for a in spec}
        if unknown:
            raise ValueError(f"{method} has no argument(s) {sorted(unknown)}")
        filled: dict[str, Any] = {}
        for arg in spec:
            if arg.name in given:
                filled[arg.name] = given[arg.name]
            elif arg.default is _REQUIRED:
                raise ValueError(f"{method} requires {arg.name}")
            else:
                filled[arg.name] = arg.default
        return cls(method, filled)

    def body(self, cwmp_id: str) -> str:
        """The body element, e.g. ``<cwmp:Reboot><CommandKey></CommandKey></cwmp:Reboot>``."""
        parts = []
        for arg in SPECS[self.method]:
            value = self.args[arg.name]
            if value is _COMMAND_KEY_FROM_ID:
                value = cwmp_id
            if arg.kind in _ARRAY_RENDERERS:
                parts.append(f"<{arg.name} {_ARRAY_RENDERERS[arg.kind](value)}</{arg.name}>")
            elif arg.kind == "bool":
                parts.append(element(arg.name, str(int(bool(value)))))
            else:
                parts.append(element(arg.name, text(value)))
        return element(f"cwmp:{self.method}", "".join(parts))

    def render(self, cwmp_id: str, namespace: str, hold_requests: bool | None) -> bytes:
        """The complete envelope."""
        return envelope(cwmp_id, self.body(cwmp_id), namespace, hold_requests=hold_requests)


@dataclass(frozen=True)
class RawRpc:
    """A hand-written body element (``cwmp`` prefix bound) inside a normal envelope."""

    method: str
    body_xml: str

    def render(self, cwmp_id: str, namespace: str, hold_requests: bool | None) -> bytes:
        """The envelope around ``body_xml``."""
        return envelope(cwmp_id, self.body_xml, namespace, hold_requests=hold_requests)


@dataclass(frozen=True)
class RawBody:
    """An HTTP body sent verbatim (malformed envelopes, wrong IDs …)."""

    data: bytes
    method: str = "Raw"

    def render(self, cwmp_id: str, namespace: str, hold_requests: bool | None) -> bytes:
        """``data`` unchanged."""
        del cwmp_id, namespace, hold_requests
        return self.data


# ------------------------------------------------------------------ convenience builders


def get_rpc_methods() -> RpcRequest:
    """GetRPCMethods."""
    return RpcRequest.build("GetRPCMethods")


def get_parameter_values(names: Sequence[str]) -> RpcRequest:
    """GetParameterValues of full names and/or partial paths (ending in ``.``)."""
    return RpcRequest.build("GetParameterValues", {"ParameterNames": list(names)})


def set_parameter_values(params: Sequence[Sequence[Any]], parameter_key: str = "") -> RpcRequest:
    """SetParameterValues of ``(name, value[, xsd_type])`` tuples."""
    return RpcRequest.build(
        "SetParameterValues", {"ParameterList": list(params), "ParameterKey": parameter_key}
    )


def get_parameter_names(path: str = "", next_level: bool = False) -> RpcRequest:
    """GetParameterNames."""
    return RpcRequest.build("GetParameterNames", {"ParameterPath": path, "NextLevel": next_level})


def get_parameter_attributes(names: Sequence[str]) -> RpcRequest:
    """GetParameterAttributes."""
    return RpcRequest.build("GetParameterAttributes", {"ParameterNames": list(names)})


def set_parameter_attributes(
    attrs: Sequence[Sequence[Any] | Mapping[str, Any]],
) -> RpcRequest:
    """SetParameterAttributes (see the module docstring for the struct forms)."""
    return RpcRequest.build("SetParameterAttributes", {"ParameterList": list(attrs)})


def add_object(object_name: str, parameter_key: str = "") -> RpcRequest:
    """AddObject (``object_name`` ends in ``.``)."""
    return RpcRequest.build("AddObject", {"ObjectName": object_name, "ParameterKey": parameter_key})


def delete_object(object_name: str, parameter_key: str = "") -> RpcRequest:
    """DeleteObject (``object_name`` is an instance path ending in ``.``)."""
    return RpcRequest.build(
        "DeleteObject", {"ObjectName": object_name, "ParameterKey": parameter_key}
    )


def _transfer(method: str, args: dict[str, Any], command_key: str | None) -> RpcRequest:
    """A transfer RPC; without a CommandKey the request's cwmp:ID stands in (like GenieACS)."""
    if command_key is not None:
        args["CommandKey"] = command_key
    return RpcRequest.build(method, args)


def download(
    url: str,
    file_type: str = "1 Firmware Upgrade Image",
    *,
    command_key: str | None = None,
    username: str = "",
    password: str = "",
    file_size: int = 0,
    target_file_name: str = "",
    delay_seconds: int = 0,
    success_url: str = "",
    failure_url: str = "",
) -> RpcRequest:
    """Download; ``command_key=None`` uses the request's cwmp:ID like GenieACS."""
    args: dict[str, Any] = {
        "FileType": file_type,
        "URL": url,
        "Username": username,
        "Password": password,
        "FileSize": file_size,
        "TargetFileName": target_file_name,
        "DelaySeconds": delay_seconds,
        "SuccessURL": success_url,
        "FailureURL": failure_url,
    }
    return _transfer("Download", args, command_key)


def upload(
    url: str,
    file_type: str = "1 Vendor Configuration File",
    *,
    command_key: str | None = None,
    username: str = "",
    password: str = "",
    delay_seconds: int = 0,
) -> RpcRequest:
    """Upload; ``command_key=None`` uses the request's cwmp:ID."""
    args: dict[str, Any] = {
        "FileType": file_type,
        "URL": url,
        "Username": username,
        "Password": password,
        "DelaySeconds": delay_seconds,
    }
    return _transfer("Upload", args, command_key)


def reboot(command_key: str = "") -> RpcRequest:
    """Reboot."""
    return RpcRequest.build("Reboot", {"CommandKey": command_key})


def factory_reset() -> RpcRequest:
    """FactoryReset."""
    return RpcRequest.build("FactoryReset")


def schedule_inform(delay_seconds: int, command_key: str = "") -> RpcRequest:
    """ScheduleInform."""
    return RpcRequest.build(
        "ScheduleInform", {"DelaySeconds": delay_seconds, "CommandKey": command_key}
    )


def get_queued_transfers() -> RpcRequest:
    """GetQueuedTransfers."""
    return RpcRequest.build("GetQueuedTransfers")


def get_all_queued_transfers() -> RpcRequest:
    """GetAllQueuedTransfers."""
    return RpcRequest.build("GetAllQueuedTransfers")


def cancel_transfer(command_key: str) -> RpcRequest:
    """CancelTransfer."""
    return RpcRequest.build("CancelTransfer", {"CommandKey": command_key})


def schedule_download(
    url: str,
    time_windows: Sequence[Mapping[str, Any]],
    file_type: str = "1 Firmware Upgrade Image",
    *,
    command_key: str | None = None,
    username: str = "",
    password: str = "",
    file_size: int = 0,
    target_file_name: str = "",
) -> RpcRequest:
    """ScheduleDownload (cwmp-1-1 and later); ``command_key=None`` uses the cwmp:ID."""
    args: dict[str, Any] = {
        "FileType": file_type,
        "URL": url,
        "Username": username,
        "Password": password,
        "FileSize": file_size,
        "TargetFileName": target_file_name,
        "TimeWindowList": list(time_windows),
    }
    return _transfer("ScheduleDownload", args, command_key)


def raw(method: str, body_xml: str) -> RawRpc:
    """A hand-written body element wrapped in the usual envelope."""
    return RawRpc(method, body_xml)


def raw_body(data: bytes, method: str = "Raw") -> RawBody:
    """An HTTP body sent verbatim."""
    return RawBody(data, method)
