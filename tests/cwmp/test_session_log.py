"""The session log (Upload's Vendor Log File): no password survives in it."""

from __future__ import annotations

import pytest

from tr069_cpe.cwmp.datamodel import DataModel, RootObject, root_spec
from tr069_cpe.cwmp.redaction import is_secret_name, redact
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
    for _ in range(10):
        log("out", b"x" * (MAX_MESSAGE + 10))
    text = log.text()
    assert text.count("CPE -> ACS") == 3
    assert text.count("[... 10 more bytes]") == 3
    log("out", b"")
    assert "(empty)" in log.text()
