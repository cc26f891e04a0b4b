"""The queue of transfers: when they run, how they end, and what is reported.

Transfers are persisted from the moment the ACS asks for them until the ACS
has acknowledged their TransferComplete: a restart in between starts a
download again or re-sends its TransferComplete, and nothing is lost.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import contextlib
from datetime import UTC, datetime
import logging
import math
import ssl
from typing import Any, Final
from urllib.parse import urlsplit

from .. import limits
from ..datamodel import UNKNOWN_TIME
from ..faults import CwmpFault, FaultCode
from ..redaction import redact_url
from ..transport import TlsSetupError
from ..xml import xml_safe
from .http import http_fetch, http_send
from .model import Transfer, TransferState

_LOGGER = logging.getLogger(__name__)

MAX_QUEUED: Final = 16
DEFAULT_WINDOW_RETRIES: Final = 3
WINDOW_RETRY_DELAY: Final = 10.0
DEFAULT_MAX_FILE_SIZE: Final = 16 * 1024 * 1024
SCHEMES: Final = frozenset({"http", "https", "ftp"})
# Codes a transfer can end with (TransferComplete, cwmp-1-2); older namespaces get fewer.
_REPORTABLE: Final = frozenset({0, 9001, 9002, 9010, 9011, 9012, *range(9014, 9021)})

type DownloadHandler = Callable[[bytes, Transfer], Awaitable[None]]
type UploadSource = Callable[[Transfer], Awaitable[tuple[bytes, str]]]
type SslContextFactory = Callable[[str], Awaitable[ssl.SSLContext | None]]


class TransferManager:
    """Runs queued transfers one at a time, in the order they are due."""

    def __init__(
        self,
        *,
        on_change: Callable[[], None],
        ssl_context: SslContextFactory,
        clock: Callable[[], float],
        timeout: float = 30.0,
        max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    ) -> None:
        self.transfers: list[Transfer] = []
        self.download_handlers: dict[str, DownloadHandler] = {}
        self.upload_sources: dict[str, UploadSource] = {}
        self.max_file_size = max_file_size
        self._on_change = on_change
        self._ssl_context = ssl_context
        self._clock = clock
        self._timeout = timeout
        self._wake = asyncio.Event()

    # ------------------------------------------------------------------ queue
    def queue(self, transfer: Transfer) -> None:
        """Accept a transfer; fault 9004 when the queue is full."""
        if len(self.transfers) >= MAX_QUEUED:
            raise CwmpFault(FaultCode.RESOURCES_EXCEEDED, f"{MAX_QUEUED} transfers are queued")
        self.transfers.append(transfer)
        self._changed()

    def check(self, transfer: Transfer) -> None:
        """Faults the ACS gets at once: unknown file type or transfer protocol."""
        handlers = self.download_handlers if transfer.is_download else self.upload_sources
        if transfer.file_type not in handlers:
            raise CwmpFault(
                FaultCode.INVALID_ARGUMENTS, f"FileType {transfer.file_type!r} is not supported"
            )
        try:
            parts = urlsplit(transfer.url)
            parts.port  # noqa: B018 - a port out of range or not a number raises here
        except ValueError as err:
            raise CwmpFault(FaultCode.INVALID_ARGUMENTS, f"the URL is not valid: {err}") from None
        scheme = parts.scheme.lower()
        if scheme not in SCHEMES:
            raise CwmpFault(
                FaultCode.UNSUPPORTED_TRANSFER_PROTOCOL,
                f"{scheme or 'no'} scheme; http, https and ftp are supported",
            )

    def completed(self) -> list[Transfer]:
        """Finished transfers whose TransferComplete the ACS has not acknowledged."""
        return [item for item in self.transfers if item.state is TransferState.COMPLETED]

    def acknowledge(self, transfer: Transfer) -> None:
        """The ACS answered the TransferComplete: forget the transfer."""
        if transfer in self.transfers:
            self.transfers.remove(transfer)
            self._changed()

    def cancel(self, command_key: str) -> None:
        """CancelTransfer: only transfers that have not started can be cancelled."""
        matching = [item for item in self.transfers if item.command_key == command_key]
        if not matching:
            raise CwmpFault(
                FaultCode.INVALID_ARGUMENTS, f"no transfer with CommandKey {command_key!r}"
            )
        if any(item.state is not TransferState.NOT_STARTED for item in matching):
            raise CwmpFault(FaultCode.CANCELATION_NOT_PERMITTED)
        for item in matching:
            self.transfers.remove(item)
        self._changed()

    def clear(self) -> None:
        """Drop every transfer (factory reset, new ACS)."""
        self.transfers.clear()
        self._changed()

    def _changed(self) -> None:
        self._wake.set()
        self._on_change()

    # ------------------------------------------------------------------ state
    def to_json(self) -> list[dict[str, Any]]:
        """Serialisable form."""
        return [item.to_json() for item in self.transfers]

    def restore(self, data: list[dict[str, Any]]) -> None:
        """Restore the queue; interrupted transfers start again."""
        self.transfers = [Transfer.from_json(item) for item in data]

    # ------------------------------------------------------------------ running
    async def run(self) -> None:
        """Run transfers as they fall due, forever."""
        while True:
            self._wake.clear()
            due = self._next_due()
            if due is not None and due.start_at <= self._clock():
                await self._execute(due)
                continue
            delay = math.inf if due is None else due.start_at - self._clock()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), None if math.isinf(delay) else delay)

    def _next_due(self) -> Transfer | None:
        waiting = [item for item in self.transfers if item.state is TransferState.NOT_STARTED]
        return min(waiting, key=lambda item: item.start_at, default=None)

    async def _execute(self, transfer: Transfer) -> None:
        transfer.state = TransferState.IN_PROGRESS
        if transfer.start_time == UNKNOWN_TIME:
            transfer.start_time = datetime.now(UTC)
        self._changed()
        if transfer.windows:
            await self._execute_in_window(transfer)
        else:
            self._finish(transfer, *await self._attempt(transfer))

    async def _attempt(self, transfer: Transfer) -> tuple[int, str]:
        """Transfer and apply the file once; returns (fault code, fault string).

        The whole attempt has TRANSFER_DEADLINE seconds.
        """
        failure = FaultCode.DOWNLOAD_FAILURE if transfer.is_download else FaultCode.UPLOAD_FAILURE
        deadline = limits.TRANSFER_DEADLINE
        try:
            async with asyncio.timeout(deadline):
                await self._transfer(transfer)
        except CwmpFault as fault:
            return int(fault.code), fault.text
        except TimeoutError:
            return int(failure), f"the transfer took longer than {deadline:.0f} s"
        except TlsSetupError as err:
            return int(failure), str(err)
        except Exception:
            _LOGGER.exception("Transfer %s failed unexpectedly", transfer.command_key)
            return int(FaultCode.INTERNAL_ERROR), "internal error"
        return 0, ""

    async def _transfer(self, transfer: Transfer) -> None:
        if transfer.is_download:
            data = await self._fetch(transfer)
            await self.download_handlers[transfer.file_type](data, transfer)
        else:
            data, content_type = await self.upload_sources[transfer.file_type](transfer)
            await self._send(transfer, data, content_type)

    async def _execute_in_window(self, transfer: Transfer) -> None:
        """ScheduleDownload: try within the current window, retry, then the next window."""
        now = self._clock()
        index = next((i for i, w in enumerate(transfer.windows) if w.end > now), None)
        if index is None:
            missed = int(FaultCode.TIME_WINDOW_MISSED)
            self._finish(transfer, missed, "every time window has passed")
            return
        window = transfer.windows[index]
        try:
            async with asyncio.timeout(window.end - now):
                code, message = await self._attempt(transfer)
        except TimeoutError:
            code, message = int(FaultCode.TIME_WINDOW_MISSED), "the time window closed"
        if code == 0:
            self._finish(transfer, 0, "")
            return
        transfer.attempts += 1
        retries = DEFAULT_WINDOW_RETRIES if window.max_retries < 0 else window.max_retries
        retry_at = self._clock() + WINDOW_RETRY_DELAY
        if transfer.attempts <= retries and retry_at < window.end:
            self._wait(transfer, retry_at)
        elif index + 1 < len(transfer.windows):
            transfer.attempts = 0
            self._wait(transfer, transfer.windows[index + 1].start)
        else:
            self._finish(
                transfer,
                int(FaultCode.TIME_WINDOW_MISSED),
                f"not done within the time windows (last error {code}: {message})",
            )

    def _wait(self, transfer: Transfer, start_at: float) -> None:
        transfer.state = TransferState.NOT_STARTED
        transfer.start_at = start_at
        self._changed()

    def _finish(self, transfer: Transfer, code: int, message: str) -> None:
        if code not in _REPORTABLE:
            download = transfer.is_download
            code = int(FaultCode.DOWNLOAD_FAILURE if download else FaultCode.UPLOAD_FAILURE)
        # Whatever the message quotes (a file's text, a URL) is reported, saved and logged:
        # nothing XML cannot carry, no password.
        message = xml_safe(redact_url(message))[:256]
        _LOGGER.info(
            "%s %s of %s finished: %s",
            transfer.method,
            transfer.command_key,
            transfer.file_type,
            message or "success",
        )
        transfer.fault_code, transfer.fault_string = code, message
        transfer.complete_time = datetime.now(UTC)
        transfer.state = TransferState.COMPLETED
        self._changed()

    async def _fetch(self, transfer: Transfer) -> bytes:
        if transfer.file_size > self.max_file_size:
            raise CwmpFault(
                FaultCode.DOWNLOAD_FAILURE,
                f"FileSize {transfer.file_size} exceeds the limit of {self.max_file_size} bytes",
            )
        if urlsplit(transfer.url).scheme.lower() == "ftp":
            from .ftp import ftp_fetch  # noqa: PLC0415 - aioftp is loaded for FTP transfers only

            data = await ftp_fetch(
                transfer.url,
                transfer.username,
                transfer.password,
                max_size=self.max_file_size,
                io_timeout=self._timeout,
            )
        else:
            data = await http_fetch(
                transfer.url,
                transfer.username,
                transfer.password,
                max_size=self.max_file_size,
                ssl_context=await self._ssl_context(transfer.url),
                io_timeout=self._timeout,
            )
        if transfer.file_size and len(data) != transfer.file_size:
            # Fewer bytes: the download stopped short; more: not the file announced.
            short = len(data) < transfer.file_size
            raise CwmpFault(
                FaultCode.DOWNLOAD_INCOMPLETE if short else FaultCode.FILE_CORRUPTED,
                f"received {len(data)} bytes where FileSize announced {transfer.file_size}",
            )
        return data

    async def _send(self, transfer: Transfer, data: bytes, content_type: str) -> None:
        if urlsplit(transfer.url).scheme.lower() == "ftp":
            from .ftp import ftp_send  # noqa: PLC0415 - aioftp is loaded for FTP transfers only

            await ftp_send(
                transfer.url, data, transfer.username, transfer.password, io_timeout=self._timeout
            )
        else:
            await http_send(
                transfer.url,
                data,
                transfer.username,
                transfer.password,
                ssl_context=await self._ssl_context(transfer.url),
                io_timeout=self._timeout,
                content_type=content_type,
            )
