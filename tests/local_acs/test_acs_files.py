"""File server (HTTP, with auth), FTP helper, TLS, schema-validation discovery."""

from __future__ import annotations

import logging
from pathlib import Path
import ssl

import aioftp
import aiohttp
import pytest
from yarl import URL

from local_acs import LocalAcs, ftp_server
from local_acs.auth import solve_challenge
from local_acs.testing import RawCpe, cpe_envelope, inform_body
from local_acs.validation import SchemaValidator
from tests.shared_material import schema_validator


async def get_with_auth(url: str, username: str, password: str, method: str = "GET", data=None):
    async with aiohttp.ClientSession() as client:
        async with client.request(method, url, data=data) as first:
            body = await first.read()
            if first.status != 401:
                return first.status, body
            challenge = first.headers["WWW-Authenticate"]
        header = solve_challenge(challenge, username, password, method, URL(url).raw_path_qs)
        async with client.request(
            method, url, data=data, headers={"Authorization": header}
        ) as second:
            return second.status, await second.read()


async def test_serve_files(acs: LocalAcs):
    acs.serve_file("fw v1.bin", b"\x00firmware")
    url = acs.file_url("fw v1.bin")
    assert url == f"{acs.base_url}/files/fw%20v1.bin"
    async with aiohttp.ClientSession() as client:
        async with client.get(url) as response:
            assert response.status == 200
            assert await response.read() == b"\x00firmware"
        async with client.head(url) as response:
            assert response.status == 200
        async with client.get(acs.file_url("missing")) as response:
            assert response.status == 404
    assert [(r.method, r.name, r.status) for r in acs.file_requests] == [
        ("GET", "fw v1.bin", 200),
        ("HEAD", "fw v1.bin", 200),
        ("GET", "missing", 404),
    ]
    assert acs.file_size("fw v1.bin") == 9


@pytest.mark.parametrize("scheme", ["basic", "digest"])
async def test_file_auth(acs: LocalAcs, scheme):
    acs.serve_file("cfg.txt", b"config", auth=(scheme, "dl", "secret"))
    url = acs.file_url("cfg.txt")
    assert await get_with_auth(url, "dl", "secret") == (200, b"config")
    status, _ = await get_with_auth(url, "dl", "wrong")
    assert status == 401
    statuses = [r.status for r in acs.file_requests]
    assert statuses == [401, 200, 401, 401]


async def test_uploads(acs: LocalAcs):
    acs.expect_upload("log.txt", auth=("digest", "up", "pw"))
    url = acs.upload_url("log.txt")
    assert url == f"{acs.base_url}/upload/log.txt"
    assert await get_with_auth(url, "up", "pw", "PUT", b"log line") == (200, b"OK")
    assert acs.uploaded == {"log.txt": b"log line"}
    async with (
        aiohttp.ClientSession() as client,
        client.post(acs.upload_url("free.bin"), data=b"xyz") as response,
    ):
        assert response.status == 200
    assert await acs.wait_for_upload("free.bin", timeout=1) == b"xyz"


async def test_uploads_written_to_directory(tmp_path: Path):
    async with (
        LocalAcs(upload_dir=tmp_path) as acs,
        aiohttp.ClientSession() as client,
        client.put(acs.upload_url("a.cfg"), data=b"A") as response,
    ):
        assert response.status == 200
    assert (tmp_path / "a.cfg").read_bytes() == b"A"


async def test_ftp_server():
    async with ftp_server("cpe", "pw") as ftp:
        assert ftp.url == f"ftp://127.0.0.1:{ftp.port}/"
        ftp.put("fw.bin", b"firmware")
        assert ftp.file_url("fw.bin") == ftp.url + "fw.bin"
        async with aioftp.Client.context("127.0.0.1", ftp.port, "cpe", "pw") as client:
            async with client.download_stream("fw.bin") as stream:
                assert await stream.read() == b"firmware"
            async with client.upload_stream("log.txt") as stream:
                await stream.write(b"uploaded")
        assert ftp.read("log.txt") == b"uploaded"
        with pytest.raises(aioftp.StatusCodeError):
            async with aioftp.Client.context("127.0.0.1", ftp.port, "cpe", "wrong"):
                pass


async def test_tls_with_ca():
    async with LocalAcs(tls=True) as acs:
        assert acs.url.startswith("https://127.0.0.1:")
        assert acs.ca_pem.startswith("-----BEGIN CERTIFICATE-----")
        context = ssl.create_default_context(cadata=acs.ca_pem)
        async with RawCpe(acs.url, ssl_context=context) as cpe:
            assert (await cpe.post(cpe_envelope(inform_body()))).status == 200
            assert (await cpe.post(b"")).status == 204
        async with RawCpe(acs.url) as untrusting:
            with pytest.raises(aiohttp.ClientConnectorCertificateError):
                await untrusting.post(cpe_envelope(inform_body()))
        async with aiohttp.ClientSession() as client:
            acs.serve_file("f", b"1")
            async with client.get(acs.file_url("f"), ssl=acs.client_ssl_context()) as r:
                assert await r.read() == b"1"
    assert acs.sessions[0].end_reason == "completed"


def test_tls_material_written(tmp_path: Path):
    acs = LocalAcs(tls=True)
    assert acs.tls_material is not None
    paths = acs.tls_material.write(tmp_path / "certs")
    assert paths["ca"].read_text() == acs.ca_pem
    assert paths["key"].stat().st_mode & 0o077 == 0
    with pytest.raises(RuntimeError):
        LocalAcs().client_ssl_context()


def test_validation_unavailable_is_loud(tmp_path: Path, caplog):
    with caplog.at_level(logging.WARNING):
        validator = SchemaValidator(tmp_path / "schemas")
    assert not validator.available
    assert "UNAVAILABLE" in caplog.text
    with pytest.raises(RuntimeError):
        validator.errors(b"<x/>")


def test_validation_found_via_environment(monkeypatch):
    schema_validator()
    monkeypatch.setenv("CWMP_SCHEMAS", "/nonexistent/cwmp/schemas")
    assert LocalAcs().schema_validation_available is False
