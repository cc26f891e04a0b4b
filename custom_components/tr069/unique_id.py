"""One config entry per gateway: the (ACS URL, serial number) pair."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .const import CONF_ACS_URL, CONF_IDENTITY, CONF_SERIAL_NUMBER


def unique_id_for(data: Mapping[str, Any]) -> str:
    """One entry per (ACS URL, serial number).

    Scheme and host are case-insensitive, the path is not (``/CWMP`` is not ``/cwmp``).
    """
    parts = urlsplit(data[CONF_ACS_URL].strip())
    url = urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), parts.query, "")
    )
    return f"{data[CONF_IDENTITY][CONF_SERIAL_NUMBER]}@{url}"
