"""Known passwords go in, every RPC runs, and no file the agent writes holds one (but its state).

The headless agent runs as a process with DEBUG logging and ``--soap-log``; the ACS sets
the Connection Request password, sends the ACS password back, hands Download, Upload and
ScheduleDownload their credentials (and a URL with a password in it), and uploads the
Vendor Log File. Then the log, the SOAP log and the uploaded file are searched for each
password.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from local_acs import LocalAcs, rpc
from tests.agent_harness import free_port
from tests.cpe_process import CpeProcess
from tr069_cpe.cwmp.versions import CWMP_1_2

SERIAL = "SECRETS01"
MS = "Device.ManagementServer."
METERS = "Device.X_FFFFFF_Meter."
ACS_PASSWORD = "acs-Pw-7f3a9c"
CR_PASSWORD = "cr-Pw-c41b0e"
DOWNLOAD_PASSWORD = "dl-Pw-93d2aa"
UPLOAD_PASSWORD = "ul-Pw-5e8f17"
URL_PASSWORD = "url-Pw-0b6c4d"
SECRETS = (ACS_PASSWORD, CR_PASSWORD, DOWNLOAD_PASSWORD, UPLOAD_PASSWORD, URL_PASSWORD)
FILE = b'{"items": [{"serial": "26", "vendor": "PIKKETRON", "type": "electricityMeter", "T1": "1kWh"}]}'


def every_rpc(acs: LocalAcs) -> list[rpc.AcsRequest]:
    file_url = acs.file_url("meters.json")
    return [
        rpc.get_rpc_methods(),
        rpc.set_parameter_values(
            [
                (f"{MS}ConnectionRequestUsername", "cr-user", "xsd:string"),
                (f"{MS}ConnectionRequestPassword", CR_PASSWORD, "xsd:string"),
                (f"{MS}Password", ACS_PASSWORD, "xsd:string"),
            ]
        ),
        rpc.set_parameter_values([(f"{MS}Password", "x" * 300, "xsd:string")]),  # refused
        rpc.get_parameter_values(["Device."]),
        rpc.get_parameter_names("Device.", next_level=False),
        rpc.set_parameter_attributes(
            [
                {
                    "Name": f"{MS}ConnectionRequestPassword",
                    "NotificationChange": True,
                    "Notification": 1,
                    "AccessListChange": False,
                    "AccessList": [],
                }
            ]
        ),
        rpc.get_parameter_attributes([f"{MS}ConnectionRequestPassword"]),
        rpc.add_object(METERS, "add"),
        rpc.delete_object(f"{METERS}1.", "delete"),
        rpc.download(
            file_url,
            "3 Vendor Configuration File",
            command_key="dl",
            username="files",
            password=DOWNLOAD_PASSWORD,
        ),
        rpc.download(
            f"ftp://files:{URL_PASSWORD}@127.0.0.1:{free_port()}/meters.json",
            "3 Vendor Configuration File",
            command_key="dl-url",
        ),
        rpc.schedule_download(
            file_url,
            [
                {
                    "WindowStart": 0,
                    "WindowEnd": 3600,
                    "WindowMode": "1 At Any Time",
                    "UserMessage": "",
                    "MaxRetries": 0,
                }
            ],
            "3 Vendor Configuration File",
            command_key="sd",
            username="files",
            password=DOWNLOAD_PASSWORD,
        ),
        rpc.get_queued_transfers(),
        rpc.get_all_queued_transfers(),
        rpc.cancel_transfer("no-such-key"),
        rpc.schedule_inform(1, "si"),
    ]


async def test_no_password_in_any_file_the_agent_writes_but_its_state(tmp_path: Path) -> None:
    async with LocalAcs(
        auth="digest", username="acs-user", password=ACS_PASSWORD, cwmp_namespace=CWMP_1_2
    ) as acs:
        acs.serve_file("meters.json", FILE, auth=("digest", "files", DOWNLOAD_PASSWORD))
        acs.expect_upload("session.log", auth=("digest", "uploader", UPLOAD_PASSWORD))
        tasks = [acs.queue(SERIAL, request) for request in every_rpc(acs)]
        process = CpeProcess(
            acs.url,
            tmp_path / "state",
            serial=SERIAL,
            log=tmp_path / "agent.log",
            extra=("--soap-log", str(tmp_path / "soap")),
            env={
                "TR069_LOG_LEVEL": "DEBUG",
                "TR069_ACS_USERNAME": "acs-user",
                "TR069_ACS_PASSWORD": ACS_PASSWORD,
            },
        )
        await process.start()
        try:
            for task in tasks:
                await task.result(timeout=30)
            await acs.wait_for_inform(serial=SERIAL, event="M ScheduleInform", timeout=30)
            state = (tmp_path / "state" / "state.json").read_text()
            assert CR_PASSWORD in state  # the state may hold them: the search below is meaningful
            url = acs.device(SERIAL).connection_request_url
            assert url is not None
            upload = acs.queue(
                SERIAL,
                rpc.upload(
                    acs.upload_url("session.log"),
                    "2 Vendor Log File",
                    command_key="ul",
                    username="uploader",
                    password=UPLOAD_PASSWORD,
                ),
            )
            assert await acs.connection_request(url, "cr-user", CR_PASSWORD) == 200
            await upload.result(timeout=30)
            uploaded = await acs.wait_for_upload("session.log", timeout=30)
            acs.queue(SERIAL, rpc.reboot("reboot"))
            acs.queue(SERIAL, rpc.factory_reset())
            assert await acs.connection_request(url, "cr-user", CR_PASSWORD) == 200
            await acs.wait_for_inform(serial=SERIAL, event="0 BOOTSTRAP", timeout=30)
        finally:
            assert await process.stop() == 0

    assert b"ConnectionRequestPassword" in uploaded
    written = {
        "the log": (tmp_path / "agent.log").read_bytes(),
        "the uploaded Vendor Log File": uploaded,
        **{f"SOAP log {path.name}": path.read_bytes() for path in (tmp_path / "soap").iterdir()},
    }
    assert len(written) > 20
    assert b"&lt;redacted&gt;" in b"".join(written.values())
    leaks = [
        (where, secret)
        for where, content in written.items()
        for secret in SECRETS
        if secret.encode() in content
    ]
    assert leaks == []
    await asyncio.sleep(0)
