"""Hypothesis strategies for hostile inputs: ACS envelopes, RPC arguments, files, wake-ups.

Envelopes are built from CWMP's own vocabulary (so that they reach the RPC handlers)
with the values an attacker would try (huge numbers, non-ASCII digits, far dates,
markup, whole-tree paths), then optionally mutated byte by byte. Connection Requests
(HTTP heads with Digest answers, UDP datagrams, STUN messages) are built the same way.
"""

from __future__ import annotations

import base64
import struct
from xml.sax.saxutils import escape, quoteattr

from hypothesis import strategies as st

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
ENC = "http://schemas.xmlsoap.org/soap/encoding/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"
NAMESPACES = ("urn:dslforum-org:cwmp-1-0", "urn:dslforum-org:cwmp-1-1", "urn:dslforum-org:cwmp-1-2")
METHODS = (
    "GetRPCMethods",
    "SetParameterValues",
    "GetParameterValues",
    "GetParameterNames",
    "SetParameterAttributes",
    "GetParameterAttributes",
    "AddObject",
    "DeleteObject",
    "Reboot",
    "Download",
    "Upload",
    "FactoryReset",
    "ScheduleInform",
    "GetQueuedTransfers",
    "GetAllQueuedTransfers",
    "ScheduleDownload",
    "CancelTransfer",
    "InformResponse",
    "TransferCompleteResponse",
    "X_Unknown",
)
ELEMENTS = (
    "ParameterList",
    "ParameterValueStruct",
    "ParameterAttributeStruct",
    "SetParameterAttributesStruct",
    "Name",
    "Value",
    "string",
    "ParameterNames",
    "ParameterKey",
    "ParameterPath",
    "NextLevel",
    "ObjectName",
    "CommandKey",
    "DelaySeconds",
    "FileType",
    "URL",
    "Username",
    "Password",
    "FileSize",
    "TargetFileName",
    "NotificationChange",
    "Notification",
    "AccessListChange",
    "AccessList",
    "TimeWindowList",
    "TimeWindowStruct",
    "WindowStart",
    "WindowEnd",
    "WindowMode",
    "UserMessage",
    "MaxRetries",
    "SuccessURL",
    "FailureURL",
    "MaxEnvelopes",
)
TEXTS = (
    "",
    " ",
    "0",
    "1",
    "-1",
    "2",
    "6",
    "true",
    "false",
    "4294967295",
    "4294967296",
    "99999999999999999999999999",
    "1e12",
    "inf",
    "\u0662",
    "\u00b9",
    "Device.",
    "Device",
    "",
    "Device..",
    "Device.ManagementServer.",
    "Device.ManagementServer.PeriodicInformInterval",
    "Device.ManagementServer.PeriodicInformTime",
    "Device.ManagementServer.ConnectionRequestPassword",
    "Device.ManagementServer.URL",
    "Device.DeviceInfo.ProvisioningCode",
    "Device.DeviceInfo.UpTime",
    "Device.X_00D09E_Meter.",
    "Device.X_00D09E_Meter.1.",
    "Device.X_00D09E_Meter.1.Reading.",
    "InternetGatewayDevice.",
    "9999-12-31T23:59:59-01:00",
    "0001-01-01T00:00:00+14:00",
    "2026-02-30T00:00:00Z",
    "http://127.0.0.1:1/file.json",
    "ftp://user:pw@127.0.0.1:1/f",
    "file:///etc/passwd",
    "ftp://[::1/f",
    "http://[::1/f",
    "3 Vendor Configuration File",
    "2 Vendor Log File",
    "1 At Any Time",
    "4 Confirmation Needed",
    "X Vendor",
    "Subscriber",
    "xsd:string",
    "xsd:unsignedInt",
    "x" * 300,
)
XSI_TYPES = ("xsd:string", "xsd:int", "xsd:unsignedInt", "xsd:boolean", "xsd:dateTime", "x:y", "")
ENCODINGS = ("UTF-8", "utf-16", "x-no-such", "rot13", "hex", "latin-1", "idna", "utf-7", "utf-32")

