"""The CPE agent: lifecycle, the session loop, and persistence.

The agent owns everything with a lifetime: it loads and saves state through a
:class:`StateStore`, starts the ways the ACS wakes it up, raises events
(BOOTSTRAP, BOOT, PERIODIC, VALUE CHANGE, CONNECTION REQUEST, ...), runs one
session at a time (what goes into it is the :class:`SessionPlanner`'s), and
carries out what the ACS asked for once a session is over (Reboot,
FactoryReset). It saves its state at most once per session, and only when
something changed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
import copy
from dataclasses import replace
import logging
import math
import random
import secrets
import ssl
import time
from typing import Any, Final

from .agent_state import AgentState
from .config import AgentConfig
from .cpe_requests import CpeRequests, DownloadRequest, RequestDownloadOutcome
from .datamodel import Change, ChangeKind, DataModel, root_spec
from .events import Event, EventCode, EventQueue
from .management_server import PERIODIC_SETTINGS, ManagementServer
from .notifications import Notifications
from .persistence import StatePersistence
from .planner import SessionPlan, SessionPlanner
from .redaction import redact_url
from .rpc import RPCS, dispatch
from .session import CwmpSession, MessageObserver, SessionResult
from .session_log import SessionLog
from .soap import Envelope
from .state import StateStore
from .status import AgentStatus, SessionOutcome
from .timers import SessionTimers
from .transfers import Transfer, TransferManager
from .transport import AcsClient, AcsError, TlsSetupError, build_ssl_context
from .versions import method_exists
from .wakeup import (
    WakeUpContext,
    WakeUpGate,
    WakeUpMethod,
    WakeUpStatus,
    supported_conn_req_methods,
)
from .xml import xml_safe

_LOGGER = logging.getLogger(__name__)

VENDOR_LOG_FILE: Final = "2 Vendor Log File"

type StatusListener = Callable[[AgentStatus], None]


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
        self._persistence = StatePersistence(store, self._update_status)
        self._observer = observer
        self._on_reboot = on_reboot
        self._clock = clock
        self.datamodel = DataModel(root_spec(config.root, config.extensions))
        self.management_server = ManagementServer(self.datamodel, config.root)
        self._wake = asyncio.Event()
        self._save_lock = asyncio.Lock()
        self._save_task: asyncio.Task[None] | None = None
        self._saved: tuple[int, dict[str, Any]] | None = None
        self._loaded = False
        self._in_session = False
        self._listeners: list[StatusListener] = []
        self._wake_up_methods: list[WakeUpMethod] = []
        self._wake_up_state: dict[str, dict[str, Any]] = {}
        self._ssl_contexts: dict[tuple[bool, str | None], ssl.SSLContext] = {}
        self._started = time.monotonic()
        self._timers = SessionTimers(clock())
        # What the ACS asked for in this run, carried out when the session is over;
        # saved so that the next start reports the Reboot (or resets).
        self._reboot_key: str | None = None
        self._factory_reset = False
        self._stopping = False
        self.session_log = SessionLog()
        # Held by each ACS request and by whoever changes the data model across awaits
        # (a configuration file applied in slices), so neither sees the other half done.
        self.datamodel_lock = asyncio.Lock()
        self.notifications = Notifications(self.datamodel, self._on_active_change)
        self.status = AgentStatus(acs_url=redact_url(config.acs_url))
        self.transfers = TransferManager(
            on_change=self._on_transfers_changed,
            ssl_context=self._ssl_context,
            clock=clock,
            timeout=config.timeout,
        )
        self.transfers.upload_sources[VENDOR_LOG_FILE] = self._session_log_file
        self.planner = SessionPlanner(
            config,
            self.management_server,
            self.notifications,
            self.transfers,
            self._timers,
            update_status=self._update_status,
            state_changed=self._state_changed,
            clock=clock,
            rng=rng or random.Random(),  # noqa: S311 - retry jitter
        )
        self.gate = WakeUpGate(
            self.management_server.connection_request_credentials,
            self.connection_request,
            config.rate_limit,
        )

    def add_wake_up_method(self, method: WakeUpMethod) -> None:
        """A way for the ACS to wake the gateway; started with the agent."""
        self._wake_up_methods.append(method)

    # ----------------------------------------------------------------- lifecycle
    async def setup(self) -> None:
        """Load state, start the wake-up methods, queue BOOT (and BOOTSTRAP).

        Raises OSError when a wake-up method's port is taken.
        """
        state = await self._persistence.load(self._restore, self._reset_components)
        self._loaded = True
        self.datamodel.subscribe(self.notifications.on_changes)
        if state.factory_reset:
            self._reset_to_factory_defaults()
        else:
            self._apply_identity()
            self._apply_user_settings(state.user_settings)
        self.datamodel.subscribe(self._on_changes)
        self.planner.forced_inform = [
            node for node in self.datamodel.parameters("") if node.spec.forced_inform
        ]
        await self._start_wake_up_methods()
        if self.planner.bootstrapped_url != self.acs_url:
            self._bootstrap()
        self.planner.events.add(Event(EventCode.BOOT))
        if state.reboot_command_key is not None:
            self.planner.events.add(Event(EventCode.M_REBOOT, state.reboot_command_key))
        self._reschedule_periodic()
        self._update_status(acs_url=redact_url(self.acs_url), retry_count=self.planner.retry_count)
        await self.persist()

    async def shutdown(self) -> None:
        """Stop the wake-up methods (ports released) and save the state."""
        for method in self._wake_up_methods:
            await method.stop()
        if self._save_task is not None:
            await self._save_task
        await self._persistence.stop()
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
            has_work = self.planner.has_work()
            connection_request = EventCode.CONNECTION_REQUEST in self.planner.events
            if has_work and self._timers.may_attempt(now, connection_request):
                await self.run_session()
                continue
            await self._sleep_until(self._timers.next_deadline(has_work))

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

    @property
    def acs_url(self) -> str:
        """The ACS URL in effect (ManagementServer.URL)."""
        return self.management_server.url

    # ----------------------------------------------------------------- persistence
    def _reset_components(self) -> None:
        """Everything a restore may have touched, back to how it began."""
        self._reset_saved_parts()
        self._wake_up_state = {}

    def _reset_saved_parts(self) -> None:
        self.datamodel.reset()
        self.notifications.clear()
        self.transfers.clear()
        self._timers.scheduled.clear()
        self.planner.reset()

    def _restore(self, state: AgentState) -> None:
        self.datamodel.import_state(state.datamodel)
        self.notifications.restore(state.notifications)
        self.planner.restore(state)
        self._wake_up_state = {name: dict(value) for name, value in state.wake_up.items()}
        self.transfers.restore(state.transfers)
        self._timers.scheduled.restore(state.scheduled_informs)

    def export_state(self) -> dict[str, Any]:
        """Everything that must survive a restart, JSON-serialisable."""
        return self._state().to_json()

    def _state(self, datamodel: dict[str, Any] | None = None) -> AgentState:
        return AgentState(
            datamodel=self.datamodel.export_state() if datamodel is None else datamodel,
            notifications=self.notifications.to_json(),
            transfers=self.transfers.to_json(),
            scheduled_informs=self._timers.scheduled.to_json(),
            wake_up=copy.deepcopy(self._wake_up_state),
            reboot_command_key=self._reboot_key,
            factory_reset=self._factory_reset,
            user_settings=self.config.management_settings(),
            **self.planner.export(),
        )

    async def persist(self) -> None:
        """Save the state now, if anything changed since the last save."""
        if not self._loaded:
            return  # the saved state was never read: defaults must not replace it
        async with self._save_lock:
            # The data model counts its own changes; the rest is small enough to compare.
            saved = (self.datamodel.revision, self._state(datamodel={}).to_json())
            if saved == self._saved:
                return
            data = {**saved[1], "datamodel": self.datamodel.export_state()}
            if await self._persistence.save(data, self.persist):
                self._saved = saved

    def _state_changed(self) -> None:
        """Something that is saved changed: saved after the session, or soon."""
        if self._in_session:
            return
        if self._save_task is None or self._save_task.done():
            self._save_task = asyncio.get_running_loop().create_task(
                self._save_soon(), name="tr069 state save"
            )

    async def _save_soon(self) -> None:
        # One save for the changes of this event-loop turn (a file of many meters).
        await asyncio.sleep(0)
        await self.persist()

    # ----------------------------------------------------------------- identity and settings
    def _apply_identity(self) -> None:
        identity = self.config.identity
        info = f"{self.config.root.value}.DeviceInfo."
        # The host's text, made fit for the data model (the Inform carries it).
        self.datamodel.set_many_local(
            {
                f"{info}Manufacturer": xml_safe(identity.manufacturer)[:64],
                f"{info}ManufacturerOUI": identity.oui,
                f"{info}ModelName": xml_safe(identity.model_name)[:64],
                f"{info}Description": xml_safe(identity.description)[:256],
                f"{info}ProductClass": xml_safe(identity.product_class)[:64],
                f"{info}SerialNumber": xml_safe(identity.serial_number)[:64],
                f"{info}HardwareVersion": xml_safe(identity.hardware_version)[:64],
                f"{info}SoftwareVersion": xml_safe(identity.software_version)[:64],
            }
        )
        self.datamodel.bind(f"{info}UpTime", lambda: int(time.monotonic() - self._started))

    def _apply_user_settings(self, previous: dict[str, Any] | None) -> None:
        """Seed on first start; afterwards only what the user changed overrides the ACS."""
        settings = self.config.management_settings()
        changed = {
            name: value
            for name, value in settings.items()
            if previous is None or previous.get(name) != value
        }
        # A setting the user withdrew keeps the value it left, but what it enabled stops.
        for name, value in (previous or {}).items():
            if name not in settings and name.endswith("Enable") and value is True:
                changed[name] = False
        if previous is None:
            if "ConnectionRequestUsername" not in settings:
                changed["ConnectionRequestUsername"] = self.config.identity.serial_number
            if "ConnectionRequestPassword" not in settings:
                changed["ConnectionRequestPassword"] = secrets.token_urlsafe(16)
        self.management_server.seed(changed)

    def _bootstrap(self) -> None:
        """A new ACS: what concerned the old one is dropped, 0 BOOTSTRAP is queued."""
        self.planner.bootstrap()
        self.transfers.clear()
        self.notifications.pending.clear()
        self._timers.active_due = None
        self._timers.scheduled.clear()

    def _reset_to_factory_defaults(self) -> None:
        """Data model, attributes, transfers and events back to where they began."""
        self._reset_saved_parts()
        self._reboot_key = None
        self._factory_reset = False
        self._apply_identity()
        self._apply_user_settings(None)

    # ----------------------------------------------------------------- changes
    def _on_changes(self, changes: list[Change]) -> None:
        reschedule = False
        for change in changes:
            if change.kind is not ChangeKind.VALUE:
                continue
            name = self.management_server.name_of(change.path)
            if name == "URL" and change.new != self.planner.bootstrapped_url:
                url = redact_url(str(change.new))
                _LOGGER.info("ACS URL changed to %s: BOOTSTRAP follows", url)
                self._bootstrap()
                self._update_status(acs_url=url)
                self.wake()
            elif name in PERIODIC_SETTINGS:
                reschedule = True
        if reschedule:
            self._timers.periodic_changed(self._clock())
            self._reschedule_periodic()
            self.wake()
        self._state_changed()

    def _on_active_change(self) -> None:
        self._timers.active_change(self._clock(), self.management_server.notification_throttle)
        self.wake()

    def _on_transfers_changed(self) -> None:
        self._state_changed()
        self.wake()

    # ----------------------------------------------------------------- scheduling
    def _reschedule_periodic(self) -> None:
        ms = self.management_server
        self._timers.reschedule_periodic(
            self._clock(),
            ms.periodic_inform_enable,
            ms.periodic_inform_interval,
            ms.periodic_inform_time,
        )

    def _raise_due_events(self, now: float) -> None:
        due = self._timers.due_events(now)
        for event in due:
            self.planner.events.add(event)
        if any(event.code == EventCode.PERIODIC for event in due):
            self._reschedule_periodic()
        if due:
            self._state_changed()

    async def _sleep_until(self, deadline: float) -> None:
        delay = deadline - self._clock()
        if delay <= 0:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), None if math.isinf(delay) else delay)

    def connection_request(self) -> None:
        """A valid Connection Request arrived: one session soon (bursts merge)."""
        self.planner.events.add(Event(EventCode.CONNECTION_REQUEST))
        self.wake()

    def request_download(
        self, file_type: str, arguments: tuple[tuple[str, str], ...] = ()
    ) -> asyncio.Future[RequestDownloadOutcome]:
        """Ask the ACS for a file (RequestDownload); ValueError if the ACS cannot.

        The future settles when the ACS has answered (it stays pending while the ACS
        cannot be reached: the request is sent when it can).
        """
        outcome: asyncio.Future[RequestDownloadOutcome] = asyncio.get_running_loop().create_future()
        self.planner.request_download(DownloadRequest(file_type, arguments, outcome))
        self.wake()
        return outcome

    @property
    def cpe_requests(self) -> CpeRequests:
        """The CPE's own pending requests and what the ACS supports."""
        return self.planner.cpe_requests

    @property
    def events(self) -> EventQueue:
        """Events not yet delivered."""
        return self.planner.events

    # ----------------------------------------------------------------- sessions
    async def run_session(self) -> SessionResult:
        """Run one session with the pending events and requests; save once at its end."""
        plan = self.planner.plan()
        self._in_session = True
        try:
            result, compressed = await self._converse(plan)
            self.planner.finished(plan, result, compressed)
            await self._after_session()
        finally:
            self._in_session = False
        await self.persist()
        return result

    async def _converse(self, plan: SessionPlan) -> tuple[SessionResult, bool]:
        """The session itself; its result, and whether bodies still go out compressed."""
        try:
            ssl_context = await self._ssl_context(plan.url)
        except TlsSetupError as err:
            error = AcsError(SessionOutcome.TLS_ERROR, str(err))
            return SessionResult(namespace=plan.namespace, error=error), plan.compress
        client = AcsClient(
            plan.url,
            credentials=self.management_server.acs_credentials,
            ssl_context=ssl_context,
            timeout=self.config.timeout,
            user_agent=self.config.user_agent,
            compress=plan.compress,
        )
        session = CwmpSession(
            client,
            self._dispatch,
            namespace=plan.namespace,
            inform_headers=plan.headers,
            observer=self._observe,
            on_informed=lambda envelope: self.planner.informed(plan, envelope),
        )
        async with client:
            result = await session.run(plan.inform, plan.requests)
        return result, client.compress

    def _observe(self, direction: str, message: bytes) -> None:
        self.session_log(direction, message)
        if self._observer is not None:
            self._observer(direction, message)

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

    def _update_status(self, **changes: Any) -> None:
        self.status = replace(self.status, **changes)
        for listener in list(self._listeners):
            listener(self.status)

    async def _after_session(self) -> None:
        """A FactoryReset, then the restart a Reboot or FactoryReset asked for."""
        if not self._factory_reset and self._reboot_key is None:
            return
        if self._factory_reset:
            _LOGGER.warning("Factory reset requested by the ACS")
            async with self.datamodel_lock:  # a file being applied finishes first
                self._reset_to_factory_defaults()
        self._stopping = True
        await self.persist()
        _LOGGER.warning("Restarting the agent at the ACS's request")
        if self._on_reboot is not None:
            self._on_reboot()

    # ----------------------------------------------------------------- RpcContext
    @property
    def rpc_methods(self) -> tuple[str, ...]:
        """The ACS→CPE methods this CPE carries out (in the version the ACS chose)."""
        limit = self.planner.session_methods
        return tuple(name for name in RPCS if limit is None or method_exists(name, limit))

    def clock(self) -> float:
        """Now, in epoch seconds."""
        return self._clock()

    def set_parameter_key(self, key: str) -> None:
        """Record the ParameterKey of a successful change (made by the ACS)."""
        self.management_server.set_parameter_key(key)

    def reboot(self, command_key: str) -> None:
        """Restart once the session is over; the next Inform carries ``M Reboot``."""
        self._reboot_key = command_key

    def factory_reset(self) -> None:
        """Reset once the session is over; the next Inform carries ``0 BOOTSTRAP``."""
        self._factory_reset = True

    def schedule_inform(self, delay: int, command_key: str) -> None:
        """Inform with ``3 SCHEDULED`` + ``M ScheduleInform`` after ``delay`` seconds."""
        self._timers.scheduled.add(self._clock() + delay, command_key)
        self.wake()

    async def _session_log_file(self, transfer: Transfer) -> tuple[bytes, str]:
        del transfer
        return self.session_log.text().encode(), "text/plain; charset=utf-8"

    # ----------------------------------------------------------------- wake-up methods
    async def _start_wake_up_methods(self) -> None:
        for method in self._wake_up_methods:
            context = WakeUpContext(
                datamodel=self.datamodel,
                management_server=self.management_server,
                gate=self.gate,
                state=self._wake_up_state.setdefault(method.name, {}),
                state_changed=self._state_changed,
                on_status=self._on_wake_up_status,
            )
            await method.start(context)

    def _on_wake_up_status(self, status: WakeUpStatus) -> None:
        methods = {item.method: item for item in self.status.wake_up}
        methods[status.method] = status
        changes: dict[str, Any] = {"wake_up": tuple(methods.values())}
        if status.method == "HTTP":
            changes["connection_request_url"] = status.address
        self.management_server.set_supported_conn_req_methods(
            supported_conn_req_methods(methods.values())
        )
        self._update_status(**changes)


__all__ = ["VENDOR_LOG_FILE", "CpeAgent"]
