"""One place that composes a gateway: the CPE agent, its meters and its wake-up methods.

Home Assistant, the config flow's first session and the headless runner all build
their gateway here, so that each of them serves the same data model and RPCs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from .cwmp.agent import CpeAgent
from .cwmp.config import AgentConfig
from .cwmp.state import StateStore
from .cwmp.wakeup import (
    HttpConnectionRequests,
    UdpConnectionRequests,
    WakeUpMethod,
    XmppConnectionRequests,
)
from .meters.gateway import MeterGateway, gateway_extension


@dataclass(frozen=True, slots=True)
class Gateway:
    """A CPE agent and the meters behind it."""

    agent: CpeAgent
    meters: MeterGateway


def build_gateway(config: AgentConfig, store: StateStore, **agent_options: Any) -> Gateway:
    """The agent for ``config``, the meter tables in its data model, its wake-up methods.

    ``agent_options`` go to :class:`CpeAgent` (observer, on_reboot, clock, rng).
    """
    config = replace(
        config, extensions=(*config.extensions, *gateway_extension(config.identity.oui))
    )
    agent = CpeAgent(config, store, **agent_options)
    for method in wake_up_methods(config):
        agent.add_wake_up_method(method)
    return Gateway(agent, MeterGateway(agent))


def wake_up_methods(config: AgentConfig) -> list[WakeUpMethod]:
    """The ways the ACS can wake this gateway, as configured."""
    return [
        HttpConnectionRequests(
            port=config.connection_request_port,
            bind_host=config.connection_request_bind,
            advertised_host=config.connection_request_host,
        ),
        XmppConnectionRequests(ca_pem=config.ca_pem),
        UdpConnectionRequests(
            port=config.udp_connection_request_port, bind_host=config.connection_request_bind
        ),
    ]
