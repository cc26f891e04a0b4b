"""What the ACS records: Informs, sessions and their messages, queued RPCs and their results."""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field
import itertools
import secrets
import time
from typing import Any, Literal
import weakref

from .model import CpeFault, DeviceId, EventStruct, FaultStruct, ParameterValue
from .rpc import AcsRequest
from .soap import Envelope

Direction = Literal["cpe", "acs"]


@dataclass
class Message:
    """One HTTP body exchanged in a session, raw and parsed.

    ``direction`` is ``"cpe"`` for a CPE POST and ``"acs"`` for the ACS's HTTP response
    (``status`` set).  ``connection`` numbers the session's TCP connections from 1;
    ``encoding`` is a CPE POST's Content-Encoding (``"gzip"``), ``body`` always plain.
    """

    direction: Direction
    body: bytes
    envelope: Envelope | None
    connection: int
    status: int | None = None
    at: float = field(default_factory=time.time)
    encoding: str | None = None

    @property
    def method(self) -> str:
        """``"empty"``, ``"invalid"`` (unparsable) or the envelope's Body element name."""
        if not self.body.strip():
            return "empty"
        return "invalid" if self.envelope is None else self.envelope.method


@dataclass
class InformRecord:
    """An Inform the ACS accepted (answered with an InformResponse)."""

    device_id: DeviceId
    events: list[EventStruct]
    max_envelopes: int
    current_time: str
    retry_count: int
    parameters: list[ParameterValue]
    envelope: Envelope = field(repr=False)
    raw: bytes = field(repr=False)
    session: Session = field(repr=False)
    received_at: float = field(default_factory=time.time)
    consumed: bool = False

    @classmethod
    def from_envelope(cls, env: Envelope, raw: bytes, session: Session) -> InformRecord:
        """Build from a parsed Inform envelope."""
        args = env.args
        dev = args.get("DeviceId") or {}
        return cls(
            device_id=DeviceId(
                str(dev.get("Manufacturer", "")),
                str(dev.get("OUI", "")),
                str(dev.get("ProductClass", "")),
                str(dev.get("SerialNumber", "")),
            ),
            events=list(args.get("Event") or []),
            max_envelopes=_int(args.get("MaxEnvelopes")),
            current_time=str(args.get("CurrentTime", "")),
            retry_count=_int(args.get("RetryCount")),
            parameters=list(args.get("ParameterList") or []),
            envelope=env,
            raw=raw,
            session=session,
        )

    @property
    def serial(self) -> str:
        """The DeviceId's SerialNumber."""
        return self.device_id.serial_number

    @property
    def event_codes(self) -> list[str]:
        """The EventCodes, e.g. ``["1 BOOT", "M Reboot"]``."""
        return [e.code for e in self.events]

    @property
    def params(self) -> dict[str, str]:
        """The ParameterList as ``{name: value}``."""
        return {p.name: p.value for p in self.parameters}

    @property
    def session_timeout(self) -> int | None:
        """The CPE's session timeout as GenieACS reads it: a ``sessionTimeout`` header."""
        text = self.envelope.headers.get("sessionTimeout", "")
        return int(text) if text.strip().isdigit() else None


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else -1


@dataclass
class CpeRequestRecord:
    """A request the CPE sent and the ACS acknowledged (TransferComplete, Kicked …)."""

    serial: str | None
    method: str
    args: dict[str, Any]
    envelope: Envelope = field(repr=False)
    session: Session = field(repr=False)
    received_at: float = field(default_factory=time.time)

    @property
    def command_key(self) -> str:
        """The CommandKey argument (``""`` if none)."""
        return str(self.args.get("CommandKey", ""))

    @property
    def fault(self) -> FaultStruct | None:
        """The FaultStruct of a (Autonomous)TransferComplete."""
        fault = self.args.get("FaultStruct")
        return fault if isinstance(fault, FaultStruct) else None


@dataclass
class RpcResult:
    """The CPE's answer to a queued RPC: a response or a fault.

    ``response`` is the generic conversion of the response element (see
    :mod:`local_acs.model`), e.g. ``{"ParameterList": [ParameterValue(...)]}`` or
    ``{"Status": 0}``; ``fault`` is set instead when the CPE answered with a SOAP fault.
    """

    method: str
    response_name: str | None
    response: dict[str, Any] | None
    fault: CpeFault | None
    cwmp_id: str | None
    id_matched: bool
    raw: bytes = field(repr=False)

    @property
    def ok(self) -> bool:
        """True when the CPE answered with the expected response (not a fault)."""
        return self.fault is None and self.response_name == f"{self.method}Response"

    @property
    def values(self) -> dict[str, str]:
        """``{name: value}`` of a ParameterList of ParameterValueStructs."""
        plist = (self.response or {}).get("ParameterList") or []
        return {p.name: p.value for p in plist if isinstance(p, ParameterValue)}

    @property
    def status(self) -> int | None:
        """The ``Status`` of a Set/Add/Delete/Download/Upload response."""
        status = (self.response or {}).get("Status")
        return status if isinstance(status, int) else None


_TASK_IDS = itertools.count(1)


