"""Where the steering side's reference material lives (``../shared`` or ``$CWMP_SCHEMAS``).

Tests that need it are skipped, loudly, when it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from local_acs.validation import SchemaValidator, schemas_dir

ROOT = Path(__file__).resolve().parent.parent


def cwmp_dir() -> Path | None:
    """The ``shared/cwmp`` folder, or None."""
    if schemas := os.environ.get("CWMP_SCHEMAS"):
        candidate = Path(schemas).resolve().parent
    else:
        candidate = ROOT.parent / "shared" / "cwmp"
    return candidate if (candidate / "schemas").is_dir() else None


def datamodels_dir() -> Path:
    """The BBF data-model XML folder; skips the test when absent."""
    base = cwmp_dir()
    if base is None or not (base / "datamodels").is_dir():
        pytest.skip(
            "BBF data models ABSENT: ../shared/cwmp/datamodels not found (set $CWMP_SCHEMAS)"
        )
    return base / "datamodels"


def schema_validator() -> SchemaValidator:
    """The BBF schema validator; skips the test when the schemas are absent."""
    validator = SchemaValidator()
    if not validator.available:
        pytest.skip(f"BBF CWMP schemas ABSENT: {schemas_dir()} not found (set $CWMP_SCHEMAS)")
    return validator
