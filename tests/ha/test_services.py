"""The "request a configuration" action and the ACS's right to restart Home Assistant."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service

from custom_components.tr069.const import CONF_ALLOW_RESTART, DOMAIN
from local_acs import LocalAcs, rpc
from local_acs.inject import Fault, ServiceUnavailable
from tr069_cpe.meters.gateway import VENDOR_CONFIGURATION_FILE

from .common import SERIAL, agent_of, failed_session, session, wait_for


async def request_configuration(
    hass: HomeAssistant, entry_id: str, *, return_response: bool = True
) -> Any:
    """The action, as the UI calls it (with its response) or an automation (without)."""
    return await hass.services.async_call(
        DOMAIN,
        "request_configuration",
        {"config_entry_id": entry_id},
        blocking=True,
        return_response=return_response,
    )


async def test_request_configuration_sends_request_download(
    hass: HomeAssistant, acs: LocalAcs, init_integration: MockConfigEntry
) -> None:
    entry = init_integration
    assert agent_of(entry).cpe_requests.supports("RequestDownload")
    response = await request_configuration(hass, entry.entry_id)
    # The action waited for the ACS's answer.
    assert response == {"result": "accepted"}
    inform = await acs.wait_for_inform(serial=SERIAL, event="9 REQUEST DOWNLOAD")
    await inform.session.wait_ended()
    request = acs.cpe_requests[-1]
    assert request.method == "RequestDownload"
    assert request.args["FileType"] == VENDOR_CONFIGURATION_FILE
    # Without a response asked for (an automation), it still waits, and returns nothing.
    assert await request_configuration(hass, entry.entry_id, return_response=False) is None
    assert len([item for item in acs.cpe_requests if item.method == "RequestDownload"]) == 2


async def test_request_configuration_refused_by_the_acs(
    hass: HomeAssistant, acs: LocalAcs, init_integration: MockConfigEntry
) -> None:
    acs.inject(Fault(on="RequestDownload", code=8000))
    with pytest.raises(HomeAssistantError) as err:
        await request_configuration(hass, init_integration.entry_id, return_response=False)
    assert err.value.translation_key == "request_download_refused"


async def test_request_configuration_queued_while_the_acs_is_away(
    hass: HomeAssistant, acs: LocalAcs, init_integration: MockConfigEntry
) -> None:
    entry = init_integration
    acs.inject(ServiceUnavailable(retry_after=None, on="Inform"))
    await failed_session(hass, acs, entry)
    response = await request_configuration(hass, entry.entry_id)
    assert response == {"result": "queued"}
    assert len(agent_of(entry).cpe_requests.downloads) == 1


async def test_request_configuration_queued_when_the_session_fails(
    hass: HomeAssistant, acs: LocalAcs, init_integration: MockConfigEntry
) -> None:
    acs.inject(ServiceUnavailable(retry_after=None, on="Inform"))
    response = await request_configuration(hass, init_integration.entry_id)
    assert response == {"result": "queued"}


async def test_request_configuration_to_an_acs_that_turns_out_not_to_know_it(
    hass: HomeAssistant, acs: LocalAcs, init_integration: MockConfigEntry
) -> None:
    entry = init_integration
    agent_of(entry).cpe_requests.acs_methods = None  # as before the first GetRPCMethods
    acs.inject(Fault(on="GetRPCMethods", code=8000))
    call = hass.async_create_task(
        hass.services.async_call(
            DOMAIN, "request_configuration", {"config_entry_id": entry.entry_id}, blocking=True
        )
    )
    # The request rides along the next session, which learns what the ACS supports.
    await session(hass, acs, entry)
    with pytest.raises(ServiceValidationError) as err:
        await call
    assert err.value.translation_key == "request_download_unsupported"


async def test_request_configuration_refused_when_the_acs_cannot(
    hass: HomeAssistant, acs: LocalAcs, init_integration: MockConfigEntry
) -> None:
    entry = init_integration
    agent_of(entry).cpe_requests.acs_methods = ["Inform", "GetRPCMethods", "TransferComplete"]
    with pytest.raises(ServiceValidationError) as err:
        await request_configuration(hass, entry.entry_id, return_response=False)
    assert err.value.translation_key == "request_download_unsupported"


async def test_request_configuration_needs_a_running_gateway(
    hass: HomeAssistant, acs: LocalAcs, init_integration: MockConfigEntry
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await request_configuration(hass, "nope", return_response=False)
    assert err.value.translation_key == "unknown_entry"
    entry = init_integration
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED
    with pytest.raises(ServiceValidationError) as err:
        await request_configuration(hass, entry.entry_id, return_response=False)
    assert err.value.translation_key == "entry_not_loaded"


async def test_reboot_restarts_home_assistant_when_allowed(
    hass: HomeAssistant, acs: LocalAcs, init_integration: MockConfigEntry
) -> None:
    entry = init_integration
    restarts = async_mock_service(hass, "homeassistant", "restart")
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_ALLOW_RESTART: True}
    )
    await hass.async_block_till_done()
    await session(hass, acs, entry, "1 BOOT")
    reboot = acs.queue(SERIAL, rpc.reboot("restart-ha"))
    await session(hass, acs, entry)
    assert (await reboot.result()).ok
    await wait_for(lambda: restarts, what="the restart of Home Assistant")
    assert agent_of(entry).restarting


async def test_a_refused_restart_reloads_the_entry_instead(
    hass: HomeAssistant, acs: LocalAcs, init_integration: MockConfigEntry
) -> None:
    entry = init_integration

    async def refuse(call: ServiceCall) -> None:
        raise HomeAssistantError("The system cannot restart because the configuration is not valid")

    hass.services.async_register("homeassistant", "restart", refuse)
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_ALLOW_RESTART: True}
    )
    await hass.async_block_till_done()
    await session(hass, acs, entry, "1 BOOT")
    agent = agent_of(entry)
    reboot = acs.queue(SERIAL, rpc.reboot("restart-ha"))
    await session(hass, acs, entry)
    assert (await reboot.result()).ok
    await wait_for(
        # While the entry reloads, it has no agent at all.
        lambda: entry.state is ConfigEntryState.LOADED and agent_of(entry) is not agent,
        what="the reload instead of a restart",
    )
    inform = await acs.wait_for_inform(serial=SERIAL, event="M Reboot")
    assert [event.code for event in inform.events] == ["1 BOOT", "M Reboot"]
