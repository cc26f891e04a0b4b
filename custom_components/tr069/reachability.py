"""A repair issue when the operator cannot wake this gateway.

An ACS on the internet cannot open an HTTP Connection Request URL whose host is
a private or loopback address; unless XMPP or UDP (STUN) Connection Requests are
enabled, nothing the operator does takes effect before the next periodic Inform.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN
from .tr069_cpe import AgentStatus, WakeUpState


def unreachable_host(url: str) -> str | None:
    """The URL's host when it is a private, loopback or link-local address."""
    host = urlsplit(url).hostname
    if not host:
        return None
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if address.is_private or address.is_loopback or address.is_link_local:
        return host
    return None


class ReachabilityIssue:
    """Raises and clears the entry's "cannot wake this gateway" issue."""

    def __init__(self, hass: HomeAssistant, entry_id: str, title: str) -> None:
        self._hass = hass
        self._issue_id = f"cannot_wake_{entry_id}"
        self._title = title
        self._raised: str | None = None

    @callback
    def update(self, status: AgentStatus) -> None:
        """Raise the issue, or clear it, as the wake-up methods now stand."""
        others = any(
            item.method != "HTTP" and item.state is not WakeUpState.DISABLED
            for item in status.wake_up
        )
        host = None if others else unreachable_host(status.connection_request_url)
        if host == self._raised:
            return
        self._raised = host
        if host is None:
            ir.async_delete_issue(self._hass, DOMAIN, self._issue_id)
            return
        ir.async_create_issue(
            self._hass,
            DOMAIN,
            self._issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="cannot_wake",
            translation_placeholders={"title": self._title, "host": host},
        )

    @callback
    def clear(self) -> None:
        """The entry stops: so does its issue."""
        ir.async_delete_issue(self._hass, DOMAIN, self._issue_id)
        self._raised = None
