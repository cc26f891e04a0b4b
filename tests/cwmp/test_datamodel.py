"""The data model: paths, GetParameterNames rules, atomic sets, tables, persistence."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tr069_cpe.cwmp.datamodel import (
    UNKNOWN_TIME,
    Change,
    ChangeKind,
    DataModel,
    ObjectSpec,
    ParameterSpec,
    ParamType,
    RootObject,
    Source,
    root_spec,
)
from tr069_cpe.cwmp.datamodel.types import format_datetime, parse_datetime
from tr069_cpe.cwmp.faults import CwmpFault, FaultCode

MS = "Device.ManagementServer."
THING = ObjectSpec(
    name="Thing",
    multi_instance=True,
    writable=True,
    max_entries=3,
    count_parameter="ThingNumberOfEntries",
    children=(
        ParameterSpec(name="Name", writable=True, max_length=8),
        ObjectSpec(
            name="Part",
            multi_instance=True,
            writable=True,
            count_parameter="PartNumberOfEntries",
            children=(ParameterSpec(name="Weight", type=ParamType.INT, writable=True),),
        ),
        ParameterSpec(name="PartNumberOfEntries", type=ParamType.UNSIGNED_INT),
    ),
)
EXTENSIONS = (
    ParameterSpec(name="ThingNumberOfEntries", type=ParamType.UNSIGNED_INT),
    THING,
)


def model() -> DataModel:
    return DataModel(root_spec(RootObject.DEVICE, EXTENSIONS))


def fault_of(call: object) -> CwmpFault:
    assert isinstance(call, CwmpFault)
    return call


def test_names_of_the_root() -> None:
    dm = model()
    assert dm.names("", True) == [("Device.", False)]
    everything = dm.names("", False)
    assert everything[0] == ("Device.", False)
    assert ("Device.Thing.", True) in everything
    assert ("Device.ManagementServer.URL", True) in everything
    assert ("Device.DeviceInfo.UpTime", False) in everything


def test_names_next_level_lists_direct_children_only() -> None:
    dm = model()
    assert dm.names("Device.", True) == [
        ("Device.RootDataModelVersion", False),
        ("Device.DeviceInfo.", False),
        ("Device.ManagementServer.", False),
        ("Device.XMPP.", False),
        ("Device.ThingNumberOfEntries", False),
        ("Device.Thing.", True),
    ]
    assert dm.names("Device.Thing.", True) == []
    dm.add_instance("Device.Thing.")
    assert dm.names("Device.Thing.", True) == [("Device.Thing.1.", True)]
    assert dm.names("Device.Thing.1.", False) == [
        ("Device.Thing.1.", True),
        ("Device.Thing.1.Name", True),
        ("Device.Thing.1.Part.", True),
        ("Device.Thing.1.PartNumberOfEntries", False),
    ]


def test_names_of_a_parameter() -> None:
    dm = model()
    assert dm.names(f"{MS}URL", False) == [(f"{MS}URL", True)]
    with pytest.raises(CwmpFault) as err:
        dm.names(f"{MS}URL", True)
    assert err.value.code is FaultCode.INVALID_ARGUMENTS


@pytest.mark.parametrize(
    "path", ["Device", "Device.Nope.", f"{MS}URL.", "InternetGatewayDevice.", "Device.Thing.7."]
)
def test_invalid_paths_are_9005(path: str) -> None:
    with pytest.raises(CwmpFault) as err:
        model().names(path, False)
    assert err.value.code is FaultCode.INVALID_PARAMETER_NAME


def test_parameters_of_partial_path_in_order() -> None:
    dm = model()
    names = [node.path for node in dm.parameters("Device.DeviceInfo.")]
    assert names[0] == "Device.DeviceInfo.Manufacturer"
    assert names[-1] == "Device.DeviceInfo.UpTime"
    assert len(list(dm.parameters(""))) == len(list(dm.parameters("Device.")))


def test_set_values_applies_all_and_reports_changes() -> None:
    dm = model()
    seen: list[list[Change]] = []
    dm.subscribe(seen.append)
    changes = dm.set_values(
        [
            (f"{MS}PeriodicInformInterval", "60", "xsd:unsignedInt"),
            (f"{MS}PeriodicInformEnable", "0", None),
            (f"{MS}PeriodicInformTime", "1970-01-01T05:23:20.000Z", "xsd:dateTime"),
        ]
    )
    assert dm.value(f"{MS}PeriodicInformInterval") == 60
    assert dm.value(f"{MS}PeriodicInformEnable") is False
    assert dm.value(f"{MS}PeriodicInformTime") == datetime(1970, 1, 1, 5, 23, 20, tzinfo=UTC)
    assert seen == [changes]
    assert {change.source for change in changes} == {Source.ACS}


def test_set_values_is_all_or_nothing_with_one_fault_per_parameter() -> None:
    dm = model()
    with pytest.raises(CwmpFault) as err:
        dm.set_values(
            [
                (f"{MS}PeriodicInformInterval", "60", "xsd:unsignedInt"),
                (f"{MS}PeriodicInformEnable", "true", "xsd:string"),
                (f"{MS}CWMPRetryIntervalMultiplier", "999", "xsd:unsignedInt"),
                ("Device.DeviceInfo.UpTime", "5", "xsd:unsignedInt"),
                ("Device.DeviceInfo.ConnectionRequestURL", "x", "xsd:string"),
                (f"{MS}ConnectionRequestURL", "http://x", "xsd:string"),
            ]
        )
    fault = err.value
    assert fault.code is FaultCode.INVALID_ARGUMENTS
    assert [(item.name, item.code) for item in fault.parameter_faults] == [
        (f"{MS}PeriodicInformEnable", FaultCode.INVALID_PARAMETER_TYPE),
        (f"{MS}CWMPRetryIntervalMultiplier", FaultCode.INVALID_PARAMETER_VALUE),
        ("Device.DeviceInfo.UpTime", FaultCode.NON_WRITABLE_PARAMETER),
        ("Device.DeviceInfo.ConnectionRequestURL", FaultCode.INVALID_PARAMETER_NAME),
        (f"{MS}ConnectionRequestURL", FaultCode.NON_WRITABLE_PARAMETER),
    ]
    assert dm.value(f"{MS}PeriodicInformInterval") == 300


def test_duplicate_names_are_invalid_arguments() -> None:
    with pytest.raises(CwmpFault) as err:
        model().set_values([(f"{MS}URL", "http://a", None), (f"{MS}URL", "http://b", None)])
    assert err.value.code is FaultCode.INVALID_ARGUMENTS
    assert not err.value.parameter_faults


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (f"{MS}PeriodicInformInterval", "0"),
        (f"{MS}PeriodicInformInterval", "-5"),
        (f"{MS}PeriodicInformInterval", "4294967296"),
        (f"{MS}PeriodicInformInterval", "ten"),
        (f"{MS}PeriodicInformEnable", "yes"),
        (f"{MS}PeriodicInformTime", "yesterday"),
        (f"{MS}CWMPRetryMinimumWaitInterval", "65536"),
        (f"{MS}Username", "x" * 257),
        ("Device.Thing.1.Name", "123456789"),
    ],
)
def test_values_outside_type_or_range_are_9007(name: str, text: str) -> None:
    dm = model()
    dm.add_instance("Device.Thing.")
    with pytest.raises(CwmpFault) as err:
        dm.set_values([(name, text, None)])
    assert err.value.parameter_faults[0].code is FaultCode.INVALID_PARAMETER_VALUE


def test_validators_refuse_values_beyond_type() -> None:
    dm = model()

    def no_ftp(node: object, value: object) -> None:
        if str(value).startswith("ftp:"):
            raise ValueError("the ACS URL must be http or https")

    dm.add_validator(f"{MS}URL", no_ftp)
    with pytest.raises(CwmpFault) as err:
        dm.set_values([(f"{MS}URL", "ftp://acs", None)])
    assert "http or https" in err.value.parameter_faults[0].text


def test_tables_never_reuse_instance_numbers() -> None:
    dm = model()
    changes: list[Change] = []
    dm.subscribe(changes.extend)
    first = dm.add_instance("Device.Thing.")
    second = dm.add_instance("Device.Thing.")
    assert (first.instance, second.instance) == (1, 2)
    dm.delete_instance("Device.Thing.2.")
    assert dm.add_instance("Device.Thing.").instance == 3
    assert dm.value("Device.ThingNumberOfEntries") == 2
    count = "Device.ThingNumberOfEntries"
    assert [(change.kind, change.path, change.new) for change in changes] == [
        (ChangeKind.ADDED, "Device.Thing.1.", None),
        (ChangeKind.VALUE, count, 1),
        (ChangeKind.ADDED, "Device.Thing.2.", None),
        (ChangeKind.VALUE, count, 2),
        (ChangeKind.DELETED, "Device.Thing.2.", None),
        (ChangeKind.VALUE, count, 1),
        (ChangeKind.ADDED, "Device.Thing.3.", None),
        (ChangeKind.VALUE, count, 2),
    ]
    assert [change.old for change in changes if change.kind is ChangeKind.VALUE] == [0, 1, 2, 1]
    assert dm.node("Device.Thing.2.Name") is None


def test_table_limits_and_rules() -> None:
    dm = model()
    for _ in range(3):
        dm.add_instance("Device.Thing.")
    with pytest.raises(CwmpFault) as err:
        dm.add_instance("Device.Thing.")
    assert err.value.code is FaultCode.RESOURCES_EXCEEDED
    for path, code in (
        ("Device.DeviceInfo.", FaultCode.INVALID_PARAMETER_NAME),
        ("Device.Thing", FaultCode.INVALID_PARAMETER_NAME),
    ):
        with pytest.raises(CwmpFault) as err:
            dm.add_instance(path)
        assert err.value.code is code
    with pytest.raises(CwmpFault) as err:
        dm.delete_instance("Device.Thing.")
    assert err.value.code is FaultCode.INVALID_PARAMETER_NAME


def test_read_only_tables_refuse_the_acs_but_not_the_cpe() -> None:
    spec = ObjectSpec(name="Fixed", multi_instance=True, children=())
    dm = DataModel(root_spec(RootObject.DEVICE, (spec,)))
    with pytest.raises(CwmpFault) as err:
        dm.add_instance("Device.Fixed.")
    assert err.value.code is FaultCode.REQUEST_DENIED
    dm.add_instance("Device.Fixed.", Source.LOCAL)
    with pytest.raises(CwmpFault) as err:
        dm.delete_instance("Device.Fixed.1.")
    assert err.value.code is FaultCode.REQUEST_DENIED


def test_state_round_trip_keeps_values_instances_and_counters() -> None:
    dm = model()
    dm.set_values([(f"{MS}PeriodicInformInterval", "60", None), (f"{MS}Password", "s3", None)])
    thing = dm.add_instance("Device.Thing.")
    dm.add_instance("Device.Thing.")
    dm.delete_instance("Device.Thing.2.")
    dm.add_instance(f"{thing.path}Part.")
    dm.set_values(
        [("Device.Thing.1.Name", "one", None), ("Device.Thing.1.Part.1.Weight", "-4", None)]
    )
    state = dm.export_state()
    assert "Device.DeviceInfo.UpTime" not in state["values"]

    restored = model()
    restored.import_state(state)
    assert restored.value(f"{MS}PeriodicInformInterval") == 60
    assert restored.value(f"{MS}Password") == "s3"
    assert restored.value("Device.Thing.1.Part.1.Weight") == -4
    assert restored.names("Device.Thing.", True) == [("Device.Thing.1.", True)]
    assert restored.add_instance("Device.Thing.").instance == 3


def test_import_skips_what_no_longer_fits() -> None:
    dm = model()
    dm.import_state(
        {
            "values": {f"{MS}PeriodicInformInterval": "zero", "Device.Gone": "1"},
            "tables": {"Device.Gone.": {"next": 4, "instances": [1]}},
        }
    )
    assert dm.value(f"{MS}PeriodicInformInterval") == 300


def test_reset_restores_defaults_and_keeps_counting() -> None:
    dm = model()
    dm.set_values([(f"{MS}PeriodicInformInterval", "60", None)])
    dm.add_instance("Device.Thing.")
    dm.bind("Device.DeviceInfo.UpTime", lambda: 77)
    dm.reset()
    assert dm.value(f"{MS}PeriodicInformInterval") == 300
    assert dm.names("Device.Thing.", True) == []
    assert dm.add_instance("Device.Thing.").instance == 2
    assert dm.value("Device.DeviceInfo.UpTime") == 77


def test_dynamic_parameters_are_not_writable_by_the_acs() -> None:
    dm = model()
    dm.bind(f"{MS}PeriodicInformInterval", lambda: 5)
    with pytest.raises(CwmpFault) as err:
        dm.set_values([(f"{MS}PeriodicInformInterval", "60", None)])
    assert err.value.parameter_faults[0].code is FaultCode.NON_WRITABLE_PARAMETER


def test_local_changes_check_constraints() -> None:
    dm = model()
    with pytest.raises(ValueError, match="does not match"):
        dm.set_local("Device.DeviceInfo.ManufacturerOUI", "00d09e")
    dm.set_local("Device.DeviceInfo.UpTime", 3)
    assert dm.int_value("Device.DeviceInfo.UpTime") == 3


@pytest.mark.parametrize(
    ("ptype", "text", "value"),
    [
        (ParamType.INT, "-2147483648", -(2**31)),
        (ParamType.UNSIGNED_INT, " 7 ", 7),
        (ParamType.LONG, "9223372036854775807", 2**63 - 1),
        (ParamType.UNSIGNED_LONG, "18446744073709551615", 2**64 - 1),
        (ParamType.BOOLEAN, "TRUE", True),
        (ParamType.BOOLEAN, "0", False),
        (ParamType.STRING, " keep spaces ", " keep spaces "),
        (ParamType.BASE64, "aGVsbG8=", "aGVsbG8="),
        (ParamType.HEX_BINARY, "0aFF", "0aFF"),
        (ParamType.DATETIME, "0001-01-01T00:00:00Z", UNKNOWN_TIME),
        (ParamType.DATETIME, "2024-05-01T10:00:00+02:00", datetime(2024, 5, 1, 8, tzinfo=UTC)),
        (ParamType.DATETIME, "2024-05-01T10:00:00", datetime(2024, 5, 1, 10, tzinfo=UTC)),
    ],
)
def test_type_parsing(ptype: ParamType, text: str, value: object) -> None:
    assert ptype.parse(text) == value


@pytest.mark.parametrize(
    ("ptype", "text"),
    [
        (ParamType.INT, "2147483648"),
        (ParamType.UNSIGNED_INT, "-1"),
        (ParamType.UNSIGNED_LONG, "1.5"),
        (ParamType.BOOLEAN, "maybe"),
        (ParamType.BASE64, "not base64!"),
        (ParamType.HEX_BINARY, "abc"),
        (ParamType.DATETIME, "2024-13-01T00:00:00Z"),
    ],
)
def test_type_parsing_errors(ptype: ParamType, text: str) -> None:
    with pytest.raises(ValueError):
        ptype.parse(text)


def test_datetime_formatting() -> None:
    assert format_datetime(UNKNOWN_TIME) == "0001-01-01T00:00:00Z"
    assert format_datetime(parse_datetime("2024-05-01T10:00:00.250+02:00")) == (
        "2024-05-01T08:00:00.25Z"
    )
    assert format_datetime(datetime(2024, 5, 1, 8)) == "2024-05-01T08:00:00Z"
    assert ParamType.BOOLEAN.to_text(True) == "true"


def test_internet_gateway_device_root() -> None:
    dm = DataModel(root_spec(RootObject.INTERNET_GATEWAY_DEVICE))
    assert dm.names("", True) == [("InternetGatewayDevice.", False)]
    assert dm.node("InternetGatewayDevice.RootDataModelVersion") is None
    url = dm.parameter("InternetGatewayDevice.ManagementServer.URL")
    assert url.spec.max_length == 256


def test_a_batch_reaches_listeners_once() -> None:
    dm = model()
    heard: list[list[Change]] = []
    dm.subscribe(heard.append)
    with dm.batch():
        dm.add_instance("Device.Thing.")
        with dm.batch():  # nested: still the outer batch
            dm.set_local(f"{MS}PeriodicInformInterval", 60)
        assert heard == []
    assert [[change.kind for change in batch] for batch in heard] == [
        [ChangeKind.ADDED, ChangeKind.VALUE, ChangeKind.VALUE]
    ]

    def interrupted() -> None:
        with dm.batch():
            dm.set_local(f"{MS}PeriodicInformInterval", 90)
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        interrupted()
    assert heard[-1][0].new == 90  # what was changed is still told


def test_walks_are_reused_only_while_the_shape_holds() -> None:
    dm = model()
    first = dm.parameters("Device.")
    first.clear()  # the caller's own list
    assert dm.parameters("Device.") == dm.parameters("Device.")
    count = len(dm.parameters("Device."))
    names = len(dm.name_nodes("Device.", next_level=False))
    added = dm.add_instance("Device.Thing.")
    assert f"{added.path}Name" in {node.path for node in dm.parameters("Device.")}
    assert len(dm.name_nodes("Device.", next_level=False)) > names
    dm.delete_instance(added.path)
    assert len(dm.parameters("Device.")) == count
    for path in ("Device.DeviceInfo.", "Device.ManagementServer.", "Device.Thing.", "Device."):
        dm.parameters(path)
    dm.reset()
    assert len(dm.parameters("Device.")) == count
