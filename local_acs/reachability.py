"""What the ACS knows about waking each device, from the values the device reports.

GenieACS reads four ManagementServer parameters from its device document when it
sends a Connection Request: ConnectionRequestURL, ConnReqJabberID,
UDPConnectionRequestAddress and STUNEnable, under ``Device.`` (TR-181) or
``InternetGatewayDevice.`` (TR-098). Its document follows what the device
reports (the Inform's ParameterList, with the values of ``4 VALUE CHANGE``, and
GetParameterValues responses) and what the ACS set successfully
(SetParameterValues with Status 0 or 1); so do the local ACS's device records. A
``0 BOOTSTRAP`` Inform (a new or factory-reset device) starts the record afresh.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from .records import Device, RpcResult
from .rpc import AcsRequest, RpcRequest

ROOTS: Final = ("Device.", "InternetGatewayDevice.")
_PREFIXES: Final = tuple(f"{root}ManagementServer." for root in ROOTS)


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _boolean(value: object) -> bool:
    return _text(value).strip().lower() in {"1", "true"}


def _parameter(name: str) -> str | None:
    """The ManagementServer parameter ``name`` is, under either root."""
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return None


def forget(device: Device) -> None:
    """A device that bootstraps starts from scratch: how to wake it is learnt anew."""
    device.connection_request_url = None
    device.conn_req_jabber_id = ""
    device.udp_connection_request_address = ""
    device.stun_enable = False


def learn(device: Device, values: Iterable[tuple[str, object]]) -> None:
    """Note the values, ``(name, value)``, that tell how to wake the device."""
    for name, value in values:
        parameter = _parameter(name)
        if parameter == "ConnectionRequestURL":
            device.connection_request_url = _text(value)
        elif parameter == "ConnReqJabberID":
            device.conn_req_jabber_id = _text(value)
        elif parameter == "UDPConnectionRequestAddress":
            device.udp_connection_request_address = _text(value)
        elif parameter == "STUNEnable":
            device.stun_enable = _boolean(value)


def reported_values(request: AcsRequest, result: RpcResult) -> list[tuple[str, object]]:
    """The values an answered RPC tells.

    A GetParameterValues response's list, or a SetParameterValues' own values once
    the device applied them.
    """
    if not result.ok:
        return []
    if result.method == "GetParameterValues":
        return list(result.values.items())
    applied = result.method == "SetParameterValues" and result.status in {0, 1}
    if applied and isinstance(request, RpcRequest):
        return [(param[0], param[1]) for param in request.args.get("ParameterList", [])]
    return []
