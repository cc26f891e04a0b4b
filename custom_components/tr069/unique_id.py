"""Stable identities of a gateway: its config entry, its devices and its entities.

They come from what the ACS knows the gateway by (OUI, ProductClass, SerialNumber, as
in GenieACS's device ID) and the ACS's host, never from the config entry's ID (a gateway
removed and added again gets its devices, entities and their history back) and never
from credentials. Free-text parts are percent-encoded, so no serial number or reading
name can make two identities collide.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from .const import (
    CONF_ACS_URL,
    CONF_IDENTITY,
    CONF_OUI,
    CONF_PRODUCT_CLASS,
    CONF_SERIAL_NUMBER,
    DEFAULT_OUI,
    DEFAULT_PRODUCT_CLASS,
    DOMAIN,
)

_DEFAULT_PORTS = {"http": 80, "https": 443}
_METER = "/meter/"


def _encoded(text: str) -> str:
    return quote(text, safe="")


def acs_host(url: str) -> str:
    """The ACS's ``host[:port]``: lower case, without user info or the scheme's default port.

    Raises ValueError for a port that is not a number.
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    return host


def _gateway_key(oui: str, product_class: str, serial_number: str, acs_url: str) -> str:
    """The gateway: its config entry's unique ID and its device's identifier."""
    return f"{oui}-{_encoded(product_class)}-{_encoded(serial_number)}@{acs_host(acs_url)}"


def unique_id_for(data: Mapping[str, Any]) -> str:
    """The unique ID of a config entry with this data: one entry per gateway and ACS host."""
    identity = data[CONF_IDENTITY]
    return _gateway_key(
        identity.get(CONF_OUI, DEFAULT_OUI),
        identity.get(CONF_PRODUCT_CLASS, DEFAULT_PRODUCT_CLASS),
        identity[CONF_SERIAL_NUMBER],
        data[CONF_ACS_URL],
    )


def gateway_entity_id(gateway: str, key: str) -> str:
    """Unique ID of one of the gateway's own entities."""
    return f"{gateway}/{key}"


def meter_identifier(gateway: str, serial: str) -> str:
    """Device identifier of a meter behind the gateway."""
    return f"{gateway}{_METER}{_encoded(serial)}"


def meter_serial(gateway: str, identifier: str) -> str | None:
    """The serial number in a meter's device identifier (None: not a meter of this gateway)."""
    prefix = f"{gateway}{_METER}"
    if not identifier.startswith(prefix):
        return None
    return unquote(identifier.removeprefix(prefix))


def meter_serial_of(gateway: str, identifiers: Iterable[tuple[str, str]]) -> str | None:
    """The serial of the meter a device of this gateway stands for (None: not a meter)."""
    for domain, identifier in identifiers:
        if domain == DOMAIN and (serial := meter_serial(gateway, identifier)) is not None:
            return serial
    return None


def reading_entity_id(gateway: str, serial: str, reading: str) -> str:
    """Unique ID of the sensor of one reading of a meter."""
    return f"{meter_identifier(gateway, serial)}/{_encoded(reading)}"
