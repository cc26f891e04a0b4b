"""The SOAP 1.1 envelope of CWMP: decoding what an ACS sends, encoding what the CPE sends.

Decoding accepts any prefixes, the cwmp-1-0/1-1/1-2 namespaces, whitespace and
missing optional elements. Encoding emits envelopes that validate against the
BBF schemas: unqualified child elements, ``soap-enc:arrayType`` on arrays,
``xsi:type`` on every Value and the ACS's ``cwmp:ID`` echoed with
``mustUnderstand="1"``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
import re
from typing import Final

from .faults import CwmpFault
from .limits import MAX_REQUEST_ID_LENGTH
from .versions import CWMP_1_0, CWMP_1_1, CWMP_1_2, CWMP_NAMESPACES, fault_for
from .xml import (
    NAME_SEPARATOR,
    SOAP_ENC_NS,
    SOAP_ENV_NS,
    XSD_NS,
    XSI_NS,
    Node,
    XmlError,
    escape,
    has_children,
    parse_xml,
    text_of,
)

# CWMP 1.3 and 1.4 keep the cwmp-1-2 namespace: there is no cwmp-1-3 or cwmp-1-4.

_SHORT_NAMES = {
    SOAP_ENV_NS: "soap",
    SOAP_ENC_NS: "enc",
    XSI_NS: "xsi",
    XSD_NS: "xsd",
    CWMP_1_0: "cwmp10",
    CWMP_1_1: "cwmp11",
    CWMP_1_2: "cwmp12",
}
_NAMESPACE_OF_SHORT = {short: ns for ns, short in _SHORT_NAMES.items() if short.startswith("cwmp")}
_SOAP = "soap" + NAME_SEPARATOR
_MUST_UNDERSTAND = f"@{_SOAP}mustUnderstand"
# Header elements the CPE understands (TR-069 Amendment 6, A.2.1 and A.2.2).
KNOWN_HEADERS: Final = frozenset(
    {
        "ID",
        "HoldRequests",
        "NoMoreRequests",
        "SessionTimeout",
        "SupportedCWMPVersions",
        "UseCWMPVersion",
    }
)


_TRUE: Final = frozenset({"1", "true"})
_FALSE: Final = frozenset({"0", "false"})
_FAULT_CODE: Final = re.compile("[0-9]{1,5}")


class SoapError(ValueError):
    """The message is not a usable SOAP envelope (a Client fault, 9003 for requests)."""


@dataclass(frozen=True, slots=True)
class SoapFault:
    """A SOAP Fault received from the ACS, with its CWMP fault detail when present."""

    faultcode: str
    faultstring: str
    code: int | None
    message: str


@dataclass(frozen=True, slots=True)
class Envelope:
    """A decoded SOAP envelope from the ACS."""

    namespace: str
    request_id: str | None
    method: str
    body: Node
    hold_requests: bool | None = None
    headers: dict[str, str] = field(default_factory=dict)
    not_understood: tuple[str, ...] = ()
    fault: SoapFault | None = None


def _split(name: str) -> tuple[str, str]:
    short, sep, local = name.partition(NAME_SEPARATOR)
    return (short, local) if sep else ("", name)


def decode(data: bytes, *, max_size: int | None = None) -> Envelope:
    """Decode one SOAP envelope; raises SoapError when it is not a CWMP message."""
    try:
        if max_size is None:
            root = parse_xml(data, _SHORT_NAMES)
        else:
            root = parse_xml(data, _SHORT_NAMES, max_size=max_size)
    except XmlError as err:
        raise SoapError(str(err)) from err
    envelope = root.get(f"{_SOAP}Envelope")
    if not isinstance(envelope, dict):
        raise SoapError("the document is not a SOAP 1.1 envelope")
    namespaces: set[str] = set()
    request_id, hold, headers, not_understood = _decode_header(
        envelope.get(f"{_SOAP}Header"), namespaces
    )
    method, body, fault = _decode_body(envelope.get(f"{_SOAP}Body"), namespaces)
    if len(namespaces) > 1:
        raise SoapError("the envelope mixes CWMP namespaces")
    namespace = namespaces.pop() if namespaces else CWMP_1_0
    return Envelope(namespace, request_id, method, body, hold, headers, not_understood, fault)


def _decode_header(
    header: Node, namespaces: set[str]
) -> tuple[str | None, bool | None, dict[str, str], tuple[str, ...]]:
    """The header elements the CPE knows, checked; those it must understand but does not."""
    request_id: str | None = None
    hold: bool | None = None
    headers: dict[str, str] = {}
    not_understood: list[str] = []
    if not isinstance(header, dict):
        return request_id, hold, headers, ()
    for name, value in header.items():
        if name.startswith(("@", "#")):
            continue
        short, local = _split(name)
        cwmp_ns = _NAMESPACE_OF_SHORT.get(short)
        elements = value if isinstance(value, list) else [value]
        must = [_must_understand(element, local) for element in elements]
        if cwmp_ns is None or local not in KNOWN_HEADERS:
            if any(must):
                not_understood.append(local if cwmp_ns else name)
            continue
        if len(elements) > 1:
            raise SoapError(f"the {local} header appears more than once")
        namespaces.add(cwmp_ns)
        text = _header_text(elements[0], local)
        if local == "ID":
            request_id = text  # echoed exactly as the ACS sent it
        elif local == "HoldRequests":
            hold = _header_bool(text.strip(), local)
        else:
            headers[local] = text.strip()
    return request_id, hold, headers, tuple(not_understood)


def _header_text(element: Node, local: str) -> str:
    if has_children(element):
        raise SoapError(f"the {local} header must be plain text")
    text = text_of(element)
    if local == "ID" and len(text) > MAX_REQUEST_ID_LENGTH:
        raise SoapError(f"the ID header is longer than {MAX_REQUEST_ID_LENGTH} characters")
    return text


def _header_bool(text: str, local: str) -> bool:
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise SoapError(f"the {local} header must be 0 or 1, not {text[:20]!r}")


def _must_understand(element: Node, local: str) -> bool:
    """The element's soap:mustUnderstand (absent: false); SoapError when not a boolean."""
    if not isinstance(element, dict) or _MUST_UNDERSTAND not in element:
        return False
    raw = element[_MUST_UNDERSTAND]
    return _header_bool(raw.strip() if isinstance(raw, str) else "", f"{local} mustUnderstand")


