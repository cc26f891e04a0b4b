"""A minimal raw CPE for driving the ACS (and other HTTP peers) with hand-written envelopes.

:class:`RawCpe` posts exactly the bytes it is given, keeps one TCP connection until told
otherwise (or the server closes it), and handles the ``session`` cookie by hand so tests can
choose to echo it or not.  :func:`cpe_envelope` and :func:`inform_body` write envelopes the
way a CPE would.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
import ssl
from types import TracebackType
from typing import Self
from xml.sax.saxutils import escape

import aiohttp
from multidict import CIMultiDictProxy
from yarl import URL

from . import auth
from .auth import Scheme
from .soap import CWMP_1_0, SOAP_ENC, SOAP_ENV, XSD, XSI


def cpe_envelope(
    body_xml: str, cwmp_id: str = "1", namespace: str = CWMP_1_0, *, header_xml: str = ""
) -> bytes:
    """A CPE envelope (prefixes ``soapenv``/``cwmp``; ``body_xml`` uses ``cwmp:``)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<soapenv:Envelope xmlns:soapenv="{SOAP_ENV}" xmlns:soapenc="{SOAP_ENC}" '
        f'xmlns:xsd="{XSD}" xmlns:xsi="{XSI}" xmlns:cwmp="{namespace}">\n'
        f'<soapenv:Header><cwmp:ID soapenv:mustUnderstand="1">{escape(cwmp_id)}</cwmp:ID>'
        f"{header_xml}</soapenv:Header>\n"
        f"<soapenv:Body>{body_xml}</soapenv:Body>\n</soapenv:Envelope>\n"
    ).encode()


def parameter_list(params: Iterable[tuple[str, str, str]]) -> str:
    """A ParameterList of ``(name, value, xsd type)``."""
    items = list(params)
    structs = "".join(
        f"<ParameterValueStruct><Name>{escape(n)}</Name>"
        f'<Value xsi:type="{t}">{escape(v)}</Value></ParameterValueStruct>'
        for n, v, t in items
    )
    return (
        f'<ParameterList soapenc:arrayType="cwmp:ParameterValueStruct[{len(items)}]">'
        f"{structs}</ParameterList>"
    )


def inform_body(
    serial: str = "SN0001",
    events: Iterable[tuple[str, str]] = (("1 BOOT", ""),),
    params: Iterable[tuple[str, str, str]] = (),
    *,
    oui: str = "00D09E",
    product_class: str = "HACPE",
    manufacturer: str = "ExampleCo",
    current_time: str = "2026-01-01T00:00:00Z",
    retry_count: int = 0,
) -> str:
    """An Inform body element."""
    event_list = list(events)
    event_xml = "".join(
        f"<EventStruct><EventCode>{escape(c)}</EventCode>"
        f"<CommandKey>{escape(k)}</CommandKey></EventStruct>"
        for c, k in event_list
    )
    return (
        "<cwmp:Inform><DeviceId>"
        f"<Manufacturer>{escape(manufacturer)}</Manufacturer><OUI>{oui}</OUI>"
        f"<ProductClass>{escape(product_class)}</ProductClass>"
        f"<SerialNumber>{escape(serial)}</SerialNumber></DeviceId>"
        f'<Event soapenc:arrayType="cwmp:EventStruct[{len(event_list)}]">{event_xml}</Event>'
        f"<MaxEnvelopes>1</MaxEnvelopes><CurrentTime>{current_time}</CurrentTime>"
        f"<RetryCount>{retry_count}</RetryCount>{parameter_list(params)}</cwmp:Inform>"
    )


@dataclass
class RawResponse:
    """An HTTP response as received."""

    status: int
    headers: CIMultiDictProxy[str]
    body: bytes

    @property
    def text(self) -> str:
        """The body as text."""
        return self.body.decode(errors="replace")


class RawCpe:
    """Posts raw bodies to ``url`` over one kept-alive connection.

    ``cookies`` controls whether the ``session`` cookie from ``Set-Cookie`` is echoed.
    With ``credentials`` a 401 challenge is answered once per request, like a CPE does.
    """

    def __init__(
        self,
        url: str,
        *,
        cookies: bool = True,
        credentials: tuple[Scheme, str, str] | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.url = url
        self.cookies = cookies
        self.credentials = credentials
        self.ssl_context = ssl_context
        self.cookie: str | None = None
        self.responses: list[RawResponse] = []
        self._client: aiohttp.ClientSession | None = None

    def _session(self) -> aiohttp.ClientSession:
        if self._client is None:
            connector = aiohttp.TCPConnector(
                limit=1, ssl=self.ssl_context if self.ssl_context else True
            )
            self._client = aiohttp.ClientSession(
                connector=connector, cookie_jar=aiohttp.DummyCookieJar()
            )
        return self._client

    async def new_connection(self) -> None:
        """Drop the current connection; the next POST opens a new one (cookie kept)."""
        await self.close()

    async def close(self) -> None:
        """Close the connection."""
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def post(
        self,
        body: bytes | str = b"",
        *,
        authorization: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> RawResponse:
        """POST ``body``; returns the final response (after answering a challenge)."""
        data = body.encode() if isinstance(body, str) else body
        response = await self._post_once(data, authorization, headers)
        challenge = response.headers.get("WWW-Authenticate")
        if response.status == 401 and challenge and self.credentials and authorization is None:
            _, username, password = self.credentials
            answer = auth.solve_challenge(
                challenge, username, password, "POST", URL(self.url).raw_path_qs
            )
            response = await self._post_once(data, answer, headers)
        return response

    async def _post_once(
        self, data: bytes, authorization: str | None, extra: dict[str, str] | None
    ) -> RawResponse:
        headers = {"Content-Type": 'text/xml; charset="utf-8"', **(extra or {})}
        if data:
            headers["SOAPAction"] = ""
        if authorization:
            headers["Authorization"] = authorization
        if self.cookies and self.cookie:
            headers["Cookie"] = f"session={self.cookie}"
        async with self._session().post(
            self.url, data=data, headers=headers, allow_redirects=False
        ) as resp:
            raw = RawResponse(resp.status, resp.headers, await resp.read())
        for value in raw.headers.getall("Set-Cookie", []):
            name, _, rest = value.partition("=")
            if name.strip() == "session":
                self.cookie = rest.split(";", 1)[0]
        self.responses.append(raw)
        return raw
