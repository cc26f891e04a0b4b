"""What goes into a session, and what its outcome changes.

The planner builds the Inform (events, forced and changed parameters, the
headers of the session's CWMP version) and the CPE's own requests
(TransferComplete, GetRPCMethods once per ACS, RequestDownload); it records
what the ACS told (its namespace, its methods, UseCWMPVersion) and how the
session ended (RetryCount and the back-off before the next attempt).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
import functools
import logging
import random
from typing import Any, Final

from .config import AgentConfig
from .cpe_requests import (
    CpeRequests,
    DownloadRequest,
    RequestDownloadOutcome,
    get_rpc_methods_body,
    methods_of,
)
from .datamodel import ParameterNode
from .events import Event, EventCode, EventQueue
from .limits import MAX_RETRY_WAIT
from .management_server import ManagementServer
from .notifications import Notifications
from .redaction import redact_url
from .retry import retry_wait
from .rpc.inform import DeviceId, inform_body
from .rpc.transfer_complete import transfer_complete_body
from .session import CpeRequest, SessionResult
from .soap import Envelope
from .status import SessionOutcome
from .timers import SessionTimers
from .transfers import Transfer, TransferManager
from .transport import AcsError
from .versions import CWMP_1_2, CWMP_NAMESPACES, EXTENSION_NAMESPACE, namespace_of_version

_LOGGER = logging.getLogger(__name__)

SUPPORTED_VERSIONS: Final = "1.0,1.1,1.2,1.3,1.4"

type StatusUpdate = Callable[..., None]


@dataclass(frozen=True, slots=True)
class SessionPlan:
    """One session as planned: where, with what Inform, and what the CPE will ask."""

    url: str
    events: tuple[Event, ...]
    changed: list[ParameterNode]
    inform: str
    headers: tuple[tuple[str, str, bool], ...]
    requests: list[CpeRequest]
    namespace: str
    compress: bool


class SessionPlanner:
    """Inform contents, CPE requests and session outcomes for one agent."""

    def __init__(
        self,
        config: AgentConfig,
        management_server: ManagementServer,
        notifications: Notifications,
        transfers: TransferManager,
        timers: SessionTimers,
        *,
        update_status: StatusUpdate,
        state_changed: Callable[[], None],
        clock: Callable[[], float],
        rng: random.Random,
    ) -> None:
        self._config = config
        self._ms = management_server
        self._notifications = notifications
        self._transfers = transfers
        self._timers = timers
        self._update_status = update_status
        self._state_changed = state_changed
        self._clock = clock
        self._rng = rng
        self.events = EventQueue()
        self.cpe_requests = CpeRequests()
        self.forced_inform: list[ParameterNode] = []
        self.retry_count = 0
        self.sessions = 0
        self.bootstrapped_url: str | None = None
        self.namespace = config.cwmp_namespace
        # The namespace whose methods the ACS's UseCWMPVersion allows (None: no limit).
        self.session_methods: str | None = None
        self._gzip_refused_by: str | None = None

    # ------------------------------------------------------------------ state
    def restore(self, state: Any) -> None:
        """Take the saved parts of an :class:`AgentState`."""
        self.events = EventQueue.from_json(state.events)
        self.cpe_requests.restore(state.cpe_requests)
        self.retry_count = state.retry_count
        self.bootstrapped_url = state.bootstrapped_url
        setting = state.namespace_setting or self._config.cwmp_namespace
        if setting == self._config.cwmp_namespace and state.namespace in CWMP_NAMESPACES:
            self.namespace = state.namespace

    def export(self) -> dict[str, Any]:
        """The saved parts, as :class:`AgentState` fields."""
        return {
            "events": self.events.to_json(),
            "cpe_requests": self.cpe_requests.to_json(),
            "retry_count": self.retry_count,
            "bootstrapped_url": self.bootstrapped_url,
            "namespace": self.namespace,
            "namespace_setting": self._config.cwmp_namespace,
        }

    def reset(self) -> None:
        """Factory defaults: nothing pending, nothing learnt about any ACS."""
        self.events = EventQueue()
        self.cpe_requests = CpeRequests()
        self.bootstrapped_url = None
        self.namespace = self._config.cwmp_namespace
        self.retry_count = 0

    def bootstrap(self) -> None:
        """A new ACS: keep only the events that concern it, forget what the old one was."""
        self.events.bootstrap()
        self.cpe_requests.acs_methods = None

    # ------------------------------------------------------------------ planning
    def has_work(self) -> bool:
        """Whether a session is due for events or the CPE's own requests."""
        downloads = self.cpe_requests.downloads
        return (
            len(self.events) > 0
            or bool(self._transfers.completed())
            or bool(downloads and self.cpe_requests.supports("RequestDownload"))
        )

    def plan(self) -> SessionPlan:
        """The next session, with the events and changes it delivers."""
        url = self._ms.url
        requests = self._cpe_requests()
        changed = self._notifications.take()
        if changed:
            self.events.add(Event(EventCode.VALUE_CHANGE))
        events = self.events.take_for_inform()
        return SessionPlan(
            url=url,
            events=events,
            changed=changed,
            inform=self._inform(events, changed),
            headers=self._inform_headers(),
            requests=requests,
            namespace=self.namespace,
            compress=self._ms.gzip and self._gzip_refused_by != url,
        )

    def _inform(self, events: tuple[Event, ...], changed: list[ParameterNode]) -> str:
        identity = self._config.identity
        forced = set(self.forced_inform)
        return inform_body(
            DeviceId(
                identity.manufacturer,
                identity.oui,
                identity.product_class,
                identity.serial_number,
            ),
            events,
            datetime.now().astimezone(),
            self.retry_count,
            [*self.forced_inform, *(node for node in changed if node not in forced)],
        )

    def _inform_headers(self) -> tuple[tuple[str, str, bool], ...]:
        """CWMP 1.3/1.4 headers, which only the cwmp-1-2 namespace defines.

        GenieACS reads the session timeout only as a ``sessionTimeout`` header
        (by local name, in any namespace); it goes too, in the extension namespace.
        """
        timeout = str(int(self._config.timeout))
        genieacs = (f"{{{EXTENSION_NAMESPACE}}}sessionTimeout", timeout, False)
        if self.namespace != CWMP_1_2:
            return (genieacs,)
        return (
            ("SessionTimeout", timeout, False),
            ("SupportedCWMPVersions", SUPPORTED_VERSIONS, False),
            genieacs,
        )

    def _cpe_requests(self) -> list[CpeRequest]:
        """TransferCompletes, then GetRPCMethods (once per ACS), then RequestDownloads."""
        completed = self._transfers.completed()
        requests = [
            CpeRequest(
                "TransferComplete",
                functools.partial(transfer_complete_body, transfer),
                functools.partial(self._transfer_acknowledged, transfer),
            )
            for transfer in completed
        ]
        for transfer in completed:
            self.events.add(Event(EventCode.TRANSFER_COMPLETE))
            self.events.add(Event(f"M {transfer.method}", transfer.command_key))
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
            self.events.add(Event(EventCode.REQUEST_DOWNLOAD))
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

    def request_download(self, request: DownloadRequest) -> None:
        """Queue a RequestDownload; ValueError if the ACS is known not to support it."""
        if self.cpe_requests.supports("RequestDownload") is False:
            raise ValueError("the ACS does not support RequestDownload")
        self.cpe_requests.downloads.append(request)
        self._state_changed()

    def _learn_acs_methods(self, response: Envelope | None) -> None:
        self.cpe_requests.acs_methods = methods_of(response) if response is not None else []
        _LOGGER.debug("The ACS supports %s", self.cpe_requests.acs_methods)
        if self.cpe_requests.downloads and not self.cpe_requests.supports("RequestDownload"):
            _LOGGER.warning(
                "The ACS does not support RequestDownload: %d request(s) dropped",
                len(self.cpe_requests.downloads),
            )
            for request in self.cpe_requests.downloads:
                request.settle(RequestDownloadOutcome.UNSUPPORTED)
            self.cpe_requests.downloads.clear()
        self._state_changed()

    def _transfer_acknowledged(self, transfer: Transfer, response: Envelope) -> None:
        del response
        self._transfers.acknowledge(transfer)

    def _download_requested(self, request: DownloadRequest, answer: object) -> None:
        """The ACS answered the RequestDownload (or refused it): it is not sent again."""
        refused = isinstance(answer, AcsError)
        request.settle(
            RequestDownloadOutcome.REFUSED if refused else RequestDownloadOutcome.ACCEPTED
        )
        if request in self.cpe_requests.downloads:
            self.cpe_requests.downloads.remove(request)
        self._state_changed()

    # ------------------------------------------------------------------ outcome
    def informed(self, plan: SessionPlan, response: Envelope) -> None:
        """The ACS answered the Inform: its events and changes are delivered."""
        self.events.delivered()
        self._notifications.delivered()
        if plan.changed:
            self._timers.value_change_delivered(self._notifications.active_pending())
        self.namespace = response.namespace
        if any(event.code == EventCode.BOOTSTRAP for event in plan.events):
            self.bootstrapped_url = plan.url
        self.session_methods = None
        if version := response.headers.get("UseCWMPVersion"):
            self.session_methods = namespace_of_version(version)
            if self.session_methods is None:
                _LOGGER.warning("The ACS asked for CWMP %s, which this CPE does not know", version)
        self._update_status(last_inform=datetime.now(UTC), connected=True)
        self._state_changed()

    def finished(self, plan: SessionPlan, result: SessionResult, compressed: bool) -> None:
        """Record how the session ended: RetryCount, the next attempt, the status."""
        if plan.compress and not compressed:
            _LOGGER.info(
                "%s does not take gzip bodies (415): sending them plain from now on",
                redact_url(plan.url),
            )
            self._gzip_refused_by = plan.url
        if not result.informed:
            self.events.session_failed()
        if result.error is None:
            self._succeeded()
        else:
            self._failed(result.error)
        self.sessions += 1
        self._update_status(
            retry_count=self.retry_count,
            last_session_end=datetime.now(UTC),
            sessions=self.sessions,
        )
        self._state_changed()

    def _succeeded(self) -> None:
        if self.retry_count:
            acs = redact_url(self._ms.url)
            _LOGGER.info("%s answers again (after %d retries)", acs, self.retry_count)
        self.retry_count = 0
        self._timers.retry_at = None
        self._update_status(
            connected=True, last_outcome=SessionOutcome.SUCCESS, last_error=None, next_retry=None
        )

    def _failed(self, error: AcsError) -> None:
        self.retry_count += 1
        wait = retry_wait(
            self.retry_count, self._ms.retry_minimum_wait, self._ms.retry_multiplier, self._rng
        )
        if error.retry_after is not None:
            wait = max(wait, error.retry_after)
        # The ACS sets the retry parameters (up to 65535 s x 65.535^10): keep it a date.
        wait = min(wait, MAX_RETRY_WAIT)
        retry_at = self._clock() + wait
        self._timers.retry_at = retry_at
        # One warning when the ACS becomes unreachable; the retries that follow are quiet.
        _LOGGER.log(
            logging.WARNING if self.retry_count == 1 else logging.DEBUG,
            "Session with %s failed (%s); retry %d in %.0f s",
            redact_url(self._ms.url),
            error,
            self.retry_count,
            wait,
        )
        self._update_status(
            connected=False,
            last_outcome=error.outcome,
            last_error=str(error),
            next_retry=datetime.fromtimestamp(retry_at, UTC),
        )
