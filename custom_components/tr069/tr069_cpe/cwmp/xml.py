"""Safe XML parsing and escaping for the SOAP codec.

Parsing goes through xmltodict on top of expat with these guards: a size limit
checked before parsing, limits on nesting depth and element count checked while
parsing, any DOCTYPE rejected (SOAP forbids DTDs, so no entity can be declared,
expanded or fetched), every error of the parser or of the encoding the document
declares turned into :class:`XmlError`, and namespaces resolved to short names so
that the prefixes an ACS chooses (``soap-env``, ``SOAP-ENV``, ``soapenv``) do not
matter.

:func:`escape` is the one place where text becomes XML: characters XML 1.0 cannot
carry (control characters, lone UTF-16 surrogates, U+FFFE/U+FFFF) become U+FFFD there,
so that every envelope can be encoded and parsed whatever text reached it.
"""

from __future__ import annotations

from collections.abc import Callable
import re
from typing import Any, Final, NoReturn
from xml.parsers import expat

import xmltodict

from .limits import MAX_MESSAGE_BYTES, MAX_XML_DEPTH, MAX_XML_ELEMENTS

SOAP_ENV_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP_ENC_NS = "http://schemas.xmlsoap.org/soap/encoding/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XSD_NS = "http://www.w3.org/2001/XMLSchema"

NAME_SEPARATOR = "|"

type Node = dict[str, Any] | str | None


class XmlError(ValueError):
    """The document is not well-formed, too large, or uses forbidden XML features."""


def _reject_doctype(*_args: object) -> NoReturn:
    raise XmlError("DOCTYPE declarations are not allowed")


class _LimitedParser:
    """An expat parser whose element handlers count depth and elements as they go.

    xmltodict sets the handlers after creating the parser; this proxy wraps them.
    """

    __slots__ = ("_depth", "_elements", "_parser")

    def __init__(self, parser: Any) -> None:
        object.__setattr__(self, "_parser", parser)
        object.__setattr__(self, "_depth", 0)
        object.__setattr__(self, "_elements", 0)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._parser, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "StartElementHandler":
            value = self._counting_start(value)
        elif name == "EndElementHandler":
            value = self._counting_end(value)
        setattr(self._parser, name, value)

    def _counting_start(self, handler: Callable[..., None]) -> Callable[..., None]:
        def start(*args: Any) -> None:
            depth, elements = self._depth + 1, self._elements + 1
            if depth > MAX_XML_DEPTH:
                raise XmlError(f"elements nested deeper than {MAX_XML_DEPTH}")
            if elements > MAX_XML_ELEMENTS:
                raise XmlError(f"more than {MAX_XML_ELEMENTS} elements")
            object.__setattr__(self, "_depth", depth)
            object.__setattr__(self, "_elements", elements)
            handler(*args)

        return start

    def _counting_end(self, handler: Callable[..., None]) -> Callable[..., None]:
        def end(*args: Any) -> None:
            object.__setattr__(self, "_depth", self._depth - 1)
            handler(*args)

        return end


class _GuardedExpat:
    """The expat module as xmltodict sees it: no DTDs, and limits on the tree's shape."""

    @staticmethod
    def ParserCreate(  # noqa: N802 - mirrors expat's API
        encoding: str | None = None, namespace_separator: str | None = None
    ) -> Any:
        parser = expat.ParserCreate(encoding, namespace_separator)
        parser.StartDoctypeDeclHandler = _reject_doctype
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        return _LimitedParser(parser)


def parse_xml(
    data: bytes, namespaces: dict[str, str], *, max_size: int = MAX_MESSAGE_BYTES
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
    except (expat.ExpatError, ValueError, LookupError) as err:
        # LookupError: the XML declaration names an encoding Python does not know,
        # or one that is not a text encoding; UnicodeError is a ValueError.
        raise XmlError(f"malformed XML: {err}") from err
    if not isinstance(parsed, dict):
        raise XmlError("empty document")
    return parsed


_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
# What XML 1.0 cannot carry: C0 controls but tab/LF/CR, lone surrogates (which cannot
# even be encoded as UTF-8), and the two non-characters U+FFFE and U+FFFF.
UNSAFE_XML_CHARS: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NEEDS_WORK = re.compile('[&<>"\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]')


def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 cannot carry replaced by U+FFFD."""
    return UNSAFE_XML_CHARS.sub("\ufffd", text)


def escape(text: str) -> str:
    """Escape text for element content or a double-quoted attribute.

    Characters XML 1.0 cannot carry at all are replaced by U+FFFD so that an
    envelope is always well-formed and always encodable.
    """
    if _NEEDS_WORK.search(text) is None:
        return text
    return xml_safe(text).translate(_ESCAPES)


def text_of(node: Node) -> str:
    """Text content of a leaf element ("" for an empty element)."""
    if node is None:
        return ""
    if isinstance(node, str):
        return node
    text = node.get("#text")
    return text if isinstance(text, str) else ""


def has_children(node: Node) -> bool:
    """Whether an element has child elements (it is a struct, not a text leaf)."""
    return isinstance(node, dict) and any(not key.startswith(("@", "#")) for key in node)


def children(node: Node, name: str) -> list[Node]:
    """All child elements called ``name`` (xmltodict gives one or a list)."""
    if not isinstance(node, dict) or name not in node:
        return []
    value = node[name]
    return value if isinstance(value, list) else [value]
