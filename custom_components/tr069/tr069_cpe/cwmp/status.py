"""What the agent reports about its link with the ACS."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .wakeup import WakeUpStatus


class SessionOutcome(StrEnum):
    """How the last session ended."""

    SUCCESS = "success"
    CANNOT_CONNECT = "cannot_connect"
    TIMEOUT = "timeout"
    TLS_ERROR = "tls_error"
    INVALID_AUTH = "invalid_auth"
    ACS_BUSY = "acs_busy"
    HTTP_ERROR = "http_error"
    NOT_ACS = "not_acs"
    PROTOCOL_ERROR = "protocol_error"


@dataclass(frozen=True, slots=True)
class AgentStatus:
    """A snapshot of the agent's state for entities and diagnostics."""

    acs_url: str = ""
    connected: bool | None = None
    last_inform: datetime | None = None
    last_session_end: datetime | None = None
    last_outcome: SessionOutcome | None = None
    last_error: str | None = None
    retry_count: int = 0
    next_retry: datetime | None = None
    sessions: int = 0
    connection_request_url: str = ""
    wake_up: tuple[WakeUpStatus, ...] = ()
    # Why the state cannot be saved (the agent runs on in memory and tries again).
    state_save_error: str | None = None
    # What happened to a saved state that could not be used, and where the agent started from.
    state_problem: str | None = None