# Text any XML 1.0 document can carry (expat refuses the rest before the agent sees it).
xml_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff"),
    max_size=24,
).map(lambda text: "".join(c for c in text if c in "\t\n\r" or ord(c) >= 0x20))
texts = st.one_of(st.sampled_from(TEXTS), xml_text)


def _text_node(text: str, cdata: bool) -> str:
    if cdata and "]]>" not in text:
        return f"<![CDATA[{text}]]>"
    return escape(text)


@st.composite
def attributes(draw: st.DrawFn) -> str:
    parts = []
    if draw(st.booleans()):
        parts.append(f" xsi:type={quoteattr(draw(st.sampled_from(XSI_TYPES)))}")
    if draw(st.integers(0, 5)) == 0:
        parts.append(f' soap-enc:arrayType="cwmp:X[{draw(st.integers(-1, 10**6))}]"')
    return "".join(parts)


def elements(max_leaves: int = 40) -> st.SearchStrategy[str]:
    """XML element sequences: CWMP names, nested, repeated, with text or CDATA."""
    leaf = st.builds(
        lambda name, attrs, text, cdata: f"<{name}{attrs}>{_text_node(text, cdata)}</{name}>",
        st.sampled_from(ELEMENTS),
        attributes(),
        texts,
        st.booleans(),
    )
    return st.recursive(
        st.lists(leaf, max_size=4).map("".join),
        lambda inner: st.lists(
            st.builds(
                lambda name, attrs, content: f"<{name}{attrs}>{content}</{name}>",
                st.sampled_from(ELEMENTS),
                attributes(),
                inner,
            ),
            max_size=4,
        ).map("".join),
        max_leaves=max_leaves,
    )


@st.composite
def headers(draw: st.DrawFn) -> str:
    """Mostly the usual cwmp:ID; sometimes what no header should be."""
    if draw(st.integers(0, 9)):
        return f'<cwmp:ID soap-env:mustUnderstand="1">{escape(draw(texts))}</cwmp:ID>'
    parts = []
    if draw(st.integers(0, 4)):
        must = draw(st.sampled_from(("1", "0", "true", "false", "2", "yes", "")))
        content = draw(st.one_of(texts.map(escape), st.just("<x>1</x>")))
        parts.append(f'<cwmp:ID soap-env:mustUnderstand="{must}">{content}</cwmp:ID>')
    names = ("HoldRequests", "NoMoreRequests", "ID", "UseCWMPVersion", "SessionTimeout")
    for name in draw(st.lists(st.sampled_from(names), max_size=2)):
        parts.append(f"<cwmp:{name}>{escape(draw(texts))}</cwmp:{name}>")
    if draw(st.integers(0, 4)) == 0:
        must = draw(st.sampled_from(("1", "0", "maybe")))
        parts.append(f'<x:Other xmlns:x="urn:x" soap-env:mustUnderstand="{must}">1</x:Other>')
    return "".join(parts)


def _leaf(name: str, text: str) -> str:
    return f"<{name}>{escape(text)}</{name}>"


numbers = st.one_of(st.integers(-5, 2**33).map(str), texts)
booleans = st.one_of(st.sampled_from(("0", "1", "true", "false", "2", " 1 ")), texts)


@st.composite
def members(draw: st.DrawFn, fields: tuple[tuple[str, st.SearchStrategy[str]], ...]) -> str:
    """Struct members, each usually once, sometimes missing, repeated or a struct itself."""
    parts = []
    for name, values in fields:
        fate = draw(st.integers(0, 19))
        if fate == 0:
            continue
        item = f"<{name}>{draw(elements(6))}</{name}>" if fate == 1 else _leaf(name, draw(values))
        parts.append(item * (2 if fate == 2 else 1))
    if draw(st.integers(0, 9)) == 0:
        parts = draw(st.permutations(parts))
    return "".join(parts)


