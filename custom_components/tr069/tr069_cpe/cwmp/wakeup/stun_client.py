"""The STUN client of UDP Connection Requests: Binding Requests and their answers.

It sends from the socket that receives Connection Requests: that is the binding
a NAT must keep open, and the one the ACS learns. Requests are retransmitted as
RFC 5389 says (the wait doubles from 500 ms), but fewer times: a keep-alive that
gets no answer is tried again at the next period anyway.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from typing import Final

from . import stun

_LOGGER = logging.getLogger(__name__)

FIRST_RETRANSMISSION: Final = 0.5
TRANSMISSIONS: Final = 4
# A binding the CPE refreshes this often unless STUNMinimum/MaximumKeepAlivePeriod say
# otherwise: below the 30 s after which many NATs (Linux among them) forget a UDP binding.
DEFAULT_KEEP_ALIVE: Final = 25


class StunBindingError(Exception):
    """No usable Binding Response (no answer, or an error response)."""


def keep_alive_period(minimum: int, maximum: int) -> int:
    """Seconds between keep-alives within STUNMinimum/MaximumKeepAlivePeriod (-1: none)."""
    period = max(DEFAULT_KEEP_ALIVE, minimum)
    if maximum >= 0:
        period = min(period, maximum)
    return max(period, 1)


def same_address(
    source: tuple[str, int] | tuple[str, int, int, int], server: tuple[str, int]
) -> bool:
    """Whether a datagram's source is the server (IPv6 sources carry flow and scope)."""
    return (source[0], source[1]) == server


class StunClient:
    """Binding transactions with one STUN server over one datagram transport."""

    def __init__(
        self,
        transport: asyncio.DatagramTransport,
        server: tuple[str, int],
        credentials: tuple[str, str],
    ) -> None:
        self.server = server
        self._transport = transport
        self._username, self._password = credentials
        self._pending: dict[bytes, asyncio.Future[tuple[str, int]]] = {}

    async def binding(self, *, binding_change: bool = False) -> tuple[str, int]:
        """The public address and port the server sees; StunBindingError when there is none."""
        transaction = secrets.token_bytes(12)
        request = stun.binding_request(
            transaction,
            username=self._username,
            password=self._password,
            binding_change=binding_change,
        )
        answer: asyncio.Future[tuple[str, int]] = asyncio.get_running_loop().create_future()
        self._pending[transaction] = answer
        wait = FIRST_RETRANSMISSION
        try:
            for _ in range(TRANSMISSIONS):
                self._transport.sendto(request, self.server)
                await asyncio.wait({answer}, timeout=wait)
                if answer.done():
                    return answer.result()
                wait *= 2
        finally:
            del self._pending[transaction]
            answer.cancel()
        raise StunBindingError(f"no answer from the STUN server {self.server[0]}:{self.server[1]}")

    def received(self, data: bytes, source: tuple[str, int] | tuple[str, int, int, int]) -> bool:
        """Take a datagram if it is STUN (True); other datagrams are left to the caller."""
        if not stun.looks_like_stun(data):
            return False
        if not same_address(source, self.server):
            return True
        try:
            message = stun.parse(data)
            answer = self._pending.get(message.transaction_id)
            if answer is None or answer.done():
                return True
            self._answer(data, message, answer)
        except stun.StunError as err:
            _LOGGER.debug("Malformed STUN message from %s: %s", source[0], err)
        return True

    def _answer(
        self, data: bytes, message: stun.StunMessage, answer: asyncio.Future[tuple[str, int]]
    ) -> None:
        # RFC 3489-era servers answer without MESSAGE-INTEGRITY; one that is there must be right.
        if self._username and stun.integrity_ok(data, message, self._password) is False:
            _LOGGER.warning("STUN response with a wrong MESSAGE-INTEGRITY ignored")
            return
        if message.type == stun.BINDING_SUCCESS:
            answer.set_result(stun.mapped_address(message))
        elif message.type == stun.BINDING_ERROR:
            code, reason = stun.error_code(message)
            answer.set_exception(StunBindingError(f"STUN server refused: {code} {reason}"))