class RpcTask:
    """An RPC queued for a device; ``await task.result()`` gives its :class:`RpcResult`.

    ``status`` goes ``"queued"`` → ``"sent"`` → ``"done"``.  If the session ends while the
    request is outstanding the task is queued again at the front (like a GenieACS task
    being retried); ``attempts`` counts how often it was sent.
    """

    def __init__(self, serial: str, request: AcsRequest) -> None:
        self.id = f"task-{next(_TASK_IDS)}"
        self.serial = serial
        self.request = request
        self.status: Literal["queued", "sent", "done"] = "queued"
        self.cwmp_id: str | None = None
        self.attempts = 0
        self.session: Session | None = None
        self._result: RpcResult | None = None
        self._done = asyncio.Event()

    @property
    def method(self) -> str:
        """The RPC name."""
        return self.request.method

    @property
    def outcome(self) -> RpcResult | None:
        """The result if the CPE has answered, else None (does not wait)."""
        return self._result

    def done(self) -> bool:
        """Whether the CPE has answered."""
        return self._result is not None

    def set_result(self, result: RpcResult) -> None:
        """Record the CPE's answer."""
        self._result = result
        self.status = "done"
        self._done.set()

    async def result(self, timeout: float = 10.0) -> RpcResult:  # noqa: ASYNC109
        """Wait for the CPE's answer; raises ``TimeoutError`` after ``timeout`` seconds."""
        try:
            async with asyncio.timeout(timeout):
                await self._done.wait()
        except TimeoutError:
            raise TimeoutError(
                f"{self.method} for {self.serial} not answered within {timeout} s "
                f"(status {self.status}, attempts {self.attempts})"
            ) from None
        assert self._result is not None
        return self._result

    def __repr__(self) -> str:
        return f"<RpcTask {self.id} {self.method} {self.serial} {self.status}>"


class Session:
    """One CWMP session (what tests inspect) plus its protocol state.

    ``state`` is 0 before the InformResponse, 1 while the CPE may send requests, 2 while
    the ACS sends its queued RPCs.
    """

    def __init__(self, namespace: str | None) -> None:
        self.id = secrets.token_hex(8)
        self.serial: str | None = None
        self.namespace = namespace
        self.informs: list[InformRecord] = []
        self.messages: list[Message] = []
        self.started_at = time.time()
        self.last_activity = time.monotonic()
        self.end_reason: str | None = None
        self.ended_at: float | None = None
        self.hold_requests = False
        self.posts_with_cookie = 0
        self.posts_without_cookie = 0
        self.state = 0
        self.outstanding: RpcTask | None = None
        self.hold_phase = False
        self.hold_sent = False
        self.awaiting_after_204 = False
        self.auth_challenged = False
        self.authenticated: weakref.WeakSet[asyncio.BaseTransport] = weakref.WeakSet()
        self.transport: asyncio.BaseTransport | None = None
        self._connections: weakref.WeakSet[asyncio.BaseTransport] = weakref.WeakSet()
        self._connection_count = 0
        self._rpc_counter = itertools.count()
        self._id_prefix = f"{int(self.started_at * 1000):x}"
        self._ended = asyncio.Event()

    @property
    def connection_count(self) -> int:
        """How many distinct TCP connections the CPE used in this session."""
        return self._connection_count

    @property
    def cookie_echoed(self) -> bool | None:
        """Whether every POST after the InformResponse carried ``session=<id>``.

        None when the CPE sent nothing after the InformResponse.
        """
        if not self.posts_with_cookie and not self.posts_without_cookie:
            return None
        return self.posts_without_cookie == 0

    @property
    def ended(self) -> bool:
        """Whether the session is over (see ``end_reason``)."""
        return self.end_reason is not None

    def use_transport(self, transport: asyncio.BaseTransport) -> int:
        """Note the connection a POST came on; return its 1-based number in the session."""
        if transport not in self._connections:
            self._connections.add(transport)
            self._connection_count += 1
        self.transport = transport
        self.last_activity = time.monotonic()
        return self._connection_count

    def idle_for(self) -> float:
        """Seconds since the CPE's last POST in this session."""
        return time.monotonic() - self.last_activity

    def next_cwmp_id(self) -> str:
        """A GenieACS-style request ID: the session start in hex ms + a 4-hex counter."""
        return f"{self._id_prefix}{next(self._rpc_counter):04x}"

    def end(self, reason: str) -> None:
        """Mark the session over (idempotent: the first reason wins)."""
        if self.end_reason is None:
            self.end_reason = reason
            self.ended_at = time.time()
            self._ended.set()

    async def wait_ended(self, timeout: float = 10.0) -> str:  # noqa: ASYNC109
        """Wait until the session is over; return ``end_reason``."""
        async with asyncio.timeout(timeout):
            await self._ended.wait()
        assert self.end_reason is not None
        return self.end_reason

    def methods(self, direction: Direction | None = None) -> list[str]:
        """The message names in order (``"Inform"``, ``"empty"``, ``"GetParameterValues"``)."""
        return [m.method for m in self.messages if direction in {None, m.direction}]

    def __repr__(self) -> str:
        return (
            f"<Session {self.id} serial={self.serial} state={self.state} "
            f"end={self.end_reason} messages={len(self.messages)}>"
        )


@dataclass
class Device:
    """A CPE known by serial number: its RPC queue, per-device options, how to wake it.

    ``connection_request_url``, ``conn_req_jabber_id``, ``udp_connection_request_address``
    and ``stun_enable`` are the ManagementServer values the device last reported (see
    :mod:`local_acs.reachability`).
    """

    serial: str
    device_id: DeviceId | None = None
    queue: deque[RpcTask] = field(default_factory=deque)
    hold_requests: bool = False
    last_inform: InformRecord | None = None
    connection_request_url: str | None = None
    conn_req_jabber_id: str = ""
    udp_connection_request_address: str = ""
    stun_enable: bool = False
    session: Session | None = None
    tasks: list[RpcTask] = field(default_factory=list)
