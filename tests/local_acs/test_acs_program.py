"""``python -m local_acs`` with its STUN server and XMPP account, waking the headless runner."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import json
from pathlib import Path
import sys
from typing import Any

import aiohttp
import pytest

from tests.agent_harness import free_port
from tests.cpe_process import ROOT, CpeProcess
from tests.servers.fixtures import ACS_XMPP_PASSWORD, CPE_XMPP_PASSWORD, XmppAccounts, prosody

__all__ = ["prosody"]  # the fixture, imported for this module

SERIAL = "PROGRAM0001"


@pytest.fixture
async def program(
    prosody: XmppAccounts, tmp_path: Path
) -> AsyncIterator[tuple[str, dict[str, str]]]:
    """The local ACS as a program with a STUN server and an XMPP account; its URL and banner."""
    port, stun_port = free_port(), free_port()
    ca = tmp_path / "xmpp-ca.pem"
    ca.write_text(prosody.server.ca_pem)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "local_acs",
        *("--port", str(port), "--cr-username", "cpe", "--cr-password", "cr-secret"),
        *("--stun-port", str(stun_port)),
        *("--xmpp-jid", prosody.acs_jid, "--xmpp-password", ACS_XMPP_PASSWORD),
        *("--xmpp-server", f"{prosody.server.host}:{prosody.server.port}"),
        *("--xmpp-ca", str(ca)),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    banner: dict[str, str] = {}
    try:
        assert process.stdout is not None
        async with asyncio.timeout(30):
            while "CWMP URL" not in banner:
                line = (await process.stdout.readline()).decode()
                assert line, "the local ACS ended before serving"
                name, _, value = line.partition(":")
                banner[name.strip()] = value.strip()
        yield f"http://127.0.0.1:{port}", banner
    finally:
        process.terminate()
        await process.wait()


async def task(base: str, body: dict[str, Any]) -> dict[str, Any]:
    """A task posted with ``?connection_request``, as GenieACS's NBI takes it."""
    url = f"{base}/nbi/devices/{SERIAL}/tasks?connection_request&timeout=10"
    async with aiohttp.ClientSession() as session, session.post(url, data=json.dumps(body)) as r:
        answer: dict[str, Any] = await r.json()
        return answer


async def test_the_program_wakes_the_runner_over_udp_and_xmpp(
    program: tuple[str, dict[str, str]], prosody: XmppAccounts, tmp_path: Path
) -> None:
    base, banner = program
    stun_port, udp_port = int(banner["STUN"].rpartition(":")[2]), free_port()
    assert banner["XMPP"].startswith(f"{prosody.acs_jid}/")
    cpe = CpeProcess(
        f"{base}/",
        tmp_path / "state",
        serial=SERIAL,
        log=tmp_path / "cpe.log",
        extra=(
            *("--stun-server", f"127.0.0.1:{stun_port}", "--udp-port", str(udp_port)),
            *("--xmpp-jid", f"{prosody.cpe_jid}/gateway"),
            *("--xmpp-server", f"{prosody.server.host}:{prosody.server.port}"),
            *("--xmpp-allow", prosody.acs_jid),
        ),
        env={
            "TR069_CR_USERNAME": "cpe",
            "TR069_CR_PASSWORD": "cr-secret",
            "TR069_XMPP_PASSWORD": CPE_XMPP_PASSWORD,
            "TR069_CA_FILE": str(tmp_path / "xmpp-ca.pem"),
        },
    )
    await cpe.start()
    try:
        name = "Device.ManagementServer."
        async with asyncio.timeout(60):
            while True:  # until the ACS has learnt the JID and the UDP binding
                answer = await task(
                    base,
                    {
                        "name": "getParameterValues",
                        "parameterNames": [
                            f"{name}ConnReqJabberID",
                            f"{name}STUNEnable",
                            f"{name}UDPConnectionRequestAddress",
                        ],
                    },
                )
                if answer["connectionRequest"]["methods"] == ["UDP", "XMPP"]:
                    break
                await asyncio.sleep(0.5)
        assert answer["connectionRequest"]["delivered"], answer
        assert answer["status"] == "done", answer
        values = {name: value for name, value, _ in answer["response"]["ParameterList"]}
        assert values[f"{name}ConnReqJabberID"] == f"{prosody.cpe_jid}/gateway"
        assert values[f"{name}UDPConnectionRequestAddress"] == f"127.0.0.1:{udp_port}"
    finally:
        await cpe.stop()
    log = (tmp_path / "cpe.log").read_text()
    assert "cr-secret" not in log
    assert CPE_XMPP_PASSWORD not in log
