"""HTTP transport to the ACS for one CWMP session.

One ``AcsClient`` lives for one session: a single keep-alive TCP connection
(GenieACS ties the Digest nonce to it), the ACS's cookies echoed, Basic or
Digest answered when challenged, 302/307 redirects followed (at most 5) for the
rest of the session, and every failure mapped to an :class:`AcsError` kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import email.utils
import gzip
import re
import ssl
import time
from types import TracebackType
from typing import Final, Self
from urllib.parse import urljoin, urlsplit

import aiohttp

from . import limits
from .auth import DigestClient, basic_header, parse_challenges
from .limits import MAX_MESSAGE_BYTES, MAX_RETRY_AFTER
from .redaction import redact_url
from .status import SessionOutcome

MAX_REDIRECTS: Final = 5
# Fresh nonces (stale=true) answered in a row before the credentials count as refused.
MAX_STALE_NONCES: Final = 3
DEFAULT_TIMEOUT: Final = 30.0
SOAP_CONTENT_TYPE: Final = 'text/xml; charset="utf-8"'
_DELTA_SECONDS: Final = re.compile("[0-9]{1,15}")


class AcsError(Exception):
    """A failed exchange with the ACS; ``outcome`` says how the session ends."""

    def __init__(
        self, outcome: SessionOutcome, message: str, retry_after: float | None = None
    ) -> None:
        # The message reaches logs, the status and diagnostics: no URL password in it.
        super().__init__(redact_url(message))
        self.outcome = outcome
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class AcsReply:
    """One HTTP response from the ACS."""

    status: int
    body: bytes
    content_type: str


class TlsSetupError(ValueError):
    """The configured CA certificate cannot be used."""


def build_ssl_context(verify: bool, ca_pem: str | None = None) -> ssl.SSLContext:
    """TLS context: system trust store plus an optional CA, or no verification.

    Loading certificates touches the disk: call this from an executor. A CA that is
    not a PEM certificate raises :class:`TlsSetupError`.
    """
    context = ssl.create_default_context()
    if ca_pem:
        try:
            context.load_verify_locations(cadata=ca_pem)
        except (ssl.SSLError, ValueError, TypeError) as err:
            raise TlsSetupError(f"the CA certificate cannot be used: {err}") from None
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


class AcsClient:
    """POSTs of one CWMP session to the ACS."""

    def __init__(
        self,
        url: str,
        *,
        credentials: Callable[[], tuple[str, str]] = lambda: ("", ""),
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_body: int = MAX_MESSAGE_BYTES,
        user_agent: str = "tr069-home-assistant",
        compress: bool = False,
    ) -> None:
        self.url = url
        self._credentials = credentials
        self._ssl = ssl_context
        self._timeout = timeout
        self._max_body = max_body
        self._user_agent = user_agent
        self.compress = compress
        self._session: aiohttp.ClientSession | None = None
        self._digest: DigestClient | None = None
        self._basic = False
        self.redirects = 0

    async def __aenter__(self) -> Self:
        connector = aiohttp.TCPConnector(limit=1, ssl=self._ssl if self._ssl else True)
        self._session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.CookieJar(unsafe=True),
            timeout=aiohttp.ClientTimeout(
                total=limits.EXCHANGE_DEADLINE, connect=self._timeout, sock_read=self._timeout
            ),
            headers={"User-Agent": self._user_agent},
            auto_decompress=True,
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the connection."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def post(self, body: bytes | None) -> AcsReply:
        """POST a SOAP envelope (or an empty body) and return the ACS's answer."""
        challenges = 0
        while True:
            reply, challenge = await self._post_once(body)
            if challenge is None:
                return reply
            stale = "stale=true" in challenge.replace(" ", "").lower()
            if challenges and (not stale or challenges > MAX_STALE_NONCES):
                raise AcsError(SessionOutcome.INVALID_AUTH, "the ACS rejected the credentials")
            self._answer_challenge(challenge)
            challenges += 1

    async def _post_once(self, body: bytes | None) -> tuple[AcsReply, str | None]:
        assert self._session is not None, "use AcsClient as an async context manager"
        headers = self._headers(body)
        data = body or b""
        if body and self.compress:
            data = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        try:
            async with self._session.post(
                self.url, data=data, headers=headers, allow_redirects=False
            ) as response:
                return await self._handle(response, body)
        except aiohttp.ClientConnectorCertificateError as err:
            raise AcsError(SessionOutcome.TLS_ERROR, f"TLS certificate not trusted: {err}") from err
        except aiohttp.ClientSSLError as err:
            raise AcsError(SessionOutcome.TLS_ERROR, f"TLS failure: {err}") from err
        except aiohttp.ClientConnectorError as err:
            raise AcsError(SessionOutcome.CANNOT_CONNECT, f"cannot connect: {err}") from err
        except TimeoutError as err:
            raise AcsError(SessionOutcome.TIMEOUT, "no answer from the ACS in time") from err
        except (aiohttp.ClientError, OSError) as err:
            raise AcsError(SessionOutcome.CANNOT_CONNECT, f"connection broken: {err}") from err
        except ValueError as err:  # a redirect to a URL that cannot be parsed, and the like
            raise AcsError(SessionOutcome.HTTP_ERROR, f"unusable answer: {err}") from err

    async def _handle(
        self, response: aiohttp.ClientResponse, body: bytes | None
    ) -> tuple[AcsReply, str | None]:
        status = response.status
        if status == 415 and self.compress:
            self.compress = False
            return await self._post_once(body)
        if status == 401:
            await response.read()
            challenge = response.headers.get("WWW-Authenticate", "")
            if not challenge:
                raise AcsError(SessionOutcome.INVALID_AUTH, "401 without a challenge")
            return AcsReply(401, b"", ""), challenge
        if status in (301, 302, 303, 307, 308):
            return await self._redirect(response, body), None
        if status == 503:
            retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            raise AcsError(SessionOutcome.ACS_BUSY, "the ACS answered 503", retry_after)
        if status not in (200, 204):
            raise AcsError(SessionOutcome.HTTP_ERROR, f"the ACS answered HTTP {status}")
        content = await self._read(response)
        return AcsReply(status, content, response.headers.get("Content-Type", "")), None

    def _headers(self, body: bytes | None) -> dict[str, str]:
        headers: dict[str, str] = {}
        if body:
            headers["Content-Type"] = SOAP_CONTENT_TYPE
            headers["SOAPAction"] = ""
        if self._digest is not None:
            parts = urlsplit(self.url)
            uri = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            headers["Authorization"] = self._digest.header("POST", uri)
        elif self._basic:
            headers["Authorization"] = basic_header(*self._credentials())
        return headers

    def _answer_challenge(self, header: str) -> None:
        challenges = parse_challenges(header)
        if "digest" in challenges:
            client = DigestClient(*self._credentials(), challenges["digest"])
            if client.supported:
                self._digest = client
                self._basic = False
                return
        if "basic" in challenges:
            if urlsplit(self.url).scheme != "https":
                raise AcsError(
                    SessionOutcome.INVALID_AUTH,
                    "the ACS asks for Basic authentication over plain HTTP; the password "
                    "would travel in clear (use https, or Digest)",
                )
            self._digest = None
            self._basic = True
            return
        raise AcsError(SessionOutcome.INVALID_AUTH, f"unsupported authentication: {header}")

    async def _redirect(self, response: aiohttp.ClientResponse, body: bytes | None) -> AcsReply:
        location = response.headers.get("Location")
        await response.read()
        if response.status not in (302, 307) or not location:
            raise AcsError(SessionOutcome.HTTP_ERROR, f"unexpected redirect {response.status}")
        self.redirects += 1
        if self.redirects > MAX_REDIRECTS:
            raise AcsError(SessionOutcome.HTTP_ERROR, "too many redirects")
        self.url = urljoin(self.url, location)
        self._digest = None
        self._basic = False
        return await self.post(body)

    async def _read(self, response: aiohttp.ClientResponse) -> bytes:
        length = response.content_length
        if length is not None and length > self._max_body:
            raise AcsError(SessionOutcome.PROTOCOL_ERROR, f"answer of {length} bytes is too large")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.content.iter_chunked(65536):
            size += len(chunk)
            if size > self._max_body:
                raise AcsError(SessionOutcome.PROTOCOL_ERROR, "answer too large")
            chunks.append(chunk)
        return b"".join(chunks)


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds a 503's Retry-After asks for: delta-seconds or an HTTP date, at most a day.

    Anything else (``inf``, ``1e12``, ``-5``, garbage) is ignored.
    """
    if value is None:
        return None
    text = value.strip()
    if _DELTA_SECONDS.fullmatch(text):
        return min(float(text), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        return None  # an HTTP date is always GMT; one without a zone is not one
    now = time.time() if now is None else now
    return min(max(0.0, when.timestamp() - now), MAX_RETRY_AFTER)
