"""The standard part of the data model: root object, DeviceInfo and ManagementServer.

Types, ranges, access, forced inform and active-notification rules follow the
BBF definitions (TR-181 Device:2.17 and TR-098 InternetGatewayDevice:1.14);
a test checks every definition here against those XML files.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from .spec import ActiveNotify, ObjectSpec, ParameterSpec
from .types import UNKNOWN_TIME, ParamType

ROOT_DATA_MODEL_VERSION: Final = "2.17"
# TR-106's DeviceSummary: the root object and version, with no profile claimed
# (this CPE has DeviceInfo and ManagementServer, not TR-098's Baseline profile).
DEVICE_SUMMARY: Final = "InternetGatewayDevice:1.14[]()"
STUN_PORT: Final = 3478
XMPP_PORT: Final = 5222
# RFC 7622: local, domain and resource parts of at most 1023 bytes each.
JID_LENGTH: Final = 3071
# The ways of finding the XMPP server this CPE offers (TR-181 lists WebSocket too).
XMPP_CONNECT_ALGORITHMS: Final = ("DNS-SRV", "DNS", "ServerTable")
XMPP_STATUSES: Final = (
    "Enabled",
    "Disabled",
    "Unknown",
    "Dormant",
    "Connecting",
    "ServerNotPresent",
    "Error_Misconfigured",
    "Error_AuthenticationFailure",
    "Error",
)
# Bounds on what the ACS may create (one connection is what Connection Requests use).
MAX_XMPP_CONNECTIONS: Final = 4
MAX_XMPP_SERVERS: Final = 8


class RootObject(StrEnum):
    """The data model's root: TR-181 (default) or TR-098."""

    DEVICE = "Device"
    INTERNET_GATEWAY_DEVICE = "InternetGatewayDevice"


def _text(name: str, max_length: int, **kwargs: object) -> ParameterSpec:
    return ParameterSpec(name=name, max_length=max_length, **kwargs)  # type: ignore[arg-type]


def _device_info(root: RootObject) -> ObjectSpec:
    # Values from the agent's configuration; persisted so that a change shows.
    constant = {"persist": True}
    spec_version: tuple[ParameterSpec, ...] = ()
    if root is RootObject.INTERNET_GATEWAY_DEVICE:
        spec_version = (_text("SpecVersion", 16, forced_inform=True, default="1.0", persist=False),)
    return ObjectSpec(
        name="DeviceInfo",
        children=(
            *spec_version,
            _text("Manufacturer", 64, **constant),
            ParameterSpec(
                name="ManufacturerOUI",
                min_length=6,
                max_length=6,
                pattern="[0-9A-F]{6}",
                persist=True,
            ),
            _text("ModelName", 64, **constant),
            _text("Description", 256, **constant),
            _text("ProductClass", 64, **constant),
            _text("SerialNumber", 64, **constant),
            _text("HardwareVersion", 64, forced_inform=True, **constant),
            _text(
                "SoftwareVersion",
                64,
                forced_inform=True,
                active_notify=ActiveNotify.FORCE_ENABLED,
                persist=True,
            ),
            _text(
                "ProvisioningCode",
                64,
                writable=True,
                forced_inform=True,
                active_notify=ActiveNotify.FORCE_ENABLED,
            ),
            ParameterSpec(
                name="UpTime", type=ParamType.UNSIGNED_INT, active_notify=ActiveNotify.CAN_DENY
            ),
        ),
    )


