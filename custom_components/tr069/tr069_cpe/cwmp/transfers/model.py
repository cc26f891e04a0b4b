"""A transfer the ACS asked for, as it is queued, run and reported."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import IntEnum
from typing import Any

from ..datamodel import UNKNOWN_TIME, format_datetime, parse_datetime


class TransferState(IntEnum):
    """GetQueuedTransfers' State values."""

    NOT_STARTED = 1
    IN_PROGRESS = 2
    COMPLETED = 3


@dataclass(slots=True, kw_only=True)
class TimeWindow:
    """A ScheduleDownload time window, in epoch seconds."""

    start: float
    end: float
    mode: str
    max_retries: int

    def to_json(self) -> dict[str, Any]:
        """Serialisable form."""
        return asdict(self)


@dataclass(slots=True, kw_only=True)
class Transfer:
    """One Download or Upload; persisted until its TransferComplete is acknowledged."""

    method: str
    command_key: str
    file_type: str
    url: str
    username: str = ""
    password: str = ""
    file_size: int = 0
    target_file_name: str = ""
    start_at: float = 0.0
    state: TransferState = TransferState.NOT_STARTED
    fault_code: int = 0
    fault_string: str = ""
    start_time: datetime = field(default=UNKNOWN_TIME)
    complete_time: datetime = field(default=UNKNOWN_TIME)
    windows: list[TimeWindow] = field(default_factory=list)
    attempts: int = 0

    @property
    def is_download(self) -> bool:
        """Download and ScheduleDownload bring a file in; Upload sends one out."""
        return self.method != "Upload"

    def to_json(self) -> dict[str, Any]:
        """Serialisable form."""
        data = asdict(self)
        data["state"] = int(self.state)
        data["start_time"] = format_datetime(self.start_time)
        data["complete_time"] = format_datetime(self.complete_time)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Transfer:
        """Restore; a transfer that was running when the agent stopped starts again."""
        values = dict(data)
        values["state"] = TransferState(values.get("state", 1))
        if values["state"] is TransferState.IN_PROGRESS:
            values["state"] = TransferState.NOT_STARTED
        values["start_time"] = parse_datetime(values.get("start_time", "0001-01-01T00:00:00Z"))
        values["complete_time"] = parse_datetime(
            values.get("complete_time", "0001-01-01T00:00:00Z")
        )
        values["windows"] = [TimeWindow(**window) for window in values.get("windows", [])]
        return cls(**values)
