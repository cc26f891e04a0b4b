"""Floors of the RPC answers: expat alone for requests, a plain string join for responses.

The join floors produce the agent's response from values that are already extracted
(names, types and values as text), so they measure the least work any implementation
must do to put the bytes together.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree import ElementTree as ET
from xml.parsers import expat

_ENVELOPE_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"'
    ' xmlns:soap-enc="http://schemas.xmlsoap.org/soap/encoding/"'
    ' xmlns:xsd="http://www.w3.org/2001/XMLSchema"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xmlns:cwmp="urn:dslforum-org:cwmp-1-0"><soap-env:Header>'
    '<cwmp:ID soap-env:mustUnderstand="1">'
)


def parse_with_expat(data: bytes) -> None:
    """Parse a document with expat and no handlers (the parsing floor)."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.Parse(data, True)


def _wrap(request_id: str, body: str) -> bytes:
    return (
        f"{_ENVELOPE_HEAD}{request_id}</cwmp:ID></soap-env:Header><soap-env:Body>"
        f"{body}</soap-env:Body></soap-env:Envelope>"
    ).encode()


def join_values(request_id: str, items: Sequence[tuple[str, str, str]]) -> bytes:
    """A GetParameterValuesResponse from (name, xsd type, value) by plain joins."""
    structs = "".join(
        [
            f"<ParameterValueStruct><Name>{name}</Name>"
            f'<Value xsi:type="{kind}">{value}</Value></ParameterValueStruct>'
            for name, kind, value in items
        ]
    )
    return _wrap(
        request_id,
        "<cwmp:GetParameterValuesResponse>"
        f'<ParameterList soap-enc:arrayType="cwmp:ParameterValueStruct[{len(items)}]">'
        f"{structs}</ParameterList></cwmp:GetParameterValuesResponse>",
    )


def join_names(request_id: str, items: Sequence[tuple[str, str]]) -> bytes:
    """A GetParameterNamesResponse from (name, "true"/"false") by plain joins."""
    structs = "".join(
        [
            f"<ParameterInfoStruct><Name>{name}</Name>"
            f"<Writable>{writable}</Writable></ParameterInfoStruct>"
            for name, writable in items
        ]
    )
    return _wrap(
        request_id,
        "<cwmp:GetParameterNamesResponse>"
        f'<ParameterList soap-enc:arrayType="cwmp:ParameterInfoStruct[{len(items)}]">'
        f"{structs}</ParameterList></cwmp:GetParameterNamesResponse>",
    )


def fixed_response(request_id: str, body: str) -> bytes:
    """A constant response body in an envelope (e.g. SetParameterValuesResponse)."""
    return _wrap(request_id, body)


def _escaped(text: str | None) -> str:
    text = text or ""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def value_items(response: bytes) -> list[tuple[str, str, str]]:
    """(name, xsd type, escaped value) of a recorded GetParameterValuesResponse."""
    items = []
    xsi_type = "{http://www.w3.org/2001/XMLSchema-instance}type"
    for struct in ET.fromstring(response).iter("ParameterValueStruct"):
        name = struct.findtext("Name") or ""
        value = struct.find("Value")
        kind = value.get(xsi_type, "xsd:string") if value is not None else "xsd:string"
        items.append((_escaped(name), kind, _escaped(value.text if value is not None else "")))
    return items


def name_items(response: bytes) -> list[tuple[str, str]]:
    """(name, writable) of a recorded GetParameterNamesResponse."""
    return [
        (_escaped(struct.findtext("Name")), struct.findtext("Writable") or "false")
        for struct in ET.fromstring(response).iter("ParameterInfoStruct")
    ]
