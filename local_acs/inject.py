"""One-shot misbehaviours the ACS applies to the CPE's next POSTs (for tests).

``acs.inject(behaviour)`` appends to a queue; each CPE POST to the CWMP endpoint takes the
first queued behaviour that matches it.  ``on`` restricts a behaviour to one kind of POST:
``"Inform"``, ``"empty"`` (the empty POST), a CPE request (``"TransferComplete"``) or
response (``"GetParameterValuesResponse"``, ``"Fault"``); ``None`` matches any POST, except
for :class:`Fault`, whose ``None`` matches any CPE request but the Inform (use
:class:`InformFault` or ``on="Inform"`` for that).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .auth import Scheme

NOT_AN_ACS_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>Welcome</title></head>"
    "<body><h1>It works!</h1><p>This is not an ACS.</p></body></html>\n"
)


@dataclass(frozen=True)
class Behaviour:
    """Base class: which POSTs the behaviour applies to."""

    on: str | None = field(default=None, kw_only=True)

    def matches(self, kind: str) -> bool:
        """Whether this behaviour applies to a POST of ``kind`` (see the module docstring)."""
        return self.on is None or self.on == kind


@dataclass(frozen=True)
class ServiceUnavailable(Behaviour):
    """HTTP 503 with ``Retry-After`` (omitted when None) and ``Connection: close``."""

    retry_after: int | str | None = 60


@dataclass(frozen=True)
class DropConnection(Behaviour):
    """Close the TCP connection without answering."""


@dataclass(frozen=True)
class Delay(Behaviour):
    """Wait ``seconds`` before handling the POST normally (to trigger CPE timeouts)."""

    seconds: float


@dataclass(frozen=True)
class Unauthorized(Behaviour):
    """HTTP 401 with a fresh challenge, whatever the credentials."""

    scheme: Scheme = "digest"


@dataclass(frozen=True)
class Redirect(Behaviour):
    """HTTP 302/307 to ``location`` (e.g. another LocalAcs's url)."""

    location: str
    status: int = 307


@dataclass(frozen=True)
class NotAnAcs(Behaviour):
    """HTTP 200 with a non-SOAP body (an HTML page by default)."""

    body: str = NOT_AN_ACS_PAGE
    status: int = 200
    content_type: str = "text/html"


@dataclass(frozen=True)
class Fault(Behaviour):
    """Answer a CPE request with a SOAP fault (default 8005 Retry request)."""

    code: int = 8005
    string: str | None = None

    def matches(self, kind: str) -> bool:
        """Any CPE request but the Inform when ``on`` is None; otherwise the named one."""
        if self.on is None:
            return kind not in {"Inform", "empty", "Fault", "invalid"} and not kind.endswith(
                "Response"
            )
        return self.on == kind


@dataclass(frozen=True)
class InformFault(Fault):
    """Answer the next Inform with a SOAP fault (default 8002 Internal error)."""

    on: str | None = field(default="Inform", kw_only=True)
    code: int = 8002


BEHAVIOURS: dict[str, type[Behaviour]] = {
    "service_unavailable": ServiceUnavailable,
    "503": ServiceUnavailable,
    "drop": DropConnection,
    "delay": Delay,
    "unauthorized": Unauthorized,
    "401": Unauthorized,
    "redirect": Redirect,
    "not_acs": NotAnAcs,
    "fault": Fault,
    "inform_fault": InformFault,
}


def make_behaviour(behaviour: Behaviour | str, params: dict[str, Any]) -> Behaviour:
    """A behaviour object from itself or from a name of :data:`BEHAVIOURS` plus params."""
    if isinstance(behaviour, Behaviour):
        if params:
            raise TypeError("parameters are only accepted with a behaviour name")
        return behaviour
    try:
        cls = BEHAVIOURS[behaviour]
    except KeyError:
        raise ValueError(f"unknown behaviour {behaviour!r}; known: {sorted(BEHAVIOURS)}") from None
    return cls(**params)
