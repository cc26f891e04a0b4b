"""Network namespaces: a home LAN behind a NAT router, and the internet beside it.

::

    home-S  hv0 192.168.77.2 ── rv0 192.168.77.1  rtr-S  rv1 203.0.113.1 ── iv0 203.0.113.10  inet-S
            default via .1                         forwarding, MASQUERADE out of rv1        no route home

The router forwards only home → internet and the answers (a home router's
firewall); the internet has no route into the home LAN at all. Namespaces are
per thread: :func:`local_acs.daemon.in_netns` moves the calling thread for a moment (sockets keep
the namespace they were created in); :class:`LoopThread` runs an asyncio loop
whose thread lives in a namespace; daemons run through ``ip netns exec``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Coroutine
from dataclasses import dataclass
import secrets
import subprocess
import threading
from typing import Any, TypeVar

from local_acs.daemon import Netns, netns_command

from .programs import require

T = TypeVar("T")

HOME_ADDRESS = "192.168.77.2"
ROUTER_LAN = "192.168.77.1"
ROUTER_WAN = "203.0.113.1"
INTERNET_ADDRESS = "203.0.113.10"


def _run(*command: str) -> str:
    result = subprocess.run(command, check=True, capture_output=True, text=True, timeout=30)
    return result.stdout


def namespaces_permitted() -> str | None:
    """None when this process may create network namespaces, else why not."""
    name = f"probe-{secrets.token_hex(3)}"
    ip = require("ip", "iproute2")
    try:
        _run(ip, "netns", "add", name)
    except subprocess.CalledProcessError as err:
        return err.stderr.strip() or str(err)
    _run(ip, "netns", "del", name)
    return None


@dataclass
class NatNetwork:
    """The three namespaces; :meth:`up` builds them, :meth:`down` removes them."""

    suffix: str

    @property
    def home(self) -> str:
        """The namespace of the gateway (behind the NAT)."""
        return f"home-{self.suffix}"

    @property
    def router(self) -> str:
        """The NAT router's namespace."""
        return f"rtr-{self.suffix}"

    @property
    def internet(self) -> str:
        """The namespace of the ACS, the XMPP server and the STUN server."""
        return f"inet-{self.suffix}"

    def up(self) -> None:
        """Create namespaces, links, addresses, routes and the NAT (removed again on failure)."""
        ip = require("ip", "iproute2")
        iptables = require("iptables", "iptables")
        require("conntrack", "conntrack")
        try:
            for name in (self.home, self.router, self.internet):
                _run(ip, "netns", "add", name)
                _run(ip, "-n", name, "link", "set", "lo", "up")
            _run(ip, "link", "add", "hv0", "netns", self.home, "type", "veth",
                 "peer", "name", "rv0", "netns", self.router)  # fmt: skip
            _run(ip, "link", "add", "rv1", "netns", self.router, "type", "veth",
                 "peer", "name", "iv0", "netns", self.internet)  # fmt: skip
            for name, device, address in (
                (self.home, "hv0", HOME_ADDRESS),
                (self.router, "rv0", ROUTER_LAN),
                (self.router, "rv1", ROUTER_WAN),
                (self.internet, "iv0", INTERNET_ADDRESS),
            ):
                _run(ip, "-n", name, "addr", "add", f"{address}/24", "dev", device)
                _run(ip, "-n", name, "link", "set", device, "up")
            _run(ip, "-n", self.home, "route", "add", "default", "via", ROUTER_LAN)
            self.router_run("sysctl", "-qw", "net.ipv4.ip_forward=1")
            self.router_run(iptables, "-t", "nat", "-A", "POSTROUTING", "-o", "rv1",
                            "-j", "MASQUERADE")  # fmt: skip
            self.router_run(iptables, "-P", "FORWARD", "DROP")
            self.router_run(iptables, "-A", "FORWARD", "-m", "conntrack", "--ctstate",
                            "ESTABLISHED,RELATED", "-j", "ACCEPT")  # fmt: skip
            self.router_run(iptables, "-A", "FORWARD", "-i", "rv0", "-o", "rv1", "-j", "ACCEPT")
        except BaseException:
            self.down()
            raise

    def router_run(self, *command: str) -> str:
        """A command in the router's namespace."""
        return _run(*netns_command(self.router), *command)

    def udp_timeouts(self, seconds: int) -> None:
        """How long the router keeps an idle UDP binding."""
        self.router_run(
            "sysctl",
            "-qw",
            f"net.netfilter.nf_conntrack_udp_timeout={seconds}",
            f"net.netfilter.nf_conntrack_udp_timeout_stream={seconds}",
        )

    def change_udp_bindings(self, ports: str = "40000-40999") -> None:
        """New public ports for UDP (from ``ports``), and the current UDP bindings forgotten."""
        iptables = require("iptables", "iptables")
        self.router_run(iptables, "-t", "nat", "-I", "POSTROUTING", "1", "-o", "rv1", "-p", "udp",
                        "-j", "MASQUERADE", "--to-ports", ports)  # fmt: skip
        self.router_run(require("conntrack", "conntrack"), "-D", "-p", "udp")

    def down(self) -> None:
        """Remove the namespaces (their links go with them)."""
        ip = require("ip", "iproute2")
        for name in (self.home, self.router, self.internet):
            subprocess.run([ip, "netns", "del", name], capture_output=True, check=False, timeout=30)


class LoopThread:
    """An asyncio loop in a thread that lives in a network namespace.

    Everything its coroutines create (servers, clients, datagram endpoints) is in
    that namespace. :meth:`run` awaits a coroutine there from another loop.
    """

    def __init__(self, netns: str) -> None:
        self.netns = netns
        self.loop = asyncio.new_event_loop()
        self._error: BaseException | None = None
        ready = threading.Event()
        self._thread = threading.Thread(
            target=self._main, args=(ready,), name=f"loop-{netns}", daemon=True
        )
        self._thread.start()
        ready.wait(10)
        if self._error is not None:
            raise self._error

    def _main(self, ready: threading.Event) -> None:
        try:
            Netns(self.netns).enter()
        except BaseException as err:
            self._error = err
            ready.set()
            return
        asyncio.set_event_loop(self.loop)
        ready.set()
        self.loop.run_forever()

    def run(self, work: Coroutine[Any, Any, T]) -> Awaitable[T]:
        """Run a coroutine on this loop; await the result from the caller's loop."""
        return asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work, self.loop))

    def stop(self) -> None:
        """Cancel what still runs there, stop the loop, join the thread."""

        async def cancel_all() -> None:
            tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(cancel_all(), self.loop).result(10)
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(10)
        self.loop.close()
