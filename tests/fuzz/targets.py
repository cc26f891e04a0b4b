"""What each fuzz target checks: the same properties in the suite and in ``scripts/fuzz``.

- The SOAP decoder returns an Envelope or raises SoapError, for any bytes.
- Each RPC, given any arguments, is answered with its response or a CWMP fault that
  encodes, parses back and validates against the BBF schemas, and never with 9002
  (9002 is what an unexpected exception in a handler becomes).
- The configuration-file readers return a ConfigurationFile or raise
  ConfigurationFileError, for any bytes.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
import json
from typing import Any
from xml.parsers import expat

from hypothesis import strategies as st

from local_acs import SchemaValidator
from tests.agent_harness import IDENTITY, agent_config
from tr069_cpe.cwmp.agent import CpeAgent
from tr069_cpe.cwmp.rpc import dispatch
from tr069_cpe.cwmp.soap import Envelope, SoapError, decode, encode
from tr069_cpe.cwmp.state import MemoryStateStore
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
