"""XMPP Connection Requests (TR-069 Annex K) as GenieACS 1.2 sends them.

The ACS logs in with its own account (STARTTLS, certificates verified, a random
resource) and sends the CPE's full JID (ConnReqJabberID) an IQ ``get`` whose only
child is ``<connectionRequest>`` with the credentials. It reads the answer as
GenieACS does: ``result`` → delivered; ``service-unavailable`` → the device is
offline; ``not-authorized`` → wrong credentials; any other error → unexpected;
no answer within the timeout (2 s) → timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
import logging
import secrets
import ssl
import time
from typing import Final
import xml.etree.ElementTree as ET

import slixmpp
from slixmpp.exceptions import IqError, IqTimeout

_LOGGER = logging.getLogger(__name__)

NS: Final = "urn:broadband-forum-org:cwmp:xmppConnReq-1-0"
# GenieACS's words for each answer.
OUTCOMES: Final = {
    "result": "delivered",
    "service-unavailable": "Device is offline",
    "not-authorized": "Incorrect connection request credentials",
}


@dataclass
class XmppConnectionRequestRecord:
    """One XMPP Connection Request and how the CPE answered."""

    jid: str
    outcome: str
    condition: str | None = None
    at: float = field(default_factory=time.time)

    @property
    def delivered(self) -> bool:
        """Whether the CPE answered ``result``."""
        return self.outcome == OUTCOMES["result"]


class AcsXmpp:
    """The ACS's XMPP account, logged in to one server."""

    def __init__(
        self,
        jid: str,
        password: str,
        host: str,
        port: int = 5222,
        *,
        ca_pem: str | None = None,
    ) -> None:
        self.jid = f"{jid.partition('/')[0]}/{secrets.token_hex(4)}"
        self._password = password
        self._address = (host, port)
        self._ca_pem = ca_pem
        self._client: slixmpp.ClientXMPP | None = None
        self.records: list[XmppConnectionRequestRecord] = []

    async def start(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Log in; raises ConnectionError when that fails."""
        logging.getLogger("slixmpp").setLevel(max(logging.INFO, _LOGGER.getEffectiveLevel()))
        context = ssl.create_default_context(cadata=self._ca_pem)
        loop = asyncio.get_running_loop()
        client = slixmpp.ClientXMPP(self.jid, self._password, ssl_context=context, loop=loop)
        client.enable_direct_tls = False
        client.enable_plaintext = False
        started: asyncio.Future[bool] = loop.create_future()

        def settle(success: bool) -> None:
            if not started.done():
                started.set_result(success)

        client.add_event_handler("session_start", lambda _: settle(True))
        client.add_event_handler("failed_all_auth", lambda _: settle(False))
        client.add_event_handler("connection_failed", lambda _: settle(False))
        self._client = client
        client.connect(*self._address)
        try:
            async with asyncio.timeout(timeout):
                logged_in = await started
        except TimeoutError:
            logged_in = False
        if not logged_in:
            await self.stop()
            raise ConnectionError(f"the ACS cannot log in to XMPP as {self.jid}")

    async def stop(self) -> None:
        """Log out and leave no task behind."""
        client, self._client = self._client, None
        if client is None:
            return
        client.cancel_connection_attempt()
        if client.is_connected():
            await client.disconnect(wait=1.0)
        client.abort()
        task = client._run_out_filters
        if task is not None and not task.done():
            # Awaited: a task left pending would be cancelled by slixmpp's __del__ on a
            # loop that may be closed by then.
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def connection_request(
        self,
        jid: str,
        username: str,
        password: str,
        timeout: float = 2.0,  # noqa: ASYNC109 - GenieACS's CONNECTION_REQUEST_TIMEOUT
    ) -> XmppConnectionRequestRecord:
        """Send one Connection Request to ``jid``; the record (also kept in :attr:`records`)."""
        assert self._client is not None, "AcsXmpp not started"
        iq = self._client.make_iq_get(ito=jid)
        request = ET.Element(f"{{{NS}}}connectionRequest")
        ET.SubElement(request, f"{{{NS}}}username").text = username
        ET.SubElement(request, f"{{{NS}}}password").text = password
        iq.append(request)
        try:
            await iq.send(timeout=timeout)  # type: ignore[no-untyped-call]
            record = XmppConnectionRequestRecord(jid, OUTCOMES["result"])
        except IqError as err:
            condition = str(err.iq["error"]["condition"])
            outcome = OUTCOMES.get(condition, "Unexpected XMPP connection request response")
            record = XmppConnectionRequestRecord(jid, outcome, condition)
        except IqTimeout:
            record = XmppConnectionRequestRecord(jid, "timeout")
        self.records.append(record)
        return record
