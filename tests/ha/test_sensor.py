"""The gateway's sensors: last successful Inform, last session outcome, retry count."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from local_acs import LocalAcs
from local_acs.inject import ServiceUnavailable

from .common import failed_session, timestamp_states


@pytest.fixture
def platforms() -> list[Platform]:
    return [Platform.SENSOR]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_gateway_sensors(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    init_integration: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    await snapshot_platform(
        hass,
        entity_registry,
        snapshot.with_defaults(matcher=timestamp_states),
        init_integration.entry_id,
    )


async def test_retry_count_is_disabled_by_default(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    init_integration: MockConfigEntry,
) -> None:
    entry = entity_registry.async_get("sensor.tr_069_gateway_session_retry_count")
    assert entry is not None
    assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert hass.states.get("sensor.tr_069_gateway_session_retry_count") is None


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_a_failed_session_updates_the_sensors(
    hass: HomeAssistant, acs: LocalAcs, init_integration: MockConfigEntry
) -> None:
    entry = init_integration
    last_inform = hass.states.get("sensor.tr_069_gateway_last_successful_inform").state
    acs.inject(ServiceUnavailable(retry_after=None, on="Inform"))
    await failed_session(hass, acs, entry)
    assert hass.states.get("sensor.tr_069_gateway_last_session_outcome").state == "acs_busy"
    assert hass.states.get("sensor.tr_069_gateway_session_retry_count").state == "1"
    assert hass.states.get("sensor.tr_069_gateway_last_successful_inform").state == last_inform
