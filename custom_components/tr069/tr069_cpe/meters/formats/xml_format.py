"""XML configuration files.

Parsed with expat and no DTD processing at all: a DOCTYPE is rejected outright, so no
entity can be declared (no "billion laughs", no external entities).  The document is
first read into light elements, then mapped onto the same meter records as JSON::

    <configuration partial="false">
      <meter serial="26" vendor="PIKKETRON" type="electricityMeter">
        <reading name="T1" unit="kWh">53</reading>
        <T2 unit="kWh">41</T2>
      </meter>
    </configuration>

See FORMATS.md for every variant.
"""

from __future__ import annotations

import re
from typing import Final
from xml.parsers import expat

from .. import keys
from ..errors import ConfigurationFileError
from ..keys import child, fold, item, where
from ..limits import MAX_DEPTH, MAX_METERS, MAX_VALUES
from ..model import ConfigurationFile
from ..normalize import (
    MeterRecord,
    ReadingRecord,
    Tree,
    build_configuration,
    decode_utf8,
    is_meter_key,
)
from ..registry import register_format
from ..values import flag, timestamp

NAME: Final = "xml"

ROOT_ELEMENTS: Final = frozenset(
    {
        "configuration",
        "config",
        "configurationfile",
        "vendorconfiguration",
        "vendorconfigurationfile",
        "vendorconfig",
        "meterconfiguration",
    }
)
METER_ELEMENTS: Final = frozenset({"meter", "device", "item", "record", "sensor"})
READING_ELEMENTS: Final = frozenset({"reading", "value", "register", "measurement", "counter"})
READING_LISTS: Final = keys.READINGS_KEYS - READING_ELEMENTS
_ACCEPTED_ENCODINGS: Final = frozenset({"utf8", "usascii", "ascii"})
_VALUE_KEYS: Final = keys.VALUE_KEYS | keys.TEXT_KEYS
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


# --- mapping onto meter records --------------------------------------------------------------


def _error(element: _Element, path: str, message: str) -> ConfigurationFileError:
    return ConfigurationFileError(where(f"line {element.line}: {path}", message))


def _no_text(element: _Element, path: str) -> None:
    if element.text:
        raise _error(element, path, f"unexpected text in <{element.tag}>")


def _simple_text(element: _Element, path: str) -> str:
    if not element.simple:
        raise _error(element, path, f"<{element.tag}> must only contain text")
    return element.text


def _configuration(root: _Element) -> ConfigurationFile:
    root_kind = fold(root.tag)
    if root_kind in METER_ELEMENTS:
        return build_configuration(
            [MeterRecord(root.tag, _meter(root, root.tag))], partial=False, format_name=NAME
        )
    if root_kind not in ROOT_ELEMENTS and root_kind not in keys.METER_LIST_KEYS:
        raise _error(
            root,
            f"<{root.tag}>",
            "unknown root element; expected <configuration>, <meters> or <meter>",
        )
    _no_text(root, root.tag)
    settings: dict[str, tuple[str, str]] = {}
    for key, value in root.attributes.items():
        _setting(root, root.tag, key, value, settings)
    meters: list[_Element] = []
    explicit = root_kind in keys.METER_LIST_KEYS
    for element in root.children:
        kind = fold(element.tag)
        if kind in METER_ELEMENTS:
            meters.append(element)
        elif kind in keys.METER_LIST_KEYS and root_kind in ROOT_ELEMENTS:
            explicit = True
            path = child(root.tag, element.tag)
            if element.attributes:
                raise _error(element, path, f"unexpected attributes on <{element.tag}>")
            _no_text(element, path)
            for meter in element.children:
                if fold(meter.tag) not in METER_ELEMENTS:
                    raise _error(meter, path, f"unexpected element <{meter.tag}>; expected <meter>")
                meters.append(meter)
        elif element.simple and (kind in keys.PARTIAL_KEYS or kind in keys.TIMESTAMP_KEYS):
            _setting(element, root.tag, element.tag, element.text, settings)
        else:
            raise _error(element, root.tag, f"unexpected element <{element.tag}>")
        if len(meters) > MAX_METERS:
            raise ConfigurationFileError(f"more than {MAX_METERS} meters")
    if not meters and not explicit:
        raise _error(root, root.tag, "no meters found; expected <meter> elements")
    partial = settings.get("partial")
    default_time = settings.get("timestamp")
    records = []
    for index, element in enumerate(meters):
        path = item(element.tag, index)
        records.append(MeterRecord(f"line {element.line}: {path}", _meter(element, path)))
    return build_configuration(
        records,
        partial=False if partial is None else flag(*partial),
        format_name=NAME,
        default_timestamp=None if default_time is None else timestamp(*default_time),
    )