def _management_server(root: RootObject, url_length: int) -> ObjectSpec:
    unsigned = ParamType.UNSIGNED_INT
    return ObjectSpec(
        name="ManagementServer",
        children=(
            _text("URL", url_length, writable=True),
            _text("Username", 256, writable=True),
            _text("Password", 256, writable=True, hidden=True),
            ParameterSpec(
                name="PeriodicInformEnable", type=ParamType.BOOLEAN, writable=True, default=True
            ),
            ParameterSpec(
                name="PeriodicInformInterval",
                type=unsigned,
                writable=True,
                minimum=1,
                default=300,
            ),
            ParameterSpec(
                name="PeriodicInformTime",
                type=ParamType.DATETIME,
                writable=True,
                default=UNKNOWN_TIME,
            ),
            _text(
                "ParameterKey",
                32,
                forced_inform=True,
                active_notify=ActiveNotify.CAN_DENY,
                persist=True,
            ),
            _text(
                "ConnectionRequestURL",
                url_length,
                forced_inform=True,
                active_notify=ActiveNotify.FORCE_DEFAULT_ENABLED,
                persist=True,
            ),
            _text("ConnectionRequestUsername", 256, writable=True),
            _text("ConnectionRequestPassword", 256, writable=True, hidden=True),
            ParameterSpec(name="UpgradesManaged", type=ParamType.BOOLEAN, writable=True),
            ParameterSpec(name="DefaultActiveNotificationThrottle", type=unsigned, writable=True),
            ParameterSpec(
                name="CWMPRetryMinimumWaitInterval",
                type=unsigned,
                writable=True,
                minimum=1,
                maximum=65535,
                default=5,
            ),
            ParameterSpec(
                name="CWMPRetryIntervalMultiplier",
                type=unsigned,
                writable=True,
                minimum=1000,
                maximum=65535,
                default=2000,
            ),
            *_stun(root),
            ParameterSpec(
                name="AliasBasedAddressing",
                type=ParamType.BOOLEAN,
                forced_inform=True,
                persist=False,
            ),
            *_xmpp_connection_requests(),
            ParameterSpec(
                name="HTTPCompressionSupported", is_list=True, default="GZIP", persist=False
            ),
            ParameterSpec(
                name="HTTPCompression",
                writable=True,
                enumeration=("Disabled", "GZIP"),
                default="Disabled",
            ),
        ),
    )


def _stun(root: RootObject) -> tuple[ParameterSpec, ...]:
    """UDP Connection Requests through STUN (TR-069 Annex G, TR-111 Part 2)."""
    unsigned = ParamType.UNSIGNED_INT
    # TR-181 dropped the notification limit; TR-098 still has it.
    limit: tuple[ParameterSpec, ...] = ()
    if root is RootObject.INTERNET_GATEWAY_DEVICE:
        limit = (
            ParameterSpec(
                name="UDPConnectionRequestAddressNotificationLimit", type=unsigned, writable=True
            ),
        )
    return (
        _text("UDPConnectionRequestAddress", 256, persist=True),
        *limit,
        ParameterSpec(name="STUNEnable", type=ParamType.BOOLEAN, writable=True),
        _text("STUNServerAddress", 256, writable=True),
        ParameterSpec(
            name="STUNServerPort",
            type=unsigned,
            writable=True,
            minimum=0,
            maximum=65535,
            default=STUN_PORT,
        ),
        _text("STUNUsername", 256, writable=True),
        _text("STUNPassword", 256, writable=True, hidden=True),
        ParameterSpec(
            name="STUNMaximumKeepAlivePeriod",
            type=ParamType.INT,
            writable=True,
            minimum=-1,
            default=-1,
        ),
        ParameterSpec(name="STUNMinimumKeepAlivePeriod", type=unsigned, writable=True),
        ParameterSpec(name="NATDetected", type=ParamType.BOOLEAN, persist=True),
    )


def _xmpp_connection_requests() -> tuple[ParameterSpec, ...]:
    """XMPP Connection Requests (TR-069 Annex K) and the supported methods."""
    return (
        ParameterSpec(
            name="SupportedConnReqMethods",
            is_list=True,
            enumeration=("HTTP", "STUN", "XMPP"),
            default="HTTP",
            persist=False,
        ),
        # A reference to an XMPP.Connection row (checked by the XMPP wake-up method).
        _text("ConnReqXMPPConnection", 256, writable=True),
        ParameterSpec(
            name="ConnReqAllowedJabberIDs",
            writable=True,
            is_list=True,
            max_items=32,
            max_length=256,
        ),
        _text(
            "ConnReqJabberID",
            JID_LENGTH,
            active_notify=ActiveNotify.FORCE_DEFAULT_ENABLED,
            persist=True,
        ),
    )


