"""GenieACS 1.2.16's own bytes: ``../shared/cwmp/genieacs-1.2.16/acs-messages.txt``, parsed.

The recording holds what a real GenieACS sent to a TR-098 CPE (root
``InternetGatewayDevice.``), one section per message::

    ===== #5 2026-11-21T19:50:59.160Z ACS->CPE HTTP 200 {"content-length": 599, ...}
    <?xml version="1.0" encoding="UTF-8"?>
    <soap-env:Envelope ...>...</soap-env:Envelope>
    ===== #6 ...

A section is an HTTP response to one of the CPE's POSTs (status, headers, the exact body
followed by one newline) or a Connection Request GET (no body). Method names and
``cwmp:ID`` are read here with plain regular expressions, independently of both the
agent's codec and the local ACS's parser, so that tests can hold either against them.
"""

from __future__ import annotations

from dataclasses import dataclass
import functools
import json
from pathlib import Path
import re
from typing import Any

import pytest

from tests.shared_material import cwmp_dir

RECORDING = Path("genieacs-1.2.16") / "acs-messages.txt"

_SECTION = re.compile(rb"^===== #(\d+) (\S+) ACS->CPE (.*)$", re.MULTILINE)
_HTTP = re.compile(r"HTTP (\d{3}) (\{.*\})")
_CONNECTION_REQUEST = re.compile(r"connection request (GET) (\S+) headers=(\{.*\})")
_METHOD = re.compile(rb"<soap-env:Body><cwmp:(\w+)[ >/]")
_ID = re.compile(rb'<cwmp:ID soap-env:mustUnderstand="1">([^<]*)</cwmp:ID>')

#: Replies to the CPE's own requests; every other envelope is an ACS request.
CPE_REQUEST_RESPONSES = frozenset({"InformResponse", "TransferCompleteResponse"})


@dataclass(frozen=True)
class Section:
    """One recorded message from GenieACS to the CPE."""

    number: int
    at: str
    connection_request: bool
    status: int | None
    headers: dict[str, Any]
    body: bytes

    @property
    def method(self) -> str | None:
        """The Body element's local name (``"GetParameterNames"``), None without a body."""
        match = _METHOD.search(self.body)
        return match.group(1).decode() if match else None

    @property
    def cwmp_id(self) -> str | None:
        """The ``cwmp:ID`` header, None without a body."""
        match = _ID.search(self.body)
        return match.group(1).decode() if match else None

    @property
    def is_acs_request(self) -> bool:
        """Whether this is a request the CPE must answer (not a reply to the CPE)."""
        return self.method is not None and self.method not in CPE_REQUEST_RESPONSES

    @property
    def label(self) -> str:
        """A test id: ``#5-GetParameterNames``."""
        if self.connection_request:
            return f"#{self.number}-ConnectionRequest"
        return f"#{self.number}-{self.method or self.status}"


@dataclass(frozen=True)
class GenieSession:
    """The ACS's side of one recorded session: the InformResponse up to the 204."""

    sections: tuple[Section, ...]
    woken: bool

    @property
    def first(self) -> int:
        """Number of the InformResponse section."""
        return self.sections[0].number

    @property
    def requests(self) -> list[Section]:
        """The ACS requests of the session, in order."""
        return [section for section in self.sections if section.is_acs_request]

    @property
    def transfer_complete_responses(self) -> list[Section]:
        """TransferCompleteResponses (the CPE sent a TransferComplete first)."""
        return [s for s in self.sections if s.method == "TransferCompleteResponse"]

    @property
    def label(self) -> str:
        """A test id: ``#4..#8-GetParameterNames,GetParameterNames,GetParameterValues``."""
        methods = ",".join(str(s.method) for s in self.requests) or "empty"
        return f"#{self.first}..#{self.sections[-1].number}-{methods}"


def recording_path() -> Path | None:
    """The recording, or None when ``../shared`` (or ``$CWMP_SCHEMAS``) is absent."""
    base = cwmp_dir()
    if base is None or not (base / RECORDING).is_file():
        return None
    return base / RECORDING


ABSENT = (
    "GenieACS 1.2.16 recording ABSENT: ../shared/cwmp/genieacs-1.2.16/acs-messages.txt "
    "not found (set $CWMP_SCHEMAS to the shared schemas directory)"
)


def parse(data: bytes) -> list[Section]:
    """Split the recording into its sections (raises ValueError on a malformed one)."""
    found = list(_SECTION.finditer(data))
    sections = []
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(data)
        chunk = data[match.end() + 1 : end]
        rest = match.group(3).decode()
        if (http := _HTTP.fullmatch(rest)) is not None:
            if not chunk.endswith(b"\n"):
                raise ValueError(f"section #{match.group(1)} does not end with a newline")
            status, headers = int(http.group(1)), json.loads(http.group(2))
            body, connection_request = chunk[:-1], False
        elif (get := _CONNECTION_REQUEST.fullmatch(rest)) is not None:
            status, headers, body, connection_request = None, json.loads(get.group(3)), b"", True
            if chunk:
                raise ValueError(f"connection request #{match.group(1)} has a body")
        else:
            raise ValueError(f"section #{match.group(1)}: cannot read {rest!r}")
        sections.append(
            Section(
                int(match.group(1)),
                match.group(2).decode(),
                connection_request,
                status,
                headers,
                body,
            )
        )
    return sections


@functools.cache
def sections() -> tuple[Section, ...]:
    """Every section of the recording; empty when it is absent."""
    path = recording_path()
    return tuple(parse(path.read_bytes())) if path is not None else ()


def sessions() -> list[GenieSession]:
    """The recorded sessions: from each InformResponse (with Set-Cookie) to the 204."""
    result: list[GenieSession] = []
    current: list[Section] | None = None
    woken = False
    for section in sections():
        if section.connection_request:
            woken = True
            continue
        if "set-cookie" in section.headers:
            current = [section]
            continue
        if current is None:
            raise ValueError(f"section #{section.number} is outside a session")
        current.append(section)
        if section.status == 204:
            result.append(GenieSession(tuple(current), woken))
            current, woken = None, False
    return result


def params(items: list[Any], label: Any) -> list[Any]:
    """``pytest.param``s with ids, or one placeholder skipped loudly without the recording."""
    if recording_path() is None:
        return [pytest.param(None, marks=pytest.mark.skip(reason=ABSENT), id="absent")]
    return [pytest.param(item, id=label(item)) for item in items]


def requests() -> list[Section]:
    """Every ACS request of the recording."""
    return [item for item in sections() if item.is_acs_request]
