"""The start-up floor: ``python -m bench.floor_start URL INFORM``.

The least a CPE written with aiohttp must do to tell the ACS it is there: start
Python, import the HTTP client, POST the Inform (recorded from the agent) and the
empty POST that ends the session. Then it idles, as a running CPE does, until its
stdin closes, so that its resident memory can be read.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
import sys

import aiohttp

_SOAP_HEADERS = {"Content-Type": 'text/xml; charset="utf-8"', "SOAPAction": ""}


async def _main(url: str, inform: bytes) -> None:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1)) as http:
        async with http.post(url, data=inform, headers=_SOAP_HEADERS) as response:
            await response.read()
        async with http.post(url, data=b"") as response:
            await response.read()
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


if __name__ == "__main__":
    asyncio.run(_main(sys.argv[1], Path(sys.argv[2]).read_bytes()))
