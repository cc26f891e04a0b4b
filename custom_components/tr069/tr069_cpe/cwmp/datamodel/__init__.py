"""The CWMP data model: types, definitions and the runtime tree."""

from .device import ROOT_DATA_MODEL_VERSION, RootObject, root_spec
from .spec import ActiveNotify, ObjectSpec, ParameterSpec
from .tree import (
    Change,
    ChangeKind,
    DataModel,
    ObjectNode,
    ParameterNode,
    Source,
    TableNode,
    announces_changes,
    is_writable,
)
from .types import UNKNOWN_TIME, ParamType, Value, format_datetime, parse_datetime

__all__ = [
    "ROOT_DATA_MODEL_VERSION",
    "UNKNOWN_TIME",
    "ActiveNotify",
    "Change",
    "ChangeKind",
    "DataModel",
    "ObjectNode",
    "ObjectSpec",
    "ParamType",
    "ParameterNode",
    "ParameterSpec",
    "RootObject",
    "Source",
    "TableNode",
    "Value",
    "announces_changes",
    "format_datetime",
    "is_writable",
    "parse_datetime",
    "root_spec",
]
