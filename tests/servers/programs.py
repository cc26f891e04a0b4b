"""Finding the servers' programs, and failing loudly when one is missing."""

from __future__ import annotations

import shutil

import pytest

INSTALL = "scripts/install-servers (apt-get install prosody coturn iptables conntrack nftables)"


def require(program: str, package: str) -> str:
    """The program's path; the test fails when the Debian package is not installed."""
    path = shutil.which(program) or shutil.which(program, path="/usr/sbin:/sbin:/usr/bin")
    if path is None:
        pytest.fail(f"{program} is missing: the {package} package is not installed; run {INSTALL}")
    return path
