"""The operator's side: the bundled local ACS, run in the demo's process.

It logs every Inform, gives each gateway Connection Request credentials in its first
session and again after a ``0 BOOTSTRAP`` (as a GenieACS provision would), and pushes
configuration files: serve the file, queue a Download, wake the gateway with a
Connection Request (over XMPP when it has an XMPP account and the gateway its JID, as
GenieACS chooses), wait for TransferComplete.
Its NBI (``/nbi/devices`` …) and file server answer on the same port.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
import secrets
import time
from typing import Final

from local_acs import CpeRequestRecord, InformRecord, LocalAcs, RpcTask, rpc
from local_acs.wake import WakeRecord
from local_acs.xmpp import OUTCOMES, AcsXmpp

from .console import DemoError, say
from .settings import HOST

VENDOR_CONFIGURATION_FILE: Final = "3 Vendor Configuration File"
CR_USERNAME: Final = "acs"
XMPP_OFFLINE: Final = OUTCOMES["service-unavailable"]
XMPP_OFFLINE_GRACE: Final = 15.0
XMPP_OFFLINE_RETRY: Final = 0.5


class DemoAcs:
    """A :class:`LocalAcs` with the demo's provisioning and logging."""

    def __init__(self, port: int, soap_log_dir: Path) -> None:
        self._soap_log_dir = soap_log_dir
        self.acs = LocalAcs(HOST, port, soap_log_dir=soap_log_dir)
        self.acs.add_inform_hook(self._on_inform)
        # Connection Request password the ACS sets on every gateway (new each run).
        self._cr_password = secrets.token_urlsafe(12)
        self._credential_tasks: dict[str, RpcTask] = {}
        self._background: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        """The CWMP URL gateways are configured with."""
        return self.acs.url

    async def start(self) -> None:
        """Listen on 127.0.0.1 (the SOAP log of the previous run is cleared)."""
        self._soap_log_dir.mkdir(parents=True, exist_ok=True)
        for old in self._soap_log_dir.glob("*.xml"):
            old.unlink()
        await self.acs.start()
        validation = "on" if self.acs.schema_validation_available else "OFF (schemas not found)"
        say("ACS", f"local ACS listening: CWMP {self.acs.url}  NBI {self.acs.base_url}/nbi/devices")
        say(
            "ACS", f"CWMP schema validation {validation}; every message is saved in .demo/acs-soap/"
        )

    async def stop(self) -> None:
        """End sessions and stop listening."""
        for task in self._background:
            task.cancel()
        await self.acs.stop()
        say("ACS", "local ACS stopped")

    # ---------------------------------------------------------------- Informs

    def boot_informs(self, serial: str) -> list[InformRecord]:
        """The gateway's Informs with a ``1 BOOT`` event so far."""
        return [i for i in self.acs.informs if i.serial == serial and "1 BOOT" in i.event_codes]

    def _on_inform(self, inform: InformRecord) -> None:
        events = ", ".join(inform.event_codes) or "no event"
        say("ACS", f"gateway SN {inform.serial} informed ({events})")
        # A new gateway, or one that starts from scratch (a new config entry).
        if inform.serial not in self._credential_tasks or "0 BOOTSTRAP" in inform.event_codes:
            self._provision_credentials(inform)

    def _provision_credentials(self, inform: InformRecord) -> None:
        """Set ConnectionRequestUsername/Password so that the ACS can wake the gateway."""
        root = next(iter(inform.params), "Device.").split(".", 1)[0]
        ms = f"{root}.ManagementServer."
        task = self.acs.queue(
            inform.serial,
            rpc.set_parameter_values(
                [
                    (f"{ms}ConnectionRequestUsername", CR_USERNAME),
                    (f"{ms}ConnectionRequestPassword", self._cr_password),
                ],
                "demo-connection-request",
            ),
        )
        self._credential_tasks[inform.serial] = task
        background = asyncio.get_running_loop().create_task(self._report(task))
        self._background.add(background)
        background.add_done_callback(self._background.discard)

    async def _report(self, task: RpcTask) -> None:
        result = await task.result(timeout=3600)
        if result.ok:
            say("ACS", "SetParameterValues ConnectionRequestUsername/Password → ok")
        else:
            say("ACS", f"SetParameterValues of the Connection Request credentials: {result.fault}")

    def use_xmpp(self, client: AcsXmpp) -> None:
        """Give the ACS an XMPP account: it wakes gateways that report a JID over XMPP."""
        self.acs.xmpp = client

    async def wait_ready(self, serial: str, timeout: float) -> None:  # noqa: ASYNC109
        """Wait until the gateway took its Connection Request credentials, between sessions.

        With an XMPP account, wait for the gateway's JID as well (its VALUE CHANGE).
        """

        def ready() -> bool | None:
            task = self._credential_tasks.get(serial)
            device = self.acs.devices.get(serial)
            if task is None or not task.done() or device is None or device.session is not None:
                return None
            if self.acs.xmpp is not None and not device.conn_req_jabber_id:
                return None
            return True

        try:
            await self.acs.notifier.wait_for(ready, timeout)
        except TimeoutError:
            raise DemoError(
                f"gateway {serial} did not complete a session with the ACS within {timeout:.0f} s"
            ) from None
        outcome = self._credential_tasks[serial].outcome
        if outcome is None or not outcome.ok:
            fault = outcome.fault if outcome else None
            raise DemoError(f"gateway {serial} refused its Connection Request credentials: {fault}")

    # ---------------------------------------------------------------- files

    async def connection_request(self, serial: str) -> None:
        """Wake the gateway up as GenieACS would (it then opens a session for the queued RPCs).

        Over XMPP when the gateway reported a JID and the ACS has an XMPP account, else
        over HTTP to its ConnectionRequestURL.
        """
        deadline = time.monotonic() + XMPP_OFFLINE_GRACE
        while True:
            woken = await self.acs.wake(serial, CR_USERNAME, self._cr_password)
            self._report_wake(woken)
            if woken.delivered:
                return
            # Just after its first sessions the gateway's XMPP connection may still be
            # coming up (the config flow's test session had its own): ask again.
            if woken.error != XMPP_OFFLINE or time.monotonic() > deadline:
                raise DemoError(f"the gateway could not be woken: {woken.error}")
            await asyncio.sleep(XMPP_OFFLINE_RETRY)

    def _report_wake(self, woken: WakeRecord) -> None:
        if woken.xmpp is not None:
            say("ACS", f"XMPP Connection Request to {woken.xmpp.jid} → {woken.xmpp.outcome}")
        if woken.http is not None:
            status, error = woken.http.status, woken.http.error
            answer = f"HTTP {status}" if status is not None else f"no answer ({error})"
            say("ACS", f"Connection Request to {woken.http.url} → {answer}")

    def wake_methods(self) -> list[list[str]]:
        """How each Connection Request so far went (``["XMPP"]``, ``["HTTP"]``…)."""
        return [woken.methods for woken in self.acs.wakes]

    async def push_file(
        self,
        serial: str,
        name: str,
        content: bytes,
        command_key: str,
        timeout: float,  # noqa: ASYNC109
    ) -> None:
        """Serve ``content`` as ``name``, Download it to the gateway, wait for the outcome."""
        self.acs.serve_file(name, content, content_type="application/json")
        task = self.acs.queue(
            serial,
            rpc.download(
                self.acs.file_url(name),
                VENDOR_CONFIGURATION_FILE,
                command_key=command_key,
                file_size=len(content),
                target_file_name=name,
            ),
        )
        say(
            "ACS",
            f"queued Download {name} ({len(content)} bytes, FileType "
            f'"{VENDOR_CONFIGURATION_FILE}", CommandKey {command_key})',
        )
        await self.connection_request(serial)
        result = await task.result(timeout)
        if not result.ok:
            raise DemoError(f"the gateway refused the Download: {result.fault}")
        say("ACS", f"DownloadResponse Status {result.status} (1: TransferComplete follows)")
        if result.status == 0:
            say("ACS", f"Download {name} → applied at once")
            return
        complete = await self._transfer_complete(command_key, timeout)
        fault = complete.fault
        if fault is not None and fault.code != 0:
            raise DemoError(
                f"Download {name} → TransferComplete fault {fault.code}: {fault.string}"
            )
        say("ACS", f"Download {name} → TransferComplete ok")

    async def _transfer_complete(self, command_key: str, timeout: float) -> CpeRequestRecord:  # noqa: ASYNC109
        def find() -> CpeRequestRecord | None:
            return next(
                (r for r in self.acs.transfer_completes if r.command_key == command_key), None
            )

        try:
            return await self.acs.notifier.wait_for(find, timeout)
        except TimeoutError:
            raise DemoError(
                f"no TransferComplete for {command_key} within {timeout:.0f} s"
            ) from None

    def health(self) -> list[str]:
        """Schema validation failures and protocol errors the ACS saw (should be none)."""
        problems = [f"schema: {failure.description}" for failure in self.acs.validation_failures]
        problems += [f"protocol: {error}" for error in self.acs.protocol_errors]
        return problems
