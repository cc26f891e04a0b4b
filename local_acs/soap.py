"""SOAP envelopes: emitted byte for byte in GenieACS 1.2's style, parsed with lxml.

GenieACS writes every envelope on one line after the XML declaration, binds the prefixes
``soap-enc``, ``soap-env``, ``xsd``, ``xsi`` and ``cwmp`` on the Envelope (in that order),
puts ``<cwmp:ID soap-env:mustUnderstand="1">`` in the Header and leaves the RPC's child
elements unqualified; empty elements are written as ``<X></X>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from lxml import etree  # type: ignore[import-untyped,unused-ignore]

from .model import (
    CpeFault,
    EventStruct,
    FaultStruct,
    ParameterAttribute,
    ParameterInfo,
    ParameterValue,
    SpvFault,
)

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP_ENC = "http://schemas.xmlsoap.org/soap/encoding/"
XSD = "http://www.w3.org/2001/XMLSchema"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
CWMP_PREFIX = "urn:dslforum-org:cwmp-"
CWMP_1_0 = "urn:dslforum-org:cwmp-1-0"
CWMP_1_1 = "urn:dslforum-org:cwmp-1-1"
CWMP_1_2 = "urn:dslforum-org:cwmp-1-2"
CWMP_NAMESPACES = (CWMP_1_0, CWMP_1_1, CWMP_1_2)

CONTENT_TYPE = 'text/xml; charset="utf-8"'

#: The fault strings of TR-069 Table 18 (ACS fault codes) and Table 16 (CPE fault codes).
FAULT_STRINGS = {
    8000: "Method not supported",
    8001: "Request denied",
    8002: "Internal error",
    8003: "Invalid arguments",
    8004: "Resources exceeded",
    8005: "Retry request",
    8006: "ACS version incompatible",
}

_XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'

Element = Any
"""An lxml element (lxml ships no type stubs)."""


def normalize_namespace(version: str) -> str:
    """Accept ``"1-2"``, ``"1.2"``, ``"cwmp-1-2"`` or the full URN; return the URN."""
    if version.startswith(CWMP_PREFIX):
        return version
    short = version.removeprefix("cwmp-").replace(".", "-")
    namespace = CWMP_PREFIX + short
    if namespace not in CWMP_NAMESPACES:
        raise ValueError(f"unsupported CWMP version {version!r}")
    return namespace


def text(value: object) -> str:
    """Escape a value for XML element content (``bool`` → ``true``/``false``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(str(value))


def envelope(
    cwmp_id: str,
    body_xml: str,
    namespace: str = CWMP_1_0,
    *,
    hold_requests: bool | None = None,
    use_cwmp_version: str | None = None,
) -> bytes:
    """Wrap the body element ``body_xml`` in a GenieACS-style envelope."""
    header = f'<cwmp:ID soap-env:mustUnderstand="1">{text(cwmp_id)}</cwmp:ID>'
    if hold_requests is not None:
        header += (
            '<cwmp:HoldRequests soap-env:mustUnderstand="1">'
            f"{int(hold_requests)}</cwmp:HoldRequests>"
        )
    if use_cwmp_version is not None:
        header += (
            '<cwmp:UseCWMPVersion soap-env:mustUnderstand="1">'
            f"{text(use_cwmp_version)}</cwmp:UseCWMPVersion>"
        )
    return (
        f"{_XML_DECL}<soap-env:Envelope "
        f'xmlns:soap-enc="{SOAP_ENC}" xmlns:soap-env="{SOAP_ENV}" xmlns:xsd="{XSD}" '
        f'xmlns:xsi="{XSI}" xmlns:cwmp="{namespace}">'
        f"<soap-env:Header>{header}</soap-env:Header>"
        f"<soap-env:Body>{body_xml}</soap-env:Body></soap-env:Envelope>"
    ).encode()


def element(name: str, content: str = "") -> str:
    """``<name>content</name>`` (content already escaped)."""
    return f"<{name}>{content}</{name}>"


def fault_body(code: int, string: str | None = None) -> str:
    """The ``soap-env:Fault`` body the ACS sends to refuse a CPE request."""
    faultcode = "Client" if code == 8003 else "Server"
    detail = element("FaultCode", str(code)) + element(
        "FaultString", text(string if string is not None else FAULT_STRINGS.get(code, ""))
    )
    return (
        f"<soap-env:Fault>{element('faultcode', faultcode)}"
        f"{element('faultstring', 'CWMP fault')}"
        f"<detail><cwmp:Fault>{detail}</cwmp:Fault></detail></soap-env:Fault>"
    )


# --------------------------------------------------------------------------- parsing


class EnvelopeError(ValueError):
    """The HTTP body is not a SOAP envelope carrying a CWMP message."""


@dataclass
class Envelope:
    """A parsed CWMP SOAP envelope.

    ``method`` is the local name of the Body's element (``"Inform"``,
    ``"GetParameterValuesResponse"``, ``"Fault"`` …); ``args`` its generic conversion (see
    :mod:`local_acs.model`); ``fault`` is set when the Body holds a ``soap-env:Fault``.
    """

    method: str
    args: dict[str, Any]
    cwmp_id: str | None = None
    namespace: str | None = None
    hold_requests: bool | None = None
    headers: dict[str, str] = field(default_factory=dict)
    fault: CpeFault | None = None

    @property
    def is_response(self) -> bool:
        """True for an RPC response or a fault (the answer to the other side's request)."""
        return self.method.endswith("Response") or self.fault is not None


_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, remove_comments=True, load_dtd=False
)

