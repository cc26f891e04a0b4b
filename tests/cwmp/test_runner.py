"""The headless runner (``scripts/cpe``) against the local ACS."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
import platform
import signal
import socket
import stat
import sys

import pytest

from local_acs import LocalAcs, rpc
from tests.agent_harness import free_port
from tr069_cpe import runner
from tr069_cpe.soap_log import SoapLog

ROOT = Path(__file__).resolve().parents[2]
SERIAL = "CLI0001"


def arguments(url: str, state: Path, *extra: str) -> list[str]:
    return [
        "--acs-url",
        url,
        "--state-dir",
        str(state),
        "--serial",
        SERIAL,
        "--cr-port",
        str(free_port()),
        "--cr-host",
        "127.0.0.1",
        *extra,
    ]


async def test_once_runs_one_session_and_keeps_state(acs: LocalAcs, tmp_path: Path) -> None:
    args = runner.parse_args(
        arguments(acs.url, tmp_path, "--once", "--soap-log", str(tmp_path / "log"))
    )
    assert await runner.run(args) == 0
    inform = await acs.wait_for_inform(serial=SERIAL)
    assert [event.code for event in inform.events] == ["0 BOOTSTRAP", "1 BOOT"]
    assert inform.device_id[0] == "Home Assistant"
    # HardwareVersion (a forced parameter) says what the runner runs on.
    hardware = f"{platform.system()} {platform.machine()}"
    assert inform.params["Device.DeviceInfo.HardwareVersion"] == hardware
    state = tmp_path / "state.json"
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    logged = sorted(path.name for path in (tmp_path / "log").iterdir())
    assert logged[:2] == ["0001-out-Inform.xml", "0002-in-InformResponse.xml"]
    assert logged[-1].endswith("-in-empty.xml")

    # Another --cr-port: the ConnectionRequestURL changed, which the ACS must hear of.
    assert await runner.run(runner.parse_args(arguments(acs.url, tmp_path, "--once"))) == 0
    again = await acs.wait_for_inform(serial=SERIAL)
    assert [event.code for event in again.events] == ["1 BOOT", "4 VALUE CHANGE"]


async def test_once_reports_an_unreachable_acs(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/"
    assert await runner.run(runner.parse_args(arguments(url, tmp_path, "--once"))) == 1


async def test_a_busy_connection_request_port_is_exit_status_2(
    acs: LocalAcs, tmp_path: Path
) -> None:
    with socket.socket() as busy:
        busy.bind(("", 0))
        busy.listen()
        port = busy.getsockname()[1]
        args = runner.parse_args([*arguments(acs.url, tmp_path, "--once"), "--cr-port", str(port)])
        assert await runner.run(args) == 2


async def test_running_mode_restarts_after_a_reboot_and_stops_on_sigterm(
    acs: LocalAcs, tmp_path: Path
) -> None:
    reboot = acs.queue(SERIAL, rpc.reboot("cli-reboot"))
    task = asyncio.create_task(runner.run(runner.parse_args(arguments(acs.url, tmp_path))))
    assert (await reboot.result()).ok
    inform = await acs.wait_for_inform(serial=SERIAL, event="M Reboot")
    assert [event.code for event in inform.events] == ["1 BOOT", "M Reboot"]
    await inform.session.wait_ended()
    os.kill(os.getpid(), signal.SIGTERM)
    assert await asyncio.wait_for(task, 10) == 0


async def test_the_ca_and_credentials_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    monkeypatch.setenv("TR069_CA_FILE", str(ca))
    monkeypatch.setenv("TR069_ACS_USERNAME", "operator")
    monkeypatch.setenv("TR069_ACS_PASSWORD", "secret")
    args = runner.parse_args(
        arguments("https://acs.example/", tmp_path, "--root", "InternetGatewayDevice")
    )
    agent = runner.build_agent(args, None)
    assert agent.config.ca_pem == "-----BEGIN CERTIFICATE-----\n"
    assert (agent.config.acs_username, agent.config.acs_password) == ("operator", "secret")
    assert agent.config.identity.software_version != "0"
    assert agent.datamodel.root_name == "InternetGatewayDevice"


def test_main_returns_the_exit_status(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/"
    assert runner.main(arguments(url, tmp_path, "--once")) == 1


async def test_the_module_runs_as_a_program(acs: LocalAcs, tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tr069_cpe.runner",
        *arguments(acs.url, tmp_path, "--once"),
        cwd=ROOT,
        env={**os.environ, "TR069_LOG_LEVEL": "WARNING"},
    )
    assert await asyncio.wait_for(process.wait(), 60) == 0
    await acs.wait_for_inform(serial=SERIAL)


def test_xmpp_and_stun_come_from_options_and_their_secrets_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TR069_XMPP_PASSWORD", "xmpp-secret")
    monkeypatch.setenv("TR069_STUN_USERNAME", "gw")
    monkeypatch.setenv("TR069_STUN_PASSWORD", "stun-secret")
    args = runner.parse_args(
        arguments(
            "http://acs.example/",
            tmp_path,
            "--xmpp-jid",
            "cpe@xmpp.example/home",
            "--xmpp-server",
            "[2001:db8::1]:5223",
            "--xmpp-allow",
            "acs@xmpp.example",
            "--stun-server",
            "stun.example",
            "--udp-port",
            "17547",
        )
    )
    config = runner.build_agent(args, None).config
    assert config.xmpp is not None
    assert (config.xmpp.server, config.xmpp.port) == ("2001:db8::1", 5223)
    assert (config.xmpp.password, config.xmpp.allowed_jids) == (
        "xmpp-secret",
        ("acs@xmpp.example",),
    )
    assert config.stun is not None
    assert (config.stun.server, config.stun.port, config.stun.username) == (
        "stun.example",
        3478,
        "gw",
    )
    assert config.udp_connection_request_port == 17547
    plain = runner.build_agent(runner.parse_args(arguments("http://acs/", tmp_path)), None).config
    assert plain.xmpp is None
    assert plain.stun is None
    host = runner.parse_args(
        arguments("http://acs/", tmp_path, "--xmpp-jid", "a@b", "--xmpp-server", "xmpp.example")
    )
    assert runner.build_agent(host, None).config.xmpp.port == 5222  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (None, "No such file"),
        (b"-----BEGIN CERTIFICATE-----\nAAAA\n", "cannot be used"),
        (b"\xff\xfe", "codec"),
    ],
    ids=["missing", "not-a-certificate", "not-text"],
)
async def test_a_ca_file_that_cannot_be_used_is_exit_status_2_without_a_traceback(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    content: bytes | None,
    why: str,
) -> None:
    ca = tmp_path / "ca.pem"
    if content is not None:
        ca.write_bytes(content)
    monkeypatch.setenv("TR069_CA_FILE", str(ca))
    url = f"http://127.0.0.1:{free_port()}/"
    assert await runner.run(runner.parse_args(arguments(url, tmp_path / "state", "--once"))) == 2
    assert why in caplog.text
    assert all(record.exc_info is None for record in caplog.records)
    assert not (tmp_path / "state").exists()


async def test_a_state_that_cannot_be_read_is_exit_status_2(
    acs: LocalAcs, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "state.json").mkdir()  # reading it fails with EISDIR
    assert await runner.run(runner.parse_args(arguments(acs.url, tmp_path, "--once"))) == 2
    assert "cannot be read" in caplog.text
    assert acs.informs == []


async def test_the_soap_log_is_private_and_holds_no_password(acs: LocalAcs, tmp_path: Path) -> None:
    secret = "s3cret-cr-Password"
    acs.queue(
        SERIAL,
        rpc.set_parameter_values(
            [("Device.ManagementServer.ConnectionRequestPassword", secret, "xsd:string")]
        ),
    )
    folder = tmp_path / "log"
    assert (
        await runner.run(
            runner.parse_args(arguments(acs.url, tmp_path, "--once", "--soap-log", str(folder)))
        )
        == 0
    )
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    files = sorted(folder.iterdir())
    assert files
    assert all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in files)
    written = b"".join(path.read_bytes() for path in files)
    assert secret.encode() not in written
    assert b"<Name>Device.ManagementServer.ConnectionRequestPassword</Name>" in written
    assert b"&lt;redacted&gt;" in written


def test_a_soap_log_that_cannot_be_written_is_said_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "log").write_text("a file where the folder should be")
    log = SoapLog(tmp_path / "log")
    log("out", b"<Body><Inform/></Body>")
    log("out", b"<Body><Inform/></Body>")
    log.close()
    assert caplog.text.count("The SOAP log cannot be written") == 1


def test_the_soap_log_keeps_the_newest_files_and_numbers_on_across_runs(tmp_path: Path) -> None:
    folder = tmp_path / "log"
    first = SoapLog(folder, keep=3)
    for method in ("Inform", "InformResponse", "GetParameterValues"):
        first("out", f"<Body><{method}/></Body>".encode())
    first.close()
    (folder / "notes.txt").write_text("not the log's")
    second = SoapLog(folder, keep=3)
    second("in", b"<soap:Body>\n <cwmp:Reboot/></soap:Body>")
    second("out", b"")
    second.close()
    assert sorted(path.name for path in folder.iterdir()) == [
        "0003-out-GetParameterValues.xml",
        "0004-in-Reboot.xml",
        "0005-out-empty.xml",
        "notes.txt",
    ]
