"""The local ACS in its own process, driven over stdin/stdout (``python -m bench.acs_server``).

Running the ACS in another process keeps its CPU time out of the agent's, so that the
agent's CPU per session can be measured with the process clock.  Each request is one
JSON line on stdin; each answer one JSON line on stdout (the first line announces the
URL).  Commands:

``plan``   ``{"serial", "rpcs": [...]}``: RPCs queued at every Inform of that device
           (``{"method": "GetParameterValues", "names": [...]}``,
           ``{"method": "SetParameterValues", "params": [[name, value, type]], "key": k}``,
           ``{"method": "GetParameterNames", "path": p, "next_level": b}``); ``{n}`` in a
           value or key is replaced by the number of the Inform.
``cr``     ``{"url", "username", "password", "serial", "count", "settle"}``: Connection
           Requests one after the other; per request the seconds to the final HTTP answer
           and to the CONNECTION REQUEST Inform's arrival.
``download`` ``{"serial", "name", "path", "file_type"}``: serve the file at ``path`` as
           ``name`` and queue a Download of it for the device's next session.
``sent_at`` ``{"serial", "method"}``: when (``time.time()``) the ACS last sent that RPC
           to the device (None if never).
``watch``  ``{"serial", "pid"}``: at that device's next Inform, note when it arrived
           (``time.time()``) and the CPU milliseconds process ``pid`` had used by then.
``watched`` ``{"serial", "timeout"}``: wait for the watched Inform; ``{"at", "cpu_ms",
           "connection_request_url"}``.
``last_session`` ``{"serial"}``: the bodies of that device's last finished session,
           base64: ``{"outgoing": [...], "incoming": [...]}``.
``sessions_done`` ``{"prefix", "count", "timeout"}``: wait until ``count`` sessions of
           devices whose serial starts with ``prefix`` have ended; ``{"first", "last"}``:
           when the first of them started and the last ended (``time.time()``).
``reset``  forget the records (informs, sessions, tasks).
``stats``  CPU seconds of this process, sessions, validation failures, protocol errors.
``quit``
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import logging
from pathlib import Path
import resource
import sys
import time
from typing import Any

from local_acs import InformRecord, LocalAcs, rpc
from local_acs.rpc import RpcRequest

from .proc import cpu_ms

CR_EVENT = "6 CONNECTION REQUEST"


class _NoValidation:
    """Stands in for the schema validator when validation is switched off."""

    available = False

    def errors(self, data: bytes) -> list[str]:
        """Never called: ``available`` is False."""
        del data
        raise RuntimeError("validation is off")


def _render(template: str, number: int) -> str:
    return template.replace("{n}", str(number))


def _request(spec: dict[str, Any], number: int) -> RpcRequest:
    method = spec["method"]
    if method == "GetParameterValues":
        return rpc.get_parameter_values(spec["names"])
    if method == "GetParameterNames":
        return rpc.get_parameter_names(spec["path"], next_level=spec["next_level"])
    if method == "SetParameterValues":
        params = [(name, _render(value, number), kind) for name, value, kind in spec["params"]]
        return rpc.set_parameter_values(params, _render(spec.get("key", ""), number))
    raise ValueError(f"unsupported RPC {method}")


class Controller:
    """Carries out the commands on one LocalAcs."""

    def __init__(self, acs: LocalAcs) -> None:
        self.acs = acs
        self.plans: dict[str, list[dict[str, Any]]] = {}
        self.informs = 0
        self.watches: dict[str, tuple[int, asyncio.Future[dict[str, Any]]]] = {}
        acs.add_inform_hook(self._on_inform)

    def _on_inform(self, inform: InformRecord) -> None:
        self.informs += 1
        pid, seen = self.watches.get(inform.serial, (0, None))
        if seen is not None and not seen.done():
            url = next(
                (item.value for item in inform.parameters if item.name.endswith("RequestURL")), ""
            )
            at = inform.session.messages[0].at
            seen.set_result({"at": at, "cpu_ms": cpu_ms(pid), "connection_request_url": url})
        for spec in self.plans.get(inform.serial, []):
            self.acs.queue(inform.serial, _request(spec, self.informs))

    async def handle(self, command: dict[str, Any]) -> dict[str, Any]:
        """One command → its answer."""
        match command.get("cmd"):
            case "plan":
                self.plans[command["serial"]] = command["rpcs"]
                return {}
            case "cr":
                return await self._connection_requests(command)
            case "download":
                content = await asyncio.to_thread(Path(command["path"]).read_bytes)
                self.acs.serve_file(command["name"], content)
                url = self.acs.file_url(command["name"])
                self.acs.queue(command["serial"], rpc.download(url, command["file_type"]))
                return {}
            case "sent_at":
                return {"at": self._sent_at(command["serial"], command["method"])}
            case "watch":
                seen = asyncio.get_running_loop().create_future()
                self.watches[command["serial"]] = (command["pid"], seen)
                return {}
            case "watched":
                _, seen = self.watches[command["serial"]]
                answer = await asyncio.wait_for(asyncio.shield(seen), command["timeout"])
                del self.watches[command["serial"]]
                return answer
            case "last_session":
                return self._last_session(command["serial"])
            case "sessions_done":
                return await asyncio.wait_for(
                    self._sessions_done(command["prefix"], command["count"]), command["timeout"]
                )
            case "reset":
                self._reset()
                return {}
            case "stats":
                return {
                    "cpu": time.process_time(),
                    "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                    "sessions": len(self.acs.sessions),
                    "informs": self.informs,
                    "validation_failures": len(self.acs.validation_failures),
                    "protocol_errors": self.acs.protocol_errors[-5:],
                    "protocol_error_count": len(self.acs.protocol_errors),
                }
        raise ValueError(f"unknown command {command!r}")

    async def _sessions_done(self, prefix: str, count: int) -> dict[str, Any]:
        while True:
            ended = [
                session
                for session in self.acs.sessions
                if session.ended and (session.serial or "").startswith(prefix)
            ]
            if len(ended) >= count:
                return {
                    "first": min(session.started_at for session in ended),
                    "last": max(session.ended_at or 0.0 for session in ended),
                }
            await asyncio.sleep(0.05)

    def _last_session(self, serial: str) -> dict[str, Any]:
        session = next(
            item for item in reversed(self.acs.sessions) if item.serial == serial and item.ended
        )

        def bodies(direction: str) -> list[str]:
            return [
                base64.b64encode(message.body).decode()
                for message in session.messages
                if message.direction == direction
            ]

        return {"outgoing": bodies("cpe"), "incoming": bodies("acs")}

    def _sent_at(self, serial: str, method: str) -> float | None:
        for session in reversed(self.acs.sessions):
            if session.serial != serial:
                continue
            for message in reversed(session.messages):
                if message.direction == "acs" and message.method == method:
                    return message.at
        return None

    def _reset(self) -> None:
        acs = self.acs
        acs.informs.clear()
        acs.sessions[:] = [session for session in acs.sessions if not session.ended]
        for device in acs.devices.values():
            device.tasks.clear()
        acs.cpe_requests.clear()
        acs.connection_requests.clear()

    async def _connection_requests(self, command: dict[str, Any]) -> dict[str, Any]:
        self._reset()
        answered: list[float] = []
        informed: list[float] = []
        errors: list[str] = []
        for _ in range(command["count"]):
            start = time.time()
            record = await self.acs.connection_request_record(
                command["url"], command["username"], command["password"]
            )
            end = time.time()
            if record.status != 200:
                errors.append(f"status {record.status}: {record.error}")
                continue
            inform = await self.acs.wait_for_inform(serial=command["serial"], event=CR_EVENT)
            answered.append(end - start)
            informed.append(inform.session.messages[0].at - start)
            await inform.session.wait_ended()
            await asyncio.sleep(command.get("settle", 0.0))
        return {"get_200": answered, "inform": informed, "errors": errors}


async def _serve(validate: bool) -> None:
    acs = LocalAcs()
    if not validate:
        acs.validator = _NoValidation()  # type: ignore[assignment]
    controller = Controller(acs)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    async with acs:
        _reply({"url": acs.url, "validation": acs.schema_validation_available})
        while line := await reader.readline():
            command = json.loads(line)
            if command.get("cmd") == "quit":
                break
            try:
                _reply(await controller.handle(command))
            except Exception as err:
                _reply({"error": f"{type(err).__name__}: {err}"})


def _reply(answer: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()


def main() -> None:
    """Serve until ``quit`` or the end of stdin."""
    parser = argparse.ArgumentParser(prog="python -m bench.acs_server")
    parser.add_argument("--no-validate", action="store_true", help="skip schema validation")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(validate=not args.no_validate))


if __name__ == "__main__":
    main()
