"""XMPP Connection Requests (TR-069 Annex K).

The gateway keeps one outbound XMPP connection: the ``XMPP.Connection`` row
that ManagementServer.ConnReqXMPPConnection names. Its bound JID becomes
ConnReqJabberID (active notification by default, so the ACS learns it). The ACS
sends an IQ ``get`` holding ``<connectionRequest>`` with the Connection Request
credentials; the answer is ``result`` and a session follows, or an error:
``not-authorized`` for wrong credentials, ``service-unavailable`` for a sender
ConnReqAllowedJabberIDs does not allow (RFC 6120: as if there were no such
service), ``resource-constraint`` when the shared limits are reached.

Security: STARTTLS always, with the certificate checked against the JID's
domain (system CAs and the configured CA); credentials are never sent over an
unencrypted stream, so a server without TLS is refused even when UseTLS is
false. slixmpp logs every stanza at DEBUG, Connection Request passwords
included: its loggers are kept at INFO or above.

A lost or failed connection is retried with the row's back-off
(ServerRetryInitialInterval, ServerRetryIntervalMultiplier,
ServerRetryMaxInterval), ServerConnectAttempts times per server before the next
one; the server is pinged (XEP-0199) every few minutes, and a connection whose
ping goes unanswered is dropped and retried.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
from enum import StrEnum
import logging
import random
import ssl
from typing import Any, Final
import xml.etree.ElementTree as ET

from ..auth import same_secret
from ..datamodel import Change
from ..transport import build_ssl_context
from .base import WakeUpState
from .watch import ParameterDrivenMethod, cancel
from .xmpp_model import (
    XmppServer,
    XmppSettings,
    concerns,
    connection_row,
    follow_deletions,
    install_rules,
    is_enabled,
    jid_allowed,
    read_settings,
    set_connection_state,
)

_LOGGER = logging.getLogger(__name__)

METHOD: Final = "XMPP"
NS_CONNECTION_REQUEST: Final = "urn:broadband-forum-org:cwmp:xmppConnReq-1-0"
NS_PING: Final = "urn:xmpp:ping"
CONNECT_TIMEOUT: Final = 30.0
PING_INTERVAL: Final = 300.0
PING_TIMEOUT: Final = 30.0
MAX_CREDENTIAL: Final = 256
TLS_REPORT_GRACE: Final = 0.2


def quiet_slixmpp() -> None:
    """Hold slixmpp at INFO: at DEBUG it logs whole stanzas, Connection Request passwords too."""
    logger = logging.getLogger("slixmpp")
    if logger.getEffectiveLevel() < logging.INFO:
        logger.setLevel(logging.INFO)


class Outcome(StrEnum):
    """How one connection attempt ended."""

    LOST = "lost"
    UNREACHABLE = "unreachable"
    AUTHENTICATION = "authentication"
    TLS = "tls"
    TIMEOUT = "timeout"


# XMPP.Connection.Status for each way an attempt fails.
_STATUS: Final = {
    Outcome.LOST: "Connecting",
    Outcome.UNREACHABLE: "ServerNotPresent",
    Outcome.AUTHENTICATION: "Error_AuthenticationFailure",
    Outcome.TLS: "Error",
    Outcome.TIMEOUT: "ServerNotPresent",
}


class XmppConnectionRequests(ParameterDrivenMethod):
    """The XMPP connection of Annex K, as a wake-up method."""

    name = METHOD

    def __init__(self, *, ca_pem: str | None = None, rng: random.Random | None = None) -> None:
        super().__init__()
        self._ca_pem = ca_pem
        self._rng = rng or random.Random()  # noqa: S311 - reconnection jitter
        self._unsubscribe: Callable[[], None] | None = None
        self._row: str | None = None

    # ----------------------------------------------------------------- lifecycle
    def _prepare(self) -> None:
        quiet_slixmpp()
        datamodel, management_server = self.context.datamodel, self.context.management_server
        install_rules(datamodel, management_server)
        if self._unsubscribe is None:
            self._unsubscribe = datamodel.subscribe(
                lambda changes: follow_deletions(datamodel, management_server, changes)
            )

    async def stop(self) -> None:
        """Disconnect."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        await super().stop()

    def _concerns(self, change: Change) -> bool:
        return concerns(self._row, self.context.management_server, change)

    async def _begin(self) -> None:
        datamodel, management_server = self.context.datamodel, self.context.management_server
        row = self._row = connection_row(datamodel, management_server)
        if row is None or not is_enabled(datamodel, row):
            if row is not None:
                set_connection_state(datamodel, row, "Disabled")
            if management_server.conn_req_jabber_id:
                management_server.set_conn_req_jabber_id("")
            self._set_status(WakeUpState.DISABLED)
            return
        try:
            settings = read_settings(datamodel, row)
        except ValueError as err:
            set_connection_state(datamodel, row, "Error_Misconfigured")
            self._set_status(WakeUpState.ERROR, detail=str(err))
            return
        self._set_status(WakeUpState.STARTING)
        self._run_task(self._run(settings))

    # ----------------------------------------------------------------- the connection
    async def _run(self, settings: XmppSettings) -> None:
        """Connect, stay connected, reconnect with the back-off."""
        datamodel = self.context.datamodel
        ssl_context = await asyncio.to_thread(build_ssl_context, True, self._ca_pem)
        ssl_context.minimum_version = ssl.TLSVersion.TLSv1_2
        failures = 0
        while True:
            server = settings.server_for(failures)
            set_connection_state(datamodel, settings.row, "Connecting")
            self._set_status(WakeUpState.STARTING, detail=_where(server))
            outcome, established = await self._connect(settings, server, ssl_context)
            failures = 1 if established else failures + 1
            set_connection_state(datamodel, settings.row, _STATUS[outcome])
            self._set_status(WakeUpState.ERROR, detail=f"{outcome.value} ({_where(server)})")
            await asyncio.sleep(settings.reconnect_wait(failures, self._rng))

    async def _connect(
        self, settings: XmppSettings, server: XmppServer, ssl_context: ssl.SSLContext
    ) -> tuple[Outcome, bool]:
        """One connection, until it fails or ends: how, and whether a session was up."""
        session = _Session(settings, ssl_context, self._check_request, self._accepted)
        try:
            outcome = await session.open(server)
            if outcome is not None:
                return outcome, False
            self._connected(settings, session)
            return await session.wait_closed(), True
        finally:
            await session.close()

    def _connected(self, settings: XmppSettings, session: _Session) -> None:
        jid = session.bound_jid
        set_connection_state(
            self.context.datamodel, settings.row, "Enabled", jid=jid, tls=session.tls
        )
        management_server = self.context.management_server
        if management_server.conn_req_jabber_id != jid:
            management_server.set_conn_req_jabber_id(jid)
        _LOGGER.info("XMPP connection up as %s", jid)
        self._set_status(WakeUpState.CONNECTED, jid)

    # ----------------------------------------------------------------- Connection Requests
    def _accepted(self) -> None:
        self.context.gate.wake(METHOD)

    def _check_request(self, sender: str, username: str, password: str) -> str | None:
        """None to accept (the session follows), else the error condition to answer."""
        management_server, gate = self.context.management_server, self.context.gate
        source = sender.partition("/")[0].lower()
        if not jid_allowed(sender, management_server.conn_req_allowed_jabber_ids):
            gate.refused(METHOD, source, "not in ConnReqAllowedJabberIDs")
            return "service-unavailable"
        if not gate.from_source(source):
            return "resource-constraint"
        expected_username, expected_password = gate.credentials()
        if not (
            same_secret(username, expected_username) and same_secret(password, expected_password)
        ):
            gate.refused(METHOD, source, "wrong credentials")
            return "not-authorized"
        if not gate.admit(METHOD):
            return "resource-constraint"
        return None