def _decode_body(body: Node, namespaces: set[str]) -> tuple[str, Node, SoapFault | None]:
    if body is None:
        raise SoapError("the SOAP Body is missing")
    if not isinstance(body, dict):
        raise SoapError("the SOAP Body is empty")
    elements = [(name, value) for name, value in body.items() if not name.startswith(("@", "#"))]
    if len(elements) != 1 or isinstance(elements[0][1], list):
        raise SoapError("the SOAP Body must hold exactly one element")
    name, value = elements[0]
    short, local = _split(name)
    if name == f"{_SOAP}Fault":
        return "Fault", value, _decode_fault(value, namespaces)
    cwmp_ns = _NAMESPACE_OF_SHORT.get(short)
    if cwmp_ns is None:
        raise SoapError(f"unknown namespace for body element {local or name}")
    namespaces.add(cwmp_ns)
    return local, value, None


def _decode_fault(value: Node, namespaces: set[str]) -> SoapFault:
    if not isinstance(value, dict):
        raise SoapError("empty SOAP Fault")
    code: int | None = None
    message = ""
    detail = value.get("detail")
    if isinstance(detail, dict):
        for name, inner in detail.items():
            short, local = _split(name)
            if local == "Fault" and short in _NAMESPACE_OF_SHORT and isinstance(inner, dict):
                namespaces.add(_NAMESPACE_OF_SHORT[short])
                raw = text_of(inner.get("FaultCode")).strip()
                code = int(raw) if _FAULT_CODE.fullmatch(raw) else None
                message = text_of(inner.get("FaultString")).strip()
    return SoapFault(
        faultcode=text_of(value.get("faultcode")).strip(),
        faultstring=text_of(value.get("faultstring")).strip(),
        code=code,
        message=message,
    )


