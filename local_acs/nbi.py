"""A small JSON API under ``/nbi/`` (for demos), shaped after GenieACS's NBI.

* ``GET  /nbi/devices`` — known devices; ``GET /nbi/devices/<serial>`` — one device;
* ``POST /nbi/devices/<serial>/tasks[?connection_request][&timeout=3]`` — queue a task,
  JSON ``{"name": "getParameterValues", "parameterNames": [...]}`` (GenieACS task names:
  getParameterValues, setParameterValues, refreshObject, addObject, deleteObject, download,
  reboot, factoryReset; plus getParameterNames, upload, and ``{"name": "rpc", "method":
  "<RPC>", "args": {...}}`` for any RPC).  With ``connection_request`` the ACS also wakes
  the device, choosing UDP, XMPP or HTTP as GenieACS does (:mod:`local_acs.wake`;
  credentials from ``username``/``password`` query parameters or the server's defaults),
  and waits up to ``timeout`` seconds: 200 if the task completed, 202 otherwise or when
  the device could not be woken — like GenieACS;
* ``GET  /nbi/tasks/<id>`` — a task and its result;
* ``PUT  /nbi/files/<name>`` — serve the request body as a file; ``GET /nbi/files`` lists
  the files' URLs; ``GET /nbi/uploads/<name>`` returns an uploaded file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import rpc
from .records import RpcTask
from .rpc import AcsRequest

if TYPE_CHECKING:
    from .server import LocalAcs


def task_json(task: RpcTask) -> dict[str, Any]:
    """A task as JSON-able data."""
    result = task.outcome
    data: dict[str, Any] = {
        "_id": task.id,
        "device": task.serial,
        "name": task.method,
        "status": task.status,
        "attempts": task.attempts,
        "response": None,
        "fault": None,
    }
    if result is not None:
        data["response"] = result.response
        data["fault"] = result.fault._asdict() if result.fault else None
    return data


def _device_json(acs: LocalAcs, serial: str) -> dict[str, Any]:
    device = acs.devices[serial]
    inform = device.last_inform
    return {
        "_id": device.device_id.genieacs_id if device.device_id else serial,
        "serial": serial,
        "deviceId": device.device_id._asdict() if device.device_id else None,
        "lastInform": inform.received_at if inform else None,
        "events": inform.event_codes if inform else [],
        "parameters": inform.params if inform else {},
        "connectionRequestUrl": device.connection_request_url,
        "connReqJabberId": device.conn_req_jabber_id,
        "udpConnectionRequestAddress": device.udp_connection_request_address,
        "stunEnable": device.stun_enable,
        "queued": len(device.queue),
        "tasks": [t.id for t in device.tasks],
    }


def _request_from_task(acs: LocalAcs, task: dict[str, Any]) -> AcsRequest:
    name = task.get("name")
    builders: dict[str, Callable[[], AcsRequest]] = {
        "getParameterValues": lambda: rpc.get_parameter_values(task["parameterNames"]),
        "setParameterValues": lambda: rpc.set_parameter_values(
            [tuple(p) for p in task["parameterValues"]], task.get("parameterKey", "")
        ),
        "refreshObject": lambda: rpc.get_parameter_values([task["objectName"]]),
        "getParameterNames": lambda: rpc.get_parameter_names(
            task.get("parameterPath", ""), bool(task.get("nextLevel", False))
        ),
        "addObject": lambda: rpc.add_object(task["objectName"]),
        "deleteObject": lambda: rpc.delete_object(task["objectName"]),
        "reboot": lambda: rpc.reboot(task.get("commandKey", "")),
        "factoryReset": rpc.factory_reset,
        "download": lambda: rpc.download(
            task.get("url") or acs.file_url(task["fileName"]),
            task.get("fileType", "1 Firmware Upgrade Image"),
            file_size=acs.file_size(task["fileName"]) if "fileName" in task else 0,
            target_file_name=task.get("targetFileName", ""),
        ),
        "upload": lambda: rpc.upload(
            task.get("url") or acs.upload_url(task["fileName"]),
            task.get("fileType", "1 Vendor Configuration File"),
        ),
        "rpc": lambda: rpc.RpcRequest.build(task["method"], task.get("args")),
    }
    if name not in builders:
        raise ValueError(f"unknown task name {name!r}; known: {sorted(builders)}")
    return builders[name]()


class NbiApi:
    """The ``/nbi/`` routes of one :class:`~local_acs.server.LocalAcs`."""

    def __init__(self, acs: LocalAcs) -> None:
        self.acs = acs

    def routes(self) -> list[web.RouteDef]:
        """The aiohttp routes."""
        return [
            web.get("/nbi/devices", self._devices),
            web.get("/nbi/devices/{serial}", self._device),
            web.post("/nbi/devices/{serial}/tasks", self._queue_task),
            web.get("/nbi/tasks/{task_id}", self._task),
            web.get("/nbi/files", self._files),
            web.put("/nbi/files/{name:.+}", self._put_file),
            web.get("/nbi/uploads/{name:.+}", self._uploaded),
        ]

    async def _devices(self, _request: web.Request) -> web.Response:
        return web.json_response([_device_json(self.acs, s) for s in self.acs.devices])

    async def _device(self, request: web.Request) -> web.Response:
        serial = request.match_info["serial"]
        if serial not in self.acs.devices:
            raise web.HTTPNotFound(text=f"no device {serial!r}")
        return web.json_response(_device_json(self.acs, serial))

    async def _queue_task(self, request: web.Request) -> web.Response:
        serial = request.match_info["serial"]
        try:
            body = await request.json()
            task = self.acs.queue(serial, _request_from_task(self.acs, body))
        except (ValueError, KeyError, TypeError) as err:
            raise web.HTTPBadRequest(text=f"invalid task: {err!r}") from err
        if "connection_request" not in request.query:
            return web.json_response(task_json(task), status=202)
        woken = await self.acs.wake(
            serial, request.query.get("username"), request.query.get("password")
        )
        data = {**task_json(task), "connectionRequest": woken.as_json()}
        if not woken.delivered:
            # As GenieACS: the task stays queued for the device's next session.
            return web.json_response(data, status=202)
        timeout = float(request.query.get("timeout", "3"))
        try:
            await task.result(timeout)
        except TimeoutError:
            return web.json_response({**data, **task_json(task)}, status=202)
        return web.json_response({**data, **task_json(task)}, status=200)

    async def _task(self, request: web.Request) -> web.Response:
        task_id = request.match_info["task_id"]
        for device in self.acs.devices.values():
            for task in device.tasks:
                if task.id == task_id:
                    return web.json_response(task_json(task))
        raise web.HTTPNotFound(text=f"no task {task_id!r}")

    async def _files(self, _request: web.Request) -> web.Response:
        return web.json_response({n: self.acs.file_url(n) for n in self.acs.file_names})

    async def _put_file(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        self.acs.serve_file(name, await request.read())
        return web.json_response({"name": name, "url": self.acs.file_url(name)}, status=201)

    async def _uploaded(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in self.acs.uploaded:
            raise web.HTTPNotFound(text=f"nothing uploaded as {name!r}")
        return web.Response(body=self.acs.uploaded[name])
