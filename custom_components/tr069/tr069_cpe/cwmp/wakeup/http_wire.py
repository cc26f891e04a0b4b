"""The little HTTP/1.1 a Connection Request needs: a request head read strictly, empty answers.

A Connection Request is a GET with at most an Authorization header that matters; the
server reads nothing else. Whatever is not a well-formed HTTP/1.0 or 1.1 request head
(RFC 9112) is refused with the status that says why, and the connection is closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
import re
from typing import Final

MAX_HEADERS: Final = 64
_METHOD: Final = re.compile(r"[A-Z]{1,16}")
_TOKEN: Final = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}")
_VERSIONS: Final = ("HTTP/1.1", "HTTP/1.0")


class HeadError(ValueError):
    """The request cannot be served; ``status`` is the answer (the connection closes)."""

    def __init__(self, status: HTTPStatus, reason: str) -> None:
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True, slots=True)
class RequestHead:
    """A parsed request line and its headers (names in lower case)."""

    method: str
    target: str
    version: str
    headers: dict[str, str]

    @property
    def path(self) -> str:
        """The target without its query."""
        return self.target.partition("?")[0]

    @property
    def keep_alive(self) -> bool:
        """Whether the client wants the connection kept (HTTP/1.1 unless it says close)."""
        tokens = {item.strip().lower() for item in self.headers.get("connection", "").split(",")}
        if self.version == "HTTP/1.0":
            return "keep-alive" in tokens
        return "close" not in tokens

    def body_length(self, limit: int) -> int:
        """Bytes of body to read and discard (HeadError beyond ``limit`` or when chunked)."""
        if "transfer-encoding" in self.headers:
            raise HeadError(HTTPStatus.NOT_IMPLEMENTED, "a request body in chunks")
        text = self.headers.get("content-length", "0").strip()
        if not text.isascii() or not text.isdigit() or len(text) > 12:
            raise HeadError(HTTPStatus.BAD_REQUEST, "an invalid Content-Length")
        length = int(text)
        if length > limit:
            raise HeadError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"a body of {length} bytes")
        return length


def parse_head(raw: bytes) -> RequestHead:
    """The head (request line and headers, up to the empty line); HeadError when malformed."""
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise HeadError(HTTPStatus.BAD_REQUEST, "bytes that are not ASCII") from None
    lines = text.removesuffix("\r\n\r\n").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or _METHOD.fullmatch(parts[0]) is None:
        raise HeadError(HTTPStatus.BAD_REQUEST, "a malformed request line")
    method, target, version = parts
    if version not in _VERSIONS:
        raise HeadError(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, f"version {version[:16]!r}")
    if not target.startswith("/") or any(ord(char) <= 32 for char in target):
        raise HeadError(HTTPStatus.BAD_REQUEST, "a target that is not a path")
    return RequestHead(method, target, version, _headers(lines[1:]))


def _headers(lines: list[str]) -> dict[str, str]:
    if len(lines) > MAX_HEADERS:
        raise HeadError(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, f"{len(lines)} headers")
    headers: dict[str, str] = {}
    for line in lines:
        name, colon, value = line.partition(":")
        if not colon or _TOKEN.fullmatch(name) is None:
            raise HeadError(HTTPStatus.BAD_REQUEST, "a malformed header line")
        key = name.lower()
        if key in headers and key in ("content-length", "authorization", "host"):
            raise HeadError(HTTPStatus.BAD_REQUEST, f"two {name} headers")
        headers[key] = value.strip(" \t")
    return headers


def response(status: HTTPStatus, headers: dict[str, str] | None = None, *, close: bool) -> bytes:
    """An answer without a body."""
    lines = [f"HTTP/1.1 {status.value} {status.phrase}", "Content-Length: 0"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")
