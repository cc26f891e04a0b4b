"""Safe XML parsing and escaping for the SOAP codec.

Parsing goes through xmltodict on top of expat with three guards: a size limit
checked before parsing, any DOCTYPE rejected (SOAP forbids DTDs, so no entity
can be declared, expanded or fetched), and namespaces resolved to short names so
that the prefixes an ACS chooses (``soap-env``, ``SOAP-ENV``, ``soapenv``) do not
matter.
"""

from __future__ import annotations

import re
from typing import Any, NoReturn
from xml.parsers import expat

import xmltodict

SOAP_ENV_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP_ENC_NS = "http://schemas.xmlsoap.org/soap/encoding/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XSD_NS = "http://www.w3.org/2001/XMLSchema"

NAME_SEPARATOR = "|"
DEFAULT_MAX_SIZE = 4 * 1024 * 1024

type Node = dict[str, Any] | str | None


class XmlError(ValueError):
    """The document is not well-formed, too large, or uses forbidden XML features."""


def _reject_doctype(*_args: object) -> NoReturn:
    raise XmlError("DOCTYPE declarations are not allowed")


class _GuardedExpat:
    """The expat module as xmltodict sees it, with DTD processing switched off."""

    @staticmethod
    def ParserCreate(  # noqa: N802 - mirrors expat's API
        encoding: str | None = None, namespace_separator: str | None = None
    ) -> Any:
        parser = expat.ParserCreate(encoding, namespace_separator)
        parser.StartDoctypeDeclHandler = _reject_doctype
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        return parser


def parse_xml(
    data: bytes, namespaces: dict[str, str], *, max_size: int = DEFAULT_MAX_SIZE
) -> dict[str, Any]:
    """Parse ``data`` into xmltodict's structure with namespaces mapped to short names.

    Element and attribute names become ``short|local`` for mapped namespaces,
    plain ``local`` for unqualified ones. Text keeps its whitespace.
    """
    if len(data) > max_size:
        raise XmlError(f"document of {len(data)} bytes exceeds the limit of {max_size}")
    try:
        parsed = xmltodict.parse(
            data,
            expat=_GuardedExpat,
            process_namespaces=True,
            namespace_separator=NAME_SEPARATOR,
            namespaces=namespaces,
            strip_whitespace=False,
            disable_entities=True,
        )
    except XmlError:
        raise
    except (expat.ExpatError, ValueError) as err:
        raise XmlError(f"malformed XML: {err}") from err
    if not isinstance(parsed, dict):
        raise XmlError("empty document")
    return parsed


_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NEEDS_WORK = re.compile('[&<>"\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')


def escape(text: str) -> str:
    """Escape text for element content or a double-quoted attribute.

    Characters XML 1.0 cannot carry at all are replaced by U+FFFD so that an
    envelope is always well-formed.
    """
    if _NEEDS_WORK.search(text) is None:
        return text
    return _INVALID_XML_CHARS.sub("\ufffd", text).translate(_ESCAPES)


def text_of(node: Node) -> str:
    """Text content of a leaf element ("" for an empty element)."""
    if node is None:
        return ""
    if isinstance(node, str):
        return node
    text = node.get("#text")
    return text if isinstance(text, str) else ""


def children(node: Node, name: str) -> list[Node]:
    """All child elements called ``name`` (xmltodict gives one or a list)."""
    if not isinstance(node, dict) or name not in node:
        return []
    value = node[name]
    return value if isinstance(value, list) else [value]
