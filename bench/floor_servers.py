"""The fleet's memory floor: ``python -m bench.floor_servers N``.

N bare aiohttp servers listening on their own ports in one process (what N reachable
CPEs need at the least: an endpoint each), idle until ``{"cmd": "quit"}`` on stdin.
"""

from __future__ import annotations

import asyncio
import json
import sys

from aiohttp import web


async def _empty(request: web.Request) -> web.Response:
    del request
    return web.Response()


async def _serve(count: int) -> None:
    runners = []
    for _ in range(count):
        app = web.Application()
        app.router.add_get("/{tail:.*}", _empty)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        runners.append(runner)
    sys.stdout.write(json.dumps({"servers": count}) + "\n")
    sys.stdout.flush()
    reader = asyncio.StreamReader()
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    await reader.readline()
    for runner in runners:
        await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(_serve(int(sys.argv[1])))
