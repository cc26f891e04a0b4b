"""Fixtures of the Home Assistant tests: a local ACS and a config entry talking to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from unittest.mock import PropertyMock, patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME, MAJOR_VERSION, Platform
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion
from syrupy.location import PyTestLocation

from custom_components.tr069.const import (
    CONF_ACS_URL,
    CONF_CR_PORT,
    CONF_IDENTITY,
    CONF_PERIODIC_INFORM_INTERVAL,
    CONF_VERIFY_SSL,
    DOMAIN,
)
from local_acs import LocalAcs
from tests.agent_harness import assert_schema_valid, free_port

from .common import ENTRY_ID, SERIAL, identity, session


@pytest.fixture(autouse=True)
def _environment(socket_enabled: None, enable_custom_integrations: None) -> None:
    """Real sockets on 127.0.0.1 and the custom integration."""


# Home Assistant 2026 serialises registry entries and state attributes differently
# (aliases, object_id_base, enum attribute keys, ...): one set of snapshots per leg.
SNAPSHOT_DIR = "snapshots" if MAJOR_VERSION < 2026 else "snapshots_ha2026"


class LegSnapshotExtension(HomeAssistantSnapshotExtension):
    """Home Assistant's extension, with the leg's snapshot directory."""

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        return str(Path(test_location.filepath).parent / SNAPSHOT_DIR)


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots with the Home Assistant extension, in ``tests/ha/snapshots``.

    The test plugin defines the same fixture, but syrupy's own plugin wins over it.
    """
    return snapshot.use_extension(LegSnapshotExtension)


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Every entity enabled (as in Home Assistant core's test fixtures)."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
        new_callable=PropertyMock,
    ):
        yield


@pytest.fixture
async def acs(request: pytest.FixtureRequest) -> AsyncIterator[LocalAcs]:
    """A local ACS (indirect parameters: LocalAcs arguments).

    Every envelope the gateway sends it must be schema-valid.
    """
    async with LocalAcs(**getattr(request, "param", {})) as server:
        yield server
    assert_schema_valid(server)


@pytest.fixture
def cr_port() -> int:
    """A free port for the entry's Connection Request server."""
    return free_port()


@pytest.fixture
def entry_data(request: pytest.FixtureRequest, acs: LocalAcs) -> dict[str, Any]:
    """The entry's data: the ACS and the gateway's identity (indirect parameters: changes)."""
    return {
        CONF_ACS_URL: acs.url,
        CONF_USERNAME: "",
        CONF_PASSWORD: "",
        CONF_VERIFY_SSL: True,
        CONF_IDENTITY: identity(),
        **getattr(request, "param", {}),
    }


@pytest.fixture
def mock_config_entry(entry_data: dict[str, Any], cr_port: int) -> MockConfigEntry:
    """A config entry of a gateway of the local ACS."""
    url = entry_data[CONF_ACS_URL].rstrip("/").lower()
    return MockConfigEntry(
        domain=DOMAIN,
        minor_version=2,
        entry_id=ENTRY_ID,
        title=f"{SERIAL} @ 127.0.0.1",
        unique_id=f"{SERIAL}@{url}",
        data=entry_data,
        options={CONF_PERIODIC_INFORM_INTERVAL: 300, CONF_CR_PORT: cr_port},
    )


@pytest.fixture
def platforms() -> list[Platform]:
    """The platforms to set up (snapshot tests keep one)."""
    return [Platform.BINARY_SENSOR, Platform.SENSOR]


@pytest.fixture
async def unload_at_end(hass: HomeAssistant, acs: LocalAcs) -> AsyncIterator[None]:
    """Unload every entry of the integration at the end of the test (no lingering tasks).

    The entries stop before the ACS does (this fixture comes after ``acs``).
    """
    yield
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.state is ConfigEntryState.LOADED:
            assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


@pytest.fixture
def patch_platforms(platforms: list[Platform]) -> Iterator[None]:
    """Only the chosen platforms."""
    with patch("custom_components.tr069.PLATFORMS", platforms):
        yield


@pytest.fixture
async def init_integration(
    hass: HomeAssistant,
    acs: LocalAcs,
    mock_config_entry: MockConfigEntry,
    patch_platforms: None,
    unload_at_end: None,
) -> MockConfigEntry:
    """The entry set up, its first session (BOOTSTRAP, BOOT) over."""
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.LOADED
    await session(hass, acs, mock_config_entry, "0 BOOTSTRAP")
    return mock_config_entry


from tests.servers.fixtures import acs_xmpp, prosody  # noqa: E402

__all__ = ["acs_xmpp", "prosody"]
