"""The demo from start to Ctrl-C (or to the verdict of ``--check``)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
import contextlib
from dataclasses import replace
import secrets
import time
from typing import Final

from . import gateway, meters
from .acs import DemoAcs
from .console import DemoError, say, tail
from .gateway import EntrySettings
from .ha_api import HomeAssistantApi
from .ha_config import ensure_packages, reset, write_configuration
from .ha_process import HomeAssistantProcess
from .ports import check_ports
from .provision import provision
from .settings import (
    CONFIG_FILE_NAME,
    FIRST_FILE,
    HOST,
    SERIAL_NUMBER,
    UPDATE_FILE,
    USER_DISPLAY_NAME,
    Options,
    Paths,
)
from .state import DemoState
from .xmpp import DemoXmpp

HA_START_TIMEOUT: Final = 300.0
STEP_TIMEOUT: Final = 60.0
BOOT_WAIT: Final = 30.0
LEAD_IN: Final = 10.0
INSTALL_FAILURE: Final = "Unable to install package"


class Demo:
    """One run: the ACS in this process, Home Assistant in a child process."""

    def __init__(self, options: Options, paths: Paths) -> None:
        self.options = options
        self.paths = paths
        self.started = time.monotonic()
        self.state = DemoState.load(paths.state_file)
        self.acs = DemoAcs(options.ports.acs, paths.soap_dir)
        self.xmpp = DemoXmpp(paths.xmpp_dir) if options.behind_nat else None
        self.ha = HomeAssistantProcess(paths)
        self.base_url = f"http://{HOST}:{options.ports.home_assistant}"
        self._run_id = secrets.token_hex(3)

    def elapsed(self) -> str:
        """Seconds since the demo started."""
        return f"{time.monotonic() - self.started:.0f} s"

    # ---------------------------------------------------------------- preparation

    async def prepare(self) -> None:
        """Configuration directory, packages, onboarding, demo user and its token."""
        if self.options.reset:
            reset(self.paths)
            self.state = DemoState.load(self.paths.state_file)
        check_ports(self.options.ports)
        if self.xmpp is not None:
            self.xmpp.check_installed()
        new = write_configuration(self.paths, self.options.ports)
        say(
            "demo",
            f"{'created' if new else 'reusing'} Home Assistant config {self.paths.config_dir}",
        )
        await ensure_packages(self.paths)
        token, created = await provision(
            self.paths.config_dir,
            self.state.username,
            USER_DISPLAY_NAME,
            self.state.password,
            self.state.token,
        )
        self.state.token = token
        self.state.save(self.paths.state_file)
        what = "created" if created else "ready"
        say("demo", f"onboarding done, user {self.state.username!r} {what} (owner, administrator)")

    # ---------------------------------------------------------------- the run

    async def run(self) -> None:
        """Start the ACS (and XMPP) and Home Assistant, show the meters, stop all at the end."""
        await self.prepare()
        try:
            await self._start_xmpp()
            await self.acs.start()
            await self.ha.start()
            assert self.state.token is not None
            async with HomeAssistantApi(self.base_url, self.state.token) as api:
                await self._watched(self._scenario(api))
        finally:
            await self.ha.stop()
            await self.acs.stop()
            if self.xmpp is not None:
                await self.xmpp.stop()

    async def _start_xmpp(self) -> None:
        """``--behind-nat``: Prosody, and the ACS logged in to it."""
        if self.xmpp is None:
            return
        await self.xmpp.start()
        assert self.xmpp.client is not None
        self.acs.use_xmpp(self.xmpp.client)

    def _entry_settings(self) -> EntrySettings:
        settings = EntrySettings(self.acs.url, self.options.ports.connection_request)
        if self.xmpp is None:
            return settings
        return replace(
            settings,
            xmpp=self.xmpp.flow_section(),
            ca_pem=self.xmpp.server.ca_pem,
            wake_up=self.xmpp.fingerprint,
        )

    async def _watched(self, scenario: Awaitable[None]) -> None:
        """Run the scenario; fail at once if Home Assistant exits under it."""
        task = asyncio.ensure_future(scenario)
        exited = asyncio.create_task(self.ha.wait_exited())
        try:
            done, _ = await asyncio.wait({task, exited}, return_when=asyncio.FIRST_COMPLETED)
            if task in done:
                task.result()
                return
            raise self.ha.failure(f"Home Assistant exited (code {exited.result()})")
        finally:
            for pending in (task, exited):
                pending.cancel()
            await asyncio.gather(task, exited, return_exceptions=True)

    async def _scenario(self, api: HomeAssistantApi) -> None:
        await self._wait_running(api)
        await self._keep_http_settings(api)
        self._banner()
        entry_id, created = await self._connect_gateway(api)
        first = FIRST_FILE.read_bytes()
        update = UPDATE_FILE.read_bytes()
        if not self.options.check:
            lead_in = min(LEAD_IN, self.options.pause)
            say(
                "demo",
                f"the ACS pushes {CONFIG_FILE_NAME} in {lead_in:.0f} s: open {self.base_url}",
            )
            await asyncio.sleep(lead_in)
        await self._push(
            api,
            entry_id,
            content=first,
            number=1,
            expected=meters.first_values(again=not created),
            what="Home Assistant shows the three meters",
        )
        if self.options.pause > 0:
            say(
                "demo",
                f"the ACS pushes the updated {CONFIG_FILE_NAME} in {self.options.pause:.0f} s",
            )
            await asyncio.sleep(self.options.pause)
        await self._push(
            api,
            entry_id,
            content=update,
            number=2,
            expected=meters.UPDATED_VALUES,
            what="Home Assistant shows the updated meters",
        )
        if self.options.check:
            self._verdict()
            return
        xmpp = f"; XMPP {self.xmpp.server.address}" if self.xmpp is not None else ""
        say(
            "demo",
            f"demo running: {self.base_url} (login {self.state.username} / "
            f"{self.state.password}); ACS {self.acs.url}{xmpp}. Ctrl-C stops everything.",
        )
        await asyncio.Event().wait()

    async def _wait_running(self, api: HomeAssistantApi) -> None:
        deadline = time.monotonic() + HA_START_TIMEOUT
        last = None
        while (state := await api.core_state()) != "RUNNING":
            if state != last and state is not None:
                say("HA", f"Home Assistant answers, still starting (state {state})")
                last = state
            if time.monotonic() > deadline:
                raise self.ha.failure(f"Home Assistant is not running after {HA_START_TIMEOUT} s")
            await asyncio.sleep(0.5)
        say("HA", f"Home Assistant is running ({self.elapsed()} after the demo started)")

    async def _keep_http_settings(self, api: HomeAssistantApi) -> None:
        """Home Assistant 2026.10 takes the demo's HTTP settings as a trial to confirm.

        Unconfirmed, it would go back to port 8123 after five minutes; the demo confirms
        (earlier versions have no such command and need nothing).
        """
        try:
            await api.command("http/config/promote")
        except DemoError as err:
            if "unknown_command" not in str(err) and "not_allowed" not in str(err):
                raise
        else:
            say("HA", "the demo's HTTP settings confirmed (Home Assistant 2026.10 and later)")

    def _banner(self) -> None:
        say("demo", "─" * 60)
        say("demo", f"Home Assistant:  {self.base_url}")
        say("demo", f"login:           {self.state.username} / {self.state.password}")
        say("demo", "─" * 60)

    async def _connect_gateway(self, api: HomeAssistantApi) -> tuple[str, bool]:
        """The tr069 entry set up against the local ACS, its first sessions done.

        Also whether the entry was created now (False: the demo runs again on its state).
        """
        record, created = await gateway.ensure_entry(api, self.state.entry, self._entry_settings())
        self.state.entry = record
        self.state.save(self.paths.state_file)
        await gateway.wait_loaded(api, record.entry_id, STEP_TIMEOUT)
        # The config flow's test session, then the entry's own BOOT session.
        boots = 2 if created else 1
        with contextlib.suppress(TimeoutError):
            await self.acs.acs.notifier.wait_for(
                lambda: len(self.acs.boot_informs(SERIAL_NUMBER)) >= boots or None, BOOT_WAIT
            )
        await self.acs.wait_ready(SERIAL_NUMBER, STEP_TIMEOUT)
        jid = self.acs.acs.device(SERIAL_NUMBER).conn_req_jabber_id
        over = f" over XMPP (JID {jid})" if self.xmpp is not None else ""
        say("ACS", f"gateway SN {SERIAL_NUMBER} is ready for Connection Requests{over}")
        return record.entry_id, created

    async def _push(
        self,
        api: HomeAssistantApi,
        entry_id: str,
        *,
        content: bytes,
        number: int,
        expected: meters.Expected,
        what: str,
    ) -> None:
        await self.acs.push_file(
            SERIAL_NUMBER,
            CONFIG_FILE_NAME,
            content,
            f"demo-{self._run_id}-{number}",
            STEP_TIMEOUT,
        )
        shown = await meters.wait_for_values(api, entry_id, expected, STEP_TIMEOUT)
        say("HA", f"{what} (dashboard: Overview):")
        meters.show(shown, expected)

    def _verdict(self) -> None:
        """``--check``: what else must hold besides the meters."""
        for problem in self.acs.health():
            say("check", f"warning: the ACS saw {problem}")
        methods = self.acs.wake_methods()
        if self.xmpp is not None and any(used != ["XMPP"] for used in methods):
            raise DemoError(f"--behind-nat: the ACS did not wake the gateway over XMPP: {methods}")
        log = tail(self.paths.ha_log, 100_000)
        if INSTALL_FAILURE in log:
            raise DemoError(
                f"Home Assistant's log says {INSTALL_FAILURE!r}: see {self.paths.ha_log}"
            )
        errors = [line for line in log.splitlines() if " ERROR " in line]
        for line in errors[:5]:
            say("check", f"warning: HA log: {line}")
        woken = "XMPP" if self.xmpp is not None else "HTTP"
        say(
            "check",
            f"PASSED in {self.elapsed()}: 3 meter devices with their updated values; "
            f"{len(methods)} Connection Requests over {woken}; "
            f"no package install; {len(errors)} ERROR lines in the HA log",
        )