def array(
    tag: str, item: str, content: st.SearchStrategy[str], size: int = 4
) -> st.SearchStrategy[str]:
    """A SOAP array of ``item`` elements (the arrayType count is not checked by the agent)."""
    return st.lists(content, max_size=size).map(
        lambda items: (
            f'<{tag} soap-enc:arrayType="cwmp:{item}[{len(items)}]">'
            + "".join(f"<{item}>{part}</{item}>" for part in items)
            + f"</{tag}>"
        )
    )


_value = st.builds(
    lambda kind, text: f"<Value xsi:type={quoteattr(kind)}>{escape(text)}</Value>",
    st.sampled_from(XSI_TYPES),
    texts,
)
_names = st.one_of(st.sampled_from([text for text in TEXTS if text.startswith("Device")]), texts)
_strings = array("ParameterNames", "string", texts.map(escape), 5)
_value_structs = array(
    "ParameterList",
    "ParameterValueStruct",
    st.builds(lambda name, value: _leaf("Name", name) + value, _names, _value),
)
_attribute_structs = array(
    "ParameterList",
    "SetParameterAttributesStruct",
    members(
        (
            ("Name", _names),
            ("NotificationChange", booleans),
            ("Notification", numbers),
            ("AccessListChange", booleans),
            ("AccessList", st.just("")),
        )
    ),
)
_MODES = ("1 At Any Time", "2 Immediately", "3 When Idle", "4 Confirmation Needed", "X V")
_windows = array(
    "TimeWindowList",
    "TimeWindowStruct",
    members(
        (
            ("WindowStart", numbers),
            ("WindowEnd", numbers),
            ("WindowMode", st.one_of(st.sampled_from(_MODES), texts)),
            ("UserMessage", texts),
            ("MaxRetries", numbers),
        )
    ),
    3,
)
_FILE_TYPES = ("3 Vendor Configuration File", "1 Vendor Configuration File", "2 Vendor Log File")
_URLS = (
    "http://127.0.0.1:1/f",
    "ftp://u:p@127.0.0.1:1/f",
    "gopher://x/",
    "ftp://[::1/f",
    "http://h:99999/f",
    "ftp://h:abc/f",
    "http:///f",
)
_TRANSFER = (
    ("CommandKey", texts),
    ("FileType", st.one_of(st.sampled_from(_FILE_TYPES), texts)),
    ("URL", st.one_of(st.sampled_from(_URLS), texts)),
    ("Username", texts),
    ("Password", texts),
    ("FileSize", numbers),
    ("TargetFileName", texts),
    ("DelaySeconds", numbers),
)
ARGUMENTS: dict[str, st.SearchStrategy[str]] = {
    "GetParameterValues": _strings,
    "GetParameterAttributes": _strings,
    "GetParameterNames": members((("ParameterPath", _names), ("NextLevel", booleans))),
    "SetParameterValues": st.builds(
        lambda items, key: items + key, _value_structs, members((("ParameterKey", texts),))
    ),
    "SetParameterAttributes": _attribute_structs,
    "AddObject": members((("ObjectName", _names), ("ParameterKey", texts))),
    "DeleteObject": members((("ObjectName", _names), ("ParameterKey", texts))),
    "Reboot": members((("CommandKey", texts),)),
    "Download": members(_TRANSFER),
    "Upload": members(_TRANSFER),
    "ScheduleDownload": st.builds(lambda args, win: args + win, members(_TRANSFER), _windows),
    "ScheduleInform": members((("DelaySeconds", numbers), ("CommandKey", texts))),
    "CancelTransfer": members((("CommandKey", texts),)),
}


@st.composite
def rpc_envelopes(draw: st.DrawFn, method: str | None = None) -> bytes:
    """A well-formed envelope with a CWMP request whose arguments are drawn at random."""
    namespace = draw(st.sampled_from(NAMESPACES))
    name = method or draw(st.sampled_from(METHODS))
    arguments = ARGUMENTS.get(name, st.just(""))
    content = draw(st.one_of(arguments, arguments, arguments, elements()))
    body = f"<cwmp:{name}>{content}</cwmp:{name}>"
    return (
        f'<soap-env:Envelope xmlns:soap-env="{SOAP}" xmlns:soap-enc="{ENC}" xmlns:xsi="{XSI}"'
        f' xmlns:xsd="{XSD}" xmlns:cwmp="{namespace}">'
        f"<soap-env:Header>{draw(headers())}</soap-env:Header>"
        f"<soap-env:Body>{body}</soap-env:Body></soap-env:Envelope>"
    ).encode()


