"""The Inform request (A.3.3.1) the CPE opens every session with."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ..datamodel import ParameterNode
from ..events import Event
from ..soap import array
from ..xml import escape
from .base import struct
from .get_parameter_values import render_value


@dataclass(frozen=True, slots=True)
class DeviceId:
    """The DeviceIdStruct: who this CPE is."""

    manufacturer: str
    oui: str
    product_class: str
    serial_number: str


def inform_body(
    device: DeviceId,
    events: Sequence[Event],
    current_time: datetime,
    retry_count: int,
    parameters: Sequence[ParameterNode],
) -> str:
    """The Inform body: DeviceId, events, MaxEnvelopes 1, CurrentTime, RetryCount, parameters."""
    device_id = struct(
        "DeviceId",
        Manufacturer=device.manufacturer,
        OUI=device.oui,
        ProductClass=device.product_class,
        SerialNumber=device.serial_number,
    )
    event_items = [
        struct("EventStruct", EventCode=event.code, CommandKey=event.command_key)
        for event in events
    ]
    parameter_items = [render_value(node) for node in parameters]
    return (
        "<cwmp:Inform>"
        f"{device_id}"
        f"{array('Event', 'cwmp:EventStruct', event_items)}"
        "<MaxEnvelopes>1</MaxEnvelopes>"
        f"<CurrentTime>{escape(current_time.isoformat(timespec='seconds'))}</CurrentTime>"
        f"<RetryCount>{retry_count}</RetryCount>"
        f"{array('ParameterList', 'cwmp:ParameterValueStruct', parameter_items)}"
        "</cwmp:Inform>"
    )
