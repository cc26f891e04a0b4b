"""Passwords the ACS sets reach neither the diagnostics nor Home Assistant's log."""

from __future__ import annotations

import json
import logging

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from local_acs import LocalAcs, rpc

from .common import SERIAL, agent_of, session

pytestmark = pytest.mark.usefixtures("unload_at_end")

MS = "Device.ManagementServer."
CR_PASSWORD = "cr-Pw-41c7e2"
URL_PASSWORD = "url-Pw-9a0d3f"
DOWNLOAD_PASSWORD = "dl-Pw-6b21c8"
HARNESS = "pytest_homeassistant_custom_component"


async def test_passwords_set_by_the_acs_stay_out_of_diagnostics_and_logs(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    acs: LocalAcs,
    init_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    entry = init_integration
    url = acs.url.replace("http://", f"http://operator:{URL_PASSWORD}@")
    tasks = [
        acs.queue(
            SERIAL,
            rpc.set_parameter_values(
                [
                    (f"{MS}ConnectionRequestPassword", CR_PASSWORD, "xsd:string"),
                    (f"{MS}Password", URL_PASSWORD, "xsd:string"),
                ]
            ),
        ),
        acs.queue(
            SERIAL,
            rpc.download(
                acs.file_url("later.json"),
                "3 Vendor Configuration File",
                username="files",
                password=DOWNLOAD_PASSWORD,
                delay_seconds=3600,
            ),
        ),
        acs.queue(SERIAL, rpc.set_parameter_values([(f"{MS}URL", url, "xsd:string")])),
    ]
    await session(hass, acs, entry)
    results = [await task.result() for task in tasks]
    assert [result.fault for result in results] == [None, None, None]
    await session(hass, acs, entry, "0 BOOTSTRAP", wake=False)  # the new URL
    assert agent_of(entry).acs_url == url

    diagnostics = json.dumps(await get_diagnostics_for_config_entry(hass, hass_client, entry))
    # The ACS's URL is redacted whole (host and user info), as any address is.
    assert '"Device.ManagementServer.URL": "**REDACTED**"' in diagnostics
    assert "operator" not in diagnostics
    # The test harness's in-memory storage logs what it stores (the state may hold them).
    logged = "\n".join(
        record.getMessage() for record in caplog.records if not record.name.startswith(HARNESS)
    )
    assert "ACS URL changed to http://operator:<redacted>@127.0.0.1" in logged
    for secret in (CR_PASSWORD, URL_PASSWORD, DOWNLOAD_PASSWORD):
        assert secret not in diagnostics
        assert secret not in logged
