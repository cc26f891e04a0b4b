"""The HTTP client of sessions against small hand-written servers."""

from __future__ import annotations

from aiohttp import web
import pytest

from tr069_cpe.cwmp.status import SessionOutcome
from tr069_cpe.cwmp.transport import (
    MAX_STALE_NONCES,
    AcsClient,
    AcsError,
)

from .conftest import Serve


async def test_gzip_bodies_and_the_415_fallback(
    serve: Serve,
) -> None:
    seen: list[tuple[str | None, bytes]] = []

    async def refuse_gzip(request: web.Request) -> web.Response:
        raw = await request.content.read()
        encoding = request.headers.get("Content-Encoding")
        seen.append((encoding, raw))
        if encoding == "gzip":
            return web.Response(status=415)
        return web.Response(status=204)

    url = await serve(refuse_gzip)
    async with AcsClient(url, compress=True) as client:
        reply = await client.post(b"<hello/>")
        assert reply.status == 204
        assert not client.compress
    assert seen[0] == ("gzip", b"<hello/>")  # aiohttp decompressed a valid gzip body
    assert seen[1] == (None, b"<hello/>")


async def test_answer_size_is_limited(serve: Serve) -> None:
    async def huge(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=b"x" * 5000, content_type="text/xml")

    url = await serve(huge)
    async with AcsClient(url, max_body=1000) as client:
        with pytest.raises(AcsError) as err:
            await client.post(b"<a/>")
    assert err.value.outcome is SessionOutcome.PROTOCOL_ERROR


async def test_unexpected_status_and_redirects(serve: Serve) -> None:
    async def teapot(request: web.Request) -> web.Response:
        return web.Response(status=418)

    async def moved(request: web.Request) -> web.Response:
        return web.Response(status=301, headers={"Location": "/"})

    async def unchallenged(request: web.Request) -> web.Response:
        return web.Response(status=401)

    for handler, kind in (
        (teapot, SessionOutcome.HTTP_ERROR),
        (moved, SessionOutcome.HTTP_ERROR),
        (unchallenged, SessionOutcome.INVALID_AUTH),
    ):
        url = await serve(handler)
        async with AcsClient(url) as client:
            with pytest.raises(AcsError) as err:
                await client.post(b"<a/>")
        assert err.value.outcome is kind


async def test_unsupported_challenge(serve: Serve) -> None:
    async def negotiate(request: web.Request) -> web.Response:
        return web.Response(status=401, headers={"WWW-Authenticate": "Negotiate abc"})

    url = await serve(negotiate)
    async with AcsClient(url, credentials=lambda: ("u", "p")) as client:
        with pytest.raises(AcsError, match="unsupported authentication"):
            await client.post(b"<a/>")


async def test_endless_stale_nonces_end_as_refused_credentials(
    serve: Serve,
) -> None:
    attempts: list[str | None] = []

    async def always_stale(request: web.Request) -> web.Response:
        await request.read()
        attempts.append(request.headers.get("Authorization"))
        challenge = f'Digest realm="acs", nonce="n{len(attempts)}", qop="auth", stale=true'
        return web.Response(status=401, headers={"WWW-Authenticate": challenge})

    url = await serve(always_stale)
    async with AcsClient(url, credentials=lambda: ("cpe", "pw")) as client:
        with pytest.raises(AcsError) as err:
            await client.post(b"<a/>")
    assert err.value.outcome is SessionOutcome.INVALID_AUTH
    assert len(attempts) == MAX_STALE_NONCES + 2  # unauthenticated, then each fresh nonce
