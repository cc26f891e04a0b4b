"""What the demo sets up: where its files live, its ports and the gateway's identity."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

HOST: Final = "127.0.0.1"
USERNAME: Final = "demo"
USER_DISPLAY_NAME: Final = "Demo"

# The gateway (Home Assistant as a CPE) as the config flow sets it up.
SERIAL_NUMBER: Final = "HADEMO000001"
IDENTITY: Final = {
    "manufacturer": "Home Assistant",
    "oui": "FFFFFF",
    "product_class": "HomeAssistant",
    "serial_number": SERIAL_NUMBER,
    "data_model_root": "device",
}
PERIODIC_INFORM_INTERVAL: Final = 300

# What the ACS pushes: one file name, two versions (both are copies of the test files
# tests/meters/files/format_a.json and format_a_update.json).
FILES_DIR: Final = Path(__file__).resolve().parent / "files"
CONFIG_FILE_NAME: Final = "meters.json"
FIRST_FILE: Final = FILES_DIR / "meters.json"
UPDATE_FILE: Final = FILES_DIR / "meters_update.json"


@dataclass(frozen=True, slots=True)
class Ports:
    """TCP ports on 127.0.0.1 (the Connection Request server listens on all addresses)."""

    home_assistant: int = 8123
    acs: int = 7557
    connection_request: int = 7547


@dataclass(frozen=True, slots=True)
class Paths:
    """The demo's files, all under ``<repo>/.demo``."""

    repo: Path

    @property
    def demo_dir(self) -> Path:
        """The runtime folder (git-ignored)."""
        return self.repo / ".demo"

    @property
    def config_dir(self) -> Path:
        """Home Assistant's configuration directory."""
        return self.demo_dir / "config"

    @property
    def deps_dir(self) -> Path:
        """Python packages Home Assistant needs that the project's venv lacks (the frontend).

        Kept by ``--reset``: it is a download cache, not state.
        """
        return self.demo_dir / "deps"

    @property
    def state_file(self) -> Path:
        """Login, token and config entry of the demo (:mod:`demo.state`)."""
        return self.demo_dir / "demo.json"

    @property
    def soap_dir(self) -> Path:
        """Every CWMP message of the current run, one file each."""
        return self.demo_dir / "acs-soap"

    @property
    def xmpp_dir(self) -> Path:
        """``--behind-nat``: Prosody's configuration, accounts and log (new each run)."""
        return self.demo_dir / "xmpp"

    @property
    def ha_console_log(self) -> Path:
        """Home Assistant's stdout and stderr."""
        return self.demo_dir / "home-assistant.console.log"

    @property
    def ha_log(self) -> Path:
        """Home Assistant's own log file."""
        return self.config_dir / "home-assistant.log"

    @property
    def component_source(self) -> Path:
        """The integration, linked into the configuration directory."""
        return self.repo / "custom_components" / "tr069"


@dataclass(frozen=True, slots=True)
class Options:
    """The command line."""

    check: bool
    reset: bool
    pause: float
    timeout: float
    ports: Ports
    behind_nat: bool = False
