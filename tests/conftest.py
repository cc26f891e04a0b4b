"""Suite-wide checks.

Every envelope a CPE agent sends in any test is validated against the BBF CWMP
schemas (``../shared/cwmp`` or ``$CWMP_SCHEMAS``): the session engine's POST is
wrapped, and a test fails if anything it made the agent send is not valid.
When the schemas are absent this is said at the top of the run, not hidden.
"""

from __future__ import annotations

from collections.abc import Iterator
import os
import sys

from hypothesis import HealthCheck, settings
import pytest

from local_acs.validation import SchemaValidator, schemas_dir
import tr069_cpe
from tr069_cpe.cwmp.session import CwmpSession
from tr069_cpe.cwmp.transport import AcsReply

_VALIDATOR = SchemaValidator()

# Property tests: a bounded, deterministic budget in the suite; scripts/fuzz draws anew.
settings.register_profile(
    "suite",
    max_examples=200,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz",
    max_examples=1000,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))

# The core is importable as ``tr069_cpe`` (the runner's name) and, inside Home Assistant,
# as ``custom_components.tr069.tr069_cpe``. The integration imports only the front door,
# so pointing its name at the same module gives the suite one copy of every class.
sys.modules.setdefault("custom_components.tr069.tr069_cpe", tr069_cpe)


def pytest_report_header() -> str:
    """Say whether envelopes are validated."""
    if _VALIDATOR.available:
        return f"CWMP schema validation: ON ({schemas_dir()})"
    return f"CWMP schema validation: ABSENT — {schemas_dir()} not found; envelopes NOT validated"


@pytest.fixture(autouse=True)
def every_envelope_is_schema_valid(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail the test if the agent sent an envelope that does not validate."""
    failures: list[tuple[bytes, list[str]]] = []
    original = CwmpSession._post

    async def validating_post(self: CwmpSession, message: bytes | None) -> AcsReply:
        if message and _VALIDATOR.available:
            errors = _VALIDATOR.errors(message)
            if errors:
                failures.append((message, errors))
        return await original(self, message)

    monkeypatch.setattr(CwmpSession, "_post", validating_post)
    yield
    assert not failures, [errors for _message, errors in failures]
