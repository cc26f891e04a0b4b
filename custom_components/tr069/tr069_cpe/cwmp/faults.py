"""CWMP fault codes (TR-069 Amendment 6, Table A.5 / A.6) and the fault exception."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class FaultCode(IntEnum):
    """CPE fault codes, 9000-9032."""

    METHOD_NOT_SUPPORTED = 9000
    REQUEST_DENIED = 9001
    INTERNAL_ERROR = 9002
    INVALID_ARGUMENTS = 9003
    RESOURCES_EXCEEDED = 9004
    INVALID_PARAMETER_NAME = 9005
    INVALID_PARAMETER_TYPE = 9006
    INVALID_PARAMETER_VALUE = 9007
    NON_WRITABLE_PARAMETER = 9008
    NOTIFICATION_REQUEST_REJECTED = 9009
    DOWNLOAD_FAILURE = 9010
    UPLOAD_FAILURE = 9011
    FILE_TRANSFER_AUTH_FAILURE = 9012
    UNSUPPORTED_TRANSFER_PROTOCOL = 9013
    MULTICAST_JOIN_FAILURE = 9014
    FILE_SERVER_UNREACHABLE = 9015
    FILE_ACCESS_FAILURE = 9016
    DOWNLOAD_INCOMPLETE = 9017
    FILE_CORRUPTED = 9018
    FILE_AUTHENTICATION_FAILURE = 9019
    TIME_WINDOW_MISSED = 9020
    CANCELATION_NOT_PERMITTED = 9021
    INVALID_UUID = 9022
    UNKNOWN_EXECUTION_ENVIRONMENT = 9023
    DISABLED_EXECUTION_ENVIRONMENT = 9024
    DU_EE_MISMATCH = 9025
    DUPLICATE_DU = 9026
    SYSTEM_RESOURCES_EXCEEDED = 9027
    UNKNOWN_DU = 9028
    INVALID_DU_STATE = 9029
    DU_DOWNGRADE_NOT_PERMITTED = 9030
    DU_VERSION_NOT_SPECIFIED = 9031
    DU_VERSION_EXISTS = 9032

    @property
    def description(self) -> str:
        """The fault string the standard gives this code."""
        return _DESCRIPTIONS[self]

    @property
    def is_client_fault(self) -> bool:
        """True when the SOAP faultcode is Client (the request was at fault)."""
        return self in _CLIENT_FAULTS


_DESCRIPTIONS = {
    FaultCode.METHOD_NOT_SUPPORTED: "Method not supported",
    FaultCode.REQUEST_DENIED: "Request denied (no reason specified)",
    FaultCode.INTERNAL_ERROR: "Internal error",
    FaultCode.INVALID_ARGUMENTS: "Invalid arguments",
    FaultCode.RESOURCES_EXCEEDED: "Resources exceeded",
    FaultCode.INVALID_PARAMETER_NAME: "Invalid parameter name",
    FaultCode.INVALID_PARAMETER_TYPE: "Invalid parameter type",
    FaultCode.INVALID_PARAMETER_VALUE: "Invalid parameter value",
    FaultCode.NON_WRITABLE_PARAMETER: "Attempt to set a non-writable parameter",
    FaultCode.NOTIFICATION_REQUEST_REJECTED: "Notification request rejected",
    FaultCode.DOWNLOAD_FAILURE: "Download failure",
    FaultCode.UPLOAD_FAILURE: "Upload failure",
    FaultCode.FILE_TRANSFER_AUTH_FAILURE: "File transfer server authentication failure",
    FaultCode.UNSUPPORTED_TRANSFER_PROTOCOL: "Unsupported protocol for file transfer",
    FaultCode.MULTICAST_JOIN_FAILURE: "Download failure: unable to join multicast group",
    FaultCode.FILE_SERVER_UNREACHABLE: "Download failure: unable to contact file server",
    FaultCode.FILE_ACCESS_FAILURE: "Download failure: unable to access file",
    FaultCode.DOWNLOAD_INCOMPLETE: "Download failure: unable to complete download",
    FaultCode.FILE_CORRUPTED: "Download failure: file corrupted",
    FaultCode.FILE_AUTHENTICATION_FAILURE: "Download failure: file authentication failure",
    FaultCode.TIME_WINDOW_MISSED: (
        "Download failure: unable to complete download within specified time windows"
    ),
    FaultCode.CANCELATION_NOT_PERMITTED: (
        "Cancelation of file transfer not permitted in current transfer state"
    ),
    FaultCode.INVALID_UUID: "Invalid UUID format",
    FaultCode.UNKNOWN_EXECUTION_ENVIRONMENT: "Unknown Execution Environment",
    FaultCode.DISABLED_EXECUTION_ENVIRONMENT: "Disabled Execution Environment",
    FaultCode.DU_EE_MISMATCH: "Deployment Unit to Execution Environment mismatch",
    FaultCode.DUPLICATE_DU: "Duplicate Deployment Unit",
    FaultCode.SYSTEM_RESOURCES_EXCEEDED: "System resources exceeded",
    FaultCode.UNKNOWN_DU: "Unknown Deployment Unit",
    FaultCode.INVALID_DU_STATE: "Invalid Deployment Unit state",
    FaultCode.DU_DOWNGRADE_NOT_PERMITTED: "Invalid Deployment Unit update: downgrade not permitted",
    FaultCode.DU_VERSION_NOT_SPECIFIED: "Invalid Deployment Unit update: version not specified",
    FaultCode.DU_VERSION_EXISTS: "Invalid Deployment Unit update: version already exists",
}

_CLIENT_FAULTS = frozenset(
    {
        FaultCode.INVALID_ARGUMENTS,
        FaultCode.INVALID_PARAMETER_NAME,
        FaultCode.INVALID_PARAMETER_TYPE,
        FaultCode.INVALID_PARAMETER_VALUE,
        FaultCode.NON_WRITABLE_PARAMETER,
        FaultCode.CANCELATION_NOT_PERMITTED,
        *(code for code in FaultCode if code >= FaultCode.INVALID_UUID),
    }
)


@dataclass(frozen=True, slots=True)
class ParameterFault:
    """One SetParameterValuesFault entry: which parameter failed and why."""

    name: str
    code: FaultCode
    message: str = ""

    @property
    def text(self) -> str:
        """Fault string: the specific message or the code's description."""
        return self.message or self.code.description


@dataclass(slots=True)
class CwmpFault(Exception):  # noqa: N818 - the standard calls it a fault
    """A CWMP fault the CPE answers to an ACS request (or reports in TransferComplete)."""

    code: FaultCode
    message: str = ""
    parameter_faults: tuple[ParameterFault, ...] = field(default=())

    def __post_init__(self) -> None:
        Exception.__init__(self, self.text)

    @property
    def text(self) -> str:
        """Fault string: the specific message or the code's description."""
        return self.message or self.code.description