_INT_FIELDS = frozenset(
    {
        "Status",
        "InstanceNumber",
        "FaultCode",
        "MaxEnvelopes",
        "RetryCount",
        "Notification",
        "FileSize",
        "DelaySeconds",
        "State",
        "WindowStart",
        "WindowEnd",
        "MaxRetries",
    }
)
_BOOL_FIELDS = frozenset(
    {
        "Writable",
        "NextLevel",
        "IsDownload",
        "NotificationChange",
        "AccessListChange",
        "Resolved",
        "HoldRequests",
    }
)
_ARRAYS = frozenset(
    {
        "ParameterList",
        "ParameterNames",
        "MethodList",
        "Event",
        "AccessList",
        "TransferList",
        "FileTypeArg",
        "TimeWindowList",
        "Results",
    }
)


def parse_bool(value: str) -> bool:
    """Parse an ``xsd:boolean`` lexical value."""
    lowered = value.strip().lower()
    if lowered in {"1", "true"}:
        return True
    if lowered in {"0", "false"}:
        return False
    raise ValueError(f"not an xsd:boolean: {value!r}")


def _local(el: Element) -> str:
    return str(etree.QName(el).localname)


def _children(el: Element) -> list[Element]:
    return [c for c in el if isinstance(c.tag, str)]


def _text(el: Element | None) -> str:
    return "" if el is None or el.text is None else str(el.text)


def _child(el: Element, name: str) -> Element | None:
    for c in _children(el):
        if _local(c) == name:
            return c
    return None


def _xsi_type(el: Element) -> str | None:
    raw = el.get(f"{{{XSI}}}type")
    if raw is None:
        return None
    prefix, _, local = str(raw).rpartition(":")
    namespace = el.nsmap.get(prefix or None)
    return f"xsd:{local}" if namespace == XSD else str(raw)


def _leaf(name: str, value: str) -> Any:
    stripped = value.strip()
    try:
        if name in _INT_FIELDS:
            return int(stripped)
        if name in _BOOL_FIELDS:
            return parse_bool(stripped)
    except ValueError:
        return value
    return value


