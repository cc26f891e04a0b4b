"""The CPE agent: data model, events, sessions, schedules and Connection Requests.

The agent owns everything with a lifetime: it loads and saves state through a
:class:`StateStore`, listens for Connection Requests, raises events (BOOTSTRAP,
BOOT, PERIODIC, VALUE CHANGE, CONNECTION REQUEST, ...), runs one session at a
time, retries failed sessions with the standard's back-off, and carries out
what the ACS asked for once a session is over (Reboot, FactoryReset).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
from dataclasses import dataclass, replace
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
from .cpe_requests import CpeRequests, DownloadRequest, get_rpc_methods_body, methods_of
from .datamodel import Change, ChangeKind, DataModel, ParameterNode, Source, root_spec
from .events import Event, EventCode, EventQueue
from .network import connection_request_url, local_address_towards
from .notifications import Notifications
from .retry import retry_wait
from .rpc import RPCS, dispatch
from .rpc.inform import DeviceId, inform_body
from .rpc.transfer_complete import transfer_complete_body
from .session import CpeRequest, CwmpSession, MessageObserver, SessionResult
from .session_log import SessionLog
from .soap import Envelope
from .state import StateStore
from .status import AgentStatus, SessionOutcome
from .timers import SessionTimers
from .transfers import Transfer, TransferManager
from .transport import AcsClient, AcsError, AcsErrorKind, build_ssl_context
from .versions import (
    CWMP_1_0,
    CWMP_1_2,
    CWMP_NAMESPACES,
    EXTENSION_NAMESPACE,
    method_exists,
    namespace_of_version,
)

_LOGGER = logging.getLogger(__name__)

STATE_VERSION: Final = 1
VENDOR_LOG_FILE: Final = "2 Vendor Log File"
SUPPORTED_VERSIONS: Final = "1.0,1.1,1.2,1.3,1.4"
_PERIODIC_SETTINGS: Final = frozenset(
    {"PeriodicInformEnable", "PeriodicInformInterval", "PeriodicInformTime"}
)

type StatusListener = Callable[[AgentStatus], None]


@dataclass(slots=True)
class _Pending:
    """What the ACS asked for that happens when the session is over."""

    reboot_key: str | None = None
    factory_reset: bool = False


class CpeAgent:
    """A TR-069 CPE agent; the HA layer and ``scripts/cpe`` both run this."""

    def __init__(
        self,
        config: AgentConfig,
        store: StateStore,
        *,
        observer: MessageObserver | None = None,
        on_reboot: Callable[[], None] | None = None,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self.config = config
        self._store = store
        self._observer = observer
        self._on_reboot = on_reboot
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
        self._timers = SessionTimers(clock())
        self._bootstrapped_url: str | None = None
        self._namespace = config.cwmp_namespace
        self._cr_path = secrets.token_urlsafe(18)
        self._pending = _Pending()
        self._stopping = False
        self._gzip_refused_by: str | None = None
        # The namespace whose methods the ACS's UseCWMPVersion allows (None: no limit).
        self._session_methods: str | None = None
        self.session_log = SessionLog()
        # Held by each ACS request and by whoever changes the data model across awaits
        # (a configuration file applied in slices), so neither sees the other half done.
        self.datamodel_lock = asyncio.Lock()
        self.cpe_requests = CpeRequests()
        self.notifications = Notifications(self.datamodel, self._on_active_change)
        self.status = AgentStatus(acs_url=config.acs_url)
        self.transfers = TransferManager(
            on_change=self._on_transfers_changed,
            ssl_context=self._ssl_context,
            clock=clock,
            timeout=config.timeout,
        )
        self.transfers.upload_sources[VENDOR_LOG_FILE] = self._session_log_file

    # ----------------------------------------------------------------- lifecycle
    async def setup(self) -> None:
        """Load state, start the Connection Request server, queue BOOT (and BOOTSTRAP).

        Raises OSError when the Connection Request port is taken.
        """
        state = await self._store.load() or {}
        self._restore(state)
        self.datamodel.subscribe(self.notifications.on_changes)
        if state.get("factory_reset"):
            self._reset_to_factory_defaults()
        else:
            self._apply_identity()
            self._apply_user_settings(state.get("user_settings"))
        self.datamodel.subscribe(self._on_changes)
        self._forced_inform = [
            node for node in self.datamodel.parameters("") if node.spec.forced_inform
        ]
        await self._start_connection_request_server()
        if self._bootstrapped_url != self.acs_url:
            self._bootstrap()
        self._events.add(Event(EventCode.BOOT))
        if (key := state.get("reboot_command_key")) is not None:
            self._events.add(Event(EventCode.M_REBOOT, key))
        self._reschedule_periodic()
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
        """The main loop: sessions and transfers, until a Reboot or FactoryReset."""
        async with asyncio.TaskGroup() as group:
            transfers = group.create_task(self.transfers.run(), name="tr069 transfers")
            try:
                await self._session_loop()
            finally:
                transfers.cancel()

    async def _session_loop(self) -> None:
        while not self._stopping:
            self._wake.clear()
            now = self._clock()
            self._raise_due_events(now)
            connection_request = EventCode.CONNECTION_REQUEST in self._events
            if self._has_work() and self._timers.may_attempt(now, connection_request):
                await self.run_session()
                continue
            await self._sleep_until(self._timers.next_deadline(self._has_work()))

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

    @property
    def restarting(self) -> bool:
        """A Reboot or FactoryReset ended the loop; the host restarts the agent."""
        return self._stopping

    # ----------------------------------------------------------------- state
    @property
    def acs_url(self) -> str:
        """The ACS URL in effect (ManagementServer.URL)."""
        return self.datamodel.text_value(f"{self._ms}URL")

    def _restore(self, state: dict[str, Any]) -> None:
        self.datamodel.import_state(state.get("datamodel", {}))
        self.notifications.restore(state.get("notifications", {}))
        self._events = EventQueue.from_json(state.get("events", []))
        self._retry_count = int(state.get("retry_count", 0))
        self._bootstrapped_url = state.get("bootstrapped_url")
        if state.get("namespace_setting", self.config.cwmp_namespace) == self.config.cwmp_namespace:
            namespace = state.get("namespace", self.config.cwmp_namespace)
            self._namespace = namespace if namespace in CWMP_NAMESPACES else CWMP_1_0
        self._cr_path = state.get("cr_path") or self._cr_path
        self.transfers.restore(state.get("transfers", []))
        self._timers.scheduled.restore(state.get("scheduled_informs", []))
        self.cpe_requests.restore(state.get("cpe_requests", {}))

    def export_state(self) -> dict[str, Any]:
        """Everything that must survive a restart, JSON-serialisable."""
        return {
            "version": STATE_VERSION,
            "datamodel": self.datamodel.export_state(),
            "notifications": self.notifications.to_json(),
            "events": self._events.to_json(),
            "retry_count": self._retry_count,
            "bootstrapped_url": self._bootstrapped_url,
            "namespace": self._namespace,
            "namespace_setting": self.config.cwmp_namespace,
            "cr_path": self._cr_path,
            "transfers": self.transfers.to_json(),
            "scheduled_informs": self._timers.scheduled.to_json(),
            "cpe_requests": self.cpe_requests.to_json(),
            "reboot_command_key": self._pending.reboot_key,
            "factory_reset": self._pending.factory_reset,
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

    def _bootstrap(self) -> None:
        """A new ACS: what concerned the old one is dropped, 0 BOOTSTRAP is queued."""
        self._events.bootstrap()
        self.transfers.clear()
        self.notifications.pending.clear()
        self._timers.active_due = None
        self._timers.scheduled.clear()
        self.cpe_requests.acs_methods = None

    # ----------------------------------------------------------------- changes
    def _on_changes(self, changes: list[Change]) -> None:
        reschedule = False
        for change in changes:
            if change.kind is not ChangeKind.VALUE or not change.path.startswith(self._ms):
                continue
            name = change.path[len(self._ms) :]
            if name == "URL" and change.new != self._bootstrapped_url:
                _LOGGER.info("ACS URL changed to %s: BOOTSTRAP follows", change.new)
                self._bootstrap()
                self._update_status(acs_url=str(change.new))
                self.wake()
            elif name in _PERIODIC_SETTINGS:
                reschedule = True
        if reschedule:
            self._timers.periodic_changed(self._clock())
            self._reschedule_periodic()
            self.wake()
        self._schedule_save()

    def _on_active_change(self) -> None:
        throttle = self.datamodel.int_value(f"{self._ms}DefaultActiveNotificationThrottle")
        self._timers.active_change(self._clock(), throttle)
        self.wake()

    def _on_transfers_changed(self) -> None:
        self._schedule_save()
        self.wake()

    # ----------------------------------------------------------------- scheduling
    def _reschedule_periodic(self) -> None:
        phase = self.datamodel.value(f"{self._ms}PeriodicInformTime")
        self._timers.reschedule_periodic(
            self._clock(),
            bool(self.datamodel.value(f"{self._ms}PeriodicInformEnable")),
            self.datamodel.int_value(f"{self._ms}PeriodicInformInterval"),
            phase if isinstance(phase, datetime) else None,
        )

    def _raise_due_events(self, now: float) -> None:
        due = self._timers.due_events(now)
        for event in due:
            self._events.add(event)
        if any(event.code == EventCode.PERIODIC for event in due):
            self._reschedule_periodic()
        if due:
            self._schedule_save()

    def _has_work(self) -> bool:
        return (
            len(self._events) > 0
            or bool(self.transfers.completed())
            or bool(self.cpe_requests.downloads and self.cpe_requests.supports("RequestDownload"))
        )

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

    def request_download(self, file_type: str, arguments: tuple[tuple[str, str], ...] = ()) -> None:
        """Ask the ACS for a file (RequestDownload); ValueError if the ACS cannot."""
        if self.cpe_requests.supports("RequestDownload") is False:
            raise ValueError("the ACS does not support RequestDownload")
        self.cpe_requests.downloads.append(DownloadRequest(file_type, arguments))
        self._schedule_save()
        self.wake()

    # ----------------------------------------------------------------- sessions
    async def run_session(self) -> SessionResult:
        """Run one session with the pending events and requests."""
        url = self.acs_url
        requests = self._cpe_requests()
        changed = self.notifications.take()
        if changed:
            self._events.add(Event(EventCode.VALUE_CHANGE))
        events = self._events.take_for_inform()
        client = AcsClient(
            url,
            credentials=self._acs_credentials,
            ssl_context=await self._ssl_context(url),
            timeout=self.config.timeout,
            user_agent=self.config.user_agent,
            compress=(compress := self._compress(url)),
        )
        session = CwmpSession(
            client,
            self._dispatch,
            namespace=self._namespace,
            inform_headers=self._inform_headers(),
            observer=self._observe,
            on_informed=lambda envelope: self._informed(url, events, changed, envelope),
        )
        async with client:
            result = await session.run(self._inform(events, changed), requests)
        if compress and not client.compress:
            _LOGGER.info("%s does not take gzip bodies (415): sending them plain from now on", url)
            self._gzip_refused_by = url
        if not result.informed:
            self._events.session_failed()
        self._finish(result)
        await self._after_session()
        await self.persist()
        return result

    def _compress(self, url: str) -> bool:
        """HTTPCompression GZIP, unless this ACS answered a gzip body with 415."""
        wanted = self.datamodel.value(f"{self._ms}HTTPCompression") == "GZIP"
        return wanted and self._gzip_refused_by != url

    def _inform(self, events: tuple[Event, ...], changed: list[ParameterNode]) -> str:
        identity = self.config.identity
        forced = set(self._forced_inform)
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
            [*self._forced_inform, *(node for node in changed if node not in forced)],
        )

    def _inform_headers(self) -> tuple[tuple[str, str, bool], ...]:
        """CWMP 1.3/1.4 headers, which only the cwmp-1-2 namespace defines.

        GenieACS reads the session timeout only as a ``sessionTimeout`` header
        (by local name, in any namespace); it goes too, in the extension namespace.
        """
        timeout = str(int(self.config.timeout))
        genieacs = (f"{{{EXTENSION_NAMESPACE}}}sessionTimeout", timeout, False)
        if self._namespace != CWMP_1_2:
            return (genieacs,)
        return (
            ("SessionTimeout", timeout, False),
            ("SupportedCWMPVersions", SUPPORTED_VERSIONS, False),
            genieacs,
        )

    def _cpe_requests(self) -> list[CpeRequest]:
        """TransferCompletes, then GetRPCMethods (once per ACS), then RequestDownloads."""
        requests = [
            CpeRequest(
                "TransferComplete",
                functools.partial(transfer_complete_body, transfer),
                functools.partial(self._transfer_acknowledged, transfer),
            )
            for transfer in self.transfers.completed()
        ]
        for transfer in self.transfers.completed():
            self._events.add(Event(EventCode.TRANSFER_COMPLETE))
            self._events.add(Event(f"M {transfer.method}", transfer.command_key))
        if self.cpe_requests.acs_methods is None:
            requests.append(
                CpeRequest(
                    "GetRPCMethods",
                    get_rpc_methods_body,
                    self._learn_acs_methods,
                    optional=True,
                    on_rejected=lambda _error: self._learn_acs_methods(None),
                )
            )
        elif self.cpe_requests.supports("RequestDownload"):
            requests.extend(self._download_requests())
        return requests

    def _download_requests(self) -> list[CpeRequest]:
        requests = []
        for request in list(self.cpe_requests.downloads):
            self._events.add(Event(EventCode.REQUEST_DOWNLOAD))
            requests.append(
                CpeRequest(
                    "RequestDownload",
                    request.body,
                    functools.partial(self._download_requested, request),
                    optional=True,
                    on_rejected=functools.partial(self._download_requested, request),
                )
            )
        return requests

    def _learn_acs_methods(self, response: Envelope | None) -> None:
        self.cpe_requests.acs_methods = methods_of(response) if response is not None else []
        _LOGGER.debug("The ACS supports %s", self.cpe_requests.acs_methods)
        if self.cpe_requests.downloads and not self.cpe_requests.supports("RequestDownload"):
            _LOGGER.warning(
                "The ACS does not support RequestDownload: %d request(s) dropped",
                len(self.cpe_requests.downloads),
            )
            self.cpe_requests.downloads.clear()
        self._schedule_save()

    def _transfer_acknowledged(self, transfer: Transfer, response: Envelope) -> None:
        del response
        self.transfers.acknowledge(transfer)

    def _download_requested(self, request: DownloadRequest, outcome: object) -> None:
        """The ACS answered the RequestDownload (or refused it): it is not sent again."""
        del outcome
        if request in self.cpe_requests.downloads:
            self.cpe_requests.downloads.remove(request)
        self._schedule_save()

    def _observe(self, direction: str, message: bytes) -> None:
        self.session_log(direction, message)
        if self._observer is not None:
            self._observer(direction, message)

    def _acs_credentials(self) -> tuple[str, str]:
        return (
            self.datamodel.text_value(f"{self._ms}Username"),
            self.datamodel.text_value(f"{self._ms}Password"),
        )

    async def _ssl_context(self, url: str) -> ssl.SSLContext | None:
        if not url.lower().startswith(("https:", "ftps:")):
            return None
        key = (self.config.verify_tls, self.config.ca_pem)
        if key not in self._ssl_contexts:
            self._ssl_contexts[key] = await asyncio.to_thread(build_ssl_context, *key)
        return self._ssl_contexts[key]

    async def _dispatch(self, envelope: Envelope) -> str:
        async with self.datamodel_lock:
            return await dispatch(envelope, self)

    def _informed(
        self,
        url: str,
        events: tuple[Event, ...],
        changed: list[ParameterNode],
        envelope: Envelope,
    ) -> None:
        self._events.delivered()
        self.notifications.delivered()
        if changed:
            self._timers.value_change_delivered(self.notifications.active_pending())
        self._namespace = envelope.namespace
        if any(event.code == EventCode.BOOTSTRAP for event in events):
            self._bootstrapped_url = url
        self._session_methods = None
        if version := envelope.headers.get("UseCWMPVersion"):
            self._session_methods = namespace_of_version(version)
            if self._session_methods is None:
                _LOGGER.warning("The ACS asked for CWMP %s, which this CPE does not know", version)
        self._update_status(last_inform=datetime.now(UTC), connected=True)
        self._schedule_save()

    def _finish(self, result: SessionResult) -> None:
        now = self._clock()
        if result.success:
            self._retry_count = 0
            self._timers.retry_at = None
            self._update_status(
                connected=True,
                last_outcome=SessionOutcome.SUCCESS,
                last_error=None,
                next_retry=None,
            )
        else:
            assert result.error is not None
            self._failed(now, result.error)
        self._update_status(
            retry_count=self._retry_count,
            last_session_end=datetime.now(UTC),
            sessions=self.status.sessions + 1,
        )

    def _failed(self, now: float, error: AcsError) -> None:
        self._retry_count += 1
        wait = retry_wait(
            self._retry_count,
            self.datamodel.int_value(f"{self._ms}CWMPRetryMinimumWaitInterval"),
            self.datamodel.int_value(f"{self._ms}CWMPRetryIntervalMultiplier"),
            self._rng,
        )
        if error.retry_after is not None:
            wait = max(wait, error.retry_after)
        self._timers.retry_at = now + wait
        _LOGGER.warning(
            "Session with %s failed (%s); retry %d in %.0f s",
            self.acs_url,
            error,
            self._retry_count,
            wait,
        )
        self._update_status(
            connected=False,
            last_outcome=_OUTCOMES[error.kind],
            last_error=str(error),
            next_retry=datetime.fromtimestamp(self._timers.retry_at, UTC),
        )

    def _update_status(self, **changes: Any) -> None:
        self.status = replace(self.status, **changes)
        for listener in list(self._listeners):
            listener(self.status)

    # ----------------------------------------------------------------- after a session
    async def _after_session(self) -> None:
        """A FactoryReset, then the restart a Reboot or FactoryReset asked for."""
        pending = self._pending
        if not pending.factory_reset and pending.reboot_key is None:
            return
        if pending.factory_reset:
            _LOGGER.warning("Factory reset requested by the ACS")
            async with self.datamodel_lock:  # a file being applied finishes first
                self._reset_to_factory_defaults()
        self._stopping = True
        await self.persist()
        _LOGGER.warning("Restarting the agent at the ACS's request")
        if self._on_reboot is not None:
            self._on_reboot()

    def _reset_to_factory_defaults(self) -> None:
        """Data model, attributes, transfers and events back to where they began."""
        self.datamodel.reset()
        self.notifications.clear()
        self.transfers.clear()
        self._timers.scheduled.clear()
        self._events = EventQueue()
        self.cpe_requests = CpeRequests()
        self._bootstrapped_url = None
        self._namespace = self.config.cwmp_namespace
        self._retry_count = 0
        self._pending = _Pending(reboot_key=None, factory_reset=False)
        self._apply_identity()
        self._apply_user_settings(None)

    # ----------------------------------------------------------------- RpcContext
    @property
    def rpc_methods(self) -> tuple[str, ...]:
        """The ACS→CPE methods this CPE carries out (in the version the ACS chose)."""
        limit = self._session_methods
        return tuple(name for name in RPCS if limit is None or method_exists(name, limit))

    def clock(self) -> float:
        """Now, in epoch seconds."""
        return self._clock()

    def set_parameter_key(self, key: str) -> None:
        """Record the ParameterKey of a successful change (made by the ACS)."""
        node = self.datamodel.parameter(f"{self._ms}ParameterKey")
        node.spec.check(key)
        self.datamodel.set_many_local({node.path: key}, Source.ACS)

    def reboot(self, command_key: str) -> None:
        """Restart once the session is over; the next Inform carries ``M Reboot``."""
        self._pending.reboot_key = command_key

    def factory_reset(self) -> None:
        """Reset once the session is over; the next Inform carries ``0 BOOTSTRAP``."""
        self._pending.factory_reset = True

    def schedule_inform(self, delay: int, command_key: str) -> None:
        """Inform with ``3 SCHEDULED`` + ``M ScheduleInform`` after ``delay`` seconds."""
        self._timers.scheduled.add(self._clock() + delay, command_key)
        self.wake()

    async def _session_log_file(self, transfer: Transfer) -> tuple[bytes, str]:
        del transfer
        return self.session_log.text().encode(), "text/plain; charset=utf-8"

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
