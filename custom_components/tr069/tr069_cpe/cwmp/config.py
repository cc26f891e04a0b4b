"""What the agent is configured with: identity, ACS, Connection Request server."""

from __future__ import annotations

from dataclasses import dataclass, field
import re

from .datamodel import ObjectSpec, ParameterSpec, RootObject
from .versions import CWMP_1_0
from .wakeup.gate import RateLimit

OUI_PATTERN = re.compile(r"[0-9A-F]{6}")


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
    rate_limit: RateLimit = field(default_factory=RateLimit)
    extensions: tuple[ParameterSpec | ObjectSpec, ...] = ()
    timeout: float = 30.0
    user_agent: str = "tr069-home-assistant"
    cwmp_namespace: str = CWMP_1_0

    def management_settings(self) -> dict[str, str | int | bool]:
        """ManagementServer values the user sets (parameter name → value)."""
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
        return settings