@st.composite
def mutated(draw: st.DrawFn, document: st.SearchStrategy[bytes]) -> bytes:
    """A document with a few byte-level mutations (cut, repeated, inserted, flipped)."""
    data = bytearray(draw(document))
    if draw(st.booleans()):
        encoding = draw(st.sampled_from(ENCODINGS))
        data[0:0] = f'<?xml version="1.0" encoding="{encoding}"?>'.encode()
    for _ in range(draw(st.integers(0, 3))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        kind = draw(st.integers(0, 3))
        if kind == 0:
            del data[at : at + draw(st.integers(1, 64))]
        elif kind == 1:
            data[at:at] = data[at : at + draw(st.integers(1, 64))] * draw(st.integers(1, 4))
        elif kind == 2:
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        else:
            data[at] ^= 1 << draw(st.integers(0, 7))
    return bytes(data)


acs_messages = st.one_of(
    rpc_envelopes(),
    mutated(rpc_envelopes()),
    st.binary(max_size=256),
)

# ----------------------------------------------------------------------- configuration files
_json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.floats(), texts
)
_json_values = st.recursive(
    _json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(
                st.sampled_from(
                    ("serial", "vendor", "type", "T1", "total", "temp", "items", "name", "unit")
                ),
                texts,
            ),
            inner,
            max_size=5,
        ),
    ),
    max_leaves=30,
)


@st.composite
def meter_items(draw: st.DrawFn) -> dict[str, object]:
    item: dict[str, object] = {
        "serial": draw(texts),
        "vendor": draw(texts),
        "type": draw(
            st.sampled_from(("electricityMeter", "waterMeter", "temperatureHumidity", "x"))
        ),
    }
    for key in draw(
        st.lists(st.sampled_from(("T1", "T2", "total", "warm", "cold", "temp", "hum")), max_size=3)
    ):
        item[key] = draw(st.one_of(texts, _json_scalars))
    return item


# ----------------------------------------------------------------------- wake-up messages
_any_text = st.text(max_size=24)
_header_values = st.one_of(
    st.sampled_from(("", "0", "-1", "99999999999999", "close", "keep-alive", "chunked")),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
)


@st.composite
def digest_authorizations(draw: st.DrawFn) -> str:
    """Authorization values near a valid Digest answer: forged nonces, odd counts, quotes."""
    # The server's nonces are base64 of "<stamp>:<MAC>": forge the parts.
    stamps = st.sampled_from(("1", "\u0663", "1_0", "-5", "")) | st.integers(0, 2**70).map(str)
    forged = st.tuples(stamps, _any_text).map(
        lambda parts: base64.b64encode(":".join(parts).encode("utf-8", "surrogatepass"))
    )
    nonce = draw(
        st.one_of(forged, st.binary(max_size=24).map(base64.b64encode)).map(bytes.decode)
        | _header_values
    )
    fields = {
        "username": draw(st.sampled_from(("acs", "", "acs\\"))),
        "realm": draw(st.sampled_from(("tr069", "", "x"))),
        "nonce": nonce,
        "uri": draw(st.sampled_from(("/cr", "/", "*"))),
        "qop": draw(st.sampled_from(("auth", "auth-int", ""))),
        "nc": draw(st.sampled_from(("00000001", "ffffffffffffffffffff", "-1", "", "zz"))),
        "cnonce": draw(_header_values),
        "response": draw(st.sampled_from(("0" * 32, "", '\\"')) | _header_values),
        "algorithm": draw(st.sampled_from(("MD5", "SHA-256", "md5-sess", ""))),
    }
    # Mostly all of them, right scheme and user: what reaches the nonce and response checks.
    left_out = draw(st.lists(st.sampled_from(sorted(fields)), unique=True, max_size=2))
    if draw(st.booleans()):
        fields |= {"username": "acs", "uri": "/cr", "nonce": draw(forged).decode()}
        left_out = []
    quoted = draw(st.integers(0, 3)) > 0
    parts = [
        f'{name}="{value}"' if quoted else f"{name}={value}"
        for name, value in fields.items()
        if name not in left_out
    ]
    scheme = draw(st.sampled_from(("Digest", "Digest", "digest", "Basic", "")))
    return f"{scheme} {', '.join(parts)}"


