"""Property tests of the readers.

* Random meters written in every built-in shape read back as the same meters.
* Random mutations of real files never raise anything but ConfigurationFileError.
"""

from __future__ import annotations

from collections.abc import Callable
import contextlib
import csv
from dataclasses import replace
from datetime import UTC, datetime
import io
import json
from pathlib import Path
from xml.sax.saxutils import quoteattr

from hypothesis import HealthCheck, given, settings, strategies as st

from tr069_cpe.meters import ConfigurationFileError, Meter, MeterKind, Reading, parse_configuration
from tr069_cpe.meters.profile import parse_profile

FILES = Path(__file__).parent / "files"
SAMPLES = sorted(
    path for path in FILES.iterdir() if path.is_file() and not path.name.endswith(".expected.json")
)
PROFILES = [parse_profile(path.read_bytes()) for path in sorted((FILES / "profiles").iterdir())]
PROPERTIES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Canonical readings per kind with the range of their values (in the canonical unit).
READINGS: dict[MeterKind, list[tuple[str, str, float, float]]] = {
    MeterKind.ELECTRICITY: [
        ("T1", "kWh", 0, 1e7),
        ("T2", "kWh", 0, 1e7),
        ("total", "kWh", 0, 1e7),
        ("export_T1", "kWh", 0, 1e6),
        ("power", "W", 0, 1e5),
        ("voltage_L2", "V", 0, 400),
        ("current_L3", "A", 0, 100),
        ("frequency", "Hz", 45, 55),
    ],
    MeterKind.WATER: [("warm", "L", 0, 1e8), ("cold", "L", 0, 1e8)],
    MeterKind.TEMPERATURE_HUMIDITY: [
        ("temperature", "°C", -40, 60),
        ("humidity", "%", 0, 100),
    ],
    MeterKind.HEAT: [
        ("energy", "kWh", 0, 1e7),
        ("volume", "L", 0, 1e8),
        ("flow_temperature", "°C", 0, 120),
    ],
    MeterKind.GAS: [("volume", "m³", 0, 1e6)],
    MeterKind.GENERIC: [("count_a", "", -1e6, 1e6), ("count_b", "", -1e6, 1e6)],
}
TYPES = {kind: "generic" if kind is MeterKind.GENERIC else kind.value for kind in READINGS}


def _number(low: float, high: float) -> st.SearchStrategy[float]:
    """Values with at most three decimals, which every writer renders exactly."""
    return st.integers(int(low * 1000), int(high * 1000)).map(lambda n: n / 1000)


@st.composite
def meters(draw: st.DrawFn) -> tuple[Meter, ...]:
    count = draw(st.integers(1, 4))
    serials = draw(
        st.lists(
            st.text("ABCDEFGHJK0123456789-", min_size=1, max_size=12).filter(
                lambda s: s.strip("-") == s
            ),
            min_size=count,
            max_size=count,
            unique=True,
        )
    )
    moment = draw(
        st.one_of(
            st.none(),
            st.integers(1_500_000_000, 1_900_000_000).map(lambda s: datetime.fromtimestamp(s, UTC)),
        )
    )
    found = []
    for serial in serials:
        kind = draw(st.sampled_from(list(READINGS)))
        chosen = draw(
            st.lists(st.sampled_from(READINGS[kind]), min_size=1, unique_by=lambda r: r[0])
        )
        readings = tuple(
            Reading(name, draw(_number(low, high)), unit or None, moment)
            for name, unit, low, high in chosen
        )
        vendor = draw(st.sampled_from(["", "VOLTARA", "Aquamet GmbH"]))
        found.append(Meter(serial, vendor, kind, TYPES[kind], None, readings))
    return tuple(found)


def _text(reading: Reading) -> str:
    value = reading.value
    assert isinstance(value, float)
    return f"{value!r} {reading.unit}" if reading.unit else repr(value)


def _record(meter: Meter) -> dict[str, object]:
    record: dict[str, object] = {"serial": meter.serial, "type": meter.type_name}
    if meter.vendor:
        record["vendor"] = meter.vendor
    for reading in meter.readings:
        record[reading.name] = _text(reading)
    stamp = _stamp(meter)
    if stamp:
        record["timestamp"] = stamp
    return record


def _stamp(meter: Meter) -> str:
    moment = meter.readings[0].timestamp
    return moment.isoformat() if moment else ""


def json_list(found: tuple[Meter, ...]) -> tuple[bytes, str]:
    return json.dumps([_record(meter) for meter in found], ensure_ascii=False).encode(), "m.json"


def json_envelope(found: tuple[Meter, ...]) -> tuple[bytes, str]:
    document = {
        "header": {"id": "MSG-1", "sender": {"system": "MDM"}},
        "payload": {"site": {"name": "x"}, "devices": [_record(meter) for meter in found]},
    }
    return json.dumps(document).encode(), "m.json"


def json_map(found: tuple[Meter, ...]) -> tuple[bytes, str]:
    document = {
        "meters": {
            meter.serial: {k: v for k, v in _record(meter).items() if k != "serial"}
            for meter in found
        }
    }
    return json.dumps(document).encode(), "m.json"


def json_records(found: tuple[Meter, ...]) -> tuple[bytes, str]:
    items = []
    for meter in found:
        record = {k: v for k, v in _record(meter).items() if k in ("serial", "type", "vendor")}
        record["readings"] = [
            {"name": r.name, "value": r.value, "unit": r.unit or None, "quality": "ok"}
            | ({"timestamp": r.timestamp.isoformat()} if r.timestamp else {})
            for r in meter.readings
        ]
        items.append(record)
    return json.dumps({"meters": items}).encode(), "m.json"


