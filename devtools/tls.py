"""`make run` on the venue's network: the machine's LAN addresses and its HTTPS certificate.

Phone browsers open the camera only on secure pages, so off loopback the local
run serves HTTPS (API.md §5). The data directory keeps a small certificate
authority of its own, made once: a desk phone trusts `tls/ca.pem` once, and
the server certificate it signs (`tls/cert.pem`, key `tls/key.pem`, mode 0600)
is issued again, by the same authority, whenever it no longer names every
address the machine has (another hotel, another network), so a trusted phone
stays trusted. Only the local run needs this: `cryptography` is in
requirements-dev.txt, never in the Lambda bundle.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
# Apple refuses server certificates valid for more than 825 days; the authority may live longer.
SERVER_DAYS = 820
AUTHORITY_DAYS = 3650


@dataclass(frozen=True)
class Certificate:
    directory: Path
    issued: bool  # a new server certificate was made at this start

    @property
    def cert(self) -> Path:  # the server certificate, then the authority's (the chain served)
        return self.directory / "cert.pem"

    @property
    def key(self) -> Path:
        return self.directory / "key.pem"

    @property
    def authority(self) -> Path:  # what a desk phone installs and trusts, once
        return self.directory / "ca.pem"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def lan_addresses() -> list[str]:
    """The machine's IPv4 addresses other than loopback, the default route's first."""
    found: list[str] = []
    # A UDP "connect" sends nothing: it only asks the kernel which address would be used.
    for target in ("192.0.2.1", "10.255.255.255"):
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        with contextlib.suppress(OSError), probe:
            probe.connect((target, 9))
            found.append(probe.getsockname()[0])
    with contextlib.suppress(OSError):
        for *_, sockaddr in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(str(sockaddr[0]))
    addresses: list[str] = []
    for address in found:
        if address not in addresses and not ipaddress.ip_address(address).is_loopback:
            addresses.append(address)
    return addresses


def _names(addresses: list[str]) -> tuple[set[str], set[str]]:
    dns = {"localhost", socket.gethostname()}
    ips = {"127.0.0.1", "::1", *addresses}
    return dns, ips


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)


def _authority(directory: Path):
    """The data directory's own authority, made the first time."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    cert_path, key_path = directory / "ca.pem", directory / "ca-key.pem"
    if cert_path.exists() and key_path.exists():
        certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        if certificate.not_valid_after_utc > datetime.now(UTC) + timedelta(days=SERVER_DAYS):
            return certificate, key, False
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Hadir (local run)"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"Hadir local CA {socket.gethostname()}"),
        ]
    )
    now = datetime.now(UTC)
    public = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=AUTHORITY_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
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
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(
        key_path,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return certificate, key, True


def _covers(path: Path, dns: set[str], ips: set[str]) -> bool:
    """Whether the server certificate at `path` names all of these and is not near its end."""
    from cryptography import x509

    if not path.exists():
        return False
    certificate = x509.load_pem_x509_certificate(path.read_bytes())
    if certificate.not_valid_after_utc < datetime.now(UTC) + timedelta(days=7):
        return False
    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    named_ips = {str(ip) for ip in names.get_values_for_type(x509.IPAddress)}
    return dns <= set(names.get_values_for_type(x509.DNSName)) and ips <= named_ips


def ensure_certificate(data_dir: Path, addresses: list[str]) -> Certificate:
    """`data_dir/tls`: the authority (made once) and a server certificate naming
    localhost, this machine's hostname and `addresses` (issued again when it does not)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    directory = data_dir / "tls"
    directory.mkdir(parents=True, exist_ok=True)
    authority, authority_key, new_authority = _authority(directory)
    result = Certificate(directory, issued=False)
    dns, ips = _names(addresses)
    if not new_authority and result.key.exists() and _covers(result.cert, dns, ips):
        return result
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    alternative_names: list[x509.GeneralName] = [x509.DNSName(name) for name in sorted(dns)]
    alternative_names += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in sorted(ips)]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, socket.gethostname())]))
        .issuer_name(authority.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=SERVER_DAYS))
        .add_extension(x509.SubjectAlternativeName(alternative_names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority_key.public_key()),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(authority_key, hashes.SHA256())
    )
    _write_private(
        result.key,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
    result.cert.write_bytes(
        certificate.public_bytes(serialization.Encoding.PEM)
        + authority.public_bytes(serialization.Encoding.PEM)
    )
    return Certificate(directory, issued=True)
