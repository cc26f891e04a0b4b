"""Throw-away TLS material: a CA and a server certificate it signs (EC P-256, fast)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import ipaddress
import logging
from pathlib import Path
import ssl
import tempfile

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

_LOGGER = logging.getLogger(__name__)

DEFAULT_HOSTS = ("127.0.0.1", "localhost")
HANDSHAKE_TIMEOUT = 10.0


@dataclass(frozen=True)
class TlsMaterial:
    """PEM texts: the CA certificate clients trust, the server certificate and its key."""

    ca_pem: str
    cert_pem: str
    key_pem: str

    def write(self, directory: Path) -> dict[str, Path]:
        """Write ``ca.pem``, ``server.pem`` and ``server.key`` into ``directory``."""
        directory.mkdir(parents=True, exist_ok=True)
        paths = {
            "ca": directory / "ca.pem",
            "cert": directory / "server.pem",
            "key": directory / "server.key",
        }
        paths["ca"].write_text(self.ca_pem)
        paths["cert"].write_text(self.cert_pem + self.ca_pem)
        paths["key"].write_text(self.key_pem)
        paths["key"].chmod(0o600)
        return paths

    def server_context(self) -> ssl.SSLContext:
        """An SSL server context presenting the server certificate (and the CA in the chain)."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        with tempfile.TemporaryDirectory(prefix="local_acs_tls_") as tmp:
            paths = self.write(Path(tmp))
            context.load_cert_chain(paths["cert"], paths["key"])
        return context

    def client_context(self) -> ssl.SSLContext:
        """An SSL client context that trusts only this CA."""
        return ssl.create_default_context(cadata=self.ca_pem)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "local_acs test CA"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _san(hosts: tuple[str, ...]) -> x509.SubjectAlternativeName:
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return x509.SubjectAlternativeName(names)


def generate(hosts: tuple[str, ...] = DEFAULT_HOSTS, days: int = 30) -> TlsMaterial:
    """A fresh CA and a server certificate for ``hosts`` (IP addresses or DNS names)."""
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("local_acs CA")
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(hosts[0]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_san(hosts), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return TlsMaterial(
        ca_pem=ca_cert.public_bytes(serialization.Encoding.PEM).decode(),
        cert_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
        key_pem=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
    )


class TlsAcceptor(asyncio.Protocol):
    """Accepts a TCP connection, does the TLS handshake itself, then hands over.

    asyncio's own TLS server reports every handshake a client breaks off (a CPE that
    refuses the certificate, a reset, a silent peer) to the loop's exception handler
    when the loop runs in debug mode, as Home Assistant's tests do. Doing the
    handshake here with ``loop.start_tls`` keeps a misbehaving peer the ACS's
    business: the connection is closed and a line is logged.
    """

    def __init__(
        self,
        protocol_factory: Callable[[], asyncio.BaseProtocol],
        context: ssl.SSLContext,
        handshakes: set[asyncio.Task[None]],
    ) -> None:
        self._factory = protocol_factory
        self._context = context
        self._handshakes = handshakes

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Start the handshake (nothing is read before it begins)."""
        assert isinstance(transport, asyncio.Transport)
        transport.pause_reading()
        task = asyncio.get_running_loop().create_task(self._handshake(transport))
        self._handshakes.add(task)
        task.add_done_callback(self._handshakes.discard)

    async def _handshake(self, transport: asyncio.Transport) -> None:
        protocol = self._factory()
        try:
            secure = await asyncio.get_running_loop().start_tls(
                transport,
                protocol,
                self._context,
                server_side=True,
                ssl_handshake_timeout=HANDSHAKE_TIMEOUT,
            )
        except (OSError, TimeoutError, ConnectionError) as err:  # ssl.SSLError is an OSError
            _LOGGER.info("TLS handshake with %s broken off: %r", _peer(transport), err)
            transport.abort()
            return
        if secure is None:  # the peer went away as the handshake ended
            transport.abort()
            return
        protocol.connection_made(secure)

    def data_received(self, data: bytes) -> None:
        """Never called: reading is paused until start_tls takes the transport over."""

    def connection_lost(self, exc: Exception | None) -> None:
        """The peer left before the handshake began; start_tls sees it too."""


def _peer(transport: asyncio.BaseTransport) -> object:
    return transport.get_extra_info("peername")
