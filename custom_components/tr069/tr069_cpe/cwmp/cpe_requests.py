"""Requests the CPE itself makes of the ACS: GetRPCMethods and RequestDownload.

What the ACS supports is learnt once per ACS with GetRPCMethods, so that a
RequestDownload is only sent to an ACS that handles it (GenieACS does not).
Pending requests are persisted until the ACS has answered them.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .limits import MAX_ACS_METHOD_LENGTH, MAX_ACS_METHODS
from .soap import Envelope, array
from .xml import children, escape, text_of


class RequestDownloadOutcome(StrEnum):
    """What became of a RequestDownload."""

    ACCEPTED = "accepted"  # the ACS answered it (a Download may follow)
    REFUSED = "refused"  # the ACS answered it with a fault
    UNSUPPORTED = "unsupported"  # the ACS does not know RequestDownload


@dataclass(frozen=True, slots=True)
class DownloadRequest:
    """A RequestDownload waiting to be sent.

    ``outcome`` (not saved: nobody waits across a restart) tells whoever asked.
    """

    file_type: str
    arguments: tuple[tuple[str, str], ...] = ()
    outcome: asyncio.Future[RequestDownloadOutcome] | None = field(
        default=None, compare=False, repr=False
    )

    def settle(self, outcome: RequestDownloadOutcome) -> None:
        """Tell whoever waits what became of the request."""
        if self.outcome is not None and not self.outcome.done():
            self.outcome.set_result(outcome)

    def body(self, namespace: str) -> str:
        """The RequestDownload request (A.4.2.2)."""
        del namespace
        items = [
            f"<ArgStruct><Name>{escape(name)}</Name><Value>{escape(value)}</Value></ArgStruct>"
            for name, value in self.arguments
        ]
        return (
            "<cwmp:RequestDownload>"
            f"<FileType>{escape(self.file_type)}</FileType>"
            f"{array('FileTypeArg', 'cwmp:ArgStruct', items)}"
            "</cwmp:RequestDownload>"
        )


def get_rpc_methods_body(namespace: str) -> str:
    """The CPE's GetRPCMethods request."""
    del namespace
    return "<cwmp:GetRPCMethods/>"


def methods_of(response: Envelope) -> list[str]:
    """The ACS's method names from its GetRPCMethodsResponse."""
    container = response.body.get("MethodList") if isinstance(response.body, dict) else None
    names = (text_of(item).strip() for item in children(container, "string"))
    return [name for name in names if len(name) <= MAX_ACS_METHOD_LENGTH][:MAX_ACS_METHODS]


class CpeRequests:
    """Pending CPE requests and what the ACS is known to support."""

    def __init__(self) -> None:
        self.acs_methods: list[str] | None = None
        self.downloads: list[DownloadRequest] = []

    def supports(self, method: str) -> bool | None:
        """Whether the ACS supports a method (None: not known yet)."""
        return None if self.acs_methods is None else method in self.acs_methods

    def to_json(self) -> dict[str, Any]:
        """Serialisable form."""
        return {
            "acs_methods": None if self.acs_methods is None else list(self.acs_methods),
            "downloads": [
                {"file_type": item.file_type, "arguments": [list(arg) for arg in item.arguments]}
                for item in self.downloads
            ],
        }

    def restore(self, data: dict[str, Any]) -> None:
        """Restore from :meth:`to_json`."""
        self.acs_methods = data.get("acs_methods")
        self.downloads = [
            DownloadRequest(item["file_type"], tuple(tuple(arg) for arg in item["arguments"]))
            for item in data.get("downloads", [])
        ]
