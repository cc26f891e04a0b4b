"""Waking a device the way GenieACS 1.2.16 chooses (a task posted with ``?connection_request``).

From what the ACS knows of the device (:mod:`local_acs.reachability`):

1. **UDP**, in addition to the next one, when STUNEnable is true and
   UDPConnectionRequestAddress is set: three datagrams, from the port of the ACS's
   STUN server when it has one (else from any port). If they could be sent, the
   request counts as delivered, whatever the other method gives.
2. **XMPP** when the device has a non-empty ConnReqJabberID and the ACS an XMPP
   account; otherwise
3. **HTTP** to ConnectionRequestURL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import socket
import time
from typing import TYPE_CHECKING, Any, Final

from . import udp_connreq
from .connreq import ConnectionRequestRecord
from .records import Device
from .udp_connreq import UdpConnectionRequestRecord

if TYPE_CHECKING:
    from .server import LocalAcs
    from .xmpp import XmppConnectionRequestRecord

# GenieACS's words for an HTTP answer that is not an acceptance.
WRONG_CREDENTIALS: Final = "Incorrect connection request credentials"
NO_URL: Final = "no ConnectionRequestURL known"


@dataclass
class WakeRecord:
    """One Connection Request: the methods used, and ``error`` unless it was delivered."""

    serial: str
    methods: list[str] = field(default_factory=list)
    error: str | None = None
    udp: UdpConnectionRequestRecord | None = None
    xmpp: XmppConnectionRequestRecord | None = None
    http: ConnectionRequestRecord | None = None
    at: float = field(default_factory=time.time)

    @property
    def delivered(self) -> bool:
        """Whether the device was reached (GenieACS's empty status)."""
        return self.error is None

    def as_json(self) -> dict[str, Any]:
        """For the NBI."""
        return {
            "methods": self.methods,
            "delivered": self.delivered,
            "error": self.error,
            "status": self.http.status if self.http else None,
        }


def _http_error(record: ConnectionRequestRecord) -> str | None:
    if record.status in {200, 204}:
        return None
    if record.status == 401:
        return WRONG_CREDENTIALS
    if record.status is not None:
        return f"Unexpected response code from device: {record.status}"
    return f"Device is offline: {record.error}"


def _send_udp(
    acs: LocalAcs, address: str, username: str, password: str
) -> UdpConnectionRequestRecord | None:
    """The three datagrams (None when they could not be sent)."""
    try:
        if acs.stun is not None:
            return udp_connreq.send(acs.stun.send, address, username, password)
        host = udp_connreq.split_address(address)[0]
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_DGRAM) as sender:
            return udp_connreq.send(sender.sendto, address, username, password)
    except (OSError, ValueError):
        return None


async def wake(
    acs: LocalAcs,
    device: Device,
    username: str,
    password: str,
    timeout: float = 2.0,  # noqa: ASYNC109 - GenieACS's CONNECTION_REQUEST_TIMEOUT
) -> WakeRecord:
    """Send the Connection Request GenieACS would send to ``device``."""
    record = WakeRecord(device.serial)
    if device.stun_enable and device.udp_connection_request_address:
        record.methods.append("UDP")
        record.udp = _send_udp(acs, device.udp_connection_request_address, username, password)
        if record.udp is not None:
            acs.udp_connection_requests.append(record.udp)
    if device.conn_req_jabber_id and acs.xmpp is not None:
        record.methods.append("XMPP")
        record.xmpp = await acs.xmpp.connection_request(
            device.conn_req_jabber_id, username, password, timeout
        )
        error = None if record.xmpp.delivered else record.xmpp.outcome
    elif device.connection_request_url:
        record.methods.append("HTTP")
        record.http = await acs.connection_request_record(
            device.connection_request_url, username, password, timeout=timeout
        )
        error = _http_error(record.http)
    else:
        error = NO_URL
    record.error = None if record.udp is not None else error
    return record
