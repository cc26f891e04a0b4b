"""What each fuzz target checks: the same properties in the suite and in ``scripts/fuzz``.

- The SOAP decoder returns an Envelope or raises SoapError, for any bytes.
- Each RPC, given any arguments, is answered with its response or a CWMP fault that
  encodes, parses back and validates against the BBF schemas, and never with 9002
  (9002 is what an unexpected exception in a handler becomes).
- The configuration-file readers return a ConfigurationFile or raise
  ConfigurationFileError, for any bytes.
- The Connection Request readers (HTTP head and Digest, UDP datagram, STUN message)
  return their result or raise their own ValueError, for any bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
import json
import time
from typing import Any
from xml.parsers import expat

from hypothesis import strategies as st

from local_acs import SchemaValidator
from tests.agent_harness import IDENTITY, agent_config
from tr069_cpe.cwmp import limits
from tr069_cpe.cwmp.agent import CpeAgent
from tr069_cpe.cwmp.auth import DigestClient, DigestServer, parse_challenges
from tr069_cpe.cwmp.rpc import dispatch
from tr069_cpe.cwmp.soap import Envelope, SoapError, decode, encode
from tr069_cpe.cwmp.state import MemoryStateStore
from tr069_cpe.cwmp.wakeup import stun
from tr069_cpe.cwmp.wakeup.http_wire import HeadError, parse_head
from tr069_cpe.cwmp.wakeup.udp_request import ReplayGuard, Verdict, parse_message
from tr069_cpe.meters import ConfigurationFile, ConfigurationFileError, parse_configuration
from tr069_cpe.meters.gateway import MeterGateway
from tr069_cpe.meters.table import meter_extension

from . import strategies

VALIDATOR = SchemaValidator()
FILE_NAMES = ("meters.json", "meters.xml", "configuration", "a.csv", "")


@dataclass
class Counter:
    """Inputs tried, by target (``scripts/fuzz`` reports them)."""

    tried: dict[str, int] = field(default_factory=dict)

    def count(self, target: str) -> None:
        self.tried[target] = self.tried.get(target, 0) + 1


COUNTER = Counter()


# ----------------------------------------------------------------------- SOAP decoder
decoder_inputs = strategies.acs_messages


def check_decoder(data: bytes) -> None:
    """decode() gives an Envelope or SoapError, nothing else."""
    COUNTER.count("SOAP decoder")
    try:
        envelope = decode(data)
    except SoapError:
        return
    assert isinstance(envelope, Envelope)


# ----------------------------------------------------------------------- RPC arguments
class RpcBench:
    """A set-up agent (Device root, meters) on its own event loop, for many requests."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        config = agent_config("http://127.0.0.1:1/", extensions=meter_extension(IDENTITY.oui))
        self.agent = CpeAgent(config, MemoryStateStore())
        MeterGateway(self.agent)
        self.loop.run_until_complete(self.agent.setup())

    def answer(self, envelope: Envelope) -> str:
        return self.loop.run_until_complete(dispatch(envelope, self.agent))

    def close(self) -> None:
        self.loop.run_until_complete(self.agent.shutdown())
        self.loop.close()


rpc_inputs = st.one_of(strategies.rpc_envelopes(), strategies.mutated(strategies.rpc_envelopes()))


def check_rpc(bench: RpcBench, data: bytes) -> None:
    """Any request decoded is answered with a valid response or fault, never 9002."""
    COUNTER.count("RPC arguments")
    try:
        envelope = decode(data)
    except SoapError:
        return
    if (
        envelope.fault is not None
        or envelope.not_understood
        or envelope.method.endswith("Response")
    ):
        return  # the session answers these itself (tested elsewhere)
    body = bench.answer(envelope)
    message = encode(envelope.namespace, body, request_id=envelope.request_id)
    expat.ParserCreate().Parse(message, True)
    assert b"<FaultCode>9002</FaultCode>" not in message, message[:2000]
    if VALIDATOR.available:
        assert VALIDATOR.errors(message) == [], message[:2000]


# ----------------------------------------------------------------------- configuration files
_json_files = st.one_of(
    st.lists(strategies.meter_items(), max_size=4).map(lambda items: {"items": items}),
    strategies._json_values,
).map(lambda value: json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass"))
_escaped_json_files = _json_files.map(lambda data: data.replace(b"\\\\", b"\\"))
configuration_inputs = st.tuples(
    st.one_of(
        _json_files,
        strategies.mutated(_json_files),
        _escaped_json_files,
        strategies.elements().map(lambda xml: f"<meters>{xml}</meters>".encode()),
        st.binary(max_size=512),
    ),
    st.sampled_from(FILE_NAMES),
)


def check_configuration(case: tuple[bytes, str]) -> None:
    """parse_configuration() gives a ConfigurationFile or ConfigurationFileError."""
    COUNTER.count("configuration files")
    data, name = case
    try:
        result: Any = parse_configuration(data, filename=name or None)
    except ConfigurationFileError:
        return
    assert isinstance(result, ConfigurationFile)


# ----------------------------------------------------------------------- wake-up messages
wakeup_inputs = strategies.wakeup_messages
_DIGEST = DigestServer("tr069")


def check_wakeup(data: bytes) -> None:
    """Each Connection Request reader gives its result or its own ValueError, nothing else.

    The same bytes go to the HTTP server's head parser and Digest check, the UDP
    Connection Request parser and replay guard, the STUN parser and what is read from a
    STUN response, and the Digest client's reading of a challenge.
    """
    COUNTER.count("Connection Requests")
    _check_http(data)
    with contextlib.suppress(ValueError):
        request = parse_message(data)
        assert ReplayGuard().check(request, ("acs", "pw"), time.time()) in Verdict
    _check_stun(data)
    challenges = parse_challenges(data.decode("latin-1"))
    client = DigestClient("acs", "pw", challenges.get("digest", {}))
    if client.supported:
        assert client.header("GET", "/cr").startswith("Digest ")


def _check_http(data: bytes) -> None:
    try:
        head = parse_head(data)
    except HeadError as err:
        if not 400 <= err.status < 600:
            raise AssertionError(f"a refusal with status {err.status}") from err
        return
    with contextlib.suppress(HeadError):
        head.body_length(limits.CR_MAX_BODY_BYTES)
    assert head.keep_alive in (True, False)
    verdict = _DIGEST.verify("GET", head.target, head.headers.get("authorization"), "acs", "pw")
    assert verdict in (False, None)  # nobody here knows a valid nonce


def _check_stun(data: bytes) -> None:
    try:
        message = stun.parse(data)
    except stun.StunError:
        return
    assert stun.integrity_ok(data, message, "pw") in (True, False, None)
    for read in (stun.mapped_address, stun.error_code):
        with contextlib.suppress(stun.StunError):
            read(message)
