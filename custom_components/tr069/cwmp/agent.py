"""The CPE agent: data model, events, sessions, schedule and Connection Requests.

The agent owns everything with a lifetime: it loads and saves state through a
:class:`StateStore`, listens for Connection Requests, raises events (BOOTSTRAP,
BOOT, PERIODIC, CONNECTION REQUEST, …), runs one session at a time and retries
failed sessions with the standard's back-off.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
from dataclasses import replace
from datetime import UTC, datetime
import functools
import logging
import math
import random
import secrets
import ssl
import time
from typing import Any, Final

from .config import AgentConfig
from .connection_request import ConnectionRequestServer
from .datamodel import (
    Change,
    ChangeKind,
    DataModel,
    ParameterNode,
    Source,
    root_spec,
)
from .datamodel.types import UNKNOWN_TIME
from .events import Event, EventCode, EventQueue
from .network import connection_request_url, local_address_towards
from .retry import retry_wait
from .rpc import RPCS, dispatch
from .rpc.inform import DeviceId, inform_body
from .rpc.transfer_complete import transfer_complete_body
from .schedule import next_periodic_inform
from .session import CpeRequest, CwmpSession, MessageObserver, SessionResult
from .soap import Envelope
from .state import StateStore
from .status import AgentStatus, SessionOutcome
from .transfers import TransferManager
from .transport import AcsClient, AcsErrorKind, build_ssl_context
from .versions import CWMP_1_0, CWMP_NAMESPACES

_LOGGER = logging.getLogger(__name__)

STATE_VERSION: Final = 1
_PERIODIC_SETTINGS: Final = frozenset(
    {"PeriodicInformEnable", "PeriodicInformInterval", "PeriodicInformTime"}
)

type StatusListener = Callable[[AgentStatus], None]


class CpeAgent:
    """A TR-069 CPE agent; the HA layer and ``scripts/cpe`` both run this."""

    def __init__(
        self,
        config: AgentConfig,
        store: StateStore,
        *,
        observer: MessageObserver | None = None,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self.config = config
        self._store = store
        self._observer = observer
        self._clock = clock
        self._rng = rng or random.Random()  # noqa: S311 - retry jitter
        self.datamodel = DataModel(root_spec(config.root, config.extensions))
        self._ms = f"{config.root.value}.ManagementServer."
        self._events = EventQueue()
        self._wake = asyncio.Event()
        self._save_lock = asyncio.Lock()
        self._save_task: asyncio.Task[None] | None = None
        self._listeners: list[StatusListener] = []
        self._cr_server: ConnectionRequestServer | None = None
        self._ssl_contexts: dict[tuple[bool, str | None], ssl.SSLContext] = {}
        self._forced_inform: list[ParameterNode] = []
        self._started = time.monotonic()
        self._retry_count = 0
        self._retry_at: float | None = None
        self._periodic_at = math.inf
        self._periodic_reference = clock()
        self._bootstrapped_url: str | None = None
        self._namespace = CWMP_1_0
        self._cr_path = secrets.token_urlsafe(18)
        self._in_session = False
        self.status = AgentStatus(acs_url=config.acs_url)
        self.transfers = TransferManager(
            on_change=self._on_transfers_changed,
            ssl_context=self._ssl_context,
            clock=clock,
            timeout=config.timeout,
        )

    # ----------------------------------------------------------------- lifecycle
    async def setup(self) -> None:
        """Load state, start the Connection Request server, queue BOOT (and BOOTSTRAP).

        Raises OSError when the Connection Request port is taken.
        """
        state = await self._store.load() or {}
        self._restore(state)
        self._apply_identity()
        self._apply_user_settings(state.get("user_settings"))
        self._forced_inform = [
            node for node in self.datamodel.parameters("") if node.spec.forced_inform
        ]
        self.datamodel.subscribe(self._on_changes)
        await self._start_connection_request_server()
        if self._bootstrapped_url != self.acs_url:
            self._events.bootstrap()
        self._events.add(Event(EventCode.BOOT))
        self._reschedule_periodic(self._clock())
        self._update_status(acs_url=self.acs_url, retry_count=self._retry_count)
        await self.persist()

    async def shutdown(self) -> None:
        """Stop listening, release the port and save the state."""
        if self._cr_server is not None:
            await self._cr_server.stop()
            self._cr_server = None
        if self._save_task is not None:
            await self._save_task
        await self.persist()

    async def run(self) -> None:
        """The agent's main loop: sessions and transfers, forever."""
        async with asyncio.TaskGroup() as group:
            group.create_task(self.transfers.run(), name="tr069 transfers")
            await self._session_loop()

    async def _session_loop(self) -> None:
        while True:
            self._wake.clear()
            now = self._clock()
            self._raise_due_events(now)
            if self._has_work() and self._may_attempt(now):
                await self.run_session()
                continue
            await self._sleep_until(self._next_deadline())

    async def run_once(self) -> SessionResult:
        """One session now, whatever the schedule (``scripts/cpe --once``)."""
        return await self.run_session()

    def wake(self) -> None:
        """Re-evaluate timers and pending work now."""
        self._wake.set()

    def add_listener(self, listener: StatusListener) -> Callable[[], None]:
        """Be told about every status change; returns an unsubscribe function."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    # ----------------------------------------------------------------- state
    @property
    def acs_url(self) -> str:
        """The ACS URL in effect (ManagementServer.URL)."""
        return self.datamodel.text_value(f"{self._ms}URL")

    def _restore(self, state: dict[str, Any]) -> None:
        self.datamodel.import_state(state.get("datamodel", {}))
        self._events = EventQueue.from_json(state.get("events", []))
        self._retry_count = int(state.get("retry_count", 0))
        self._bootstrapped_url = state.get("bootstrapped_url")
        namespace = state.get("namespace", CWMP_1_0)
        self._namespace = namespace if namespace in CWMP_NAMESPACES else CWMP_1_0
        self._cr_path = state.get("cr_path") or self._cr_path
        self.transfers.restore(state.get("transfers", []))

    def export_state(self) -> dict[str, Any]:
        """Everything that must survive a restart, JSON-serialisable."""
        return {
            "version": STATE_VERSION,
            "datamodel": self.datamodel.export_state(),
            "events": self._events.to_json(),
            "retry_count": self._retry_count,
            "bootstrapped_url": self._bootstrapped_url,
            "namespace": self._namespace,
            "cr_path": self._cr_path,
            "transfers": self.transfers.to_json(),
            "user_settings": self.config.management_settings(),
        }

    async def persist(self) -> None:
        """Save the state now."""
        async with self._save_lock:
            await self._store.save(self.export_state())

    def _schedule_save(self) -> None:
        if self._save_task is None or self._save_task.done():
            self._save_task = asyncio.get_running_loop().create_task(
                self.persist(), name="tr069 state save"
            )

    def _apply_identity(self) -> None:
        identity = self.config.identity
        info = f"{self.config.root.value}.DeviceInfo."
        self.datamodel.set_many_local(
            {
                f"{info}Manufacturer": identity.manufacturer,
                f"{info}ManufacturerOUI": identity.oui,
                f"{info}ModelName": identity.model_name,
                f"{info}Description": identity.description,
                f"{info}ProductClass": identity.product_class,
                f"{info}SerialNumber": identity.serial_number,
                f"{info}HardwareVersion": identity.hardware_version,
                f"{info}SoftwareVersion": identity.software_version,
            }
        )
        self.datamodel.bind(f"{info}UpTime", lambda: int(time.monotonic() - self._started))

    def _apply_user_settings(self, previous: dict[str, Any] | None) -> None:
        """Seed on first start; afterwards only what the user changed overrides the ACS."""
        settings = self.config.management_settings()
        changed = {
            f"{self._ms}{name}": value
            for name, value in settings.items()
            if previous is None or previous.get(name) != value
        }
        if previous is None:
            changed.update(self._default_connection_request_credentials(settings))
        self.datamodel.set_many_local(changed)

    def _default_connection_request_credentials(self, settings: dict[str, Any]) -> dict[str, str]:
        defaults: dict[str, str] = {}
        if "ConnectionRequestUsername" not in settings:
            defaults[f"{self._ms}ConnectionRequestUsername"] = self.config.identity.serial_number
        if "ConnectionRequestPassword" not in settings:
            defaults[f"{self._ms}ConnectionRequestPassword"] = secrets.token_urlsafe(16)
        return defaults

    # ----------------------------------------------------------------- changes
    def _on_changes(self, changes: list[Change]) -> None:
        reschedule = False
        for change in changes:
            if change.kind is not ChangeKind.VALUE or not change.path.startswith(self._ms):
                continue
            name = change.path[len(self._ms) :]
            if name == "URL" and change.new != self._bootstrapped_url:
                _LOGGER.info("ACS URL changed to %s: BOOTSTRAP follows", change.new)
                self._events.bootstrap()
                self.transfers.clear()
                self._update_status(acs_url=str(change.new))
                self.wake()
            elif name in _PERIODIC_SETTINGS:
                reschedule = True
        if reschedule:
            self._periodic_reference = self._clock()
            self._reschedule_periodic(self._clock())
            self.wake()
        self._schedule_save()

    # ----------------------------------------------------------------- scheduling
    def _reschedule_periodic(self, now: float) -> None:
        if not self.datamodel.value(f"{self._ms}PeriodicInformEnable"):
            self._periodic_at = math.inf
            return
        interval = self.datamodel.int_value(f"{self._ms}PeriodicInformInterval")
        phase = self.datamodel.value(f"{self._ms}PeriodicInformTime")
        self._periodic_at = next_periodic_inform(
            now,
            interval,
            phase if isinstance(phase, datetime) else None,
            self._periodic_reference,
        )

    def _raise_due_events(self, now: float) -> None:
        if now >= self._periodic_at:
            self._events.add(Event(EventCode.PERIODIC))
            self._reschedule_periodic(now)

    def _has_work(self) -> bool:
        return len(self._events) > 0 or bool(self.transfers.completed())

    def _may_attempt(self, now: float) -> bool:
        """Outside a back-off wait; or the ACS itself asked for a session.

        New events wait for the back-off (it is not reset), except a Connection
        Request: the ACS that sent it is reachable and waiting for the session.
        """
        return (
            self._retry_at is None
            or now >= self._retry_at
            or EventCode.CONNECTION_REQUEST in self._events
        )

    def _next_deadline(self) -> float:
        deadline = self._periodic_at
        if self._retry_at is not None and self._has_work():
            deadline = min(deadline, self._retry_at)
        return deadline

    async def _sleep_until(self, deadline: float) -> None:
        delay = deadline - self._clock()
        if delay <= 0:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), None if math.isinf(delay) else delay)

    def connection_request(self) -> None:
        """A valid Connection Request arrived: one session soon (bursts merge)."""
        self._events.add(Event(EventCode.CONNECTION_REQUEST))
        self.wake()

    # ----------------------------------------------------------------- sessions
    async def run_session(self) -> SessionResult:
        """Run one session with the pending events and requests."""
        url = self.acs_url
        self._raise_transfer_events()
        events = self._events.take_for_inform()
        client = AcsClient(
            url,
            credentials=self._acs_credentials,
            ssl_context=await self._ssl_context(url),
            timeout=self.config.timeout,
            user_agent=self.config.user_agent,
        )
        session = CwmpSession(
            client,
            self._dispatch,
            namespace=self._namespace,
            observer=self._observer,
            on_informed=lambda envelope: self._informed(url, events, envelope),
        )
        self._in_session = True
        try:
            async with client:
                result = await session.run(self._inform(events), self._cpe_requests())
        finally:
            self._in_session = False
        if not result.informed:
            self._events.session_failed()
        self._finish(result)
        await self.persist()
        return result

    def _inform(self, events: tuple[Event, ...]) -> str:
        identity = self.config.identity
        return inform_body(
            DeviceId(
                identity.manufacturer,
                identity.oui,
                identity.product_class,
                identity.serial_number,
            ),
            events,
            datetime.now().astimezone(),
            self._retry_count,
            self._forced_inform,
        )

    def _raise_transfer_events(self) -> None:
        """Finished transfers announce their TransferComplete in the Inform."""
        for transfer in self.transfers.completed():
            self._events.add(Event(EventCode.TRANSFER_COMPLETE))
            self._events.add(Event(f"M {transfer.method}", transfer.command_key))

    def _cpe_requests(self) -> list[CpeRequest]:
        return [
            CpeRequest(
                "TransferComplete",
                functools.partial(transfer_complete_body, transfer),
                functools.partial(self.transfers.acknowledge, transfer),
            )
            for transfer in self.transfers.completed()
        ]

    def _on_transfers_changed(self) -> None:
        self._schedule_save()
        self.wake()

    def _acs_credentials(self) -> tuple[str, str]:
        return (
            self.datamodel.text_value(f"{self._ms}Username"),
            self.datamodel.text_value(f"{self._ms}Password"),
        )

    async def _ssl_context(self, url: str) -> ssl.SSLContext | None:
        if not url.lower().startswith("https:"):
            return None
        key = (self.config.verify_tls, self.config.ca_pem)
        if key not in self._ssl_contexts:
            self._ssl_contexts[key] = await asyncio.to_thread(build_ssl_context, *key)
        return self._ssl_contexts[key]

    async def _dispatch(self, envelope: Envelope) -> str:
        return await dispatch(envelope, self)

    def _informed(self, url: str, events: tuple[Event, ...], envelope: Envelope) -> None:
        del envelope
        self._events.delivered()
        if any(event.code == EventCode.BOOTSTRAP for event in events):
            self._bootstrapped_url = url
        self._update_status(last_inform=datetime.now(UTC), connected=True)
        self._schedule_save()

    def _finish(self, result: SessionResult) -> None:
        now = self._clock()
        if result.success:
            self._namespace = result.namespace
            self._retry_count = 0
            self._retry_at = None
            self._update_status(
                connected=True,
                last_outcome=SessionOutcome.SUCCESS,
                last_error=None,
                next_retry=None,
            )
        else:
            assert result.error is not None
            self._retry_count += 1
            wait = retry_wait(
                self._retry_count,
                self.datamodel.int_value(f"{self._ms}CWMPRetryMinimumWaitInterval"),
                self.datamodel.int_value(f"{self._ms}CWMPRetryIntervalMultiplier"),
                self._rng,
            )
            if result.error.retry_after is not None:
                wait = max(wait, result.error.retry_after)
            self._retry_at = now + wait
            _LOGGER.warning(
                "Session with %s failed (%s); retry %d in %.0f s",
                self.acs_url,
                result.error,
                self._retry_count,
                wait,
            )
            self._update_status(
                connected=False,
                last_outcome=_OUTCOMES[result.error.kind],
                last_error=str(result.error),
                next_retry=datetime.fromtimestamp(self._retry_at, UTC),
            )
        self._update_status(
            retry_count=self._retry_count,
            last_session_end=datetime.now(UTC),
            sessions=self.status.sessions + 1,
        )

    def _update_status(self, **changes: Any) -> None:
        self.status = replace(self.status, **changes)
        for listener in list(self._listeners):
            listener(self.status)

    # ----------------------------------------------------------------- RpcContext
    @property
    def rpc_methods(self) -> tuple[str, ...]:
        """The ACS→CPE methods this CPE carries out."""
        return tuple(RPCS)

    def clock(self) -> float:
        """Now, in epoch seconds."""
        return self._clock()

    def set_parameter_key(self, key: str) -> None:
        """Record the ParameterKey of a successful change (made by the ACS)."""
        node = self.datamodel.parameter(f"{self._ms}ParameterKey")
        node.spec.check(key)
        self.datamodel.set_many_local({node.path: key}, Source.ACS)

    # ----------------------------------------------------------------- Connection Requests
    async def _start_connection_request_server(self) -> None:
        server = ConnectionRequestServer(
            path=self._cr_path,
            credentials=self._connection_request_credentials,
            on_request=self._on_connection_request,
            bind_host=self.config.connection_request_bind,
            port=self.config.connection_request_port,
            rate_limit=self.config.rate_limit,
        )
        await server.start()
        self._cr_server = server
        host = self.config.connection_request_host or await local_address_towards(self.acs_url)
        url = connection_request_url(host, server.port, self._cr_path)
        self.datamodel.set_local(f"{self._ms}ConnectionRequestURL", url)
        self._update_status(connection_request_url=url)

    def _connection_request_credentials(self) -> tuple[str, str]:
        return (
            self.datamodel.text_value(f"{self._ms}ConnectionRequestUsername"),
            self.datamodel.text_value(f"{self._ms}ConnectionRequestPassword"),
        )

    def _on_connection_request(self) -> None:
        _LOGGER.debug("Connection Request accepted")
        self.connection_request()


_OUTCOMES: Final = {
    AcsErrorKind.CANNOT_CONNECT: SessionOutcome.CANNOT_CONNECT,
    AcsErrorKind.TIMEOUT: SessionOutcome.TIMEOUT,
    AcsErrorKind.TLS: SessionOutcome.TLS_ERROR,
    AcsErrorKind.INVALID_AUTH: SessionOutcome.INVALID_AUTH,
    AcsErrorKind.BUSY: SessionOutcome.ACS_BUSY,
    AcsErrorKind.HTTP: SessionOutcome.HTTP_ERROR,
    AcsErrorKind.NOT_ACS: SessionOutcome.NOT_ACS,
    AcsErrorKind.PROTOCOL: SessionOutcome.PROTOCOL_ERROR,
}

__all__ = ["UNKNOWN_TIME", "CpeAgent"]
