"""ManagementServer as the agent sees it: typed reads and the writes the CPE makes itself."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Final

from .datamodel import DataModel, RootObject, Source, Value

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

    def set_parameter_key(self, key: str) -> None:
        """ParameterKey, recorded for a successful change the ACS made."""
        node = self._datamodel.parameter(self.path + "ParameterKey")
        node.spec.check(key)
        self._datamodel.set_many_local({node.path: key}, Source.ACS)

    def set_connection_request_url(self, url: str) -> None:
        """ConnectionRequestURL, from the HTTP Connection Request server."""
        self._datamodel.set_local(self.path + "ConnectionRequestURL", url)

    def seed(self, values: Mapping[str, Value]) -> None:
        """Values the CPE sets itself (the user's settings), by parameter name."""
        self._datamodel.set_many_local({self.path + name: value for name, value in values.items()})
