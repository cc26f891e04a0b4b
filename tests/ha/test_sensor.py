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

from .common import failed_session


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
        snapshot,
        init_integration.entry_id,
    )


@pytest.mark.parametrize(
    "entity_id",
    [
        "sensor.tr_069_gateway_ha0001_session_retry_count",
        # It changes at every Inform: enabled, it would write a logbook line each time.
        "sensor.tr_069_gateway_ha0001_last_successful_inform",
    ],
)
async def test_noisy_sensors_are_disabled_by_default(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    init_integration: MockConfigEntry,
    entity_id: str,
) -> None:
    entry = entity_registry.async_get(entity_id)
    assert entry is not None
    assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert hass.states.get(entity_id) is None


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_a_failed_session_updates_the_sensors(
    hass: HomeAssistant, acs: LocalAcs, init_integration: MockConfigEntry
) -> None:
    entry = init_integration
    last_inform = hass.states.get("sensor.tr_069_gateway_ha0001_last_successful_inform").state
    acs.inject(ServiceUnavailable(retry_after=None, on="Inform"))
    await failed_session(hass, acs, entry)
    assert hass.states.get("sensor.tr_069_gateway_ha0001_last_session_outcome").state == "acs_busy"
    assert hass.states.get("sensor.tr_069_gateway_ha0001_session_retry_count").state == "1"
    assert (
        hass.states.get("sensor.tr_069_gateway_ha0001_last_successful_inform").state == last_inform
    )