def convert(el: Element) -> Any:
    """Convert one CWMP element to Python as documented in :mod:`local_acs.model`."""
    name = _local(el)
    kids = _children(el)
    if name == "ParameterValueStruct":
        value = _child(el, "Value")
        return ParameterValue(
            _text(_child(el, "Name")), _text(value), None if value is None else _xsi_type(value)
        )
    if name == "ParameterInfoStruct":
        return ParameterInfo(
            _text(_child(el, "Name")), _leaf("Writable", _text(_child(el, "Writable")))
        )
    if name == "ParameterAttributeStruct":
        access = _child(el, "AccessList")
        return ParameterAttribute(
            _text(_child(el, "Name")),
            _leaf("Notification", _text(_child(el, "Notification"))),
            [] if access is None else [_text(c) for c in _children(access)],
        )
    if name == "EventStruct":
        return EventStruct(_text(_child(el, "EventCode")), _text(_child(el, "CommandKey")))
    if name == "FaultStruct":
        return FaultStruct(
            _leaf("FaultCode", _text(_child(el, "FaultCode"))), _text(_child(el, "FaultString"))
        )
    if name == "SetParameterValuesFault":
        return SpvFault(
            _text(_child(el, "ParameterName")),
            _leaf("FaultCode", _text(_child(el, "FaultCode"))),
            _text(_child(el, "FaultString")),
        )
    if name in _ARRAYS or el.get(f"{{{SOAP_ENC}}}arrayType") is not None:
        return [convert(c) for c in kids]
    if not kids:
        return _leaf(name, _text(el))
    grouped: dict[str, list[Any]] = {}
    for c in kids:
        grouped.setdefault(_local(c), []).append(convert(c))
    # A repeated element becomes a list (built once: a hostile message repeats one 250,000 times).
    return {key: items[0] if len(items) == 1 else items for key, items in grouped.items()}


def _parse_fault(fault_el: Element) -> CpeFault:
    detail = _child(fault_el, "detail")
    cwmp_fault = None if detail is None else _child(detail, "Fault")
    code, string, spv = 0, "", []
    if cwmp_fault is not None:
        code = _leaf("FaultCode", _text(_child(cwmp_fault, "FaultCode")))
        string = _text(_child(cwmp_fault, "FaultString"))
        spv = [convert(c) for c in _children(cwmp_fault) if _local(c) == "SetParameterValuesFault"]
    return CpeFault(
        code if isinstance(code, int) else 0,
        string,
        spv,
        _text(_child(fault_el, "faultcode")),
        _text(_child(fault_el, "faultstring")),
    )


def parse_envelope(data: bytes) -> Envelope:
    """Parse a CWMP envelope (any SOAP prefix; cwmp-1-0, 1-1 or 1-2).

    Raises :class:`EnvelopeError` if ``data`` is not well-formed XML or not a SOAP 1.1
    envelope with a Body element.
    """
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as err:
        raise EnvelopeError(f"XML parse error: {err}") from err
    if root.tag != f"{{{SOAP_ENV}}}Envelope":
        raise EnvelopeError(f"root element is {root.tag}, not a SOAP 1.1 Envelope")
    header = root.find(f"{{{SOAP_ENV}}}Header")
    body = root.find(f"{{{SOAP_ENV}}}Body")
    if body is None or not _children(body):
        raise EnvelopeError("SOAP Body missing or empty")
    method_el = _children(body)[0]
    env = Envelope(method=_local(method_el), args={})
    namespaces = [etree.QName(method_el).namespace]
    for h in [] if header is None else _children(header):
        name = _local(h)
        if name == "ID":
            env.cwmp_id = _text(h)
            namespaces.append(etree.QName(h).namespace)
        elif name == "HoldRequests":
            env.hold_requests = _leaf("HoldRequests", _text(h)) is True
        else:
            env.headers[name] = _text(h)
    if method_el.tag == f"{{{SOAP_ENV}}}Fault":
        env.fault = _parse_fault(method_el)
        detail = _child(method_el, "detail")
        inner = None if detail is None else _child(detail, "Fault")
        if inner is not None:
            namespaces.insert(0, etree.QName(inner).namespace)
    else:
        converted = convert(method_el)
        env.args = converted if isinstance(converted, dict) else {}
    env.namespace = next(
        (str(ns) for ns in namespaces if str(ns or "").startswith(CWMP_PREFIX)), None
    )
    return env