def _setting(
    element: _Element, path: str, key: str, value: str, settings: dict[str, tuple[str, str]]
) -> None:
    """A root attribute or simple element: partial, timestamp, or ignored metadata."""
    folded = fold(key)
    role = (
        "partial"
        if folded in keys.PARTIAL_KEYS
        else "timestamp"
        if folded in keys.TIMESTAMP_KEYS
        else None
    )
    if role is None:
        if folded in keys.SERIAL_KEYS | keys.VENDOR_KEYS | keys.TYPE_KEYS:
            raise _error(element, child(path, key), "belongs on a meter, not on the root")
        return
    if role in settings:
        raise _error(element, child(path, key), f"the {role} is given twice")
    settings[role] = (child(path, key), value)


def _meter(element: _Element, path: str) -> dict[str, Tree]:
    """A <meter> element as a meter record.

    Attributes and simple child elements are record keys; reading elements and
    <readings> lists become lists of reading records.
    """
    _no_text(element, path)
    record: dict[str, Tree] = {}

    def put(key: str, value: Tree, line_element: _Element) -> None:
        if key in record:
            raise _error(line_element, child(path, key), "given twice")
        record[key] = value

    for key, value in element.attributes.items():
        put(key, value, element)
    counts: dict[str, int] = {}
    for sub in element.children:
        kind = fold(sub.tag)
        if sub.simple and kind not in READING_ELEMENTS and kind not in READING_LISTS:
            put(sub.tag, sub.text, sub)  # <serial>26</serial>, <T1>53 kWh</T1>
            continue
        sub_path = child(path, sub.tag)
        if kind in keys.LOCATION_KEYS:
            put(sub.tag, _flat(sub, sub_path), sub)
        elif kind in READING_LISTS:
            if sub.attributes:
                raise _error(sub, sub_path, f"unexpected attributes on <{sub.tag}>")
            _no_text(sub, sub_path)
            put(
                sub.tag,
                [
                    _reading(reading, item(sub_path, index))
                    for index, reading in enumerate(sub.children)
                ],
                sub,
            )
        elif kind in READING_ELEMENTS:  # <reading name="T1">53</reading>
            index = counts[sub.tag] = counts.get(sub.tag, -1) + 1
            key = f"{sub.tag}[{index}]"
            put(key, ReadingRecord(_reading(sub, child(path, key))), sub)
        elif is_meter_key(sub.tag) or sub.children:
            raise _error(sub, sub_path, f"<{sub.tag}> must only contain text")
        else:  # <T1 unit="kWh">53</T1>
            put(sub.tag, ReadingRecord(_reading(sub, sub_path)), sub)
    return record


def _flat(element: _Element, path: str) -> dict[str, Tree]:
    """Attributes and simple child elements as one object (e.g. <location>)."""
    _no_text(element, path)
    result: dict[str, Tree] = dict(element.attributes)
    for sub in element.children:
        if sub.tag in result:
            raise _error(sub, child(path, sub.tag), "given twice")
        result[sub.tag] = _simple_text(sub, child(path, sub.tag))
    return result


def _reading(element: _Element, path: str) -> dict[str, Tree]:
    """A reading element as a reading record; its text is the value.

    ``<reading name="T1" unit="kWh">53</reading>``, ``<reading><obis>1.8.1</obis>
    <value>53</value></reading>`` and ``<T1 unit="kWh">53</T1>`` are all accepted.
    """
    record: dict[str, Tree] = {}
    if fold(element.tag) not in READING_ELEMENTS:
        record["name"] = element.tag
    for key, value in element.attributes.items():
        if key in record:
            raise _error(element, child(path, key), "given twice")
        record[key] = value
    for sub in element.children:
        if sub.tag in record:
            raise _error(sub, child(path, sub.tag), "given twice")
        record[sub.tag] = _simple_text(sub, child(path, sub.tag))
    value = element.text
    if value:
        if element.children:
            raise _error(element, path, f"<{element.tag}> mixes text and elements")
        if not _VALUE_KEYS.isdisjoint(map(fold, record)):
            raise _error(element, path, "the value is given twice")
        record["value"] = value
    return record


def _parse(data: bytes, filename: str | None) -> ConfigurationFile:
    del filename
    return _configuration(parse_xml_tree(data))


register_format(NAME, detect=_detect, parse=_parse)
