"""UDP Connection Requests with STUN (TR-069 Annex G, TR-111 Part 2).

While STUNEnable is true, one UDP socket does both jobs: it sends the STUN
Binding Requests (which open the NAT's binding and keep it open) and receives
the ACS's Connection Requests through that binding. The public address the STUN
server reports becomes UDPConnectionRequestAddress (NATDetected says whether it
differs from the local one); when it changes, the next Binding Request carries
BINDING-CHANGE at once, and the new address is published no more often than
UDPConnectionRequestAddressNotificationLimit allows (TR-098), so that an active
notification on it does not flood the ACS.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import ipaddress
import logging
import socket
import time
from typing import Final
from urllib.parse import urlsplit

from ..datamodel import Change
from .base import WakeUpState
from .stun_client import StunBindingError, StunClient, keep_alive_period
from .udp_request import ReplayGuard, Verdict, parse_message
from .watch import ParameterDrivenMethod

_LOGGER = logging.getLogger(__name__)

METHOD: Final = "UDP"
# The ManagementServer parameters the method runs on.
SETTINGS: Final = frozenset(
    {
        "STUNEnable",
        "STUNServerAddress",
        "STUNServerPort",
        "STUNUsername",
        "STUNPassword",
        "STUNMinimumKeepAlivePeriod",
        "STUNMaximumKeepAlivePeriod",
        "UDPConnectionRequestAddressNotificationLimit",
    }
)
# Until the socket could be opened, or the server's name resolved, try again this often.
RETRY_SETUP: Final = 10.0

type Address = tuple[str, int] | tuple[str, int, int, int]


def authority(host: str, port: int) -> str:
    """``host:port``, with brackets around an IPv6 address."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class _Endpoint(asyncio.DatagramProtocol):
    """Hands each datagram to the method."""

    def __init__(self, received: Callable[[bytes, Address], None]) -> None:
        self._received = received

    def datagram_received(self, data: bytes, addr: Address) -> None:
        self._received(data, addr)

    def error_received(self, exc: Exception) -> None:
        # ICMP errors for earlier datagrams (the server's port closed): the next
        # Binding Request times out and says so.
        _LOGGER.debug("UDP Connection Request socket: %s", exc)


