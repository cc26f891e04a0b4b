"""The ACS's shared state: configuration, devices, queues, records, injected behaviours."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
import logging
from pathlib import Path
from typing import Any, TypeVar

from .auth import Credentials, Scheme
from .inject import Behaviour, make_behaviour
from .records import CpeRequestRecord, Device, InformRecord, Message, RpcTask, Session
from .rpc import AcsRequest, RpcRequest
from .soap import normalize_namespace
from .validation import SchemaValidator, ValidationFailure

_LOGGER = logging.getLogger(__name__)

T = TypeVar("T")

InformHook = Callable[[InformRecord], Awaitable[None] | None]

_TRANSFER_COMPLETES = frozenset({"TransferComplete", "AutonomousTransferComplete"})


class Notifier:
    """Wakes coroutines waiting for a condition on the records."""

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()

    def notify(self) -> None:
        """Re-evaluate all waiting predicates."""
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def wait_for(self, predicate: Callable[[], T | None], timeout: float) -> T:  # noqa: ASYNC109
        """Wait until ``predicate()`` returns non-None; raises ``TimeoutError``."""
        async with asyncio.timeout(timeout):
            while (value := predicate()) is None:
                waiter = asyncio.get_running_loop().create_future()
                self._waiters.add(waiter)
                try:
                    await waiter
                finally:
                    self._waiters.discard(waiter)
        return value


class AcsState:
    """Everything the endpoints share; :class:`local_acs.LocalAcs` adds the server around it."""

    def __init__(
        self,
        *,
        auth: Scheme | None,
        username: str,
        password: str,
        strict: bool,
        cwmp_namespace: str | None,
        session_timeout: float,
        soap_log_dir: Path | None,
    ) -> None:
        self.credentials = Credentials(auth, username, password) if auth else None
        self.strict = strict
        self.cwmp_namespace = normalize_namespace(cwmp_namespace) if cwmp_namespace else None
        self.session_timeout = session_timeout
        # CWMP 1.4: the version the InformResponse tells the CPE to use (None: no header).
        self.use_cwmp_version: str | None = None
        self.soap_log_dir = soap_log_dir
        self.validator = SchemaValidator()
        self.informs: list[InformRecord] = []
        self.sessions: list[Session] = []
        self.cpe_requests: list[CpeRequestRecord] = []
        self.validation_failures: list[ValidationFailure] = []
        self.protocol_errors: list[str] = []
        self.devices: dict[str, Device] = {}
        self.inform_hooks: list[InformHook] = []
        self.notifier = Notifier()
        self._live: set[Session] = set()
        self._behaviours: list[Behaviour] = []
        self._log_seq = 0

    # ------------------------------------------------------------------ records

    @property
    def schema_validation_available(self) -> bool:
        """Whether CPE envelopes are really validated against the BBF schemas."""
        return self.validator.available

    @property
    def transfer_completes(self) -> list[CpeRequestRecord]:
        """The (Autonomous)TransferComplete requests acknowledged so far."""
        return [r for r in self.cpe_requests if r.method in _TRANSFER_COMPLETES]

    def device(self, serial: str) -> Device:
        """The device with this serial number (created on first use)."""
        if serial not in self.devices:
            self.devices[serial] = Device(serial)
        return self.devices[serial]

    def add_session(self, session: Session) -> None:
        """Register a new session (ending any other open session of the same device)."""
        for other in list(self._live):
            if other.serial == session.serial:
                self.end_session(other, "superseded")
        self.sessions.append(session)
        self._live.add(session)

    def record(self, session: Session | None, message: Message) -> None:
        """Append a message to its session and to the SOAP log directory, if any."""
        if session is not None:
            session.messages.append(message)
        if self.soap_log_dir is not None:
            self._log_seq += 1
            sid = session.id if session else "nosession"
            name = f"{self._log_seq:05d}-{sid}-{message.direction}-{message.method}.xml"
            (self.soap_log_dir / name).write_bytes(message.body)
        self.notifier.notify()

    def protocol_error(self, session: Session | None, text: str) -> None:
        """Record (and log) a CWMP protocol violation by the CPE."""
        where = f"session {session.id} ({session.serial})" if session else "no session"
        self.protocol_errors.append(f"{where}: {text}")
        _LOGGER.warning("CWMP protocol error, %s: %s", where, text)

    def end_session(self, session: Session, reason: str) -> None:
        """End a session; an RPC still awaiting its answer goes back to the queue front."""
        if session.ended:
            return
        task = session.outstanding
        if task is not None and session.serial is not None:
            task.status = "queued"
            self.device(session.serial).queue.appendleft(task)
        session.outstanding = None
        session.end(reason)
        self._live.discard(session)
        if session.serial is not None and self.device(session.serial).session is session:
            self.device(session.serial).session = None
        _LOGGER.debug("session %s ended: %s", session.id, reason)
        self.notifier.notify()

    def reap_sessions(self) -> None:
        """End sessions that timed out or whose CPE closed the connection after a 204."""
        for session in list(self._live):
            transport = session.transport
            if session.awaiting_after_204 and (transport is None or transport.is_closing()):
                self.end_session(session, "completed")
            elif session.idle_for() > self.session_timeout:
                self.end_session(session, "timeout")

    # ------------------------------------------------------------------ API helpers

    def queue(
        self, serial: str, request: AcsRequest | str, args: Mapping[str, Any] | None = None
    ) -> RpcTask:
        """Queue an RPC for the device's next session (or the current one)."""
        if isinstance(request, str):
            request = RpcRequest.build(request, args)
        elif args is not None:
            raise TypeError("args are only accepted with a method name")
        task = RpcTask(serial, request)
        device = self.device(serial)
        device.queue.append(task)
        device.tasks.append(task)
        return task

    def inject(self, behaviour: Behaviour | str, times: int = 1, **params: Any) -> Behaviour:
        """Queue a one-shot behaviour ``times`` times (see :mod:`local_acs.inject`)."""
        made = make_behaviour(behaviour, params)
        self._behaviours.extend([made] * times)
        return made

    def take_behaviour(self, kind: str) -> Behaviour | None:
        """Remove and return the first queued behaviour matching a POST of ``kind``."""
        for i, behaviour in enumerate(self._behaviours):
            if behaviour.matches(kind):
                return self._behaviours.pop(i)
        return None

    @property
    def pending_behaviours(self) -> list[Behaviour]:
        """Behaviours not applied yet."""
        return list(self._behaviours)

    async def wait_for_inform(
        self,
        serial: str | None = None,
        event: str | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 - the documented test API
    ) -> InformRecord:
        """The first accepted, not yet consumed Inform matching ``serial`` and ``event``.

        Informs received before the call count; the returned one is marked consumed.
        """

        def find() -> InformRecord | None:
            for inform in self.informs:
                if inform.consumed or (serial is not None and inform.serial != serial):
                    continue
                if event is None or event in inform.event_codes:
                    inform.consumed = True
                    return inform
            return None

        try:
            return await self.notifier.wait_for(find, timeout)
        except TimeoutError:
            seen = [(i.serial, i.event_codes, i.consumed) for i in self.informs]
            raise TimeoutError(
                f"no Inform (serial={serial}, event={event}) within {timeout} s; "
                f"informs so far (serial, events, consumed): {seen}"
            ) from None
