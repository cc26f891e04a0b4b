"""The version of the core; the integration's manifest carries the same one (a test checks)."""

from typing import Final

VERSION: Final = "0.1.0"
