"""Finding the address the ACS can reach this CPE at; reading ``host[:port]``."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from urllib.parse import urlsplit

_LOGGER = logging.getLogger(__name__)


async def local_address_towards(url: str) -> str:
    """The local IP address the system would use to reach the host of ``url``.

    A UDP socket is "connected" (no packet is sent) and asked for its address.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or "127.0.0.1"
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as err:
        _LOGGER.warning("Cannot tell the local address towards an invalid URL (%s)", err)
        return "127.0.0.1"
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_DGRAM)
        family, _, _, _, address = infos[0]
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.setblocking(False)
            probe.connect(address)
            return str(probe.getsockname()[0])
    except (OSError, IndexError) as err:
        _LOGGER.warning("Cannot tell the local address towards %s (%s); using 127.0.0.1", host, err)
        return "127.0.0.1"


def connection_request_url(host: str, port: int, path: str) -> str:
    """``http://host:port/path``; ``host`` may carry its own port (NAT, Docker)."""
    if host.startswith("["):
        authority = host if "]:" in host else f"{host}:{port}"
    elif _is_ipv6(host):
        authority = f"[{host}]:{port}"
    elif ":" in host:
        authority = host
    else:
        authority = f"{host}:{port}"
    return f"http://{authority}/{path.lstrip('/')}"


def host_port(text: str, default_port: int) -> tuple[str, int]:
    """``host[:port]`` (an IPv6 address in brackets); ValueError when it is not one."""
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest.removeprefix(":")
    else:
        host, _, port = text.partition(":")
    number = int(port) if port else default_port
    if not host or not 0 < number < 65536:
        raise ValueError(f"{text!r} is not host[:port]")
    return host, number


def _is_ipv6(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).version == 6
    except ValueError:
        return False
