"""The gateway's ACS connection."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from local_acs import LocalAcs
from local_acs.inject import DropConnection

from .common import failed_session, session


@pytest.fixture
def platforms() -> list[Platform]:
    return [Platform.BINARY_SENSOR]


async def test_acs_connection(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    init_integration: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


async def test_acs_connection_follows_the_sessions(
    hass: HomeAssistant, acs: LocalAcs, init_integration: MockConfigEntry
) -> None:
    entry = init_integration
    entity_id = "binary_sensor.tr_069_gateway_ha0001_acs_connection"
    assert hass.states.get(entity_id).state == "on"
    acs.inject(DropConnection(on="Inform"))
    await failed_session(hass, acs, entry)
    assert hass.states.get(entity_id).state == "off"
    await session(hass, acs, entry)
    assert hass.states.get(entity_id).state == "on"
