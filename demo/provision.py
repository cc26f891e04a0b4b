"""Onboarding done, the demo user and its token, written by Home Assistant's own code.

Run before Home Assistant starts, in a subprocess (``python -m demo.provision``), the way
``python -m homeassistant --script auth`` works: a ``HomeAssistant`` object on the
configuration directory, its auth manager and ``homeassistant`` auth provider (which hashes
the password), then ``hass.async_stop()`` writes the ``.storage`` files.  Idempotent: an
existing user gets the password of ``.demo/demo.json`` again, a token that is still valid
is kept.  Reads ``{"config_dir", "username", "name", "password", "token"}`` on stdin and
prints ``{"token", "created_user"}``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
import sys
from typing import TYPE_CHECKING, Any, Final

from .console import DemoError

if TYPE_CHECKING:
    from homeassistant.auth.models import User
    from homeassistant.auth.providers.homeassistant import HassAuthProvider
    from homeassistant.core import HomeAssistant

CLIENT_NAME: Final = "scripts/demo"
TOKEN_LIFETIME_DAYS: Final = 3650


async def provision(
    config_dir: Path, username: str, name: str, password: str, token: str | None
) -> tuple[str, bool]:
    """Run the provisioning subprocess; the (possibly new) token and whether the user is new."""
    request = {
        "config_dir": str(config_dir),
        "username": username,
        "name": name,
        "password": password,
        "token": token,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "demo.provision",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate(json.dumps(request).encode())
    if process.returncode != 0:
        raise DemoError(f"provisioning Home Assistant's users failed:\n{err.decode().strip()}")
    answer = json.loads(out)
    return str(answer["token"]), bool(answer["created_user"])


# ---------------------------------------------------------------- in the subprocess


async def _ensure_user(
    hass: HomeAssistant, provider: HassAuthProvider, username: str, name: str, password: str
) -> tuple[User, bool]:
    from homeassistant.auth.const import GROUP_ID_ADMIN  # noqa: PLC0415
    from homeassistant.auth.providers.homeassistant import InvalidAuth  # noqa: PLC0415

    assert provider.data is not None
    known = any(user["username"] == username for user in provider.data.users)
    if not known:
        await provider.async_add_auth(username, password)
    else:
        try:
            await provider.async_validate_login(username, password)
        except InvalidAuth:
            await provider.async_change_password(username, password)
    credentials = await provider.async_get_or_create_credentials({"username": username})
    user = (
        None if credentials.is_new else await hass.auth.async_get_user_by_credentials(credentials)
    )
    if user is not None:
        return user, False
    # As onboarding does: the first user is the owner, an administrator.
    user = await hass.auth.async_create_user(name, group_ids=[GROUP_ID_ADMIN])
    await hass.auth.async_link_user(user, credentials)
    return user, True


async def _ensure_token(hass: HomeAssistant, user: User, token: str | None) -> str:
    from datetime import timedelta  # noqa: PLC0415

    from homeassistant.auth.models import TOKEN_TYPE_LONG_LIVED_ACCESS_TOKEN  # noqa: PLC0415

    if token:
        refresh_token = hass.auth.async_validate_access_token(token)
        if refresh_token is not None and refresh_token.user.id == user.id:
            return token
    for old in list(user.refresh_tokens.values()):
        if old.client_name == CLIENT_NAME:
            hass.auth.async_remove_refresh_token(old)
    refresh_token = await hass.auth.async_create_refresh_token(
        user,
        client_name=CLIENT_NAME,
        token_type=TOKEN_TYPE_LONG_LIVED_ACCESS_TOKEN,
        access_token_expiration=timedelta(days=TOKEN_LIFETIME_DAYS),
    )
    return hass.auth.async_create_access_token(refresh_token)


async def _mark_onboarded(hass: HomeAssistant) -> None:
    from homeassistant.components.onboarding import (  # noqa: PLC0415
        STORAGE_KEY,
        STORAGE_VERSION,
        OnboardingStorage,
    )
    from homeassistant.components.onboarding.const import STEPS  # noqa: PLC0415

    store = OnboardingStorage(hass, STORAGE_VERSION, STORAGE_KEY, private=True)
    data = await store.async_load() or {"done": []}
    if set(STEPS) - set(data["done"]):
        data["done"] = [*data["done"], *(step for step in STEPS if step not in data["done"])]
        await store.async_save(data)


async def _provision(request: dict[str, Any]) -> dict[str, Any]:
    from homeassistant.auth import auth_manager_from_config  # noqa: PLC0415
    from homeassistant.core import CoreState, HomeAssistant  # noqa: PLC0415
    from homeassistant.helpers import device_registry  # noqa: PLC0415

    hass = HomeAssistant(request["config_dir"])
    # Running, so that async_stop() fires the final write of the delayed stores.
    hass.set_state(CoreState.running)
    try:
        # Home Assistant 2026's auth store reads the device registry when it loads; there
        # the registry is created (async_setup) before it loads, earlier by the load.
        if (create := getattr(device_registry, "async_setup", None)) is not None:
            create(hass)
        await device_registry.async_load(hass)
        hass.auth = await auth_manager_from_config(hass, [{"type": "homeassistant"}], [])
        provider: HassAuthProvider = hass.auth.auth_providers[0]  # type: ignore[assignment]
        await provider.async_initialize()
        user, created = await _ensure_user(
            hass, provider, request["username"], request["name"], request["password"]
        )
        token = await _ensure_token(hass, user, request.get("token"))
        await _mark_onboarded(hass)
    finally:
        logging.getLogger("homeassistant.core").setLevel(logging.WARNING)
        await hass.async_stop()  # writes the stores that save with a delay (auth)
    return {"token": token, "created_user": created}


def main() -> None:
    """Read the request on stdin, provision, print the answer."""
    request = json.loads(sys.stdin.read())
    answer = asyncio.run(_provision(request))
    sys.stdout.write(json.dumps(answer))


if __name__ == "__main__":
    main()
