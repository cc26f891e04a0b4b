"""The headless runner reads the same files and profiles (how operators try a file)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
import shutil
import signal

import pytest

from local_acs import LocalAcs, rpc
from tests.cwmp.test_runner import SERIAL, arguments
from tr069_cpe import runner

FILES = Path(__file__).parent / "files"
CONFIG = "3 Vendor Configuration File"


async def test_the_runner_reads_a_file_with_a_profile_from_its_folder(
    acs: LocalAcs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    shutil.copy(FILES / "profiles" / "de_zaehlerstaende.profile.json", profiles)
    monkeypatch.setenv("TR069_CR_USERNAME", "cpe")
    monkeypatch.setenv("TR069_CR_PASSWORD", "try-a-file")
    acs.serve_file("zaehlerstaende.csv", (FILES / "a25_de_zaehlerstaende.csv").read_bytes())
    download = acs.queue(SERIAL, rpc.download(acs.file_url("zaehlerstaende.csv"), CONFIG))
    args = runner.parse_args(
        arguments(acs.url, tmp_path / "state", "--profiles", str(profiles), "--time-zone", "UTC")
    )
    task = asyncio.create_task(runner.run(args))
    assert (await download.result()).ok
    inform = await acs.wait_for_inform(serial=SERIAL, event="7 TRANSFER COMPLETE", timeout=10)
    await inform.session.wait_ended()
    assert acs.transfer_completes[-1].fault.code == 0
    listed = {param.name: param.value for param in inform.parameters}
    assert listed["Device.X_FFFFFF_LastConfigurationFile.Profile"] == "de-zaehlerstaende"
    assert listed["Device.X_FFFFFF_LastConfigurationFile.TimeZone"] == "Europe/Berlin"
    # The Connection Request credentials came from the environment.
    device = acs.device(SERIAL)
    assert await acs.connection_request(device.connection_request_url, "cpe", "try-a-file") == 200
    os.kill(os.getpid(), signal.SIGTERM)
    assert await asyncio.wait_for(task, 10) == 0


def test_the_runner_knows_the_system_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Prague")
    assert runner.system_time_zone() == "Europe/Prague"
    monkeypatch.setenv("TZ", "Nowhere/Nothing")
    assert runner.system_time_zone() in {"UTC", *__import__("zoneinfo").available_timezones()}
    monkeypatch.setenv("TZ", "Europe")  # a folder of zones, not a zone
    assert runner.system_time_zone() != "Europe"
