"""The session log (Upload's Vendor Log File): no password survives in it."""

from __future__ import annotations

import pytest

from tr069_cpe.cwmp.datamodel import DataModel, RootObject, root_spec
from tr069_cpe.cwmp.redaction import is_secret_name, redact, safe_prefix
from tr069_cpe.cwmp.session_log import MAX_MESSAGE, SessionLog


def spv(name: str, value: str) -> bytes:
    return (
        f"<ParameterValueStruct><Name>{name}</Name>"
        f'<Value xsi:type="xsd:string">{value}</Value></ParameterValueStruct>'
    ).encode()


@pytest.mark.parametrize(
    "message",
    [
        spv("Device.ManagementServer.Password", "s3cret"),
        spv("Device.ManagementServer.ConnectionRequestPassword", "s3cret&amp;more"),
        spv("Device.WiFi.AccessPoint.1.Security.KeyPassphrase", "s3cret"),
        spv("Device.WiFi.AccessPoint.1.Security.PreSharedKey", "<![CDATA[s3cret</Value>]]>"),
        spv("Device.X_Vendor.Secret", "<![CDATA[s3\ncret]]>"),
        b"<cwmp:Download><Username>u</Username><Password>s3cret</Password></cwmp:Download>",
        b"<Password><![CDATA[s3<cret]]></Password>",
        b"<Passphrase>s3cret</Passphrase>",
    ],
)
def test_secrets_are_replaced(message: bytes) -> None:
    cleaned = redact(message)
    assert b"s3" not in cleaned
    assert b"&lt;redacted&gt;" in cleaned


@pytest.mark.parametrize(
    "message",
    [
        b'<cwmp:ParameterValueStruct><cwmp:Value xmlns:x="urn:a/b" x:t="1">s3cret</cwmp:Value>'
        b"<cwmp:Name> Device.ManagementServer.Password </cwmp:Name></cwmp:ParameterValueStruct>",
        b'<Download><Password xmlns="urn:a/b">s3cret</Password></Download>',
    ],
    ids=["value-before-name-with-prefixes", "attributes-with-slashes"],
)
def test_secrets_are_found_in_any_shape(message: bytes) -> None:
    assert b"s3cret" not in redact(message)


def test_every_hidden_parameter_has_a_secret_name() -> None:
    for root in RootObject:
        hidden = [
            node.path for node in DataModel(root_spec(root)).parameters("") if node.spec.hidden
        ]
        assert hidden
        assert all(is_secret_name(path) for path in hidden), hidden


def test_other_values_stay() -> None:
    message = spv("Device.ManagementServer.Username", "operator")
    assert redact(message) == message


def test_the_log_redacts_both_directions_and_urls() -> None:
    log = SessionLog()
    log("in", spv("Device.ManagementServer.Password", "s3cret"))
    log("in", b"<URL>ftp://cpe:s3cret@files.example/a.json</URL>")
    log("out", b"<Value>https://op:s3cret@acs.example/cwmp</Value>")
    text = log.text()
    assert "s3cret" not in text
    assert "ftp://cpe:&lt;redacted&gt;@files.example/a.json" in text
    assert "https://op:&lt;redacted&gt;@acs.example/cwmp" in text
    assert "ACS -> CPE" in text
    assert "CPE -> ACS" in text


def test_the_log_is_bounded() -> None:
    log = SessionLog(max_bytes=3 * MAX_MESSAGE)
    element = b"<v>0123456789</v>"
    message = element * (MAX_MESSAGE // len(element) + 2)
    for _ in range(10):
        log("out", message)
    text = log.text()
    assert text.count("CPE -> ACS") == 3
    cut = len(message) - MAX_MESSAGE // len(element) * len(element)
    assert text.count(f"[... {cut} more bytes]") == 3
    log("out", b"x" * (MAX_MESSAGE + 10))  # no tag, no space: nothing can be kept safely
    assert f"[... {MAX_MESSAGE + 10} more bytes]" in log.text()
    log("out", b"")
    assert "(empty)" in log.text()


def _struct(name: str, value: str, prefix: str = "") -> str:
    tag = f"{prefix}ParameterValueStruct"
    return f"<{tag}><Name>{name}</Name><Value>{value}</Value></{tag}>"


def test_secrets_among_thousands_of_structs_are_redacted() -> None:
    plain = [_struct(f"Device.X.{number}.Name", f"v{number}") for number in range(3000)]
    message = "".join(
        [
            "<ParameterList>",
            *plain[:1500],
            _struct("Device.ManagementServer.Password", "s3cret-one"),
            *plain[1500:],
            _struct("Device.XMPP.Connection.1.Password", "s3cret-two", "cwmp:"),
            "<Name>Device.Not.In.A.Struct.Password</Name>",
            "</ParameterList>",
        ]
    ).encode()
    redacted = redact(message)
    assert b"s3cret" not in redacted
    assert redacted.count(b"&lt;redacted&gt;") == 2
    assert b"<Value>v2999</Value>" in redacted
    assert b"Device.Not.In.A.Struct.Password" in redacted


@pytest.mark.parametrize("size", [40, 95, 130, 190, 260, 300])
def test_a_cut_never_halves_a_secret(size: int) -> None:
    message = (
        _struct("Device.A.Name", "plain")
        + _struct("Device.ManagementServer.Password", "s3cret")
        + "<URL>ftp://user:s3cret@host/file</URL>"
        + "<Password>s3cret</Password>"
    ).encode()
    kept = safe_prefix(message, size)
    assert message.startswith(kept)
    assert len(kept) <= size
    assert b"s3cret" not in redact(kept)
