"""Peers that break off the TLS handshake: the ACS copes, nothing reaches the loop's handler."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import socket
import ssl
import struct
from typing import Any

import pytest

from local_acs import LocalAcs


@pytest.fixture
async def loop_exceptions() -> AsyncIterator[list[dict[str, Any]]]:
    """What reaches the event loop's exception handler (in debug mode, as in Home Assistant)."""
    loop = asyncio.get_running_loop()
    reported: list[dict[str, Any]] = []
    previous, debug = loop.get_exception_handler(), loop.get_debug()
    loop.set_debug(True)
    loop.set_exception_handler(lambda _loop, context: reported.append(context))
    yield reported
    loop.set_exception_handler(previous)
    loop.set_debug(debug)


async def untrusting_client(acs: LocalAcs) -> None:
    """A client that refuses the certificate (as the CPE does without the CA)."""
    with pytest.raises(ssl.SSLCertVerificationError):
        await asyncio.open_connection("127.0.0.1", acs.port, ssl=ssl.create_default_context())


async def resetting_client(acs: LocalAcs) -> None:
    """A client that sends half a ClientHello and resets the connection."""
    loop = asyncio.get_running_loop()
    sock = socket.socket()
    sock.setblocking(False)
    await loop.sock_connect(sock, ("127.0.0.1", acs.port))
    await loop.sock_sendall(sock, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


async def silent_client(acs: LocalAcs) -> None:
    """A client that connects and says nothing until the ACS stops."""
    _reader, writer = await asyncio.open_connection("127.0.0.1", acs.port)
    writer.close()


@pytest.mark.parametrize("client", [untrusting_client, resetting_client, silent_client])
async def test_a_broken_off_handshake_reaches_no_exception_handler(
    loop_exceptions: list[dict[str, Any]], client: Any
) -> None:
    async with LocalAcs(tls=True) as acs:
        for _ in range(5):
            await client(acs)
        await asyncio.sleep(0.1)
        # The ACS still serves a client that trusts it.
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", acs.port, ssl=acs.client_ssl_context()
        )
        writer.write(b"GET /nbi/devices HTTP/1.1\r\nHost: acs\r\nConnection: close\r\n\r\n")
        assert (await reader.read()).startswith(b"HTTP/1.1 ")
        writer.close()
    await asyncio.sleep(0.1)
    assert loop_exceptions == []
