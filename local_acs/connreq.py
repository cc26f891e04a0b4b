"""Connection Requests to a CPE, as GenieACS sends them.

A plain ``GET`` without credentials; on ``401`` with a Digest (or Basic) challenge one retry
with credentials on the same kept-alive connection; 2 s for the whole exchange.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
import ssl
import time

import aiohttp
from yarl import URL

from . import auth


class ConnectionRequestError(Exception):
    """The Connection Request got no HTTP answer (timeout, refused, reset …)."""


@dataclass
class ConnectionRequestRecord:
    """One Connection Request: the final status, or the error that prevented one."""

    url: str
    status: int | None
    error: str | None = None
    challenged: bool = False
    at: float = field(default_factory=time.time)


async def connection_request(
    url: str,
    username: str | None = None,
    password: str | None = None,
    *,
    timeout: float = 2.0,  # noqa: ASYNC109 - GenieACS's fixed 2 s, overridable
    ssl_context: ssl.SSLContext | None = None,
) -> ConnectionRequestRecord:
    """Send a Connection Request and describe the outcome (never raises).

    ``status`` is the final HTTP status (200/204 = accepted; 401 = the credentials were
    refused or none were given; 503 = the CPE is busy); ``error`` is set instead when no
    HTTP answer came (timeout, connection refused or reset).
    """
    record = ConnectionRequestRecord(url, None)
    connector = aiohttp.TCPConnector(limit=1, ssl=ssl_context if ssl_context else True)
    try:
        async with (
            asyncio.timeout(timeout),
            aiohttp.ClientSession(connector=connector) as client,
        ):
            async with client.get(url, allow_redirects=False) as response:
                await response.read()
                record.status = response.status
                challenge = response.headers.get("WWW-Authenticate")
            if record.status == 401 and challenge and username is not None:
                record.challenged = True
                header = auth.solve_challenge(
                    challenge, username, password or "", "GET", URL(url).raw_path_qs
                )
                async with client.get(
                    url, headers={"Authorization": header}, allow_redirects=False
                ) as response:
                    await response.read()
                    record.status = response.status
    except TimeoutError:
        record.error = f"timeout after {timeout} s"
    except (aiohttp.ClientError, OSError, ValueError) as err:
        record.error = f"{type(err).__name__}: {err}"
    return record
