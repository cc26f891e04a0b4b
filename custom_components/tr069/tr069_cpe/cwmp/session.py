"""The CWMP session engine: one Inform session from first POST to the last answer.

The CPE opens with the Inform, sends its own requests (TransferComplete and the
like) unless the ACS holds them, then POSTs empty; from then on every HTTP
response is an ACS request that is answered in the next POST, until the ACS
answers with no envelope and nothing is left to send.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
import itertools
import logging
import secrets
from typing import Final

from . import limits
from .faults import CwmpFault, FaultCode
from .soap import Envelope, SoapError, client_fault_body, decode, encode, fault_body
from .status import SessionOutcome
from .transport import AcsClient, AcsError, AcsReply
from .versions import CWMP_1_0

_LOGGER = logging.getLogger(__name__)

MAX_RESENDS: Final = 5
RETRY_REQUEST: Final = 8005

type Dispatcher = Callable[[Envelope], Awaitable[str]]
type MessageObserver = Callable[[str, bytes], None]


@dataclass(slots=True)
class CpeRequest:
    """A request the CPE sends the ACS within a session (e.g. TransferComplete).

    ``body`` builds the request in the session's namespace. An ``optional``
    request that the ACS refuses is dropped (``on_rejected``) and the session
    goes on; a refused mandatory one fails the session, so it is sent again.
    """

    method: str
    body: Callable[[str], str]
    on_acknowledged: Callable[[Envelope], None]
    optional: bool = False
    on_rejected: Callable[[AcsError], None] | None = None


@dataclass(slots=True)
class SessionResult:
    """How a session went."""

    informed: bool = False
    error: AcsError | None = None
    namespace: str = CWMP_1_0
    acs_requests: int = 0
    requests_sent: int = 0
    extra_headers: dict[str, str] = field(default_factory=dict)

    @property
    def success(self) -> bool:
        """The session ran to its normal end."""
        return self.informed and self.error is None


class CwmpSession:
    """Runs one session over an :class:`AcsClient`."""

    def __init__(
        self,
        client: AcsClient,
        dispatcher: Dispatcher,
        *,
        namespace: str = CWMP_1_0,
        inform_headers: tuple[tuple[str, str, bool], ...] = (),
        observer: MessageObserver | None = None,
        on_informed: Callable[[Envelope], None] | None = None,
        deadline: float | None = None,
    ) -> None:
        self._client = client
        self._dispatch = dispatcher
        self._namespace = namespace
        self._inform_headers = inform_headers
        self._observer = observer
        self._on_informed = on_informed
        self._deadline = limits.SESSION_DEADLINE if deadline is None else deadline
        self._ids = itertools.count(1)
        self._prefix = secrets.token_hex(4)
        self._hold = False

    async def run(self, inform_body: str, requests: list[CpeRequest]) -> SessionResult:
        """Run the session; never raises for ACS or network trouble.

        A session that goes on for longer than SESSION_DEADLINE is cut off (timeout).
        """
        result = SessionResult(namespace=self._namespace)
        try:
            async with asyncio.timeout(self._deadline):
                await self._run(inform_body, requests, result)
        except AcsError as err:
            result.error = err
        except TimeoutError:
            result.error = AcsError(
                SessionOutcome.TIMEOUT, f"the session went on for more than {self._deadline:.0f} s"
            )
        return result

    async def _run(
        self, inform_body: str, requests: list[CpeRequest], result: SessionResult
    ) -> None:
        inform_response = await self._request("Inform", inform_body, self._inform_headers)
        result.informed = True
        result.namespace = self._namespace = inform_response.namespace
        result.extra_headers = dict(inform_response.headers)
        if self._on_informed is not None:
            self._on_informed(inform_response)
        await self._exchange(requests, result)

    async def _exchange(self, requests: list[CpeRequest], result: SessionResult) -> None:
        pending = list(requests)
        outgoing: bytes | None = None
        while True:
            if outgoing is None and pending and not self._hold:
                await self._send_request(pending.pop(0))
                result.requests_sent += 1
                continue
            reply = await self._post(outgoing)
            if not reply.body.strip():
                self._hold = False
                if pending:
                    outgoing = None
                    continue
                return
            outgoing = await self._answer(reply.body)
            result.acs_requests += 1

    async def _send_request(self, request: CpeRequest) -> None:
        try:
            response = await self._request(request.method, request.body(self._namespace))
        except AcsError as err:
            # Only a refusal (a SOAP fault) is the ACS's answer; a broken connection
            # fails the session, and the request is made again in the next one.
            if not request.optional or err.outcome is not SessionOutcome.PROTOCOL_ERROR:
                raise
            _LOGGER.info("The ACS refused %s: %s", request.method, err)
            if request.on_rejected is not None:
                request.on_rejected(err)
            return
        request.on_acknowledged(response)

    async def _answer(self, body: bytes) -> bytes:
        """The CPE's answer to one envelope from the ACS."""
        try:
            envelope = decode(body)
        except SoapError as err:
            _LOGGER.warning("Malformed message from the ACS: %s", err)
            fault = CwmpFault(FaultCode.INVALID_ARGUMENTS, f"malformed SOAP message: {err}")
            return encode(self._namespace, fault_body(fault, self._namespace))
        self._hold = bool(envelope.hold_requests)
        if envelope.not_understood:
            return encode(
                envelope.namespace,
                client_fault_body(
                    "soap-env:MustUnderstand",
                    f"header not understood: {', '.join(envelope.not_understood)}",
                ),
                request_id=envelope.request_id,
            )
        if envelope.fault is not None:
            raise AcsError(
                SessionOutcome.PROTOCOL_ERROR,
                f"the ACS sent a fault outside a request: {envelope.fault.faultstring}",
            )
        if envelope.method.endswith("Response"):
            fault = CwmpFault(
                FaultCode.INVALID_ARGUMENTS, f"unexpected {envelope.method} from the ACS"
            )
            response = fault_body(fault, envelope.namespace)
        else:
            response = await self._dispatch(envelope)
        return encode(envelope.namespace, response, request_id=envelope.request_id)

    async def _request(
        self, method: str, body: str, headers: tuple[tuple[str, str, bool], ...] = ()
    ) -> Envelope:
        """Send a CPE request and return the ACS's response (resent on fault 8005)."""
        for _attempt in range(MAX_RESENDS):
            request_id = f"{self._prefix}{next(self._ids):04x}"
            message = encode(self._namespace, body, request_id=request_id, extra_headers=headers)
            reply = await self._post(message)
            envelope = self._decode_response(reply, method)
            if envelope.fault is None:
                if envelope.hold_requests is not None:
                    self._hold = envelope.hold_requests
                return envelope
            if envelope.fault.code != RETRY_REQUEST:
                raise AcsError(
                    SessionOutcome.PROTOCOL_ERROR,
                    f"the ACS answered {method} with fault {envelope.fault.code}: "
                    f"{envelope.fault.message or envelope.fault.faultstring}",
                )
            _LOGGER.debug("The ACS asked to resend %s (fault 8005)", method)
        raise AcsError(SessionOutcome.PROTOCOL_ERROR, f"the ACS kept asking to resend {method}")

    def _decode_response(self, reply: AcsReply, method: str) -> Envelope:
        not_acs = SessionOutcome.NOT_ACS if method == "Inform" else SessionOutcome.PROTOCOL_ERROR
        if not reply.body.strip():
            raise AcsError(not_acs, f"empty answer to {method}")
        try:
            envelope = decode(reply.body)
        except SoapError as err:
            raise AcsError(not_acs, f"the answer to {method} is not CWMP: {err}") from err
        if envelope.fault is None and envelope.method != f"{method}Response":
            raise AcsError(not_acs, f"expected {method}Response, got {envelope.method}")
        return envelope

    async def _post(self, message: bytes | None) -> AcsReply:
        if self._observer is not None:
            self._observer("out", message or b"")
        reply = await self._client.post(message)
        if self._observer is not None:
            self._observer("in", reply.body)
        return reply
