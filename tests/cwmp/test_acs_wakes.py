"""The local ACS wakes a real agent the way GenieACS 1.2.16 chooses, through its NBI.

A task posted with ``?connection_request``: UDP as well when the device reported
STUNEnable true and a UDPConnectionRequestAddress (delivered once the datagrams are
sent), XMPP when it reported a ConnReqJabberID and the ACS has an XMPP account,
HTTP otherwise. What the ACS knows comes from the device (Inform, VALUE CHANGE,
GetParameterValues) and from what it set, under both data-model roots.
"""

from __future__ import annotations

import socket
from typing import Any

import aiohttp
import pytest

from local_acs import LocalAcs
from local_acs.daemon import free_port
from local_acs.stun import StunServer
from local_acs.wake import WRONG_CREDENTIALS
from local_acs.xmpp import AcsXmpp
from tests.agent_harness import CR_PASSWORD, CR_USERNAME, SERIAL, HarnessFactory
from tests.servers.fixtures import XmppAccounts
from tr069_cpe.cwmp.config import RootObject, StunSettings
from tr069_cpe.cwmp.wakeup import WakeUpState

ROOTS = pytest.mark.parametrize("root", list(RootObject), ids=lambda root: root.value)


async def post_task(acs: LocalAcs, task: dict[str, Any], **query: str) -> tuple[int, Any]:
    """POST a task with ``?connection_request`` to the NBI; the status and the answer."""
    params = {"connection_request": "", "timeout": "10", **query}
    async with (
        aiohttp.ClientSession() as client,
        client.post(
            f"{acs.base_url}/nbi/devices/{SERIAL}/tasks", params=params, json=task
        ) as response,
    ):
        return response.status, await response.json()


def read(*names: str) -> dict[str, Any]:
    return {"name": "getParameterValues", "parameterNames": list(names)}


def woken(methods: list[str], *, status: int | None = None) -> dict[str, Any]:
    return {"methods": methods, "delivered": True, "error": None, "status": status}


@pytest.fixture(autouse=True)
def _credentials(acs: LocalAcs) -> None:
    """The credentials the NBI's Connection Requests use unless the query says otherwise."""
    acs.cr_username, acs.cr_password = CR_USERNAME, CR_PASSWORD


def sessions_woken(acs: LocalAcs) -> int:
    return sum("6 CONNECTION REQUEST" in inform.event_codes for inform in acs.informs)


@ROOTS
async def test_xmpp_when_the_device_has_a_jid_and_the_acs_an_account(
    acs: LocalAcs,
    cpe: HarnessFactory,
    prosody: XmppAccounts,
    acs_xmpp: AcsXmpp,
    root: RootObject,
) -> None:
    ms = f"{root.value}.ManagementServer."
    acs.xmpp = acs_xmpp
    harness = await cpe(root=root, xmpp=prosody.gateway(), ca_pem=prosody.server.ca_pem)
    # ConnReqJabberID notifies actively: the ACS hears of it in a VALUE CHANGE Inform.
    jid = await acs.notifier.wait_for(lambda: acs.device(SERIAL).conn_req_jabber_id or None, 10)
    assert jid == harness.value(f"{ms}ConnReqJabberID") == f"{prosody.cpe_jid}/gateway"

    status, done = await post_task(acs, read(f"{ms}ConnReqJabberID"))
    assert status == 200, done
    assert done["connectionRequest"] == woken(["XMPP"])
    assert done["response"]["ParameterList"] == [[f"{ms}ConnReqJabberID", jid, "xsd:string"]]
    assert acs.connection_requests == []
    assert [record.delivered for record in acs_xmpp.records] == [True]

    status, done = await post_task(acs, read(f"{ms}ConnReqJabberID"), password="wrong")
    assert status == 202
    assert done["connectionRequest"]["error"] == WRONG_CREDENTIALS

    # Without an XMPP account of its own the ACS goes over HTTP.
    acs.xmpp = None
    status, done = await post_task(acs, read(f"{ms}ConnReqJabberID"))
    assert status == 200, done
    assert done["connectionRequest"] == woken(["HTTP"], status=200)
    assert len(acs_xmpp.records) == 2


@ROOTS
async def test_udp_as_well_when_the_device_has_stun_and_a_binding(
    acs: LocalAcs, cpe: HarnessFactory, stun_server: StunServer, root: RootObject
) -> None:
    ms = f"{root.value}.ManagementServer."
    acs.stun = stun_server
    host, port = stun_server.address
    harness = await cpe(
        root=root,
        stun=StunSettings(enable=True, server=host, port=port),
        udp_connection_request_port=free_port("127.0.0.1", socket.SOCK_DGRAM),
    )
    binding = (await harness.wake_up_status("UDP", WakeUpState.CONNECTED)).address
    # Nothing tells the ACS about STUN yet: HTTP, which reads what it needs to know.
    stun = read(f"{ms}STUNEnable", f"{ms}UDPConnectionRequestAddress")
    status, done = await post_task(acs, stun)
    assert status == 200, done
    assert done["connectionRequest"] == woken(["HTTP"], status=200)
    device = acs.devices[SERIAL]
    assert (device.stun_enable, device.udp_connection_request_address) == (True, binding)

    # Back with an HTTP address the ACS cannot reach (as behind a NAT), the same binding.
    unreachable = f"127.0.0.1:{free_port('127.0.0.1')}"
    await harness.restart(connection_request_host=unreachable)
    await acs.notifier.wait_for(
        lambda: device.connection_request_url.startswith(f"http://{unreachable}/") or None, 10
    )
    assert (await harness.wake_up_status("UDP", WakeUpState.CONNECTED)).address == binding
    before = sessions_woken(acs)
    status, done = await post_task(acs, stun)
    assert status == 200, done
    assert done["connectionRequest"] == woken(["UDP", "HTTP"])
    assert acs.connection_requests[-1].error is not None
    assert acs.udp_connection_requests[-1].address == binding
    assert sessions_woken(acs) == before + 1

    # The ACS turns STUN off, and knows it: HTTP alone, which does not get through.
    off = {"name": "setParameterValues", "parameterValues": [[f"{ms}STUNEnable", False]]}
    status, done = await post_task(acs, off)
    assert status == 200, done
    assert not device.stun_enable
    status, done = await post_task(acs, stun)
    assert status == 202
    assert done["connectionRequest"]["methods"] == ["HTTP"]
    assert done["connectionRequest"]["error"].startswith("Device is offline")
    assert done["status"] == "queued"


async def test_the_credentials_are_the_acs_defaults_or_the_callers(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    await cpe()
    await acs.wait_for_inform(event="1 BOOT")
    record = await acs.wake(SERIAL)
    assert record.delivered, record
    assert (await acs.wake(SERIAL, password="wrong")).error == WRONG_CREDENTIALS
    assert (await acs.wake("unknown")).error == "no ConnectionRequestURL known"
    assert [wake.delivered for wake in acs.wakes] == [True, False, False]
