"""Headless CPE runner: ``scripts/cpe`` (operators, benchmarks, debugging).

The composition root of the core without Home Assistant (the gateway comes from
:func:`tr069_cpe.build_gateway`, as in Home Assistant).

The same agent as in Home Assistant, with its state in a JSON file::

    scripts/cpe --acs-url URL --state-dir DIR [--serial SN] [--oui OUI]
                [--product-class PC] [--root Device|InternetGatewayDevice]
                [--cr-port N] [--cr-host H] [--cr-rate R] [--soap-log DIR] [--once]
                [--udp-port N] [--stun-server HOST[:PORT]]
                [--xmpp-jid JID --xmpp-server HOST[:PORT] --xmpp-allow JID ...]
                [--fleet N] [--profiles DIR] [--time-zone ZONE]

Credentials come from the environment so that they never show in a process list:
``TR069_ACS_USERNAME``/``TR069_ACS_PASSWORD`` towards the ACS,
``TR069_CR_USERNAME``/``TR069_CR_PASSWORD`` for Connection Requests (by default the
serial number and a random password, until the ACS sets them),
``TR069_XMPP_PASSWORD`` for the XMPP account and ``TR069_STUN_USERNAME``/
``TR069_STUN_PASSWORD`` for the STUN server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
from pathlib import Path
import platform
import signal
import sys
import zoneinfo

from .builder import Gateway, build_gateway
from .cwmp.agent import CpeAgent
from .cwmp.config import AgentConfig, Identity, StunSettings, XmppAccount
from .cwmp.datamodel import RootObject
from .cwmp.network import host_port
from .cwmp.state import JsonFileStateStore, StateStoreError
from .cwmp.transport import TlsSetupError, build_ssl_context
from .cwmp.wakeup import RateLimit
from .fleet import run_fleet
from .meters.profile_folder import install_profiles, read_profile_folder
from .soap_log import SoapLog
from .version import VERSION

_LOGGER = logging.getLogger(__name__)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line (keep it stable: operators' scripts rely on it)."""
    parser = argparse.ArgumentParser(prog="scripts/cpe", description=__doc__.splitlines()[0])
    parser.add_argument("--acs-url", required=True, help="CWMP URL of the ACS")
    parser.add_argument("--state-dir", required=True, type=Path, help="where state is kept")
    parser.add_argument("--serial", default="HEADLESS0001", help="DeviceInfo.SerialNumber")
    parser.add_argument("--oui", default="FFFFFF", help="ManufacturerOUI (6 upper-case hex)")
    parser.add_argument("--product-class", default="HomeAssistant", help="ProductClass")
    parser.add_argument(
        "--root", choices=[root.value for root in RootObject], default=RootObject.DEVICE.value
    )
    parser.add_argument("--cr-port", type=int, default=7547, help="Connection Request port")
    parser.add_argument("--cr-host", help="advertised host[:port] for Connection Requests")
    parser.add_argument(
        "--cr-rate",
        type=float,
        default=RateLimit().per_second,
        help="accepted Connection Requests per second after a burst of 20 (load tests)",
    )
    parser.add_argument("--udp-port", type=int, default=7547, help="UDP Connection Request port")
    parser.add_argument("--stun-server", help="enable STUN with this server, host[:port]")
    parser.add_argument(
        "--xmpp-jid", help="XMPP account for Connection Requests, user@domain[/res]"
    )
    parser.add_argument("--xmpp-server", help="XMPP server host[:port] (default: DNS SRV)")
    parser.add_argument(
        "--xmpp-allow", action="append", default=[], help="a JID allowed to wake the gateway"
    )
    parser.add_argument("--soap-log", type=Path, help="write every envelope to this folder")
    parser.add_argument("--once", action="store_true", help="run one session and exit")
    parser.add_argument(
        "--fleet",
        type=int,
        default=1,
        metavar="N",
        help="run N gateways in this process (serials SERIAL-1..N, ports from --cr-port up)",
    )
    parser.add_argument(
        "--profiles", type=Path, help="install the format profiles (*.json) of this folder"
    )
    parser.add_argument(
        "--time-zone",
        default=system_time_zone(),
        help="zone of configuration files' times written without one (default: the system's)",
    )
    return parser.parse_args(argv)


