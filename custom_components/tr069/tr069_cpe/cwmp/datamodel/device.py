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


def _management_server(url_length: int) -> ObjectSpec:
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
            ParameterSpec(
                name="AliasBasedAddressing",
                type=ParamType.BOOLEAN,
                forced_inform=True,
                persist=False,
            ),
            ParameterSpec(name="HTTPCompressionSupported", default="GZIP", persist=False),
            ParameterSpec(
                name="HTTPCompression",
                writable=True,
                enumeration=("Disabled", "GZIP"),
                default="Disabled",
            ),
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
        children=(*head, _device_info(root), _management_server(url_length), *extensions),
    )
