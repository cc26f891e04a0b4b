"""What every benchmark gets: the mode, the ACS process and a place for files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .acs_process import AcsProcess


@dataclass(frozen=True, slots=True)
class Context:
    """``quick`` selects tiny sizes (a smoke run); ``acs`` runs in another process."""

    quick: bool
    acs: AcsProcess
    work_dir: Path

    def pick[T](self, quick: T, full: T) -> T:
        """The quick or the full variant of a setting."""
        return quick if self.quick else full
