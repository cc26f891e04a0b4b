"""An ACS that sends what no ACS should: each attack leaves the agent running and answering.

Every request goes through the local ACS to a running agent over loopback; every answer
is validated against the BBF schemas by the suite-wide fixture.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from local_acs import LocalAcs, RpcResult, rpc
from local_acs.inject import NotAnAcs, Redirect, ServiceUnavailable
from local_acs.rpc import AcsRequest
from tests.agent_harness import SERIAL, AgentHarness
from tests.conformance.driver import fixed, provision, settled, until
from tr069_cpe.cwmp import limits
from tr069_cpe.cwmp.status import SessionOutcome

from .conftest import HarnessFactory

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
MS = "Device.ManagementServer."
KEY = f"{MS}ParameterKey"
CODE = "Device.DeviceInfo.ProvisioningCode"


def envelope(body: str, header: str = '<cwmp:ID soap-env:mustUnderstand="1">h1</cwmp:ID>') -> bytes:
    return (
        f'<soap-env:Envelope xmlns:soap-env="{SOAP}" xmlns:xsi="{XSI}"'
        ' xmlns:cwmp="urn:dslforum-org:cwmp-1-0">'
        f"<soap-env:Header>{header}</soap-env:Header>"
        f"<soap-env:Body>{body}</soap-env:Body></soap-env:Envelope>"
    ).encode()


def raw(data: bytes) -> AcsRequest:
    return rpc.raw_body(data, "Hostile")


def spv(*structs: str, key: str = "moved") -> AcsRequest:
    inner = "".join(f"<ParameterValueStruct>{item}</ParameterValueStruct>" for item in structs)
    return raw(
        envelope(
            "<cwmp:SetParameterValues><ParameterList>"
            f"{inner}</ParameterList><ParameterKey>{key}</ParameterKey>"
            "</cwmp:SetParameterValues>"
        )
    )


async def ask(acs: LocalAcs, harness: AgentHarness, *requests: AcsRequest) -> list[RpcResult]:
    """One session with the requests, then a GetRPCMethods that must still be answered."""
    inform, results = await provision(acs, harness, fixed(*requests, rpc.get_rpc_methods()))
    assert inform.session.end_reason == "completed"
    assert results[-1].ok, "the agent stopped answering"
    return results[:-1]


def fault_code(result: RpcResult) -> int | None:
    return None if result.fault is None else result.fault.code


@pytest.fixture
async def ready(acs: LocalAcs, cpe: HarnessFactory) -> AgentHarness:
    harness = await cpe()
    await settled(acs)
    return harness


# ---------------------------------------------------------------------- decoding
async def test_an_unknown_encoding_in_a_request_is_9003(acs: LocalAcs, ready: AgentHarness) -> None:
    for name in ("x-no-such-encoding", "rot13", "hex"):
        body = f'<?xml version="1.0" encoding="{name}"?>'.encode() + envelope(
            "<cwmp:GetRPCMethods/>"
        )
        (result,) = await ask(acs, ready, raw(body))
        assert fault_code(result) == 9003


async def test_an_unknown_encoding_in_the_inform_response_fails_only_that_session(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    answer = (
        '<?xml version="1.0" encoding="x-no-such-encoding"?>'
        + envelope(
            "<cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse>"
        ).decode()
    )
    acs.inject(NotAnAcs(body=answer, content_type="text/xml", on="Inform"))
    harness = await cpe(run=False)
    result = await harness.agent.run_once()
    assert result.error is not None
    assert result.error.outcome is SessionOutcome.NOT_ACS
    assert (await harness.agent.run_once()).success


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("<a>" * (limits.MAX_XML_DEPTH + 1) + "</a>" * (limits.MAX_XML_DEPTH + 1), "deep"),
        (
            "<cwmp:GetRPCMethods>"
            + "<x/>" * (limits.MAX_XML_ELEMENTS + 1)
            + "</cwmp:GetRPCMethods>",
            "wide",
        ),
    ],
    ids=["too-deep", "too-many-elements"],
)
async def test_trees_beyond_the_limits_are_9003(
    acs: LocalAcs, ready: AgentHarness, body: str, why: str
) -> None:
    (result,) = await ask(acs, ready, raw(envelope(body)))
    assert fault_code(result) == 9003, why


# ---------------------------------------------------------------------- headers
@pytest.mark.parametrize(
    "header",
    [
        pytest.param('<cwmp:ID soap-env:mustUnderstand="1"><x>1</x></cwmp:ID>', id="id-not-text"),
        pytest.param(
            f'<cwmp:ID soap-env:mustUnderstand="1">{"x" * 256}</cwmp:ID>', id="id-256-characters"
        ),
        pytest.param(
            '<cwmp:ID soap-env:mustUnderstand="1">a</cwmp:ID><cwmp:ID>b</cwmp:ID>', id="two-ids"
        ),
        pytest.param(
            '<cwmp:ID soap-env:mustUnderstand="yes">1</cwmp:ID>', id="must-understand-yes"
        ),
        pytest.param('<cwmp:ID soap-env:mustUnderstand="2">1</cwmp:ID>', id="must-understand-2"),
        pytest.param("<cwmp:HoldRequests>maybe</cwmp:HoldRequests>", id="hold-requests-maybe"),
    ],
)
async def test_invalid_headers_are_9003(acs: LocalAcs, ready: AgentHarness, header: str) -> None:
    (result,) = await ask(acs, ready, raw(envelope("<cwmp:GetRPCMethods/>", header)))
    assert fault_code(result) == 9003
    assert result.cwmp_id is None  # nothing usable to echo


async def test_must_understand_true_and_false_are_booleans(
    acs: LocalAcs, ready: AgentHarness
) -> None:
    understood, ignored, refused = await ask(
        acs,
        ready,
        raw(
            envelope("<cwmp:GetRPCMethods/>", '<cwmp:ID soap-env:mustUnderstand="true">t</cwmp:ID>')
        ),
        raw(
            envelope(
                "<cwmp:GetRPCMethods/>",
                '<cwmp:ID soap-env:mustUnderstand="1">f</cwmp:ID>'
                '<x:Other xmlns:x="urn:x" soap-env:mustUnderstand="false">1</x:Other>',
            )
        ),
        raw(
            envelope(
                "<cwmp:GetRPCMethods/>",
                '<cwmp:ID soap-env:mustUnderstand="1">m</cwmp:ID>'
                '<x:Other xmlns:x="urn:x" soap-env:mustUnderstand="true">1</x:Other>',
            )
        ),
    )
    assert (understood.fault, understood.cwmp_id) == (None, "t")
    assert ignored.fault is None
    assert refused.fault is not None
    assert refused.fault.soap_faultcode.endswith("MustUnderstand")


# ---------------------------------------------------------------------- structs
@pytest.mark.parametrize(
    "struct",
    [
        pytest.param(f"<Name>{CODE}</Name><Name>{CODE}</Name><Value>x</Value>", id="two-names"),
        pytest.param(f"<Name>{CODE}</Name><Value>x</Value><Value>y</Value>", id="two-values"),
        pytest.param("<Value>x</Value>", id="no-name"),
        pytest.param(f"<Name>{CODE}</Name>", id="no-value"),
        pytest.param(f"<Name><b>{CODE}</b></Name><Value>x</Value>", id="name-not-text"),
    ],
)
async def test_malformed_parameter_value_structs_are_9003_and_change_nothing(
    acs: LocalAcs, ready: AgentHarness, struct: str
) -> None:
    (result,) = await ask(acs, ready, spv(struct))
    assert fault_code(result) == 9003
    assert ready.agent.datamodel.value(KEY) == ""


async def test_a_value_with_child_elements_is_9007_and_nothing_is_applied(
    acs: LocalAcs, ready: AgentHarness
) -> None:
    (result, values) = await ask(
        acs,
        ready,
        spv(
            f"<Name>{CODE}</Name><Value>fine</Value>",
            f"<Name>{MS}PeriodicInformInterval</Name><Value><v>60</v></Value>",
        ),
        rpc.get_parameter_values([CODE, KEY]),
    )
    assert result.fault is not None
    assert result.fault.code == 9003
    assert [(item.name, item.code) for item in result.fault.set_parameter_values_faults] == [
        (f"{MS}PeriodicInformInterval", 9007)
    ]
    assert values.values == {CODE: "", KEY: ""}


@pytest.mark.parametrize(
    "request_",
    [
        pytest.param(
            raw(
                envelope(
                    "<cwmp:GetParameterValues><ParameterNames><string><x/></string>"
                    "</ParameterNames></cwmp:GetParameterValues>"
                )
            ),
            id="gpv-name-not-text",
        ),
        pytest.param(
            raw(
                envelope(
                    "<cwmp:SetParameterAttributes><ParameterList><SetParameterAttributesStruct>"
                    f"<Name>{CODE}</Name><Name>{CODE}</Name><NotificationChange>1"
                    "</NotificationChange><Notification>2</Notification><AccessListChange>0"
                    "</AccessListChange></SetParameterAttributesStruct></ParameterList>"
                    "</cwmp:SetParameterAttributes>"
                )
            ),
            id="spa-two-names",
        ),
        pytest.param(
            raw(
                envelope(
                    "<cwmp:SetParameterAttributes><ParameterList><SetParameterAttributesStruct>"
                    f"<Name>{CODE}</Name><NotificationChange>1</NotificationChange>"
                    "<Notification>\u0662</Notification><AccessListChange>0</AccessListChange>"
                    "</SetParameterAttributesStruct></ParameterList></cwmp:SetParameterAttributes>"
                )
            ),
            id="spa-notification-arabic-digit",
        ),
        pytest.param(
            raw(
                envelope(
                    "<cwmp:ScheduleInform><DelaySeconds>\u00b9</DelaySeconds>"
                    "<CommandKey>k</CommandKey></cwmp:ScheduleInform>"
                )
            ),
            id="delay-superscript-one",
        ),
        pytest.param(
            raw(
                envelope(
                    "<cwmp:SetParameterValues><ParameterList><ParameterValueStruct>"
                    f"<Name>{MS}PeriodicInformTime</Name>"
                    '<Value xsi:type="xsd:dateTime">9999-12-31T23:59:59-01:00</Value>'
                    "</ParameterValueStruct></ParameterList><ParameterKey/>"
                    "</cwmp:SetParameterValues>"
                )
            ),
            id="datetime-beyond-9999",
        ),
    ],
)
async def test_arguments_that_broke_handlers_are_9003(
    acs: LocalAcs, ready: AgentHarness, request_: AcsRequest
) -> None:
    (result,) = await ask(acs, ready, request_)
    assert fault_code(result) == 9003


# ---------------------------------------------------------------------- sizes
async def test_the_whole_tree_named_100000_times_is_9004(
    acs: LocalAcs, ready: AgentHarness
) -> None:
    names = "<string>Device.</string>" * 100_000
    body = f"<cwmp:GetParameterValues><ParameterNames>{names}</ParameterNames></cwmp:GetParameterValues>"
    (result,) = await ask(acs, ready, raw(envelope(body)))
    assert fault_code(result) == 9004


async def test_an_answer_beyond_the_item_limit_is_9004(acs: LocalAcs, ready: AgentHarness) -> None:
    count = len(ready.agent.datamodel.parameters(""))
    repeats = limits.MAX_ANSWER_ITEMS // count + 1
    assert repeats <= limits.MAX_NAMES_PER_REQUEST
    gpv, gpa = await ask(
        acs,
        ready,
        rpc.get_parameter_values(["Device."] * repeats),
        rpc.get_parameter_attributes(["Device."] * repeats),
    )
    assert (fault_code(gpv), fault_code(gpa)) == (9004, 9004)


async def test_an_answer_beyond_the_size_limit_is_9004(
    acs: LocalAcs, ready: AgentHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_ANSWER_BYTES", 1000)
    gpv, gpn, small = await ask(
        acs,
        ready,
        rpc.get_parameter_values(["Device."]),
        rpc.get_parameter_names("Device.", next_level=False),
        rpc.get_parameter_values([CODE]),
    )
    assert (fault_code(gpv), fault_code(gpn)) == (9004, 9004)
    assert small.ok


async def test_schedule_informs_are_bounded(acs: LocalAcs, ready: AgentHarness) -> None:
    requests = [rpc.schedule_inform(3600, f"k{n}") for n in range(limits.MAX_SCHEDULED_INFORMS + 1)]
    results = await ask(acs, ready, *requests)
    assert [fault_code(result) for result in results[:-1]] == [None] * limits.MAX_SCHEDULED_INFORMS
    assert fault_code(results[-1]) == 9004


# ---------------------------------------------------------------------- numbers
@pytest.mark.parametrize(
    "retry_after",
    [
        "inf",
        "1e12",
        "nan",
        "-5",
        "99999999999999999999",
        "Wed, 21 Oct 2099 07:28:00 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37",
        "Sun, 99 Nov 1994 08:49:37 GMT",
    ],
)
async def test_any_retry_after_leaves_a_retry_within_a_day(
    acs: LocalAcs, cpe: HarnessFactory, retry_after: str
) -> None:
    acs.inject(ServiceUnavailable(retry_after=retry_after, on="Inform"))
    harness = await cpe(run=False)
    result = await harness.agent.run_once()
    assert result.error is not None
    assert result.error.outcome is SessionOutcome.ACS_BUSY
    next_retry = harness.agent.status.next_retry
    assert next_retry is not None
    assert next_retry <= datetime.now(UTC) + timedelta(seconds=limits.MAX_RETRY_AFTER + 60)
    assert (await harness.agent.run_once()).success


async def test_retry_parameters_at_their_maximum_keep_a_date(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    harness = await cpe(run=False)
    harness.agent.datamodel.set_many_local(
        {f"{MS}CWMPRetryMinimumWaitInterval": 65535, f"{MS}CWMPRetryIntervalMultiplier": 65535}
    )
    acs.inject(ServiceUnavailable(retry_after=None, on="Inform"), times=12)
    for _ in range(12):
        assert not (await harness.agent.run_once()).success
    assert harness.agent.status.next_retry is not None


# ---------------------------------------------------------------------- deadlines
async def test_an_acs_that_never_stops_asking_is_cut_off(
    acs: LocalAcs, ready: AgentHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "SESSION_DEADLINE", 0.5)
    for _ in range(100_000):
        acs.queue(SERIAL, rpc.get_rpc_methods())
    await ready.agent.run_session()
    assert ready.agent.status.last_outcome is SessionOutcome.TIMEOUT
    assert "the session went on for more than" in (ready.agent.status.last_error or "")
    acs.device(SERIAL).queue.clear()
    await until(lambda: not ready.agent._in_session)
    monkeypatch.setattr(limits, "SESSION_DEADLINE", 900.0)
    assert (await ready.agent.run_session()).success


async def test_an_acs_answering_a_byte_at_a_time_is_cut_off(
    cpe: HarnessFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "EXCHANGE_DEADLINE", 1.0)
    stop = asyncio.Event()
    handlers: list[asyncio.Task[None] | None] = []

    async def drip(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        handlers.append(asyncio.current_task())  # type: ignore[arg-type]
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
        try:
            while not stop.is_set():
                writer.write(b" ")
                await writer.drain()
                await asyncio.sleep(0.05)
        except ConnectionError:
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(drip, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        harness = await cpe(run=False, url=f"http://127.0.0.1:{port}/")
        result = await harness.agent.run_once()
        assert result.error is not None
        assert result.error.outcome is SessionOutcome.TIMEOUT
    finally:
        stop.set()
        server.close()
        await asyncio.gather(*(task for task in handlers if task is not None))
        await server.wait_closed()


@pytest.mark.parametrize("location", ["http://[::1/", "http://127.0.0.1:99999/", "gopher://x/"])
async def test_a_redirect_nowhere_fails_only_that_session(
    acs: LocalAcs, cpe: HarnessFactory, location: str
) -> None:
    acs.inject(Redirect(location=location, on="Inform"))
    harness = await cpe(run=False)
    result = await harness.agent.run_once()
    assert result.error is not None
    assert (await harness.agent.run_once()).success


async def test_an_acs_url_that_cannot_be_parsed_fails_sessions_not_the_agent(
    acs: LocalAcs, cpe: HarnessFactory
) -> None:
    harness = await cpe(run=False, url="http://[::1/")
    result = await harness.agent.run_once()
    assert result.error is not None
    assert result.error.outcome is SessionOutcome.CANNOT_CONNECT