# --------------------------------------------------------------------------- encoding

_ENVELOPE_OPEN = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f'<soap-env:Envelope xmlns:soap-env="{SOAP_ENV_NS}" xmlns:soap-enc="{SOAP_ENC_NS}"'
    f' xmlns:xsd="{XSD_NS}" xmlns:xsi="{XSI_NS}" xmlns:cwmp="'
)


def encode(
    namespace: str,
    body: str,
    *,
    request_id: str | None = None,
    extra_headers: Iterable[tuple[str, str, bool]] = (),
) -> bytes:
    """Wrap a body fragment (already in ``cwmp:``-prefixed XML) in a SOAP envelope.

    ``extra_headers`` holds ``(name, text, must_understand)`` for further header
    elements: cwmp ones by local name, others as ``{namespace}local name``.
    """
    if namespace not in CWMP_NAMESPACES:
        raise ValueError(f"not a CWMP namespace: {namespace}")
    header = []
    if request_id is not None:
        header.append(f'<cwmp:ID soap-env:mustUnderstand="1">{escape(request_id)}</cwmp:ID>')
    for name, text, must in extra_headers:
        tag, declaration = f"cwmp:{name}", ""
        if name.startswith("{"):
            other, local = name[1:].split("}", 1)
            tag, declaration = f"x:{local}", f' xmlns:x="{escape(other)}"'
        header.append(
            f'<{tag}{declaration} soap-env:mustUnderstand="{int(must)}">{escape(text)}</{tag}>'
        )
    header_xml = f"<soap-env:Header>{''.join(header)}</soap-env:Header>" if header else ""
    # Text reaches the body through escape(), which leaves nothing unencodable; "replace"
    # only guards against a fragment built without it.
    return (
        f'{_ENVELOPE_OPEN}{namespace}">{header_xml}'
        f"<soap-env:Body>{body}</soap-env:Body></soap-env:Envelope>"
    ).encode("utf-8", "replace")


def array(tag: str, item_type: str, items: list[str]) -> str:
    """An encoded SOAP array element, e.g. ``<ParameterList soap-enc:arrayType=...>``."""
    return array_of(tag, item_type, len(items), "".join(items))


def array_of(tag: str, item_type: str, count: int, inner: str) -> str:
    """An encoded SOAP array of ``count`` items already rendered as ``inner``."""
    return f'<{tag} soap-enc:arrayType="{item_type}[{count}]">{inner}</{tag}>'


def fault_body(fault: CwmpFault, namespace: str) -> str:
    """The SOAP Fault body the CPE answers to a request it could not carry out.

    Codes the namespace's schema lacks are mapped (see :func:`versions.fault_for`).
    """
    code, text = fault_for(namespace, int(fault.code), fault.text)
    details = "".join(
        "<SetParameterValuesFault>"
        f"<ParameterName>{escape(item.name)}</ParameterName>"
        f"<FaultCode>{int(item.code)}</FaultCode>"
        f"<FaultString>{escape(item.text)}</FaultString>"
        "</SetParameterValuesFault>"
        for item in fault.parameter_faults
    )
    return (
        "<soap-env:Fault>"
        f"<faultcode>{'Client' if fault.code.is_client_fault else 'Server'}</faultcode>"
        "<faultstring>CWMP fault</faultstring>"
        "<detail><cwmp:Fault>"
        f"<FaultCode>{code}</FaultCode>"
        f"<FaultString>{escape(text)}</FaultString>"
        f"{details}"
        "</cwmp:Fault></detail>"
        "</soap-env:Fault>"
    )


def client_fault_body(faultcode: str, faultstring: str) -> str:
    """A plain SOAP Fault without CWMP detail (e.g. MustUnderstand)."""
    return (
        f"<soap-env:Fault><faultcode>{escape(faultcode)}</faultcode>"
        f"<faultstring>{escape(faultstring)}</faultstring></soap-env:Fault>"
    )
