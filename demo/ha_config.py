"""Home Assistant's configuration directory: configuration.yaml, the integration, packages."""

from __future__ import annotations

import asyncio
import importlib.metadata
import json
import os
from pathlib import Path
import shutil
import sys
import zoneinfo

from .console import DemoError, say
from .settings import HOST, Paths, Ports

# Only what the demo needs, so that Home Assistant installs no package at start: the
# frontend (and what it depends on: auth, config, lovelace, onboarding...), the energy
# dashboard, history and logbook (which bring the recorder).
_CONFIGURATION = """\
# Written by scripts/demo on every run (edits are overwritten).
homeassistant:
  name: TR-069 demo
  unit_system: metric
  currency: EUR
  time_zone: {time_zone}

frontend:
config:
energy:
history:
logbook:

http:
  server_host: {host}
  server_port: {port}

logger:
  default: warning
  logs:
    custom_components.tr069: info
"""

# Integrations whose Python requirements the demo installs into .demo/deps if missing.
_INTEGRATIONS_WITH_REQUIREMENTS = ("frontend",)


def local_time_zone() -> str:
    """The machine's IANA time zone ($TZ or /etc/localtime), else UTC."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.readlink())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    for name in candidates:
        if not name:
            continue
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
        return name
    return "UTC"


def reset(paths: Paths) -> None:
    """Forget everything but the package cache: configuration, users, state, logs."""
    for path in (paths.config_dir, paths.soap_dir):
        if path.exists():
            shutil.rmtree(path)
    for path in (paths.state_file, paths.ha_console_log):
        path.unlink(missing_ok=True)
    say("demo", f"--reset: removed {paths.config_dir} and the demo's login")


def write_configuration(paths: Paths, ports: Ports) -> bool:
    """Create or refresh the configuration directory; True if it is new."""
    config = paths.config_dir
    new = not (config / ".storage").exists()
    config.mkdir(parents=True, exist_ok=True)
    (config / "configuration.yaml").write_text(
        _CONFIGURATION.format(time_zone=local_time_zone(), host=HOST, port=ports.home_assistant),
        encoding="utf-8",
    )
    link = config / "custom_components" / "tr069"
    link.parent.mkdir(exist_ok=True)
    if link.is_symlink() and link.readlink() != paths.component_source:
        link.unlink()
    if not link.is_symlink():
        if link.exists():
            raise DemoError(
                f"{link} exists and is not the demo's symlink; run scripts/demo --reset"
            )
        link.symlink_to(paths.component_source, target_is_directory=True)
    return new


def _requirements() -> list[str]:
    import homeassistant  # noqa: PLC0415 - only to find the bundled manifests

    components = Path(homeassistant.__file__).parent / "components"
    requirements: list[str] = []
    for domain in _INTEGRATIONS_WITH_REQUIREMENTS:
        manifest = json.loads((components / domain / "manifest.json").read_text("utf-8"))
        requirements.extend(manifest.get("requirements", []))
    return requirements


def _installed(requirement: str, deps_dir: Path) -> bool:
    name, _, version = requirement.partition("==")
    paths = [str(deps_dir), *sys.path]
    found = [dist.version for dist in importlib.metadata.distributions(name=name, path=paths)]
    return bool(found) and (not version or found[0] == version)


async def ensure_packages(paths: Paths) -> None:
    """Install the frontend (~20 MB, once) into ``.demo/deps``; the project's venv is untouched.

    Home Assistant would otherwise install it itself at start, into the venv.
    """
    missing = [req for req in _requirements() if not _installed(req, paths.deps_dir)]
    if not missing:
        return
    uv = shutil.which("uv")
    if uv is None:
        raise DemoError("uv not found: source scripts/bootstrap first (scripts/demo does)")
    say("demo", f"installing {', '.join(missing)} into {paths.deps_dir} (once)")
    process = await asyncio.create_subprocess_exec(
        uv,
        "pip",
        "install",
        "--quiet",
        "--python",
        sys.executable,
        "--target",
        str(paths.deps_dir),
        *missing,
    )
    if await process.wait() != 0:
        raise DemoError(
            f"could not install {', '.join(missing)} (PyPI unreachable?); "
            "Home Assistant's frontend needs it"
        )