def _where(server: XmppServer) -> str:
    return f"{server.address}:{server.port}" if server.address else "DNS SRV"


type ConnectionRequestCheck = Callable[[str, str, str], str | None]


class _Session:
    """One slixmpp client: open, serve Connection Requests, close without leftovers."""

    def __init__(
        self,
        settings: XmppSettings,
        ssl_context: ssl.SSLContext,
        check: ConnectionRequestCheck,
        accepted: Callable[[], None],
    ) -> None:
        # slixmpp is imported here: its import registers stanza plugins for the process.
        import slixmpp  # noqa: PLC0415
        from slixmpp.xmlstream.handler import Callback  # noqa: PLC0415
        from slixmpp.xmlstream.matcher import MatchXPath  # noqa: PLC0415

        self._settings = settings
        self._check = check
        self._accepted = accepted
        loop = asyncio.get_running_loop()
        client = slixmpp.ClientXMPP(
            settings.jid, settings.password, ssl_context=ssl_context, loop=loop
        )
        client.enable_direct_tls = False
        client.enable_starttls = True
        client.enable_plaintext = False
        client.whitespace_keepalive = settings.keep_alive > 0
        client.whitespace_keepalive_interval = max(settings.keep_alive, 1)
        client.register_handler(
            Callback(
                "tr069 connection request",
                MatchXPath(f"{{jabber:client}}iq/{{{NS_CONNECTION_REQUEST}}}connectionRequest"),
                self._on_iq,
            )
        )
        self.client = client
        self.tls = False
        self._opened: asyncio.Future[Outcome | None] = loop.create_future()
        self._closed = asyncio.Event()
        self._grace: asyncio.TimerHandle | None = None
        for event, outcome in (
            ("failed_all_auth", Outcome.AUTHENTICATION),
            ("ssl_invalid_chain", Outcome.TLS),
            ("connection_failed", Outcome.UNREACHABLE),
        ):
            client.add_event_handler(event, self._failed(outcome))
        client.add_event_handler("disconnected", self._disconnected)
        client.add_event_handler("session_start", self._session_start)

    @property
    def bound_jid(self) -> str:
        """The full JID the server bound."""
        return str(self.client.boundjid.full)

    def _failed(self, outcome: Outcome) -> Callable[[Any], None]:
        def handler(_event: Any) -> None:
            # slixmpp would retry by itself; the back-off is ours.
            self.client.cancel_connection_attempt()
            if outcome is Outcome.AUTHENTICATION and not self._encrypted():
                # No STARTTLS offered: slixmpp never sent the credentials.
                outcome_now = Outcome.TLS
            else:
                outcome_now = outcome
            self._settle(outcome_now)
            if outcome_now is Outcome.TLS:
                # With this event handled, slixmpp leaves the connection open.
                self.client.abort()

        return handler

    def _disconnected(self, _event: Any) -> None:
        self._closed.set()
        if not self._opened.done():
            # slixmpp reports a refused certificate just after the connection closes.
            self._grace = asyncio.get_running_loop().call_later(
                TLS_REPORT_GRACE, self._settle, Outcome.LOST
            )

    def _settle(self, outcome: Outcome | None) -> None:
        if self._grace is not None:
            # Settled otherwise (the refused certificate was reported): no timer left behind.
            self._grace.cancel()
            self._grace = None
        if not self._opened.done():
            self._opened.set_result(outcome)

    def _encrypted(self) -> bool:
        transport = self.client.transport
        return transport is not None and transport.get_extra_info("ssl_object") is not None

    def _session_start(self, _event: Any) -> None:
        self.tls = self._encrypted()
        self.client.send_presence()
        self._settle(None)

    async def open(self, server: XmppServer) -> Outcome | None:
        """Connect and log in: None once the session is up, else how it failed."""
        if server.address:
            self.client.connect(server.address, server.port)
        else:
            self.client.connect()
        try:
            async with asyncio.timeout(CONNECT_TIMEOUT):
                return await self._opened
        except TimeoutError:
            return Outcome.TIMEOUT

    async def wait_closed(self) -> Outcome:
        """Until the connection is lost (or its pings go unanswered)."""
        pinger = asyncio.get_running_loop().create_task(self._ping(), name="tr069 XMPP ping")
        try:
            await self._closed.wait()
        finally:
            await cancel(pinger)
        return Outcome.LOST

    async def _ping(self) -> None:
        from slixmpp.exceptions import IqError, IqTimeout  # noqa: PLC0415

        while True:
            await asyncio.sleep(PING_INTERVAL)
            iq = self.client.make_iq_get(ito=self._settings.domain)
            iq.append(ET.Element(f"{{{NS_PING}}}ping"))
            try:
                await iq.send(timeout=PING_TIMEOUT)  # type: ignore[no-untyped-call]
            except IqError:
                pass  # an error is an answer: the server is there
            except IqTimeout:
                _LOGGER.warning("The XMPP server does not answer pings: reconnecting")
                self.client.abort()
                return

    async def close(self) -> None:
        """Leave the stream and stop slixmpp's tasks (none may linger)."""
        if self._grace is not None:
            self._grace.cancel()
        client = self.client
        client.cancel_connection_attempt()
        if client.is_connected():
            with contextlib.suppress(Exception):
                await client.disconnect(wait=1.0)
        client.abort()
        await cancel(client._run_out_filters)

    def _on_iq(self, iq: Any) -> None:
        """A Connection Request: check it, answer, and wake the agent when it is valid."""
        if iq["type"] != "get":
            return
        request = iq.xml.find(f"{{{NS_CONNECTION_REQUEST}}}connectionRequest")
        username = request.findtext(f"{{{NS_CONNECTION_REQUEST}}}username") or ""
        password = request.findtext(f"{{{NS_CONNECTION_REQUEST}}}password") or ""
        condition: str | None = "not-authorized"
        if len(username) <= MAX_CREDENTIAL and len(password) <= MAX_CREDENTIAL:
            condition = self._check(str(iq["from"]), username, password)
        reply = iq.reply()
        if condition is None:
            reply.send()
            self._accepted()
            return
        reply["error"]["type"] = "wait" if condition == "resource-constraint" else "cancel"
        reply["error"]["condition"] = condition
        reply.send()
