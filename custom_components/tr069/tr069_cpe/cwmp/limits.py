"""Every limit the agent puts on what the network, the ACS and the disk can make it do.

One place, so that the README's table and the code cannot disagree. Each value says
why it is what it is; a limit reached is a refused input (a CWMP fault, a failed
session, a closed connection), never a crash.
"""

from __future__ import annotations

from typing import Final

# ----------------------------------------------------------------------- SOAP messages
MAX_MESSAGE_BYTES: Final = 4 * 1024 * 1024
"""Largest ACS message read (its body, after gzip); a larger one fails the session."""

MAX_ANSWER_BYTES: Final = 16 * 1024 * 1024
"""Largest answer the CPE builds (fault 9004 beyond): GetParameterValues of a whole tree
of about 110,000 parameters, the same size as the largest configuration file."""

MAX_ANSWER_ITEMS: Final = 200_000
"""Most parameters one answer may list before it is rendered (fault 9004 beyond), so that
the list itself stays small: a name repeated 100,000 times is refused up front."""

MAX_NAMES_PER_REQUEST: Final = 10_000
"""Most names (or ParameterValueStructs, attribute structs) in one request (fault 9004).
ACSes send a few dozen at a time; a 4 MiB message could otherwise carry 100,000."""

MAX_XML_DEPTH: Final = 32
"""Deepest element nesting accepted in an ACS message (CWMP needs 7)."""

MAX_XML_ELEMENTS: Final = 250_000
"""Most elements in one ACS message: enough for MAX_NAMES_PER_REQUEST structs of three
members each, few enough that the parsed message stays within tens of megabytes."""

MAX_REQUEST_ID_LENGTH: Final = 255
"""Longest ``cwmp:ID`` header echoed back (fault 9003 beyond)."""

SOAP_LOG_FILES: Final = 10_000
"""Newest files the runner's ``--soap-log`` keeps (older ones are deleted): a day of
Connection Requests every 30 s, or a few thousand sessions, in a bounded folder."""

MAX_ACS_METHODS: Final = 64
"""Most method names kept from the ACS's GetRPCMethodsResponse (it has 6 standard ones)."""

MAX_ACS_METHOD_LENGTH: Final = 64
"""Longest ACS method name kept."""

# ----------------------------------------------------------------------- sessions
EXCHANGE_DEADLINE: Final = 120.0
"""Seconds one HTTP exchange with the ACS may take, from the POST to the last byte of its
answer, whatever the ACS's pace: a 4 MiB answer needs 35 kB/s. A silent ACS is cut off
sooner, by the agent's read timeout (30 s)."""

SESSION_DEADLINE: Final = 900.0
"""Seconds a whole session may last. A session is a few seconds of work (a GetParameterValues
of 40,000 parameters takes 11 ms here); the longest legitimate one is a full provisioning
over a slow link: a few hundred exchanges, each far below EXCHANGE_DEADLINE. Fifteen minutes
is well beyond that, and short enough that an ACS which keeps sending requests, or answers
a byte at a time, cannot keep the gateway from its periodic Informs for longer. A session
cut off counts as failed (timeout) and is retried with the usual back-off."""

MAX_RETRY_AFTER: Final = 86_400.0
"""Longest wait a 503's Retry-After can impose (a day); larger values, dates included, are
capped, and values that are not delta-seconds or an HTTP date are ignored."""

MAX_RETRY_WAIT: Final = 7 * 86_400.0
"""Longest wait between session attempts, whatever the ManagementServer's retry settings."""

# ----------------------------------------------------------------------- transfers
TRANSFER_DEADLINE: Final = 1800.0
"""Seconds a whole download or upload may take (TransferComplete 9010/9011 beyond): the
largest file (16 MiB) at the minimum rate below still fits."""

MIN_TRANSFER_RATE: Final = 1024
"""Bytes per second a file server must keep up, measured over each TRANSFER_RATE_WINDOW
(a server that drips one byte every few seconds ends the download with 9010)."""

TRANSFER_RATE_WINDOW: Final = 30.0
"""Seconds over which MIN_TRANSFER_RATE is measured (a pause shorter than this is fine)."""

MAX_SCHEDULED_INFORMS: Final = 64
"""Pending ScheduleInforms kept (fault 9004 beyond); each is persisted."""

MAX_DATAMODEL_NODES: Final = 400_000
"""Objects and parameters the data model may hold before AddObject from the ACS is refused
(9004): ten times the largest tree the benchmarks measure, about 180 MB."""

# ----------------------------------------------------------------------- Connection Requests
MAX_CR_CONNECTIONS: Final = 32
"""Open connections to the Connection Request port; more are closed at once. An ACS needs
one (two with Digest), so this leaves room for retries while a flood cannot use up the
process's file descriptors."""

MAX_CR_CONNECTIONS_PER_SOURCE: Final = 8
"""Open connections from one address (an ACS may send a few Connection Requests at once;
several ACS nodes may share one address)."""

CR_HEADER_TIMEOUT: Final = 10.0
"""Seconds a client has to send a whole request head once connected."""

CR_IDLE_TIMEOUT: Final = 15.0
"""Seconds a kept-alive connection may wait for its next request."""

CR_MAX_HEAD_BYTES: Final = 8192
"""Largest request line plus headers (431 beyond)."""

CR_MAX_BODY_BYTES: Final = 1024
"""Largest body read and discarded (a Connection Request is a GET; 413 beyond)."""

CR_MAX_REQUESTS_PER_CONNECTION: Final = 16
"""Requests served on one connection before it is closed."""

QUIET_LOG_INTERVAL: Final = 60.0
"""Seconds between two log lines about refused requests from one source."""

# ----------------------------------------------------------------------- persistence
SAVE_RETRY_MIN: Final = 5.0
"""First wait before saving again after a failed state save (doubling each time)."""

SAVE_RETRY_MAX: Final = 300.0
"""Longest wait between two attempts to save the state."""
