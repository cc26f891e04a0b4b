"""Validation of CWMP envelopes against the official BBF schemas (via the shared validate.py).

``validate.py`` lives next to the ``schemas`` directory.  It is located through
``$CWMP_SCHEMAS`` (the schemas directory; validate.py is in its parent) or, failing that,
``<repo>/../shared/cwmp/schemas``, and loaded with importlib (it is not a package).  When
it cannot be found the ACS says so loudly and reports ``available = False``: it never
pretends that envelopes were validated.
"""

from __future__ import annotations

from collections.abc import Callable
import functools
import importlib.util
import logging
import os
from pathlib import Path
from typing import Any, NamedTuple

_LOGGER = logging.getLogger(__name__)

_REPO = Path(__file__).resolve().parent.parent


class ValidationFailure(NamedTuple):
    """An envelope that failed schema validation: ``(description, raw bytes, errors)``."""

    description: str
    raw: bytes
    errors: list[str]


def schemas_dir() -> Path:
    """The schemas directory named by ``$CWMP_SCHEMAS`` or the default shared location."""
    env = os.environ.get("CWMP_SCHEMAS")
    return Path(env) if env else _REPO.parent / "shared" / "cwmp" / "schemas"


@functools.cache
def _load(schemas: Path) -> Callable[[bytes], list[tuple[str, list[str]]]] | None:
    script = schemas.parent / "validate.py"
    if not schemas.is_dir() or not script.is_file():
        _LOGGER.warning(
            "CWMP SCHEMA VALIDATION UNAVAILABLE: %s or %s not found (set $CWMP_SCHEMAS to the "
            "BBF schemas directory); envelopes will NOT be validated",
            schemas,
            script,
        )
        return None
    spec = importlib.util.spec_from_file_location("_local_acs_cwmp_validate", script)
    if spec is None or spec.loader is None:
        _LOGGER.warning("CWMP SCHEMA VALIDATION UNAVAILABLE: cannot load %s", script)
        return None
    module: Any = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.SCHEMAS = schemas
    validate: Callable[[bytes], list[tuple[str, list[str]]]] = module.validate_envelope
    return validate


class SchemaValidator:
    """Validates envelopes; ``available`` is False when validate.py/schemas are missing."""

    def __init__(self, schemas: Path | None = None) -> None:
        self._validate = _load((schemas or schemas_dir()).resolve())

    @property
    def available(self) -> bool:
        """Whether envelopes are really validated."""
        return self._validate is not None

    def errors(self, data: bytes) -> list[str]:
        """Schema errors of one envelope as ``"label: message"`` strings (empty = valid).

        Raises :class:`RuntimeError` when validation is unavailable.
        """
        if self._validate is None:
            raise RuntimeError("CWMP schema validation is unavailable")
        try:
            results = self._validate(data)
        except Exception as err:  # validate.py raises lxml syntax errors and ValueError
            return [f"not a SOAP envelope: {err}"]
        return [f"{label}: {error}" for label, errs in results for error in errs]
