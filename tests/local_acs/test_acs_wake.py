"""What the ACS learns about waking a device, under either root, and how it then wakes it.

Driven by a raw CPE: an Inform's ParameterList, a GetParameterValues response and a
SetParameterValues the device applied (or refused) set the device record; a UDP
Connection Request without a STUN server beside the ACS leaves from any port.
"""

from __future__ import annotations

import asyncio
import re
import socket

from aiohttp import web
import pytest

from local_acs import LocalAcs, rpc
from local_acs.testing import RawCpe, cpe_envelope, inform_body, parameter_list
from local_acs.udp_connreq import COPIES

SPV_FAULT = (
    "<soapenv:Fault><faultcode>Client</faultcode><faultstring>CWMP fault</faultstring>"
    "<detail><cwmp:Fault><FaultCode>9003</FaultCode><FaultString>Invalid arguments"
    "</FaultString></cwmp:Fault></detail></soapenv:Fault>"
)


async def raw_session(
    acs: LocalAcs,
    params: list[tuple[str, str, str]],
    *answers: str,
    event: str = "4 VALUE CHANGE",
) -> None:
    """An Inform with ``params``, then ``answers`` to the ACS's requests in turn."""
    async with RawCpe(acs.url) as cpe:
        await cpe.post(cpe_envelope(inform_body(events=[(event, "")], params=params)))
        response = await cpe.post(b"")
        for answer in answers:
            found = re.search(r'mustUnderstand="1">([^<]*)<', response.text)
            assert found is not None, response.text
            response = await cpe.post(cpe_envelope(answer, found.group(1)))
    assert response.status == 204


@pytest.mark.parametrize("root", ["Device", "InternetGatewayDevice"])
async def test_the_device_record_follows_what_the_device_reports(acs: LocalAcs, root: str) -> None:
    ms = f"{root}.ManagementServer."
    await raw_session(
        acs,
        [
            (f"{ms}ConnectionRequestURL", "http://192.0.2.7:7547/cr", "xsd:string"),
            (f"{ms}ConnReqJabberID", "cpe@xmpp.test/a", "xsd:string"),
            (f"{root}.X_EXAMPLE_ManagementServer.STUNEnable", "true", "xsd:boolean"),
        ],
    )
    device = acs.devices["SN0001"]
    assert device.connection_request_url == "http://192.0.2.7:7547/cr"
    assert device.conn_req_jabber_id == "cpe@xmpp.test/a"
    assert (device.stun_enable, device.udp_connection_request_address) == (False, "")

    acs.queue("SN0001", rpc.get_parameter_values([ms]))
    acs.queue("SN0001", rpc.set_parameter_values([(f"{ms}STUNEnable", False)]))
    acs.queue("SN0001", rpc.set_parameter_values([(f"{ms}ConnReqJabberID", "x@y")]))
    values = [
        (f"{ms}STUNEnable", "1", "xsd:boolean"),
        (f"{ms}UDPConnectionRequestAddress", "198.51.100.4:40001", "xsd:string"),
    ]
    gpv = f"<cwmp:GetParameterValuesResponse>{parameter_list(values)}"
    await raw_session(
        acs,
        [(f"{ms}ConnReqJabberID", "", "xsd:string")],
        gpv + "</cwmp:GetParameterValuesResponse>",
        "<cwmp:SetParameterValuesResponse><Status>0</Status></cwmp:SetParameterValuesResponse>",
        SPV_FAULT,
    )
    assert device.conn_req_jabber_id == ""  # the Inform's VALUE CHANGE
    assert device.udp_connection_request_address == "198.51.100.4:40001"  # the GPV
    assert device.stun_enable is False  # set by the ACS, after the GPV said true

    # A bootstrap (a new or factory-reset device): what the ACS knew is forgotten.
    device.stun_enable = True
    url = (f"{ms}ConnectionRequestURL", "http://192.0.2.8:7547/cr", "xsd:string")
    await raw_session(acs, [url], event="0 BOOTSTRAP")
    assert device.connection_request_url == "http://192.0.2.8:7547/cr"
    assert (device.conn_req_jabber_id, device.udp_connection_request_address) == ("", "")
    assert device.stun_enable is False


async def test_udp_leaves_from_any_port_without_a_stun_server(acs: LocalAcs) -> None:
    loop = asyncio.get_running_loop()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as gateway:
        gateway.bind(("127.0.0.1", 0))
        gateway.setblocking(False)
        address = f"127.0.0.1:{gateway.getsockname()[1]}"
        ms = "Device.ManagementServer."
        await raw_session(
            acs,
            [
                (f"{ms}STUNEnable", "true", "xsd:boolean"),
                (f"{ms}UDPConnectionRequestAddress", address, "xsd:string"),
            ],
        )
        record = await acs.wake("SN0001", "user", "secret")
        received = [await loop.sock_recv(gateway, 2048) for _ in range(COPIES)]
    # No ConnectionRequestURL, but the datagrams went out: delivered.
    assert record.methods == ["UDP"]
    assert record.delivered
    assert record.udp is not None
    assert received == [record.udp.message] * COPIES
    assert acs.udp_connection_requests == [record.udp]


async def test_an_unexpected_http_answer_is_not_delivered(acs: LocalAcs) -> None:
    async def busy(_request: web.Request) -> web.Response:
        return web.Response(status=503)

    app = web.Application()
    app.router.add_get("/cr", busy)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/cr"
        ms = "Device.ManagementServer."
        await raw_session(acs, [(f"{ms}ConnectionRequestURL", url, "xsd:string")])
        record = await acs.wake("SN0001", "user", "secret")
    finally:
        await runner.cleanup()
    assert record.methods == ["HTTP"]
    assert record.error == "Unexpected response code from device: 503"
    assert record.as_json()["status"] == 503
