"""The Connection Request URL and the local address towards the ACS."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from tr069_cpe.cwmp.network import connection_request_url, local_address_towards


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("192.168.1.5", "http://192.168.1.5:7547/p"),
        ("gw.example", "http://gw.example:7547/p"),
        ("gw.example:30000", "http://gw.example:30000/p"),
        ("203.0.113.9:8080", "http://203.0.113.9:8080/p"),
        ("fe80::1", "http://[fe80::1]:7547/p"),
        ("[2001:db8::2]", "http://[2001:db8::2]:7547/p"),
        ("[2001:db8::2]:9000", "http://[2001:db8::2]:9000/p"),
    ],
)
def test_connection_request_url(host: str, url: str) -> None:
    assert connection_request_url(host, 7547, "/p") == url


async def test_local_address_towards_loopback() -> None:
    assert await local_address_towards("http://127.0.0.1:7557/") == "127.0.0.1"


async def test_local_address_falls_back_when_unresolvable(monkeypatch: pytest.MonkeyPatch) -> None:
    # No real lookup: the Home Assistant test plugin (2026.9+) refuses name lookups outright.
    def unresolvable(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unresolvable)
    assert await local_address_towards("http://name.invalid/") == "127.0.0.1"
