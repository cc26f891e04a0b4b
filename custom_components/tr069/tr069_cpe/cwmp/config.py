"""What the agent is configured with: identity, ACS, the ways the ACS wakes it."""

from __future__ import annotations

from dataclasses import dataclass, field
import re

from .datamodel import ObjectSpec, ParameterSpec, RootObject
from .versions import CWMP_1_0
from .wakeup.gate import RateLimit

OUI_PATTERN = re.compile(r"[0-9A-F]{6}")
# The resource of the user's JID when it names none: a stable one keeps ConnReqJabberID.
DEFAULT_XMPP_RESOURCE = "tr069"


@dataclass(frozen=True, slots=True, kw_only=True)
class Identity:
    """Who the CPE is (DeviceInfo and the Inform's DeviceId)."""

    manufacturer: str
    oui: str
    product_class: str
    serial_number: str
    model_name: str = ""
    description: str = ""
    hardware_version: str = ""
    software_version: str = ""

    def __post_init__(self) -> None:
        if OUI_PATTERN.fullmatch(self.oui) is None:
            raise ValueError(f"OUI must be 6 upper-case hex digits, not {self.oui!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class XmppAccount:
    """The user's XMPP account for Connection Requests (TR-069 Annex K).

    It seeds ``XMPP.Connection.1`` (and its ``Server.1`` when a server is given:
    otherwise the server is found by DNS SRV of the JID's domain).
    """

    jid: str
    password: str
    server: str = ""
    port: int = 5222
    allowed_jids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        local, at, domain = self.jid.partition("/")[0].partition("@")
        if not (local and at and domain):
            raise ValueError(f"{self.jid!r} is not a JID (user@domain[/resource])")

    def parameters(self, root: RootObject) -> dict[str, str | int | bool]:
        """The XMPP parameters it sets, by path below the root."""
        bare, _, resource = self.jid.partition("/")
        username, _, domain = bare.partition("@")
        connection = "XMPP.Connection.1."
        return {
            f"{connection}Enable": True,
            f"{connection}Username": username,
            f"{connection}Domain": domain,
            f"{connection}Resource": resource or DEFAULT_XMPP_RESOURCE,
            f"{connection}Password": self.password,
            f"{connection}UseTLS": True,
            f"{connection}ServerConnectAlgorithm": "ServerTable" if self.server else "DNS-SRV",
            f"{connection}Server.1.Enable": bool(self.server),
            f"{connection}Server.1.ServerAddress": self.server,
            f"{connection}Server.1.Port": self.port,
            "ConnReqXMPPConnection": f"{root.value}.XMPP.Connection.1",
            "ConnReqAllowedJabberIDs": ",".join(self.allowed_jids),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class StunSettings:
    """The user's STUN settings for UDP Connection Requests (TR-069 Annex G)."""

    enable: bool
    server: str = ""
    port: int = 3478
    username: str = ""
    password: str = ""

    def parameters(self) -> dict[str, str | int | bool]:
        """The ManagementServer parameters they set."""
        return {
            "STUNEnable": self.enable,
            "STUNServerAddress": self.server,
            "STUNServerPort": self.port,
            "STUNUsername": self.username,
            "STUNPassword": self.password,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class AgentConfig:
    """Settings the user (or the headless runner's command line) gives the agent.

    The management values here are the user's: on first start they seed the
    data model, afterwards they override what the ACS set only when the user
    changes them.
    """

    identity: Identity
    acs_url: str
    acs_username: str = ""
    acs_password: str = ""
    verify_tls: bool = True
    ca_pem: str | None = None
    root: RootObject = RootObject.DEVICE
    periodic_inform_enable: bool = True
    periodic_inform_interval: int = 300
    connection_request_port: int = 7547
    # None: every interface, IPv4 and IPv6 (the advertised address may be either).
    connection_request_bind: str | None = None
    connection_request_host: str | None = None
    connection_request_username: str | None = None
    connection_request_password: str | None = None
    # UDP Connection Requests (while STUNEnable); 0: any free port.
    udp_connection_request_port: int = 7547
    xmpp: XmppAccount | None = None
    stun: StunSettings | None = None
    # DeviceInfo.ProvisioningCode as the user sets it (None: left to the ACS).
    provisioning_code: str | None = None
    rate_limit: RateLimit = field(default_factory=RateLimit)
    extensions: tuple[ParameterSpec | ObjectSpec, ...] = ()
    timeout: float = 30.0
    user_agent: str = "tr069-home-assistant"
    cwmp_namespace: str = CWMP_1_0
    time_zone: str = "UTC"
    """IANA name of the gateway's local zone: configuration files' times without a zone."""

    def management_settings(self) -> dict[str, str | int | bool]:
        """Values the user sets: ManagementServer parameter names, or paths below the root.

        A path names table instances (``XMPP.Connection.1.Username``), created
        when they do not exist.
        """
        settings: dict[str, str | int | bool] = {
            "URL": self.acs_url,
            "Username": self.acs_username,
            "Password": self.acs_password,
            "PeriodicInformEnable": self.periodic_inform_enable,
            "PeriodicInformInterval": self.periodic_inform_interval,
        }
        if self.connection_request_username is not None:
            settings["ConnectionRequestUsername"] = self.connection_request_username
        if self.connection_request_password is not None:
            settings["ConnectionRequestPassword"] = self.connection_request_password
        if self.stun is not None:
            settings.update(self.stun.parameters())
        if self.xmpp is not None:
            settings.update(self.xmpp.parameters(self.root))
        if self.provisioning_code is not None:
            settings["DeviceInfo.ProvisioningCode"] = self.provisioning_code
        return settings