def system_time_zone() -> str:
    """The system's IANA time zone ($TZ, /etc/timezone or /etc/localtime), else UTC."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    with contextlib.suppress(OSError):
        link = str(Path("/etc/localtime").resolve())
        candidates.append(link.partition("zoneinfo/")[2])
    for name in candidates:
        if name and _is_zone(name):
            return name
    return "UTC"


def _is_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (ValueError, OSError, zoneinfo.ZoneInfoNotFoundError):  # a directory: OSError
        return False
    return True


def build_agent(args: argparse.Namespace, observer: SoapLog | None) -> CpeAgent:
    """The agent for the command line, with the meters of configuration files."""
    return build_runner_gateway(args, observer).agent


def build_runner_gateway(args: argparse.Namespace, observer: SoapLog | None) -> Gateway:
    """The gateway (agent and meters) for the command line."""
    config = AgentConfig(
        identity=Identity(
            manufacturer="Home Assistant",
            oui=args.oui,
            product_class=args.product_class,
            serial_number=args.serial,
            model_name="Home Assistant TR-069 Gateway (headless)",
            description=f"tr069_cpe {VERSION} headless runner, Python {platform.python_version()}",
            # The machine it runs on, as HardwareVersion (GenieACS's presets key on it).
            hardware_version=f"{platform.system()} {platform.machine()}".strip(),
            software_version=VERSION,
        ),
        acs_url=args.acs_url,
        acs_username=os.environ.get("TR069_ACS_USERNAME", ""),
        acs_password=os.environ.get("TR069_ACS_PASSWORD", ""),
        connection_request_username=os.environ.get("TR069_CR_USERNAME"),
        connection_request_password=os.environ.get("TR069_CR_PASSWORD"),
        ca_pem=_read_ca(os.environ.get("TR069_CA_FILE")),
        root=RootObject(args.root),
        connection_request_port=args.cr_port,
        connection_request_host=args.cr_host,
        rate_limit=RateLimit(per_second=args.cr_rate),
        udp_connection_request_port=args.udp_port,
        xmpp=_xmpp_account(args),
        stun=_stun_settings(args.stun_server),
        user_agent=f"tr069-headless/{VERSION}",
        time_zone=args.time_zone,
    )
    store = JsonFileStateStore(args.state_dir / "state.json")
    return build_gateway(config, store, observer=observer)


def _xmpp_account(args: argparse.Namespace) -> XmppAccount | None:
    if not args.xmpp_jid:
        return None
    server, port = host_port(args.xmpp_server, 5222) if args.xmpp_server else ("", 5222)
    return XmppAccount(
        jid=args.xmpp_jid,
        password=os.environ.get("TR069_XMPP_PASSWORD", ""),
        server=server,
        port=port,
        allowed_jids=tuple(args.xmpp_allow),
    )


def _stun_settings(server: str | None) -> StunSettings | None:
    if not server:
        return None
    host, port = host_port(server, 3478)
    return StunSettings(
        enable=True,
        server=host,
        port=port,
        username=os.environ.get("TR069_STUN_USERNAME", ""),
        password=os.environ.get("TR069_STUN_PASSWORD", ""),
    )


def _read_ca(path: str | None) -> str | None:
    return Path(path).read_text(encoding="utf-8") if path else None


def check_ca_file(path: str | None) -> str | None:
    """Why the CA file (``TR069_CA_FILE``) cannot be used, or None when it can (or is none)."""
    if not path:
        return None
    try:
        build_ssl_context(True, _read_ca(path))
    except (OSError, UnicodeDecodeError, TlsSetupError) as err:
        return f"The CA file {path} cannot be used: {err}"
    return None


async def run(args: argparse.Namespace) -> int:
    """Run the agent; with ``--once`` return 0 when the session succeeded.

    Exit status 2: the agent cannot start (CA file, state, Connection Request port).
    """
    if problem := await asyncio.to_thread(check_ca_file, os.environ.get("TR069_CA_FILE")):
        _LOGGER.error("%s", problem)
        return 2
    soap_log = SoapLog(args.soap_log) if args.soap_log else None
    try:
        while True:
            agent = await start_gateway(args, soap_log)
            if agent is None:
                return 2
            try:
                if args.once:
                    return await _one_session(agent)
                await _run_until_signal(agent)
            finally:
                await agent.shutdown()
            if not agent.restarting:
                return 0
            _LOGGER.info("Restarting the agent (Reboot or FactoryReset from the ACS)")
    finally:
        if soap_log is not None:
            soap_log.close()


async def start_gateway(args: argparse.Namespace, soap_log: SoapLog | None) -> CpeAgent | None:
    """The runner's gateway, set up, its profiles installed; None when it cannot start."""
    gateway = build_runner_gateway(args, soap_log)
    if not await _set_up(gateway.agent, args):
        return None
    if args.profiles is not None:
        files = await asyncio.to_thread(read_profile_folder, args.profiles)
        await install_profiles(gateway.meters, files, "profiles")
    return gateway.agent


async def _set_up(agent: CpeAgent, args: argparse.Namespace) -> bool:
    """Set the agent up; False (and why, in the log) when it cannot start."""
    try:
        await agent.setup()
    except StateStoreError as err:
        _LOGGER.error("The state in %s cannot be read: %s", args.state_dir, err)  # noqa: TRY400
    except OSError as err:
        message = "Cannot listen for Connection Requests on port %s: %s"
        _LOGGER.error(message, args.cr_port, err)  # noqa: TRY400 - expected, no trace
    else:
        return True
    await agent.shutdown()
    return False


async def _one_session(agent: CpeAgent) -> int:
    result = await agent.run_once()
    if result.error:
        _LOGGER.error("Session failed: %s", result.error)
    return 0 if result.success else 1


async def _run_until_signal(agent: CpeAgent) -> None:
    loop = asyncio.get_running_loop()
    task = loop.create_task(agent.run())
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, task.cancel)
    try:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    logging.basicConfig(
        level=os.environ.get("TR069_LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if args.fleet > 1:
        if problem := check_ca_file(os.environ.get("TR069_CA_FILE")):
            _LOGGER.error("%s", problem)
            return 2
        if args.once or args.soap_log:
            print("--fleet runs without --once and --soap-log", file=sys.stderr)
            return 2
        return asyncio.run(run_fleet(args, lambda member: start_gateway(member, None)))
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
