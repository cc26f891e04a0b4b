"""A small, faithful local ACS (TR-069 / CWMP Auto-Configuration Server) imitating GenieACS 1.2.

Independent of the CPE code in ``custom_components``; used as a test peer and demo server::

    async with LocalAcs() as acs:
        task = acs.queue("SN1", rpc.get_parameter_values(["Device.DeviceInfo."]))
        ...  # point the CPE at acs.url and trigger a session
        inform = await acs.wait_for_inform(serial="SN1", event="1 BOOT")
        result = await task.result(timeout=10)
"""

from . import inject, rpc
from .connreq import ConnectionRequestError, ConnectionRequestRecord
from .files import FileRequest
from .ftp import FtpServer, ftp_server
from .model import (
    CpeFault,
    DeviceId,
    EventStruct,
    FaultStruct,
    ParameterAttribute,
    ParameterInfo,
    ParameterValue,
    SpvFault,
)
from .records import (
    CpeRequestRecord,
    InformRecord,
    Message,
    RpcResult,
    RpcTask,
    Session,
)
from .rpc import RawBody, RawRpc, RpcRequest
from .server import LocalAcs
from .validation import SchemaValidator, ValidationFailure

SessionRecord = Session

__all__ = [
    "ConnectionRequestError",
    "ConnectionRequestRecord",
    "CpeFault",
    "CpeRequestRecord",
    "DeviceId",
    "EventStruct",
    "FaultStruct",
    "FileRequest",
    "FtpServer",
    "InformRecord",
    "LocalAcs",
    "Message",
    "ParameterAttribute",
    "ParameterInfo",
    "ParameterValue",
    "RawBody",
    "RawRpc",
    "RpcRequest",
    "RpcResult",
    "RpcTask",
    "SchemaValidator",
    "Session",
    "SessionRecord",
    "SpvFault",
    "ValidationFailure",
    "ftp_server",
    "inject",
    "rpc",
]
