"""The XMPP and STUN sections of the config and options flows, and what they configure.

XMPP: the gateway's account (JID, password), its server (``host[:port]``; empty:
DNS SRV of the JID's domain) and the JIDs allowed to wake it (the ACS's). STUN:
whether to use it, its server (``host[:port]``; empty: the ACS's host) and
optional credentials. Both are what the operator usually provisions from the
ACS; the user's values seed the data model and win again only when changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.data_entry_flow import section
from homeassistant.helpers.selector import (
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from .const import (
    CONF_ALLOWED_JIDS,
    CONF_ENABLE,
    CONF_JID,
    CONF_SERVER,
    CONF_STUN,
    CONF_XMPP,
    DEFAULT_STUN_PORT,
    DEFAULT_XMPP_PORT,
)
from .tr069_cpe import StunSettings, XmppAccount, host_port

_PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))


def _suggested(defaults: Mapping[str, Any], key: str) -> dict[str, Any]:
    return {"suggested_value": defaults.get(key)}


def wake_up_fields(options: Mapping[str, Any]) -> dict[vol.Marker, Any]:
    """The two collapsed sections, filled from the current options."""
    xmpp: Mapping[str, Any] = options.get(CONF_XMPP, {})
    stun: Mapping[str, Any] = options.get(CONF_STUN, {})
    xmpp_schema = vol.Schema(
        {
            vol.Optional(CONF_JID, description=_suggested(xmpp, CONF_JID)): str,
            vol.Optional(CONF_PASSWORD, description=_suggested(xmpp, CONF_PASSWORD)): _PASSWORD,
            vol.Optional(CONF_SERVER, description=_suggested(xmpp, CONF_SERVER)): str,
            vol.Optional(CONF_ALLOWED_JIDS, description=_suggested(xmpp, CONF_ALLOWED_JIDS)): str,
        }
    )
    stun_schema = vol.Schema(
        {
            vol.Required(CONF_ENABLE, default=stun.get(CONF_ENABLE, False)): bool,
            vol.Optional(CONF_SERVER, description=_suggested(stun, CONF_SERVER)): str,
            vol.Optional(CONF_USERNAME, description=_suggested(stun, CONF_USERNAME)): str,
            vol.Optional(CONF_PASSWORD, description=_suggested(stun, CONF_PASSWORD)): _PASSWORD,
        }
    )
    return {
        # Home Assistant 2026.9's sections are typed for probatio schemas.
        vol.Optional(CONF_XMPP): section(xmpp_schema, {"collapsed": True}),  # type: ignore[arg-type,unused-ignore]
        vol.Optional(CONF_STUN): section(stun_schema, {"collapsed": True}),  # type: ignore[arg-type,unused-ignore]
    }


def wake_up_options(user_input: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The sections' options (only non-empty values kept), and errors by field."""
    options: dict[str, Any] = {}
    errors: dict[str, str] = {}
    xmpp = {key: value.strip() for key, value in user_input.get(CONF_XMPP, {}).items() if value}
    if xmpp:
        options[CONF_XMPP] = xmpp
        try:
            xmpp_account(options)
        except ValueError:
            errors[CONF_XMPP] = "invalid_xmpp"
    stun = dict(user_input.get(CONF_STUN, {}))
    if stun.get(CONF_ENABLE) or any(stun.get(key) for key in (CONF_SERVER, CONF_USERNAME)):
        options[CONF_STUN] = {key: value for key, value in stun.items() if value != ""}
        try:
            stun_settings(options)
        except ValueError:
            errors[CONF_STUN] = "invalid_stun"
    return options, errors


def xmpp_account(options: Mapping[str, Any]) -> XmppAccount | None:
    """The XMPP account of the options (None: not configured); ValueError when invalid."""
    xmpp: Mapping[str, Any] = options.get(CONF_XMPP, {})
    if not xmpp.get(CONF_JID):
        if xmpp:
            raise ValueError("an XMPP account needs a JID")
        return None
    server, port = ("", DEFAULT_XMPP_PORT)
    if xmpp.get(CONF_SERVER):
        server, port = host_port(xmpp[CONF_SERVER], DEFAULT_XMPP_PORT)
    allowed = [jid.strip() for jid in xmpp.get(CONF_ALLOWED_JIDS, "").split(",") if jid.strip()]
    return XmppAccount(
        jid=xmpp[CONF_JID],
        password=xmpp.get(CONF_PASSWORD, ""),
        server=server,
        port=port,
        allowed_jids=tuple(allowed),
    )


def stun_settings(options: Mapping[str, Any]) -> StunSettings | None:
    """The STUN settings of the options (None: not configured); ValueError when invalid."""
    stun: Mapping[str, Any] = options.get(CONF_STUN, {})
    if not stun:
        return None
    server, port = ("", DEFAULT_STUN_PORT)
    if stun.get(CONF_SERVER):
        server, port = host_port(stun[CONF_SERVER], DEFAULT_STUN_PORT)
    return StunSettings(
        enable=bool(stun.get(CONF_ENABLE, False)),
        server=server,
        port=port,
        username=stun.get(CONF_USERNAME, ""),
        password=stun.get(CONF_PASSWORD, ""),
    )
