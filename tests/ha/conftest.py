"""Fixtures of the Home Assistant tests: a local ACS and a config entry talking to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
import ipaddress
from pathlib import Path
import socket
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
from yarl import URL

from custom_components.tr069.const import (
    CONF_ACS_URL,
    CONF_CR_PORT,
    CONF_IDENTITY,
    CONF_PERIODIC_INFORM_INTERVAL,
    CONF_VERIFY_SSL,
    DOMAIN,
)
from custom_components.tr069.migration import CURRENT_MINOR_VERSION
from custom_components.tr069.unique_id import acs_host, unique_id_for
from local_acs import LocalAcs
from tests.agent_harness import assert_schema_valid, free_port

from .common import ENTRY_ID, SERIAL, identity, session, snapshot_matcher


@pytest.fixture(autouse=True)
def _environment(socket_enabled: None, enable_custom_integrations: None) -> None:
    """Real sockets on 127.0.0.1 and the custom integration."""


@pytest.fixture
def unresolvable_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """Host names do not resolve, as on a machine without DNS (the same on every harness:
    the newest test plugin raises RuntimeError for a lookup, which no code expects)."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and host not in ("localhost", "") and not _is_address(host):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@pytest.fixture(autouse=True)
def no_deprecated_use(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail a test in which Home Assistant reports the integration's use of a deprecated API.

    Home Assistant logs "Detected that custom integration 'tr069' ... will stop working"
    (helpers/frame.py) where a test would otherwise pass.
    """
    yield
    reports = [
        record.getMessage()
        for phase in ("setup", "call")
        for record in caplog.get_records(phase)
        if "custom integration 'tr069'" in record.getMessage()
    ]
    assert not reports, reports


# Home Assistant 2026 serialises registry entries and state attributes differently
# (aliases, object_id_base, enum attribute keys, ...): one set of snapshots per leg.
SNAPSHOT_DIR = "snapshots" if MAJOR_VERSION < 2026 else "snapshots_ha2026"


class LegSnapshotExtension(HomeAssistantSnapshotExtension):
    """Home Assistant's extension, with the leg's snapshot directory."""

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        return str(Path(test_location.filepath).parent / SNAPSHOT_DIR)


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion, request: pytest.FixtureRequest) -> SnapshotAssertion:
    """Snapshots with the Home Assistant extension, in the leg's snapshot directory.

    The local ACS's port (in unique IDs and identifiers) is stored as ``<acs port>``, the
    time of a timestamp sensor as ANY once checked. The test plugin defines the same
    fixture, but syrupy's own plugin wins over it.
    """
    extension = snapshot.use_extension(LegSnapshotExtension)
    if "acs" not in request.fixturenames:
        return extension
    port = str(URL(request.getfixturevalue("acs").url).port)
    return extension.with_defaults(matcher=snapshot_matcher(port))


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
    return MockConfigEntry(
        domain=DOMAIN,
        minor_version=CURRENT_MINOR_VERSION,
        entry_id=ENTRY_ID,
        title=f"{SERIAL} @ {acs_host(entry_data[CONF_ACS_URL])}",
        unique_id=unique_id_for(entry_data),
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
