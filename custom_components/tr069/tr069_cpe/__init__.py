"""tr069_cpe: a TR-069 (CWMP) CPE agent with the meters behind it, without Home Assistant.

This module is the front door: Home Assistant's integration and the headless
runner (``python -m tr069_cpe``) import the core only from here.
:func:`build_gateway` composes the agent, its meters and the ways the ACS wakes
it up; everything else exported is what a host needs to configure it, persist
its state and show what it does.
"""

from .builder import Gateway, build_gateway
from .cwmp.agent import CpeAgent
from .cwmp.config import OUI_PATTERN, AgentConfig, Identity, StunSettings, XmppAccount
from .cwmp.cpe_requests import RequestDownloadOutcome
from .cwmp.datamodel import RootObject, Source
from .cwmp.network import host_port
from .cwmp.redaction import is_secret_name, redact_url
from .cwmp.state import (
    JsonFileStateStore,
    MemoryStateStore,
    StateStore,
    StateStoreError,
    StateUnreadable,
)
from .cwmp.status import AgentStatus, SessionOutcome
from .cwmp.wakeup import WakeUpState, WakeUpStatus
from .meters.catalog import Presentation, presentation
from .meters.gateway import (
    VENDOR_CONFIGURATION_FILE,
    MeterGateway,
    MeterUpdate,
    profile_file_type,
)
from .meters.model import MeterKind
from .meters.outcome import Outcome
from .meters.plan import ApplyResult
from .meters.profile_folder import install_profiles, read_profile_folder
from .meters.report import ConfigurationReport, ReportKind
from .meters.table import MeterView
from .version import VERSION

__all__ = [
    "OUI_PATTERN",
    "VENDOR_CONFIGURATION_FILE",
    "VERSION",
    "AgentConfig",
    "AgentStatus",
    "ApplyResult",
    "ConfigurationReport",
    "CpeAgent",
    "Gateway",
    "Identity",
    "JsonFileStateStore",
    "MemoryStateStore",
    "MeterGateway",
    "MeterKind",
    "MeterUpdate",
    "MeterView",
    "Outcome",
    "Presentation",
    "ReportKind",
    "RequestDownloadOutcome",
    "RootObject",
    "SessionOutcome",
    "Source",
    "StateStore",
    "StateStoreError",
    "StateUnreadable",
    "StunSettings",
    "WakeUpState",
    "WakeUpStatus",
    "XmppAccount",
    "build_gateway",
    "host_port",
    "install_profiles",
    "is_secret_name",
    "presentation",
    "profile_file_type",
    "read_profile_folder",
    "redact_url",
]
