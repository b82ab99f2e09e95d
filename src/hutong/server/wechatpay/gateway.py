"""``hutong pay gateway``: lets an unchanged WeChat Pay SDK reach Hutong when its gateway address is
fixed in its code (https://api.mch.weixin.qq.com). The SDK's documented proxy setting points at this
gateway; for WeChat Pay's host names it answers CONNECT, ends TLS with a certificate from Hutong's own
small CA (which the merchant's machine trusts, e.g. REQUESTS_CA_BUNDLE), and passes the plain HTTP to
the platform. Any other host is refused: it is not a general proxy."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

WECHATPAY_HOSTS = ("api.mch.weixin.qq.com", "api2.mch.weixin.qq.com")
MAX_HEADER_BYTES = 8192


@dataclass(frozen=True)
class GatewayFiles:
    ca_certificate: Path  # what merchants trust
    certificate: Path  # the chain the gateway presents
    key: Path


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Hutong"),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def ensure_files(directory: Path, hosts: tuple[str, ...] = WECHATPAY_HOSTS) -> GatewayFiles:
    """The gateway's CA and server certificate, made once under ``directory`` (kept 0600)."""
    files = GatewayFiles(
        directory / "gateway-ca.pem", directory / "gateway-cert.pem", directory / "gateway-key.pem"
    )
    if files.ca_certificate.exists() and files.certificate.exists() and files.key.exists():
        return files
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Hutong Pay gateway CA"))
        .issuer_name(_name("Hutong Pay gateway CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name(hosts[0]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=825))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    files.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    files.key.chmod(0o600)
    files.certificate.write_bytes(_pem(leaf) + _pem(ca))
    files.ca_certificate.write_bytes(_pem(ca))
    return files


class Gateway:
    def __init__(
        self,
        files: GatewayFiles,
        upstream_host: str,
        upstream_port: int,
        hosts: tuple[str, ...] = WECHATPAY_HOSTS,
    ) -> None:
        self._tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._tls.load_cert_chain(files.certificate, files.key)
        self._upstream = (upstream_host, upstream_port)
        self._hosts = frozenset(hosts)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError):
            writer.close()
            return
        request_line = head.split(b"\r\n", 1)[0].decode("latin-1").split()
        target = request_line[1] if len(request_line) == 3 else ""
        host, _, port = target.rpartition(":")
        if request_line[:1] != ["CONNECT"] or host not in self._hosts or port != "443":
            writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await writer.drain()
            writer.close()
            return
        writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        await writer.drain()
        try:
            await writer.start_tls(self._tls)
            upstream_reader, upstream_writer = await asyncio.open_connection(*self._upstream)
        except (OSError, ssl.SSLError):
            writer.close()
            return
        await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    except (OSError, ssl.SSLError):
        pass
    finally:
        with contextlib.suppress(OSError, ssl.SSLError, RuntimeError):
            writer.close()


async def serve(gateway: Gateway, host: str, port: int) -> asyncio.Server:
    return await asyncio.start_server(gateway.handle, host, port, limit=MAX_HEADER_BYTES)


@contextlib.contextmanager
def in_thread(gateway: Gateway, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Run the gateway on its own event loop in a thread; yields its proxy URL (for tests and
    embedding)."""
    loop = asyncio.new_event_loop()
    started: list[asyncio.Server] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        started.append(loop.run_until_complete(serve(gateway, host, port)))
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True, name="hutong-pay-gateway")
    thread.start()
    deadline = time.monotonic() + 10
    while not started:
        if time.monotonic() > deadline:
            raise RuntimeError("the gateway did not start")
        time.sleep(0.01)
    server = started[0]
    bound = server.sockets[0].getsockname()
    try:
        yield f"http://{bound[0]}:{bound[1]}"
    finally:
        loop.call_soon_threadsafe(server.close)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
