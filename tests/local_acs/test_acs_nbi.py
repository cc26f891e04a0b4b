"""The JSON NBI and the command line."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
import re
import signal
import socket
import ssl
import subprocess
import sys
import urllib.request

import aiohttp
from aiohttp import web

from local_acs import LocalAcs
from local_acs.testing import RawCpe, cpe_envelope, inform_body

GPV_RESPONSE = (
    "<cwmp:GetParameterValuesResponse>"
    '<ParameterList soapenc:arrayType="cwmp:ParameterValueStruct[1]">'
    "<ParameterValueStruct><Name>Device.DeviceInfo.UpTime</Name>"
    '<Value xsi:type="xsd:unsignedInt">7</Value></ParameterValueStruct>'
    "</ParameterList></cwmp:GetParameterValuesResponse>"
)


async def run_cpe_session(acs: LocalAcs, cr_url: str, event: str = "6 CONNECTION REQUEST"):
    params = [("Device.ManagementServer.ConnectionRequestURL", cr_url, "xsd:string")]
    async with RawCpe(acs.url) as cpe:
        await cpe.post(cpe_envelope(inform_body(events=[(event, "")], params=params)))
        response = await cpe.post(b"")
        while response.status == 200:
            request_id = re.search(r'mustUnderstand="1">([^<]*)<', response.text).group(1)
            response = await cpe.post(cpe_envelope(GPV_RESPONSE, request_id))


async def test_nbi_task_with_connection_request(acs: LocalAcs):
    sessions: list[asyncio.Task] = []

    async def connection_request(_request: web.Request) -> web.Response:
        sessions.append(asyncio.create_task(run_cpe_session(acs, cr_url)))
        return web.Response(status=200)

    app = web.Application()
    app.router.add_get("/cr", connection_request)
    runner = web.AppRunner(app)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    await web.SockSite(runner, sock).start()
    cr_url = f"http://127.0.0.1:{sock.getsockname()[1]}/cr"
    try:
        await run_cpe_session(acs, cr_url, "1 BOOT")
        async with aiohttp.ClientSession() as client:
            async with client.get(f"{acs.base_url}/nbi/devices") as response:
                [device] = await response.json()
            assert device["serial"] == "SN0001"
            assert device["_id"] == "00D09E-HACPE-SN0001"
            assert device["connectionRequestUrl"] == cr_url
            task = {"name": "getParameterValues", "parameterNames": ["Device.DeviceInfo.UpTime"]}
            async with client.post(
                f"{acs.base_url}/nbi/devices/SN0001/tasks?connection_request&timeout=5",
                json=task,
            ) as response:
                assert response.status == 200
                done = await response.json()
            assert done["status"] == "done"
            assert done["connectionRequest"] == {
                "methods": ["HTTP"],
                "delivered": True,
                "error": None,
                "status": 200,
            }
            assert done["response"]["ParameterList"] == [
                ["Device.DeviceInfo.UpTime", "7", "xsd:unsignedInt"]
            ]
            async with client.get(f"{acs.base_url}/nbi/tasks/{done['_id']}") as response:
                assert (await response.json())["status"] == "done"
            async with client.post(
                f"{acs.base_url}/nbi/devices/SN0001/tasks", json={"name": "frobnicate"}
            ) as response:
                assert response.status == 400
            async with client.post(
                f"{acs.base_url}/nbi/devices/SN0001/tasks", json={"name": "reboot"}
            ) as response:
                assert response.status == 202
                assert (await response.json())["status"] == "queued"
        await asyncio.gather(*sessions)
    finally:
        await runner.cleanup()


async def test_nbi_files(acs: LocalAcs):
    async with aiohttp.ClientSession() as client:
        async with client.put(f"{acs.base_url}/nbi/files/fw.bin", data=b"FW") as response:
            assert response.status == 201
            assert (await response.json())["url"] == acs.file_url("fw.bin")
        async with client.get(f"{acs.base_url}/nbi/files") as response:
            assert await response.json() == {"fw.bin": acs.file_url("fw.bin")}
        async with client.post(
            f"{acs.base_url}/nbi/devices/SN9/tasks",
            json={"name": "download", "fileName": "fw.bin", "fileType": "1 Firmware Upgrade Image"},
        ) as response:
            assert response.status == 202
        request = acs.devices["SN9"].queue[0].request
        assert request.args["URL"] == acs.file_url("fw.bin")
        assert request.args["FileSize"] == 2
        async with client.put(acs.upload_url("up.txt"), data=b"U") as response:
            assert response.status == 200
        async with client.get(f"{acs.base_url}/nbi/uploads/up.txt") as response:
            assert await response.read() == b"U"
        async with client.get(f"{acs.base_url}/nbi/devices/unknown") as response:
            assert response.status == 404


def test_command_line(tmp_path: Path):
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "cfg.txt").write_bytes(b"cfg")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "local_acs",
            "--port",
            "0",
            "--tls",
            "--cert-dir",
            str(tmp_path / "certs"),
            "--auth",
            "digest",
            "--files-dir",
            str(tmp_path / "files"),
            "--log-soap",
            str(tmp_path / "soap"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(5)]
        assert lines[0].startswith("CWMP URL:   https://127.0.0.1:")
        nbi = lines[1].split()[-1]
        ca_file = lines[3].split()[-1]
        assert Path(ca_file) == tmp_path / "certs" / "ca.pem"
        context = ssl.create_default_context(cafile=ca_file)
        files_url = nbi.replace("/nbi/devices", "/nbi/files")
        with urllib.request.urlopen(files_url, context=context, timeout=5) as response:
            assert "cfg.txt" in json.load(response)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
    assert process.returncode == 0
