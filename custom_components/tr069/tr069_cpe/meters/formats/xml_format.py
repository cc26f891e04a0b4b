"""XML configuration files.

Parsed with expat and no DTD processing at all: a DOCTYPE is rejected outright, so no
entity can be declared (no "billion laughs", no external entities).  The document is
first read into light elements, then into the tree JSON would give (attributes and
child elements are keys, repeated elements lists, namespace prefixes dropped), so the
meters are found and read exactly as in JSON::

    <configuration partial="false">
      <meter serial="26" vendor="PIKKETRON" type="electricityMeter">
        <reading name="T1" unit="kWh">53</reading>
        <T2 unit="kWh">41</T2>
      </meter>
    </configuration>

Errors name the element's line. See FORMATS.md for every variant.
"""

from __future__ import annotations

import re
from typing import Final
from xml.parsers import expat

from .. import keys
from ..context import ReadContext
from ..errors import ConfigurationFileError
from ..keys import child, fold, item, where
from ..limits import MAX_DEPTH, MAX_VALUES
from ..model import ConfigurationFile
from ..normalize import Tree, configuration_from_tree, decode_utf8
from ..registry import register_format

NAME: Final = "xml"

_ACCEPTED_ENCODINGS: Final = frozenset({"utf8", "usascii", "ascii"})
_FIRST_CHARACTER: Final = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*(.?)", re.DOTALL)


_NO_ATTRIBUTES: Final[dict[str, str]] = {}
_NO_CHILDREN: Final[list[_Element]] = []
"""Shared by all elements without attributes/children; replaced, never mutated."""


class _Element:
    """An XML element, kept small: a file may hold up to MAX_VALUES of them."""

    __slots__ = ("attributes", "children", "line", "tag", "text")

    def __init__(self, tag: str, attributes: dict[str, str], line: int) -> None:
        self.tag = tag
        self.attributes = attributes
        self.line = line
        self.children = _NO_CHILDREN
        self.text = ""
        """Character data, stripped once the element has ended."""

    @property
    def simple(self) -> bool:
        return not self.attributes and not self.children


def _detect(data: bytes, filename: str | None) -> bool:
    first = _FIRST_CHARACTER.match(data)
    if first is not None and first[1] == b"<":
        return True
    return filename is not None and filename.lower().endswith(".xml")


def _local(name: str) -> str:
    return name.rpartition(":")[2]


class _TreeBuilder:
    """Expat handlers that build :class:`_Element` objects and enforce the limits."""

    def __init__(self, parser: expat.XMLParserType) -> None:
        self.parser = parser
        self.stack: list[_Element] = []
        self.root: _Element | None = None
        self.count = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise ConfigurationFileError(
                f"line {self.parser.CurrentLineNumber}: XML nested deeper than {MAX_DEPTH} levels"
            )
        self.count += 1 + len(attributes)
        if self.count > MAX_VALUES:
            raise ConfigurationFileError(f"the file has more than {MAX_VALUES} values")
        element = _Element(
            _local(name),
            {
                _local(key): value
                for key, value in attributes.items()
                if key != "xmlns" and not key.startswith("xmlns:")
            }
            if attributes
            else _NO_ATTRIBUTES,
            self.parser.CurrentLineNumber,
        )
        if self.stack:
            parent = self.stack[-1]
            if parent.children:
                parent.children.append(element)
            else:
                parent.children = [element]
        else:
            self.root = element
        self.stack.append(element)

    def end(self, name: str) -> None:
        del name
        element = self.stack.pop()
        element.text = element.text.strip()

    def characters(self, data: str) -> None:
        if self.stack:
            self.stack[-1].text += data

    def xml_declaration(self, version: str, encoding: str | None, standalone: int) -> None:
        del version, standalone
        if encoding is not None and fold(encoding) not in _ACCEPTED_ENCODINGS:
            raise ConfigurationFileError(
                f'the XML declares encoding "{encoding}"; only UTF-8 is accepted'
            )

    def doctype(self, *args: object) -> None:
        del args
        raise ConfigurationFileError(
            f"line {self.parser.CurrentLineNumber}: XML with a DOCTYPE is not accepted"
        )

    def external_entity(self, *args: object) -> int:
        self.doctype(*args)
        return 0  # pragma: no cover - doctype() raises


