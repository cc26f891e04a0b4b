"""Run the local ACS standalone: ``python -m local_acs --port 7557 [...]``."""

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
    return parser


async def _serve(args: argparse.Namespace) -> None:
    if args.log_soap:
        args.log_soap.mkdir(parents=True, exist_ok=True)
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
