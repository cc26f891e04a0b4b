"""Run the local ACS standalone: ``python -m local_acs --port 7557 [...]``.

With ``--stun-port`` it runs a STUN server beside it and sends UDP Connection Requests
from that port; with ``--xmpp-jid`` it logs in to an XMPP server and sends XMPP
Connection Requests, choosing the way as GenieACS 1.2 does.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from pathlib import Path
import signal
import sys
from typing import get_args

from .auth import Scheme
from .server import LocalAcs
from .stun import StunServer
from .udp_connreq import split_address
from .xmpp import AcsXmpp


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m local_acs", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7557)
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a fresh test CA")
    parser.add_argument("--cert-dir", type=Path, help="write ca.pem/server.pem/server.key here")
    parser.add_argument("--auth", choices=get_args(Scheme), help="require CPE credentials")
    parser.add_argument("--username", default="acs", help="CPE username (with --auth)")
    parser.add_argument("--password", default="acs", help="CPE password (with --auth)")
    parser.add_argument("--cr-username", help="default Connection Request username (NBI)")
    parser.add_argument("--cr-password", help="default Connection Request password (NBI)")
    parser.add_argument(
        "--files-dir",
        type=Path,
        help="serve the files in DIR; store uploads in DIR/uploads",
        metavar="DIR",
    )
    parser.add_argument("--log-soap", type=Path, metavar="DIR", help="write every message here")
    parser.add_argument("--strict", action="store_true", help="HTTP 400 for invalid envelopes")
    parser.add_argument("-v", "--verbose", action="store_true")
    stun = parser.add_argument_group("STUN server and UDP Connection Requests (TR-111)")
    stun.add_argument("--stun-port", type=int, help="run a STUN server on --host at PORT")
    stun.add_argument("--stun-username", help="STUNUsername the server requires")
    stun.add_argument("--stun-password", help="STUNPassword (with --stun-username)")
    xmpp = parser.add_argument_group("XMPP Connection Requests (Annex K)")
    xmpp.add_argument("--xmpp-jid", help="the ACS's XMPP account (GenieACS's XMPP_JID)")
    xmpp.add_argument("--xmpp-password", help="its password (GenieACS's XMPP_PASSWORD)")
    xmpp.add_argument(
        "--xmpp-server", metavar="HOST[:PORT]", help="the XMPP server (default: the JID's domain)"
    )
    xmpp.add_argument("--xmpp-ca", type=Path, metavar="FILE", help="CA that signed its certificate")
    return parser


def _stun_server(args: argparse.Namespace) -> StunServer | None:
    if args.stun_port is None:
        return None
    credentials = {args.stun_username: args.stun_password or ""} if args.stun_username else {}
    return StunServer(credentials)


def _xmpp_client(args: argparse.Namespace) -> AcsXmpp | None:
    if not args.xmpp_jid:
        return None
    server = args.xmpp_server or args.xmpp_jid.partition("@")[2].partition("/")[0]
    host, port = split_address(server, default_port=5222)
    ca_pem = args.xmpp_ca.read_text() if args.xmpp_ca else None
    return AcsXmpp(args.xmpp_jid, args.xmpp_password or "", host, port, ca_pem=ca_pem)


async def _serve(args: argparse.Namespace) -> None:
    if args.log_soap:
        args.log_soap.mkdir(parents=True, exist_ok=True)
    async with contextlib.AsyncExitStack() as stack:
        stun = _stun_server(args)
        if stun is not None:
            await stun.start(args.host, args.stun_port)
            stack.callback(stun.close)
            print(f"STUN:       {args.host}:{stun.address[1]}")
        xmpp = _xmpp_client(args)
        if xmpp is not None:
            await xmpp.start()
            stack.push_async_callback(xmpp.stop)
            print(f"XMPP:       {xmpp.jid}")
        await _serve_acs(args, stun, xmpp)


async def _serve_acs(
    args: argparse.Namespace, stun: StunServer | None, xmpp: AcsXmpp | None
) -> None:
    acs = LocalAcs(
        args.host,
        args.port,
        tls=args.tls,
        auth=args.auth,
        username=args.username,
        password=args.password,
        strict=args.strict,
        soap_log_dir=args.log_soap,
        upload_dir=args.files_dir / "uploads" if args.files_dir else None,
        cr_username=args.cr_username,
        cr_password=args.cr_password,
        xmpp=xmpp,
        stun=stun,
    )
    if args.files_dir:
        for path in sorted(args.files_dir.iterdir()):
            if path.is_file():
                acs.serve_file(path.name, path.read_bytes())
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with acs:
        print(f"CWMP URL:   {acs.url}")
        print(f"NBI:        {acs.base_url}/nbi/devices")
        print(f"Files:      {acs.base_url}/files/<name>   uploads: {acs.base_url}/upload/<name>")
        if acs.tls_material and args.cert_dir:
            paths = acs.tls_material.write(args.cert_dir)
            print(f"CA cert:    {paths['ca']}")
        if args.auth:
            print(f"CPE auth:   {args.auth} {args.username}/{args.password}")
        if not acs.schema_validation_available:
            print("WARNING:    CWMP schema validation unavailable (set $CWMP_SCHEMAS)")
        sys.stdout.flush()
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve until SIGINT/SIGTERM."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))


if __name__ == "__main__":
    main()
