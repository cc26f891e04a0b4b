"""The gateway's diagnostic sensors: the last configuration file's and profile's outcome.

They show the same report the ACS reads in the data model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
)
from homeassistant.const import EntityCategory

from .coordinator import Tr069Coordinator
from .entity import Tr069GatewayEntity
from .tr069_cpe import Outcome, ReportKind

OPTIONS = ["none", "applied", "rejected"]


@dataclass(frozen=True, kw_only=True)
class OutcomeSensorDescription(SensorEntityDescription):
    """An outcome sensor and which outcome it shows."""

    kind: ReportKind


def _outcome(key: str, kind: ReportKind) -> OutcomeSensorDescription:
    return OutcomeSensorDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.ENUM,
        options=OPTIONS,
        entity_category=EntityCategory.DIAGNOSTIC,
        kind=kind,
    )


OUTCOME_SENSORS: tuple[OutcomeSensorDescription, ...] = (
    _outcome("last_configuration_file", ReportKind.CONFIGURATION_FILE),
    _outcome("last_format_profile", ReportKind.FORMAT_PROFILE),
)


class OutcomeSensor(Tr069GatewayEntity, SensorEntity):
    """Applied or rejected, with the report's details as attributes."""

    entity_description: OutcomeSensorDescription

    def __init__(
        self, coordinator: Tr069Coordinator, description: OutcomeSensorDescription
    ) -> None:
        super().__init__(coordinator, description.key)
        self.entity_description = description

    @property
    def _outcome(self) -> Outcome:
        return self.coordinator.meter_gateway.outcomes.last(self.entity_description.kind)

    @property
    def native_value(self) -> str:
        """none, applied or rejected."""
        return self._outcome.status.lower()

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """The file, the time, what changed or why it was rejected."""
        outcome = self._outcome
        attributes: dict[str, Any] = {
            "file": outcome.file_name,
            "time": outcome.time.isoformat() if outcome.time else None,
            "error": outcome.error,
        }
        attributes.update({_snake(name): value for name, value in outcome.details.items() if value})
        return attributes


def _snake(name: str) -> str:
    """``MetersAdded`` → ``meters_added``."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