def json_lines(found: tuple[Meter, ...]) -> tuple[bytes, str]:
    lines = [json.dumps(_record(meter) | {"rssi_dbm": -80}) for meter in found]
    return "\n".join(lines).encode(), "m.jsonl"


def xml_attributes(found: tuple[Meter, ...]) -> tuple[bytes, str]:
    elements = "".join(
        "<meter "
        + " ".join(f"{key}={quoteattr(str(value))}" for key, value in _record(meter).items())
        + "/>"
        for meter in found
    )
    return f'<meters xmlns="urn:example">{elements}</meters>'.encode(), "m.xml"


def xml_elements(found: tuple[Meter, ...]) -> tuple[bytes, str]:
    def reading(r: Reading) -> str:
        unit = f' unit="{r.unit}"' if r.unit else ""
        return f'<x:Reading name="{r.name}"{unit}>{r.value!r}</x:Reading>'

    meters_xml = "".join(
        f"<x:Meter><x:Serial>{m.serial}</x:Serial><x:Type>{m.type_name}</x:Type>"
        + (f"<x:Vendor>{m.vendor}</x:Vendor>" if m.vendor else "")
        + (f"<x:Timestamp>{_stamp(m)}</x:Timestamp>" if _stamp(m) else "")
        + f"<x:Readings>{''.join(reading(r) for r in m.readings)}</x:Readings></x:Meter>"
        for m in found
    )
    document = (
        '<x:Export xmlns:x="urn:x"><x:Header><x:Id>1</x:Id></x:Header>'
        f"<x:Meters>{meters_xml}</x:Meters></x:Export>"
    )
    return document.encode(), "m.xml"


def csv_long(found: tuple[Meter, ...]) -> tuple[bytes, str]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["serial", "vendor", "type", "reading", "value", "unit", "timestamp"])
    for meter in found:
        for r in meter.readings:
            writer.writerow(
                [
                    meter.serial,
                    meter.vendor,
                    meter.type_name,
                    r.name,
                    repr(r.value),
                    r.unit or "",
                    _stamp(meter),
                ]
            )
    return out.getvalue().encode(), "m.csv"


def csv_wide_semicolon(found: tuple[Meter, ...]) -> tuple[bytes, str]:
    columns: dict[str, None] = {}
    for meter in found:
        for r in meter.readings:
            columns[f"{r.name} [{r.unit}]" if r.unit else r.name] = None
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Serial", "Vendor", "Type", *columns, "Timestamp"])
    for meter in found:
        cells = {
            (f"{r.name} [{r.unit}]" if r.unit else r.name): repr(r.value).replace(".", ",")
            for r in meter.readings
        }
        writer.writerow(
            [meter.serial, meter.vendor, meter.type_name]
            + [cells.get(column, "") for column in columns]
            + [_stamp(meter)]
        )
    return b"\xef\xbb\xbf" + out.getvalue().encode(), "m.csv"


WRITERS: list[Callable[[tuple[Meter, ...]], tuple[bytes, str]]] = [
    json_list,
    json_envelope,
    json_map,
    json_records,
    json_lines,
    xml_attributes,
    xml_elements,
    csv_long,
    csv_wide_semicolon,
]


@PROPERTIES
@given(found=meters(), writer=st.sampled_from(WRITERS))
def test_meters_written_in_every_shape_read_back_equal(
    found: tuple[Meter, ...], writer: Callable[[tuple[Meter, ...]], tuple[bytes, str]]
) -> None:
    data, name = writer(found)
    result = parse_configuration(data, filename=name)
    if writer is csv_wide_semicolon:  # readings come in the order of the columns
        assert list(map(_sorted, result.meters)) == list(map(_sorted, found)), data
    else:
        assert result.meters == found, data


def _sorted(meter: Meter) -> Meter:
    return replace(meter, readings=tuple(sorted(meter.readings, key=lambda r: r.name)))


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SAMPLES)).read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, max(len(data) - 1, 0)))
        action = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "repeat"]))
        if action == "flip" and data:
            data[position] = draw(st.integers(0, 255))
        elif action == "insert":
            data[position:position] = draw(
                st.sampled_from(
                    [b"{", b"}", b"[", b'"', b",", b";", b"<a>", b"\\ud800", b"\n", b"NaN", b"-"]
                )
            )
        elif action == "delete":
            del data[position : position + draw(st.integers(1, 20))]
        elif action == "truncate":
            del data[position:]
        else:
            data[position:position] = data[position : position + 40] * 3
    return bytes(data)


@PROPERTIES
@given(data=mutated(), name=st.sampled_from([None, "x.json", "x.xml", "x.csv", "x.jsonl"]))
def test_mutations_raise_only_configuration_file_errors(data: bytes, name: str | None) -> None:
    for profiles in ((), PROFILES):
        with contextlib.suppress(ConfigurationFileError):
            parse_configuration(data, filename=name, profiles=profiles)


@PROPERTIES
@given(data=st.binary(max_size=300))
def test_random_bytes_raise_only_configuration_file_errors(data: bytes) -> None:
    with contextlib.suppress(ConfigurationFileError):
        parse_configuration(data, profiles=PROFILES)