def parse_xml_tree(data: bytes) -> _Element:
    """Parse an XML file into light elements, rejecting DTDs and enforcing the limits."""
    decode_utf8(data)  # rejects anything that is not UTF-8 with a clear message
    parser = expat.ParserCreate(encoding="UTF-8")
    builder = _TreeBuilder(parser)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.characters
    parser.XmlDeclHandler = builder.xml_declaration
    parser.StartDoctypeDeclHandler = builder.doctype
    parser.EntityDeclHandler = builder.doctype
    parser.ExternalEntityRefHandler = builder.external_entity
    try:
        parser.Parse(data, True)
    except expat.ExpatError as err:
        raise ConfigurationFileError(
            f"invalid or truncated XML: {expat.ErrorString(err.code)} "
            f"at line {err.lineno} column {err.offset + 1}"
        ) from None
    if builder.root is None:  # pragma: no cover - expat reports "no element found" first
        raise ConfigurationFileError("invalid XML: no element found")
    return builder.root


# --- mapping onto the tree JSON gives ------------------------------------------------------


def _error(element: _Element, path: str, message: str) -> ConfigurationFileError:
    return ConfigurationFileError(where(f"line {element.line}: {path}", message))


class _TreeMaker:
    """Elements → dicts, lists and strings, remembering each element's line."""

    def __init__(self) -> None:
        self.lines: dict[str, int] = {}

    def value(self, element: _Element, path: str) -> Tree:
        """An element's value: its text, or an object of its attributes and children.

        Repeated child elements become a list; the text of an element that also has
        attributes is its ``value`` (``<T1 unit="kWh">53</T1>``).
        """
        self.lines[path] = element.line
        if element.simple:
            return element.text
        result: dict[str, Tree] = {}
        for key, value in element.attributes.items():
            result[key] = value
        groups: dict[str, list[_Element]] = {}
        for sub in element.children:
            groups.setdefault(sub.tag, []).append(sub)
        for tag, subs in groups.items():
            if tag in result:
                raise _error(subs[0], child(path, tag), "given twice")
            tag_path = child(path, tag)
            if len(subs) == 1:
                result[tag] = self.value(subs[0], tag_path)
            else:
                self.lines[tag_path] = subs[0].line
                result[tag] = [
                    self.value(sub, item(tag_path, index)) for index, sub in enumerate(subs)
                ]
        if element.text:
            if element.children:
                where_ = path or element.tag
                raise _error(element, where_, f"<{element.tag}> mixes text and elements")
            if "value" in result:
                raise _error(element, path or element.tag, "the value is given twice")
            result["value"] = element.text
        return result

    def located(self, err: ConfigurationFileError) -> ConfigurationFileError:
        """The error with the line of the element it is about."""
        message = str(err)
        path = message.split(": ", 1)[0]
        while path:
            line = self.lines.get(path)
            if line is not None:
                return ConfigurationFileError(f"line {line}: {message}")
            parent = _PARENT.sub("", path)
            if parent == path:
                break
            path = parent
        return err


_PARENT: Final = re.compile(r'(?:\.[^.\[]*|\[\d+\]|\["[^"]*"\])$')


def _meter_list_root(tag: str, tree: Tree) -> Tree:
    """``<meters partial="false"/>``: a root that is an empty list of meters."""
    if tree == "":
        return {tag: ""}
    if isinstance(tree, dict) and not any(isinstance(v, dict | list) for v in tree.values()):
        return {**tree, tag: ""}
    return tree


def load_tree(data: bytes) -> tuple[Tree, _TreeMaker]:
    """An XML file as the tree JSON would give, and what locates its errors."""
    root = parse_xml_tree(data)
    maker = _TreeMaker()
    return maker.value(root, ""), maker


def _parse(data: bytes, filename: str | None, context: ReadContext) -> ConfigurationFile:
    del filename
    root = parse_xml_tree(data)
    maker = _TreeMaker()
    tree = maker.value(root, "")
    if fold(root.tag) in keys.METER_LIST_KEYS:
        tree = _meter_list_root(root.tag, tree)
    if isinstance(tree, str):
        raise _error(root, f"<{root.tag}>", "the root element holds no meters")
    try:
        return configuration_from_tree(tree, format_name=NAME, context=context)
    except ConfigurationFileError as err:
        raise maker.located(err) from None


register_format(NAME, detect=_detect, parse=_parse)