digest_requests = digest_authorizations().map(
    lambda value: f"GET /cr HTTP/1.1\r\nAuthorization: {value}\r\n\r\n".encode(
        "utf-8", "surrogatepass"
    )
)


@st.composite
def http_heads(draw: st.DrawFn) -> bytes:
    """A Connection Request's HTTP head, often nearly right."""
    method = draw(st.sampled_from(("GET", "POST", "get", "G", "")))
    target = draw(st.sampled_from(("/cr", "/", "*", "/cr?x=1", "http://cpe/cr", "/c r")))
    version = draw(st.sampled_from(("HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.1 ")))
    names = st.sampled_from(
        ("Host", "Authorization", "Content-Length", "Connection", "Transfer-Encoding", "X")
    )
    headers = draw(st.lists(st.tuples(names, _header_values | digest_authorizations()), max_size=6))
    lines = [f"{method} {target} {version}"] + [f"{name}: {value}" for name, value in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "surrogatepass")


@st.composite
def udp_connection_requests(draw: st.DrawFn) -> bytes:
    """A UDP Connection Request datagram (TR-069 Annex G), fields often wrong."""
    numbers = st.one_of(
        st.integers(0, 2**40).map(str), st.sampled_from(("", "-1", "1e9", "\u0663", "0x10"))
    )
    fields = {
        "ts": draw(numbers),
        "id": draw(numbers),
        "un": draw(st.sampled_from(("acs", "", "a%20c")) | _any_text),
        "cn": draw(st.sampled_from(("0123456789abcdef", "")) | _any_text),
        "sig": draw(st.sampled_from(("0" * 40, "g" * 40, "0" * 39)) | _any_text),
    }
    items = [f"{name}={value}" for name, value in fields.items() if draw(st.integers(0, 9))]
    items += draw(st.lists(st.sampled_from(("ts=1", "x=y", "sig", "&")), max_size=2))
    order = draw(st.permutations(items))
    line = f"GET http://cpe:7547?{'&'.join(order)} HTTP/1.1"
    return (line + draw(st.sampled_from(("", "\r\n", "\r\n\r\n", "\n")))).encode(
        "utf-8", "surrogatepass"
    )


@st.composite
def stun_messages(draw: st.DrawFn) -> bytes:
    """A STUN message with random attributes and lengths that may lie."""
    kind = draw(st.sampled_from((0x0001, 0x0101, 0x0111, 0x4101)) | st.integers(0, 0xFFFF))
    transaction = draw(st.binary(min_size=12, max_size=12))
    types = st.sampled_from((0x0001, 0x0006, 0x0008, 0x0009, 0x0020, 0x8020, 0xC001, 0xC002))
    body = b""
    for attribute, value in draw(st.lists(st.tuples(types, st.binary(max_size=24)), max_size=6)):
        size = draw(st.sampled_from((len(value), len(value) + 4, 0xFFFF)))
        body += struct.pack("!HH", attribute, size) + value + b"\0" * (-len(value) % 4)
    length = draw(st.sampled_from((len(body), len(body) + 4, 0)))
    return struct.pack("!HHI", kind, length, 0x2112A442) + transaction + body


wakeup_messages = st.one_of(
    digest_requests,
    http_heads(),
    udp_connection_requests(),
    stun_messages(),
    mutated(st.one_of(http_heads(), udp_connection_requests(), stun_messages())),
    st.binary(max_size=128),
)
