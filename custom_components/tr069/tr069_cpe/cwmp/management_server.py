"""ManagementServer as the agent sees it: typed reads and the writes the CPE makes itself."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
import logging
from typing import Final

from .datamodel import DataModel, RootObject, Source, Value
from .datamodel.device import STUN_PORT
from .datamodel.spec import list_items

_LOGGER = logging.getLogger(__name__)

# The settings that decide when periodic Informs happen.
PERIODIC_SETTINGS: Final = frozenset(
    {"PeriodicInformEnable", "PeriodicInformInterval", "PeriodicInformTime"}
)


class ManagementServer:
    """``{root}.ManagementServer.`` of one data model."""

    def __init__(self, datamodel: DataModel, root: RootObject) -> None:
        self._datamodel = datamodel
        self.path = f"{root.value}.ManagementServer."

    def name_of(self, path: str) -> str | None:
        """The parameter's name when ``path`` is one of ManagementServer's, else None."""
        return path[len(self.path) :] if path.startswith(self.path) else None

    def _value(self, name: str) -> Value:
        return self._datamodel.value(self.path + name)

    def _int(self, name: str) -> int:
        return self._datamodel.int_value(self.path + name)

    def _text(self, name: str) -> str:
        return self._datamodel.text_value(self.path + name)

    @property
    def url(self) -> str:
        """URL: the ACS in effect."""
        return self._text("URL")

    def acs_credentials(self) -> tuple[str, str]:
        """Username and Password towards the ACS."""
        return self._text("Username"), self._text("Password")

    def connection_request_credentials(self) -> tuple[str, str]:
        """ConnectionRequestUsername and ConnectionRequestPassword."""
        return self._text("ConnectionRequestUsername"), self._text("ConnectionRequestPassword")

    @property
    def periodic_inform_enable(self) -> bool:
        """PeriodicInformEnable."""
        return bool(self._value("PeriodicInformEnable"))

    @property
    def periodic_inform_interval(self) -> int:
        """PeriodicInformInterval, in seconds."""
        return self._int("PeriodicInformInterval")

    @property
    def periodic_inform_time(self) -> datetime | None:
        """PeriodicInformTime: the phase of periodic Informs, if one is set."""
        value = self._value("PeriodicInformTime")
        return value if isinstance(value, datetime) else None

    @property
    def retry_minimum_wait(self) -> int:
        """CWMPRetryMinimumWaitInterval, in seconds."""
        return self._int("CWMPRetryMinimumWaitInterval")

    @property
    def retry_multiplier(self) -> int:
        """CWMPRetryIntervalMultiplier, in thousandths."""
        return self._int("CWMPRetryIntervalMultiplier")

    @property
    def notification_throttle(self) -> int:
        """DefaultActiveNotificationThrottle, in seconds."""
        return self._int("DefaultActiveNotificationThrottle")

    @property
    def gzip(self) -> bool:
        """HTTPCompression asks for gzip bodies."""
        return self._value("HTTPCompression") == "GZIP"

    # ------------------------------------------------------------------ STUN (Annex G)
    @property
    def stun_enable(self) -> bool:
        """STUNEnable."""
        return bool(self._value("STUNEnable"))

    def stun_server(self) -> tuple[str, int]:
        """STUNServerAddress (the ACS URL's host when empty) and STUNServerPort (3478 for 0)."""
        return self._text("STUNServerAddress"), self._int("STUNServerPort") or STUN_PORT

    def stun_credentials(self) -> tuple[str, str]:
        """STUNUsername and STUNPassword."""
        return self._text("STUNUsername"), self._text("STUNPassword")

    def stun_keep_alive_bounds(self) -> tuple[int, int]:
        """STUNMinimumKeepAlivePeriod and STUNMaximumKeepAlivePeriod (-1: no maximum)."""
        return self._int("STUNMinimumKeepAlivePeriod"), self._int("STUNMaximumKeepAlivePeriod")

    @property
    def udp_address_notification_limit(self) -> int:
        """UDPConnectionRequestAddressNotificationLimit (TR-098; 0 where there is none)."""
        node = self._datamodel.node(self.path + "UDPConnectionRequestAddressNotificationLimit")
        return self._int("UDPConnectionRequestAddressNotificationLimit") if node else 0

    @property
    def udp_connection_request_address(self) -> str:
        """UDPConnectionRequestAddress."""
        return self._text("UDPConnectionRequestAddress")

    def set_udp_binding(self, address: str, nat_detected: bool) -> None:
        """UDPConnectionRequestAddress and NATDetected, as STUN found them."""
        self._datamodel.set_many_local(
            {
                self.path + "UDPConnectionRequestAddress": address,
                self.path + "NATDetected": nat_detected,
            }
        )

    # ------------------------------------------------------------------ XMPP (Annex K)
    @property
    def conn_req_xmpp_connection(self) -> str:
        """ConnReqXMPPConnection: the XMPP.Connection row used (no trailing dot)."""
        return self._text("ConnReqXMPPConnection").removesuffix(".")

    @property
    def conn_req_allowed_jabber_ids(self) -> list[str]:
        """ConnReqAllowedJabberIDs (empty: any JID may send Connection Requests)."""
        return list_items(self._text("ConnReqAllowedJabberIDs"))

    @property
    def conn_req_jabber_id(self) -> str:
        """ConnReqJabberID."""
        return self._text("ConnReqJabberID")

    def set_conn_req_jabber_id(self, jid: str) -> None:
        """ConnReqJabberID, from the XMPP connection's JabberID."""
        self._datamodel.set_local(self.path + "ConnReqJabberID", jid)

    def set_supported_conn_req_methods(self, methods: list[str]) -> None:
        """SupportedConnReqMethods."""
        self._datamodel.set_local(self.path + "SupportedConnReqMethods", ",".join(methods))

    def set_parameter_key(self, key: str) -> None:
        """ParameterKey, recorded for a successful change the ACS made."""
        node = self._datamodel.parameter(self.path + "ParameterKey")
        node.spec.check(key)
        self._datamodel.set_many_local({node.path: key}, Source.ACS)

    def set_connection_request_url(self, url: str) -> None:
        """ConnectionRequestURL, from the HTTP Connection Request server."""
        self._datamodel.set_local(self.path + "ConnectionRequestURL", url)

    def seed(self, values: Mapping[str, Value]) -> None:
        """Values the CPE sets itself (the user's settings).

        A name without a dot is ManagementServer's; one with dots is a path below
        the root, whose missing table instances are created first. A value the data
        model refuses (too long, a control character) is left out.
        """
        root = self.path.partition(".")[0] + "."
        accepted: dict[str, Value] = {}
        for name, value in values.items():
            if "." in name:
                self._create_instances(root + name)
            node = self._datamodel.parameter((root if "." in name else self.path) + name)
            try:
                node.spec.check(value)
            except ValueError as err:
                shown = "the value" if node.spec.hidden else repr(value)[:80]
                message = "%s cannot be set to %s: %s"
                _LOGGER.error(message, node.path, shown, err)  # noqa: TRY400 - no trace
                continue
            accepted[node.path] = value
        self._datamodel.set_many_local(accepted)

    def _create_instances(self, path: str) -> None:
        """The table instances on the way to ``path`` (``...Connection.1.Server.1.``)."""
        parts = path.split(".")
        for end in range(1, len(parts) - 1):
            if not parts[end].isdigit():
                continue
            table = ".".join(parts[:end]) + "."
            if self._datamodel.node(f"{table}{parts[end]}.") is None:
                self._datamodel.add_instance(table, Source.LOCAL, int(parts[end]))
