"""The session floor: a bare aiohttp client replaying the agent's recorded envelopes.

It does no CWMP work at all: no data model, no XML parsing, no rendering.  The only
thing it adapts is the ``cwmp:ID`` echoed in each answer (a byte replace), so that the
ACS sees exactly the exchange it saw with the agent.
"""

from __future__ import annotations

from collections.abc import Sequence
import re

import aiohttp

_ID = re.compile(rb"<(?:[A-Za-z0-9_-]+:)?ID\b[^>]*>([^<]*)<")
_SOAP_HEADERS = {"Content-Type": 'text/xml; charset="utf-8"', "SOAPAction": ""}


class ReplayError(RuntimeError):
    """The ACS did not answer the replay as it answered the agent."""


class Replayer:
    """Replays one recorded session (the agent's outgoing bodies, in order)."""

    def __init__(self, url: str, outgoing: Sequence[bytes], incoming: Sequence[bytes]) -> None:
        if len(outgoing) != len(incoming):
            raise ValueError("every outgoing message needs the answer it got")
        self.url = url
        self.outgoing = list(outgoing)
        # The cwmp:ID of the ACS request each outgoing message answers (None: no echo).
        self.echoes: list[bytes | None] = [None]
        for previous, body in zip(incoming, outgoing[1:], strict=False):
            match = _ID.search(previous)
            echoed = match.group(1) if match and match.group(1) in body else None
            self.echoes.append(echoed)
        self.statuses = [204 if not body.strip() else 200 for body in incoming]

    async def session(self) -> None:
        """One replayed session on a fresh connection, as the agent does it."""
        connector = aiohttp.TCPConnector(limit=1)
        async with aiohttp.ClientSession(
            connector=connector, cookie_jar=aiohttp.CookieJar(unsafe=True)
        ) as http:
            previous = b""
            for recorded, echoed, expected in zip(
                self.outgoing, self.echoes, self.statuses, strict=True
            ):
                body = recorded
                if echoed is not None:
                    match = _ID.search(previous)
                    if match is None:
                        raise ReplayError("the ACS request carries no cwmp:ID")
                    body = recorded.replace(echoed, match.group(1))
                headers = _SOAP_HEADERS if body else None
                async with http.post(self.url, data=body, headers=headers) as response:
                    previous = await response.read()
                    if response.status != expected:
                        raise ReplayError(
                            f"the ACS answered {response.status}, the agent got {expected}"
                        )
