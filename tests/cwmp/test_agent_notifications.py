"""Value changes the ACS hears of: computed values, counters, meters, restarts, races."""

from __future__ import annotations

import asyncio

import pytest

from local_acs import LocalAcs, rpc
from tests.agent_harness import IDENTITY, SERIAL
from tr069_cpe.cwmp.datamodel import (
    DataModel,
    ObjectSpec,
    ParameterSpec,
    ParamType,
    RootObject,
    Source,
    root_spec,
)
from tr069_cpe.cwmp.notifications import (
    ACTIVE,
    PASSIVE,
    AttributeChange,
    Notifications,
)

from .conftest import HarnessFactory
from .test_agent_rpcs import FILE_A, attr, session, settled, transferred

MS = "Device.ManagementServer."
UPTIME = "Device.DeviceInfo.UpTime"
CODE = "Device.DeviceInfo.ProvisioningCode"
METERS = f"Device.X_{IDENTITY.oui}_Meter."
METER_COUNT = f"Device.X_{IDENTITY.oui}_MeterNumberOfEntries"


def values_of(inform: object) -> dict[str, str]:
    return {item.name: item.value for item in inform.parameters}  # type: ignore[attr-defined]


def codes(inform: object) -> list[str]:
    return [event.code for event in inform.events]  # type: ignore[attr-defined]


# ---------------------------------------------------------------------- the bookkeeping
def things() -> DataModel:
    thing = ObjectSpec(
        name="Thing",
        multi_instance=True,
        writable=True,
        count_parameter="ThingNumberOfEntries",
        children=(ParameterSpec(name="Name", writable=True, max_length=16),),
    )
    count = ParameterSpec(name="ThingNumberOfEntries", type=ParamType.UNSIGNED_INT)
    return DataModel(root_spec(RootObject.DEVICE, (count, thing)))


def watching(datamodel: DataModel) -> tuple[Notifications, list[bool]]:
    actives: list[bool] = []
    notifications = Notifications(datamodel, lambda: actives.append(True))
    datamodel.subscribe(notifications.on_changes)
    return notifications, actives


def test_a_value_changing_again_while_its_inform_is_sent_stays_pending() -> None:
    datamodel = things()
    notifications, _ = watching(datamodel)
    notifications.set_attributes([AttributeChange(f"{MS}PeriodicInformInterval", PASSIVE, None)])
    datamodel.set_local(f"{MS}PeriodicInformInterval", 60)
    assert [node.path for node in notifications.take()] == [f"{MS}PeriodicInformInterval"]
    datamodel.set_local(f"{MS}PeriodicInformInterval", 90)  # after the Inform was built
    notifications.delivered()
    assert list(notifications.pending) == [f"{MS}PeriodicInformInterval"]
    notifications.take()
    notifications.delivered()
    assert notifications.pending == {}


def test_table_counters_notify_like_stored_values() -> None:
    datamodel = things()
    notifications, actives = watching(datamodel)
    notifications.set_attributes([AttributeChange("Device.ThingNumberOfEntries", ACTIVE, None)])
    datamodel.add_instance("Device.Thing.", Source.LOCAL)
    assert list(notifications.pending) == ["Device.ThingNumberOfEntries"]
    assert actives == [True]
    assert notifications.active_pending()
    notifications.take()
    notifications.delivered()
    datamodel.add_instance("Device.Thing.", Source.ACS)  # the ACS's own change
    assert notifications.pending == {}
    assert not notifications.active_pending()


def test_computed_values_under_passive_notification_are_compared_at_each_inform() -> None:
    datamodel = things()
    uptime = [100]
    datamodel.bind(UPTIME, lambda: uptime[0])
    notifications, actives = watching(datamodel)
    notifications.set_attributes([AttributeChange(UPTIME, PASSIVE, None)])
    assert notifications.take() == []
    uptime[0] = 160
    assert [node.path for node in notifications.take()] == [UPTIME]
    notifications.delivered()
    assert notifications.take() == []
    uptime[0] = 200
    restored = Notifications(datamodel, lambda: None)
    restored.restore(notifications.to_json())
    assert [node.path for node in restored.take()] == [UPTIME]
    notifications.set_attributes([AttributeChange(UPTIME, 0, None)])
    assert notifications.take() == []
    assert actives == []


