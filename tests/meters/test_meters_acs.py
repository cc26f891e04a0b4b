"""Profiles and files end to end: the local ACS sends them, the gateway says what it did."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from local_acs import LocalAcs, rpc
from tests.agent_harness import IDENTITY, SERIAL, AgentHarness, HarnessFactory
from tests.cwmp.test_agent_rpcs import session

FILES = Path(__file__).parent / "files"
CONFIG = "3 Vendor Configuration File"
PROFILE = f"X {IDENTITY.oui} Meter Format Profile"
ROOT = "Device."
PROFILES = f"{ROOT}X_{IDENTITY.oui}_FormatProfile."
LAST_FILE = f"{ROOT}X_{IDENTITY.oui}_LastConfigurationFile."
LAST_PROFILE = f"{ROOT}X_{IDENTITY.oui}_LastFormatProfile."
METERS = f"{ROOT}X_{IDENTITY.oui}_MeterNumberOfEntries"


async def send(
    acs: LocalAcs, harness: AgentHarness, name: str, data: bytes, file_type: str
) -> tuple[Any, Any]:
    """A Download of ``data``; its TransferComplete and the Inform that carried it."""
    acs.serve_file(name, data)
    (download,) = await session(acs, harness, rpc.download(acs.file_url(name), file_type))
    assert download.ok
    inform = await acs.wait_for_inform(serial=SERIAL, event="7 TRANSFER COMPLETE", timeout=5)
    await inform.session.wait_ended()
    return acs.transfer_completes[-1], inform


async def values(acs: LocalAcs, harness: AgentHarness, *names: str) -> dict[str, str]:
    (result,) = await session(acs, harness, rpc.get_parameter_values(list(names)))
    found: dict[str, str] = result.values
    return found


async def test_a_profile_by_download_then_a_file_only_it_can_read(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    harness = await cpe(meters=True)
    await (await acs.wait_for_inform(serial=SERIAL)).session.wait_ended()
    german = (FILES / "a25_de_zaehlerstaende.csv").read_bytes()

    complete, _ = await send(acs, harness, "zaehlerstaende.csv", german, CONFIG)
    # cwmp-1-0 carries 9010 with the precise code leading the string.
    assert complete.fault.code == 9010
    assert complete.fault.string.startswith("9018 no column identifies the meter")

    profile = (FILES / "profiles" / "de_zaehlerstaende.profile.json").read_bytes()
    complete, inform = await send(acs, harness, "de.profile.json", profile, PROFILE)
    assert complete.fault.code == 0
    # The outcome is notified without the ACS asking.
    assert "4 VALUE CHANGE" in [event.code for event in inform.events]
    listed = {param.name: param.value for param in inform.parameters}
    assert listed[f"{LAST_PROFILE}Status"] == "Applied"
    assert listed[f"{LAST_PROFILE}Name"] == "de-zaehlerstaende"
    found = await values(acs, harness, PROFILES)
    assert found[f"{PROFILES}1.Name"] == "de-zaehlerstaende"
    assert found[f"{PROFILES}1.Version"] == "2026.1"
    assert found[f"{PROFILES}1.Enable"] == "true"

    complete, inform = await send(acs, harness, "zaehlerstaende.csv", german, CONFIG)
    assert complete.fault.code == 0
    found = await values(acs, harness, LAST_FILE, METERS)
    assert found[METERS] == "5"
    assert found[f"{LAST_FILE}Status"] == "Applied"
    assert found[f"{LAST_FILE}Profile"] == "de-zaehlerstaende"
    assert found[f"{LAST_FILE}Format"] == "csv"
    assert found[f"{LAST_FILE}TimeZone"] == "Europe/Berlin"
    assert found[f"{LAST_FILE}IgnoredKeys"] == "column:Ablesegrund, column:Bemerkung"
    assert found[f"{LAST_FILE}MetersAdded"] == (
        "1VTA0012345681, AQ-88123463, AQ-88123464, GT-20017788, THW-7100046"
    )

    # The ACS cannot add a profile (they come by Download), it can delete one.
    add, delete = await session(
        acs, harness, rpc.add_object(PROFILES), rpc.delete_object(f"{PROFILES}1.")
    )
    assert add.fault is not None
    assert add.fault.code == 9001
    assert delete.status == 0
    complete, _ = await send(acs, harness, "zaehlerstaende.csv", german, CONFIG)
    assert complete.fault.string.startswith("9018 no column identifies the meter")
    assert harness.agent.datamodel.value(METERS) == 5  # the rejected file changed nothing


async def test_a_broken_profile_is_refused_with_the_reason(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    harness = await cpe(meters=True)
    await (await acs.wait_for_inform(serial=SERIAL)).session.wait_ended()
    broken = (
        b'{"profile": "x", "profile_format": 1, "source": {"format": "csv"},'
        b' "meters": {"fields": {}}, "readings": {}}'
    )
    complete, inform = await send(acs, harness, "broken.json", broken, PROFILE)
    assert complete.fault.code == 9010
    assert (
        complete.fault.string
        == "9018 meters.fields.serial: required (the key or column of the serial)"
    )
    listed = {param.name: param.value for param in inform.parameters}
    assert listed[f"{LAST_PROFILE}Status"] == "Rejected"
    assert listed[f"{LAST_PROFILE}Error"].startswith("meters.fields.serial: required")
    found = await values(acs, harness, f"{PROFILES[:-1]}NumberOfEntries")
    assert found == {f"{PROFILES[:-1]}NumberOfEntries": "0"}


async def test_the_acs_disables_a_profile(acs: LocalAcs, cpe: HarnessFactory) -> None:
    harness = await cpe(meters=True)
    await (await acs.wait_for_inform(serial=SERIAL)).session.wait_ended()
    profile = (FILES / "profiles" / "acme_envelope.profile.json").read_bytes()
    await send(acs, harness, "acme.json", profile, PROFILE)
    (result,) = await session(
        acs, harness, rpc.set_parameter_values([(f"{PROFILES}1.Enable", "false", "xsd:boolean")])
    )
    assert result.status == 0
    envelope = (FILES / "a27_envelope_codes_profile.json").read_bytes()
    complete, _ = await send(acs, harness, "acme-data.json", envelope, CONFIG)
    assert complete.fault.string.startswith("9018 no identifiable meter")
    await session(
        acs, harness, rpc.set_parameter_values([(f"{PROFILES}1.Enable", "true", "xsd:boolean")])
    )
    complete, _ = await send(acs, harness, "acme-data.json", envelope, CONFIG)
    assert complete.fault.code == 0
    # Profiles are kept across a restart.
    await harness.restart()
    await (await acs.wait_for_inform(serial=SERIAL, event="1 BOOT")).session.wait_ended()
    assert harness.agent.datamodel.value(f"{PROFILES}1.Name") == "acme-envelope"
    complete, _ = await send(acs, harness, "acme-data.json", envelope, CONFIG)
    assert complete.fault.code == 0