def _xmpp(root: RootObject) -> ObjectSpec:
    """``XMPP.``: the connections to XMPP servers and each one's server table."""
    unsigned = ParamType.UNSIGNED_INT
    algorithms: tuple[ParameterSpec, ...] = ()
    connect_algorithms: tuple[str, ...] = XMPP_CONNECT_ALGORITHMS
    if root is RootObject.INTERNET_GATEWAY_DEVICE:
        connect_algorithms = ("DNS-SRV", "ServerTable")
    else:
        algorithms = (
            ParameterSpec(
                name="SupportedServerConnectAlgorithms",
                is_list=True,
                default=",".join(XMPP_CONNECT_ALGORITHMS),
                persist=False,
            ),
        )
    server = ObjectSpec(
        name="Server",
        multi_instance=True,
        writable=True,
        max_entries=MAX_XMPP_SERVERS,
        count_parameter="ServerNumberOfEntries",
        children=(
            ParameterSpec(name="Enable", type=ParamType.BOOLEAN, writable=True),
            ParameterSpec(name="Priority", type=unsigned, writable=True, minimum=0, maximum=65535),
            ParameterSpec(
                name="Weight", type=ParamType.LONG, writable=True, minimum=-1, maximum=65535
            ),
            _text("ServerAddress", 256, writable=True),
            ParameterSpec(
                name="Port",
                type=unsigned,
                writable=True,
                minimum=0,
                maximum=65535,
                default=XMPP_PORT,
            ),
        ),
    )
    connection = ObjectSpec(
        name="Connection",
        multi_instance=True,
        writable=True,
        max_entries=MAX_XMPP_CONNECTIONS,
        count_parameter="ConnectionNumberOfEntries",
        children=(
            ParameterSpec(name="Enable", type=ParamType.BOOLEAN, writable=True),
            _text("Username", 256, writable=True),
            _text("Password", 256, writable=True, hidden=True),
            _text("Domain", 64, writable=True),
            _text("Resource", 64, writable=True),
            _text("JabberID", JID_LENGTH, persist=False),
            ParameterSpec(
                name="Status", enumeration=XMPP_STATUSES, default="Disabled", persist=False
            ),
            ParameterSpec(name="LastChangeDate", type=ParamType.DATETIME, persist=False),
            ParameterSpec(
                name="ServerConnectAlgorithm",
                writable=True,
                enumeration=connect_algorithms,
                default="DNS-SRV",
            ),
            ParameterSpec(
                name="KeepAliveInterval",
                type=ParamType.LONG,
                writable=True,
                minimum=-1,
                default=-1,
            ),
            ParameterSpec(name="ServerConnectAttempts", type=unsigned, writable=True, default=16),
            ParameterSpec(
                name="ServerRetryInitialInterval",
                type=unsigned,
                writable=True,
                minimum=1,
                maximum=65535,
                default=60,
            ),
            ParameterSpec(
                name="ServerRetryIntervalMultiplier",
                type=unsigned,
                writable=True,
                minimum=1000,
                maximum=65535,
                default=2000,
            ),
            ParameterSpec(
                name="ServerRetryMaxInterval",
                type=unsigned,
                writable=True,
                minimum=1,
                default=30720,
            ),
            ParameterSpec(name="UseTLS", type=ParamType.BOOLEAN, writable=True),
            ParameterSpec(name="TLSEstablished", type=ParamType.BOOLEAN, persist=False),
            ParameterSpec(name="ServerNumberOfEntries", type=unsigned),
            server,
        ),
    )
    return ObjectSpec(
        name="XMPP",
        children=(
            ParameterSpec(name="ConnectionNumberOfEntries", type=unsigned),
            *algorithms,
            connection,
        ),
    )


def root_spec(
    root: RootObject, extensions: tuple[ParameterSpec | ObjectSpec, ...] = ()
) -> ObjectSpec:
    """The root object with the standard objects and any vendor extensions."""
    if root is RootObject.DEVICE:
        head: tuple[ParameterSpec | ObjectSpec, ...] = (
            ParameterSpec(
                name="RootDataModelVersion",
                max_length=32,
                pattern=r"2\.\d+",
                forced_inform=True,
                default=ROOT_DATA_MODEL_VERSION,
                persist=False,
            ),
        )
        url_length = 2048
    else:
        head = (
            _text("DeviceSummary", 1024, forced_inform=True, default=DEVICE_SUMMARY, persist=False),
        )
        url_length = 256
    return ObjectSpec(
        name=root.value,
        children=(
            *head,
            _device_info(root),
            _management_server(root, url_length),
            _xmpp(root),
            *extensions,
        ),
    )
