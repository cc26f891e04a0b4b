"""Plain data types of the CWMP structures the ACS parses from CPE envelopes.

The generic conversion in :mod:`local_acs.soap` turns CWMP XML into Python values:

* ``ParameterValueStruct`` → :class:`ParameterValue` ``(name, value, type)``; ``type`` is the
  ``xsi:type`` normalised to the ``xsd:`` prefix (``"xsd:unsignedInt"``) or ``None`` if absent;
* ``ParameterInfoStruct`` → :class:`ParameterInfo` ``(name, writable)``;
* ``ParameterAttributeStruct`` → :class:`ParameterAttribute` ``(name, notification, access_list)``;
* ``EventStruct`` → :class:`EventStruct` ``(code, command_key)``;
* ``FaultStruct`` (TransferComplete) → :class:`FaultStruct` ``(code, string)``;
* ``SetParameterValuesFault`` → :class:`SpvFault` ``(name, code, string)``;
* arrays (``soap-enc:arrayType`` or a known array element) → ``list``;
* elements of integer / boolean schema type (``Status``, ``InstanceNumber``, ``Writable`` …)
  → ``int`` / ``bool``; other leaves → ``str``; any other structure → ``dict`` keyed by the
  child element names.

All tuples are ``NamedTuple`` so tests may compare them with plain tuples.
"""

from __future__ import annotations

from typing import NamedTuple


class ParameterValue(NamedTuple):
    """One ``ParameterValueStruct``."""

    name: str
    value: str
    type: str | None


class ParameterInfo(NamedTuple):
    """One ``ParameterInfoStruct`` of a GetParameterNamesResponse."""

    name: str
    writable: bool


class ParameterAttribute(NamedTuple):
    """One ``ParameterAttributeStruct`` of a GetParameterAttributesResponse."""

    name: str
    notification: int
    access_list: list[str]


class EventStruct(NamedTuple):
    """One ``EventStruct`` of an Inform."""

    code: str
    command_key: str


class FaultStruct(NamedTuple):
    """The ``FaultStruct`` of a (Autonomous)TransferComplete; code 0 means success."""

    code: int
    string: str


class SpvFault(NamedTuple):
    """One ``SetParameterValuesFault`` entry of a CPE fault."""

    name: str
    code: int
    string: str


class CpeFault(NamedTuple):
    """A SOAP fault sent by the CPE (its ``detail/cwmp:Fault``)."""

    code: int
    string: str
    set_parameter_values_faults: list[SpvFault]
    soap_faultcode: str = "Client"
    soap_faultstring: str = "CWMP fault"


class DeviceId(NamedTuple):
    """The ``DeviceId`` of an Inform."""

    manufacturer: str
    oui: str
    product_class: str
    serial_number: str

    @property
    def genieacs_id(self) -> str:
        """GenieACS's device id ``OUI-ProductClass-SerialNumber`` (without URL-escaping)."""
        if self.product_class:
            return f"{self.oui}-{self.product_class}-{self.serial_number}"
        return f"{self.oui}-{self.serial_number}"
