"""Checking, before anything starts, that the demo's ports are free."""

from __future__ import annotations

import socket

from .console import DemoError
from .settings import HOST, Ports

ALL_ADDRESSES = "0.0.0.0"  # noqa: S104 - only to test that the port is free


def _in_use(host: str, port: int) -> OSError | None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as err:
            return err
    return None


def check_ports(ports: Ports) -> None:
    """Raise :class:`DemoError` naming every port that is taken and who needs it."""
    wanted = [
        (HOST, ports.home_assistant, "Home Assistant", "--ha-port"),
        (HOST, ports.acs, "the local ACS", "--acs-port"),
        # The integration's Connection Request server listens on all addresses.
        (
            ALL_ADDRESSES,
            ports.connection_request,
            "the gateway's Connection Request server",
            "--cr-port",
        ),
    ]
    problems = [
        f"  port {port} ({what}) on {host} is in use: {err.strerror}; free it or pass {flag} N"
        for host, port, what, flag in wanted
        if (err := _in_use(host, port)) is not None
    ]
    if problems:
        raise DemoError(
            "Cannot start: a port the demo needs is already in use.\n"
            + "\n".join(problems)
            + "\n  (Is another demo or Home Assistant still running? "
            "`ss -ltnp` shows who listens.)"
        )
