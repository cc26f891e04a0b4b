"""Finding the servers' programs, and failing loudly when one is missing."""

from __future__ import annotations

import pytest

from local_acs.daemon import ProgramMissingError, find_program


def require(program: str, package: str) -> str:
    """The program's path; the test fails when the Debian package is not installed."""
    try:
        return find_program(program, package)
    except ProgramMissingError as err:
        pytest.fail(str(err))
