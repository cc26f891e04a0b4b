"""``scripts/cpe --fleet N``: many complete gateways in one process, against the local ACS."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
import resource
import shutil
import signal
import socket

import pytest

from local_acs import LocalAcs, rpc
from tr069_cpe import fleet, runner

CR = ("fleet-cr", "fleet-secret")
PROFILE = (
    Path(__file__).parents[1] / "meters" / "files" / "profiles" / "de_zaehlerstaende.profile.json"
)


def fleet_arguments(url: str, state: Path, count: int, port: int) -> list[str]:
    return [
        "--acs-url",
        url,
        "--state-dir",
        str(state),
        "--serial",
        "FLEET",
        "--cr-port",
        str(port),
        "--cr-host",
        "127.0.0.1",
        "--fleet",
        str(count),
    ]


def test_members_get_their_own_serial_port_and_state(tmp_path: Path) -> None:
    args = runner.parse_args(fleet_arguments("http://acs/", tmp_path, 3, 30000))
    members = fleet.members(args)
    assert [member.serial for member in members] == ["FLEET-1", "FLEET-2", "FLEET-3"]
    assert [member.cr_port for member in members] == [30000, 30001, 30002]
    assert [member.udp_port for member in members] == [7547, 7548, 7549]
    assert {member.xmpp_jid for member in members} == {None}
    with_xmpp = runner.parse_args(
        [*fleet_arguments("http://acs/", tmp_path, 2, 30000), "--xmpp-jid", "cpe@xmpp.test"]
    )
    assert [member.xmpp_jid for member in fleet.members(with_xmpp)] == [
        "cpe@xmpp.test/tr069-1",
        "cpe@xmpp.test/tr069-2",
    ]
    assert [member.state_dir for member in members] == [tmp_path / f"FLEET-{n}" for n in (1, 2, 3)]
    assert {member.fleet for member in members} == {1}
    any_port = fleet.members(runner.parse_args(fleet_arguments("http://acs/", tmp_path, 2, 0)))
    assert [member.cr_port for member in any_port] == [0, 0]


def test_the_descriptor_limit_grows_with_the_fleet() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        fleet.raise_descriptor_limit(100)
        wanted = 64 + 100 * fleet.DESCRIPTORS_PER_GATEWAY
        assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] >= min(wanted, hard)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


async def test_a_fleet_bootstraps_answers_and_reboots_its_gateways(
    acs: LocalAcs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TR069_CR_USERNAME", CR[0])
    monkeypatch.setenv("TR069_CR_PASSWORD", CR[1])
    args = runner.parse_args(fleet_arguments(acs.url, tmp_path, 3, 0))
    task = asyncio.create_task(
        fleet.run_fleet(args, lambda member: runner.start_gateway(member, None))
    )
    informs = {
        serial: await acs.wait_for_inform(serial=serial, event="0 BOOTSTRAP")
        for serial in ("FLEET-1", "FLEET-2", "FLEET-3")
    }
    urls = {
        serial: next(item.value for item in inform.parameters if item.name.endswith("RequestURL"))
        for serial, inform in informs.items()
    }
    assert len(set(urls.values())) == 3  # a port each
    for inform in informs.values():
        await inform.session.wait_ended()
    reboot = acs.queue("FLEET-2", rpc.reboot("fleet-reboot"))
    assert await acs.connection_request(urls["FLEET-2"], *CR) == 200
    assert (await reboot.result()).ok
    again = await acs.wait_for_inform(serial="FLEET-2", event="M Reboot")
    # A new port after the restart (--cr-port 0): the ACS hears of the new URL.
    assert [event.code for event in again.events] == ["1 BOOT", "M Reboot", "4 VALUE CHANGE"]
    await again.session.wait_ended()
    states = await asyncio.to_thread(lambda: sorted(path.name for path in tmp_path.iterdir()))
    assert states == ["FLEET-1", "FLEET-2", "FLEET-3"]
    os.kill(os.getpid(), signal.SIGTERM)
    assert await asyncio.wait_for(task, 10) == 0


async def test_a_fleet_reports_a_port_it_cannot_use(acs: LocalAcs, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("", 0))
        taken.listen()
        port = taken.getsockname()[1]
        args = runner.parse_args(fleet_arguments(acs.url, tmp_path, 2, port))
        code = await fleet.run_fleet(args, lambda member: runner.start_gateway(member, None))
    assert code == 2


def test_the_command_line_refuses_a_fleet_with_once(tmp_path: Path) -> None:
    arguments = fleet_arguments("http://127.0.0.1:1/", tmp_path, 2, 0)
    assert runner.main([*arguments, "--once"]) == 2


async def test_every_gateway_of_a_fleet_gets_the_profiles(
    acs: LocalAcs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TR069_CR_USERNAME", CR[0])
    monkeypatch.setenv("TR069_CR_PASSWORD", CR[1])
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    shutil.copy(PROFILE, profiles)
    arguments = [*fleet_arguments(acs.url, tmp_path / "state", 2, 0), "--profiles", str(profiles)]
    task = asyncio.create_task(
        fleet.run_fleet(runner.parse_args(arguments), lambda m: runner.start_gateway(m, None))
    )
    try:
        for serial in ("FLEET-1", "FLEET-2"):
            inform = await acs.wait_for_inform(serial=serial, event="0 BOOTSTRAP")
            await inform.session.wait_ended()
            names = acs.queue(serial, rpc.get_parameter_values(["Device.X_FFFFFF_FormatProfile."]))
            url = acs.device(serial).connection_request_url
            assert await acs.connection_request(url, *CR) == 200
            values = (await names.result()).values
            assert "de-zaehlerstaende" in values.values(), values
    finally:
        os.kill(os.getpid(), signal.SIGTERM)
        assert await asyncio.wait_for(task, 10) == 0
