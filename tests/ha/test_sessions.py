"""The gateway in Home Assistant and the local ACS: periodic informs, Connection Requests,
an ACS that goes away and comes back, redirects and cookies."""

from __future__ import annotations

import asyncio
import logging

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.tr069.const import CONF_ACS_URL
from local_acs import LocalAcs, rpc
from local_acs.inject import Redirect
from tests.agent_harness import free_port

from .common import (
    SERIAL,
    agent_of,
    connection_request,
    cr_credentials,
    event_codes,
    session,
    wait_for,
)

pytestmark = pytest.mark.usefixtures("unload_at_end")

MS = "Device.ManagementServer."
CONNECTED = "binary_sensor.tr_069_gateway_ha0001_acs_connection"
OUTCOME = "sensor.tr_069_gateway_ha0001_last_session_outcome"


async def test_periodic_informs_follow_the_acs_settings(
    hass: HomeAssistant, acs: LocalAcs, init_integration: MockConfigEntry
) -> None:
    entry = init_integration
    schedule = acs.queue(
        SERIAL,
        rpc.set_parameter_values(
            [
                (f"{MS}PeriodicInformInterval", "1", "xsd:unsignedInt"),
                (f"{MS}PeriodicInformEnable", "true", "xsd:boolean"),
            ]
        ),
    )
    first = await session(hass, acs, entry)
    assert (await schedule.result()).status == 0
    periodic = await session(hass, acs, entry, "2 PERIODIC", wake=False)
    assert event_codes(periodic) == ["2 PERIODIC"]
    assert periodic.session.cookie_echoed
    assert periodic.received_at > first.received_at
    stop = acs.queue(
        SERIAL, rpc.set_parameter_values([(f"{MS}PeriodicInformEnable", "false", "xsd:boolean")])
    )
    await session(hass, acs, entry)
    assert (await stop.result()).status == 0


async def test_connection_requests_good_bad_bursts_and_limits(
    hass: HomeAssistant, acs: LocalAcs, init_integration: MockConfigEntry
) -> None:
    entry = init_integration
    agent = agent_of(entry)
    url = agent.status.connection_request_url
    username, password = cr_credentials(agent)
    sessions = agent.status.sessions
    assert await acs.connection_request(url, username, "wrong") == 401
    assert await acs.connection_request(url, "intruder", password) == 401
    await asyncio.sleep(0.3)
    assert agent.status.sessions == sessions  # no session for a refused request

    burst = await asyncio.gather(
        *(acs.connection_request(url, username, password) for _ in range(5))
    )
    assert burst == [200] * 5
    inform = await acs.wait_for_inform(serial=SERIAL, event="6 CONNECTION REQUEST")
    await inform.session.wait_ended()
    await asyncio.sleep(0.3)
    assert sum("6 CONNECTION REQUEST" in event_codes(item) for item in acs.informs) == 1

    flood = await asyncio.gather(
        *(acs.connection_request(url, username, password) for _ in range(25))
    )
    assert 503 in flood  # 20 at once, refilled at one per second
    assert 200 in flood


async def test_an_acs_that_goes_away_and_comes_back(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    port = free_port()
    template = mock_config_entry
    entry = MockConfigEntry(
        domain=template.domain,
        entry_id=template.entry_id,
        title=template.title,
        unique_id=template.unique_id,
        data={**template.data, CONF_ACS_URL: f"http://127.0.0.1:{port}/"},
        options=template.options,
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    agent = agent_of(entry)
    await wait_for(lambda: agent.status.sessions >= 1, what="the failed first session")
    await hass.async_block_till_done()
    status = agent.status
    assert status.retry_count == 1
    assert status.next_retry is not None
    assert status.last_session_end is not None
    wait = (status.next_retry - status.last_session_end).total_seconds()
    assert 5 <= wait <= 10.5  # CWMPRetryMinimumWaitInterval 5 s, multiplier 2000
    assert hass.states.get(CONNECTED).state == "off"
    assert hass.states.get(OUTCOME).state == "cannot_connect"
    # A second failure in a row is not logged again.
    assert not (await agent.run_once()).success
    assert agent.status.retry_count == 2

    async with LocalAcs(port=port) as acs:
        # The ACS is back and wakes the gateway up: no need to wait out the back-off.
        await connection_request(acs, entry)
        inform = await acs.wait_for_inform(serial=SERIAL)
        assert inform.retry_count == 2
        assert event_codes(inform) == ["0 BOOTSTRAP", "1 BOOT", "6 CONNECTION REQUEST"]
        await inform.session.wait_ended()
        await wait_for(lambda: agent.status.retry_count == 0, what="the successful session")
        await hass.async_block_till_done()
        assert hass.states.get(CONNECTED).state == "on"
        assert hass.states.get(OUTCOME).state == "success"
    # One warning when the ACS became unreachable, one line when it answered again.
    ours = [record for record in caplog.records if "tr069" in record.name]
    warnings = [record.getMessage() for record in ours if record.levelno >= logging.WARNING]
    assert len(warnings) == 1, warnings
    assert "failed" in warnings[0]
    back = [record.getMessage() for record in ours if "answers again" in record.getMessage()]
    assert len(back) == 1, back
    assert back[0].endswith("(after 2 retries)")


async def test_a_redirect_takes_one_session_elsewhere(
    hass: HomeAssistant, acs: LocalAcs, init_integration: MockConfigEntry
) -> None:
    entry = init_integration
    async with LocalAcs() as elsewhere:
        acs.inject(Redirect(location=elsewhere.url, status=307, on="Inform"))
        await connection_request(acs, entry)
        inform = await elsewhere.wait_for_inform(serial=SERIAL)
        assert event_codes(inform) == ["6 CONNECTION REQUEST"]
        assert await inform.session.wait_ended() == "completed"
        assert inform.session.cookie_echoed
        assert agent_of(entry).acs_url == acs.url
        back = await session(hass, acs, entry)
        assert event_codes(back) == ["6 CONNECTION REQUEST"]