class UdpConnectionRequests(ParameterDrivenMethod):
    """The UDP listener and STUN client of Annex G, as a wake-up method."""

    name = METHOD

    def __init__(
        self,
        *,
        port: int,
        bind_host: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        self._port = port
        self._bind_host = bind_host
        self._clock = clock
        self._transport: asyncio.DatagramTransport | None = None
        self._client: StunClient | None = None
        self._guard = ReplayGuard()
        self._published_at = -float("inf")
        self._publish_handle: asyncio.TimerHandle | None = None

    @property
    def local_port(self) -> int | None:
        """The port the socket is bound to (None while closed)."""
        if self._transport is None:
            return None
        return int(self._transport.get_extra_info("sockname")[1])

    # ----------------------------------------------------------------- lifecycle
    def _prepare(self) -> None:
        last = self.context.state.get("last_timestamp", 0)
        self._guard = ReplayGuard(last if isinstance(last, int) else 0)

    def _concerns(self, change: Change) -> bool:
        management_server = self.context.management_server
        name = management_server.name_of(change.path)
        if name == "URL":
            return not management_server.stun_server()[0]
        return name in SETTINGS

    async def _begin(self) -> None:
        management_server = self.context.management_server
        if not management_server.stun_enable:
            management_server.set_udp_binding("", nat_detected=False)
            self._set_status(WakeUpState.DISABLED)
            return
        self._set_status(WakeUpState.BINDING)
        self._run_task(self._run())

    def _release(self) -> None:
        if self._publish_handle is not None:
            self._publish_handle.cancel()
            self._publish_handle = None
        if self._transport is not None:
            self._transport.close()
            self._transport = None
        self._client = None

    # ----------------------------------------------------------------- STUN
    async def _run(self) -> None:
        """Open the socket, learn the binding, keep it alive."""
        management_server = self.context.management_server
        while self._client is None:
            try:
                self._client = await self._open()
            except OSError as err:
                _LOGGER.warning("UDP Connection Requests cannot start: %s", err)
                self._set_status(WakeUpState.ERROR, detail=str(err))
                await asyncio.sleep(RETRY_SETUP)
        known: tuple[str, int] | None = None
        binding_change = False
        while True:
            try:
                mapped = await self._client.binding(binding_change=binding_change)
            except StunBindingError as err:
                self._set_status(WakeUpState.ERROR, self._published(), str(err))
            else:
                binding_change = known is not None and mapped != known
                if binding_change:
                    _LOGGER.info("The NAT binding changed to %s", authority(*mapped))
                known = mapped
                self._learnt(mapped)
                if binding_change:
                    continue
            await asyncio.sleep(keep_alive_period(*management_server.stun_keep_alive_bounds()))

    async def _open(self) -> StunClient:
        management_server = self.context.management_server
        host, port = management_server.stun_server()
        host = host or urlsplit(management_server.url).hostname or ""
        loop = asyncio.get_running_loop()
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_DGRAM)
        if not infos:
            raise OSError(f"cannot resolve the STUN server {host}")
        family, _, _, _, address = infos[0]
        any_host = "::" if family == socket.AF_INET6 else "0.0.0.0"  # noqa: S104 - the CR port
        transport, _ = await loop.create_datagram_endpoint(
            lambda: _Endpoint(self._received),
            local_addr=(self._bind_host or any_host, self._port),
            family=family,
        )
        self._transport = transport
        server = (str(address[0]), int(address[1]))
        return StunClient(transport, server, management_server.stun_credentials())

    def _learnt(self, mapped: tuple[str, int]) -> None:
        """A binding from a Binding Response: NATDetected, and the address to publish."""
        assert self._client is not None
        local = (_source_address_towards(self._client.server), self.local_port)
        address = authority(*mapped)
        self._set_status(WakeUpState.CONNECTED, address)
        self._publish(address, nat_detected=mapped != local)

    def _published(self) -> str:
        return self.context.management_server.udp_connection_request_address

    def _publish(self, address: str, *, nat_detected: bool) -> None:
        """Write the binding, no sooner than the notification limit after the last change."""
        management_server = self.context.management_server
        if address == self._published():
            management_server.set_udp_binding(address, nat_detected)
            return
        if self._publish_handle is not None:
            self._publish_handle.cancel()
        due = self._published_at + management_server.udp_address_notification_limit
        delay = due - time.monotonic()
        if delay > 0:
            self._publish_handle = asyncio.get_running_loop().call_later(
                delay, lambda: self._publish(address, nat_detected=nat_detected)
            )
            return
        self._publish_handle = None
        self._published_at = time.monotonic()
        management_server.set_udp_binding(address, nat_detected)

    # ----------------------------------------------------------------- Connection Requests
    def _received(self, data: bytes, source: Address) -> None:
        if self._client is not None and self._client.received(data, source):
            return
        gate = self.context.gate
        if not gate.from_source(source[0]):
            _LOGGER.debug("UDP datagram from %s dropped: too many", source[0])
            return
        try:
            request = parse_message(data)
        except ValueError as err:
            _LOGGER.debug("Not a UDP Connection Request from %s: %s", source[0], err)
            return
        verdict = self._guard.check(request, gate.credentials(), self._clock())
        if verdict is Verdict.REPEATED:
            return
        if verdict is not Verdict.ACCEPTED:
            gate.refused(METHOD, source[0], verdict)
            return
        self.context.state["last_timestamp"] = self._guard.last_timestamp
        self.context.state_changed()
        if gate.admit(METHOD):
            gate.wake(METHOD)


def _source_address_towards(server: tuple[str, int]) -> str:
    """The local address this host sends from towards the server (no packet is sent)."""
    family = socket.AF_INET6 if ipaddress.ip_address(server[0]).version == 6 else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.connect(server)
            return str(probe.getsockname()[0])
    except OSError:
        return ""