# ---------------------------------------------------------------------- with the ACS
async def test_passive_uptime_reaches_the_acs(acs: LocalAcs, cpe: HarnessFactory) -> None:
    harness = await cpe()
    await settled(acs)
    (accepted,) = await session(acs, harness, rpc.set_parameter_attributes([attr(UPTIME, PASSIVE)]))
    assert accepted.ok
    await asyncio.sleep(1.1)  # UpTime counts seconds
    await session(acs, harness)
    inform = acs.informs[-1]
    assert set(codes(inform)) == {"4 VALUE CHANGE", "6 CONNECTION REQUEST"}
    assert int(values_of(inform)[UPTIME]) >= 1


async def test_a_change_delivered_early_cancels_its_throttled_session(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    harness = await cpe()
    await settled(acs)
    throttle = [(f"{MS}DefaultActiveNotificationThrottle", "2", "xsd:unsignedInt")]
    await session(acs, harness, rpc.set_parameter_values(throttle))
    datamodel = harness.agent.datamodel
    datamodel.set_local(CODE, "one")
    first = await acs.wait_for_inform(serial=SERIAL, event="4 VALUE CHANGE", timeout=3)
    await first.session.wait_ended()
    datamodel.set_local(CODE, "two")  # throttled: its session is due in 2 s
    await session(acs, harness)  # a Connection Request delivers it first
    assert values_of(acs.informs[-1])[CODE] == "two"
    with pytest.raises(TimeoutError):
        await acs.wait_for_inform(serial=SERIAL, timeout=3)


async def test_meter_readings_notify_actively(acs: LocalAcs, cpe: HarnessFactory) -> None:
    harness = await cpe(meters=True)
    await settled(acs)
    acs.serve_file("a.json", FILE_A)
    await session(acs, harness, rpc.download(acs.file_url("a.json"), "3 Vendor Configuration File"))
    await transferred(acs)
    reading = f"{METERS}1.Reading.1.Value"
    (accepted,) = await session(
        acs,
        harness,
        rpc.set_parameter_attributes([attr(reading, ACTIVE), attr(METER_COUNT, ACTIVE)]),
    )
    assert accepted.ok
    updated = FILE_A.replace(b'"T1": "0kWh"', b'"T1": "53kWh"')
    acs.serve_file("b.json", updated)
    await session(acs, harness, rpc.download(acs.file_url("b.json"), "3 Vendor Configuration File"))
    inform = await acs.wait_for_inform(serial=SERIAL, event="4 VALUE CHANGE", timeout=5)
    assert values_of(inform)[reading] == "53"


async def test_pending_changes_and_attributes_survive_a_restart(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    harness = await cpe()
    await settled(acs)
    await session(
        acs,
        harness,
        rpc.set_parameter_attributes([attr(f"{MS}UpgradesManaged", PASSIVE, ["Subscriber"])]),
    )
    harness.agent.datamodel.set_local(f"{MS}UpgradesManaged", True)
    await harness.restart()
    inform = await acs.wait_for_inform(serial=SERIAL)
    assert codes(inform) == ["1 BOOT", "4 VALUE CHANGE"]
    assert values_of(inform)[f"{MS}UpgradesManaged"] == "true"
    await inform.session.wait_ended()
    (kept,) = await session(acs, harness, rpc.get_parameter_attributes([f"{MS}UpgradesManaged"]))
    ((attributes),) = kept.response["ParameterList"]
    assert (attributes.notification, attributes.access_list) == (PASSIVE, ["Subscriber"])
