"""What the demo remembers between runs (``.demo/demo.json``, readable by its owner only)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
import json
from pathlib import Path
import secrets
from typing import Any

from .settings import USERNAME


@dataclass(slots=True)
class EntryRecord:
    """The tr069 config entry the demo created, and what it points at."""

    entry_id: str
    acs_url: str
    connection_request_port: int
    wake_up: str = ""


@dataclass(slots=True)
class DemoState:
    """Login of the demo user, its long-lived access token and the config entry."""

    username: str
    password: str
    token: str | None = None
    entry: EntryRecord | None = None

    @classmethod
    def load(cls, path: Path) -> DemoState:
        """The saved state, or a new one with a fresh random password."""
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            entry = data.get("entry")
            return cls(
                username=str(data["username"]),
                password=str(data["password"]),
                token=data.get("token"),
                entry=EntryRecord(**entry) if isinstance(entry, dict) else None,
            )
        except (OSError, ValueError, KeyError, TypeError):
            return cls(username=USERNAME, password=secrets.token_urlsafe(9))

    def save(self, path: Path) -> None:
        """Write the state (mode 0600: it holds a password and a token)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=True)
        path.chmod(0o600)
        path.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")
