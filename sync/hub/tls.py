"""The station CA and the hub's server certificate (x509 with cryptography), and the TLS context.

``fieldapp-hub init`` makes a station CA (EC P-256, CA:TRUE, pathlen 0, 10 years) and a server
certificate signed by it (EC P-256, serverAuth, 2 years) for the names the hub is reached by.
Laptops pin the CA (its SHA-256 fingerprint is read out at enrolment), so the server certificate
can be renewed with the CA key (``fieldapp-hub cert renew``) without enrolling anyone again.

Files (mode 0600, written atomically): ``tls/ca.pem``, ``tls/ca-key.pem``, ``tls/server.pem``,
``tls/server-key.pem`` (the paths of the certificates and server key come from :class:`HubConfig`;
the CA key sits beside the CA certificate).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import socket
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from sync.hub.config import HubConfig, resolve, write_private
from sync.protocol.keys import certificate_fingerprint

CA_YEARS = 10
SERVER_DAYS = 2 * 365
CA_KEY_NAME = "ca-key.pem"
BACKDATE = dt.timedelta(hours=1)
"""Certificates start an hour in the past, so a laptop whose clock is a little slow accepts them."""
RENEW_WARNING_DAYS = 30

_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


class TlsError(Exception):
    """A certificate file is missing, damaged, or does not match its key (message for a person)."""


@dataclass(frozen=True)
class CertificateInfo:
    subject: str
    dns_names: list[str]
    ip_addresses: list[str]
    not_before: dt.datetime
    not_after: dt.datetime
    fingerprint: str

    @property
    def names(self) -> list[str]:
        return self.dns_names + self.ip_addresses

    def days_left(self, now: dt.datetime | None = None) -> int:
        now = now or dt.datetime.now(dt.UTC)
        return (self.not_after - now).days


# ---- names -------------------------------------------------------------------------------------

def default_names() -> list[str]:
    """The machine's host name (when it is a usable DNS name) and 127.0.0.1."""
    names = []
    host = socket.gethostname().strip().rstrip(".")
    if host and _is_dns_name(host):
        names.append(host)
    names.append("127.0.0.1")
    return names


def _is_dns_name(text: str) -> bool:
    if len(text) > 253:
        return False
    return all(_LABEL.match(label) for label in text.split("."))


def general_names(names: list[str]) -> list[x509.GeneralName]:
    """DNS names and IP addresses (v4 or v6) told apart; ValueError names the bad entry."""
    if not names:
        raise ValueError("the certificate needs at least one name or address")
    out: list[x509.GeneralName] = []
    seen: set[str] = set()
    for raw in names:
        text = raw.strip().rstrip(".")
        if text.startswith("[") and text.endswith("]"):
            text = text[1:-1]
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            address = None
        if address is not None:
            key = f"ip:{address}"
            entry: x509.GeneralName = x509.IPAddress(address)
        elif _is_dns_name(text):
            key = f"dns:{text.lower()}"
            entry = x509.DNSName(text.lower())
        else:
            raise ValueError(f"{raw!r} is neither a DNS name (letters, digits, hyphens and dots) "
                             "nor an IP address")
        if key not in seen:
            seen.add(key)
            out.append(entry)
    return out


def normalise_names(names: list[str]) -> list[str]:
    """The names as they end up in the certificate (for hub.json)."""
    result = []
    for entry in general_names(names):
        result.append(str(entry.value))
    return result


# ---- making certificates -----------------------------------------------------------------------

def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _pem_cert(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def make_ca(*, label: str = "") -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "fieldapp station hub"),
        x509.NameAttribute(NameOID.COMMON_NAME, f"fieldapp-hub station CA {label}".strip()),
    ])
    now = _now()
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + dt.timedelta(days=CA_YEARS * 365 + CA_YEARS // 4))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(ski, critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def make_server_certificate(ca_key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate,
                            names: list[str], *, days: int = SERVER_DAYS,
                            ) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    sans = general_names(names)
    key = ec.generate_private_key(ec.SECP256R1())
    now = _now()
    not_after = min(now + dt.timedelta(days=days), ca_cert.not_valid_after_utc)
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "fieldapp station hub"),
            x509.NameAttribute(NameOID.COMMON_NAME, str(sans[0].value)),
        ]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=False, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return key, cert


# ---- files -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TlsPaths:
    ca_cert: Path
    ca_key: Path
    server_cert: Path
    server_key: Path

    @classmethod
    def of(cls, config: HubConfig, data_dir: Path) -> TlsPaths:
        ca_cert = resolve(data_dir, config.ca_file)
        return cls(ca_cert=ca_cert, ca_key=ca_cert.with_name(CA_KEY_NAME),
                   server_cert=resolve(data_dir, config.cert_file),
                   server_key=resolve(data_dir, config.key_file))

    def all(self) -> list[Path]:
        return [self.ca_cert, self.ca_key, self.server_cert, self.server_key]


def create(config: HubConfig, data_dir: Path, names: list[str], *, label: str = "") -> TlsPaths:
    """Make the station CA and the server certificate; refuses if any of the files exists."""
    paths = TlsPaths.of(config, data_dir)
    existing = [p for p in paths.all() if p.exists()]
    if existing:
        raise FileExistsError("this data folder already holds TLS certificates")
    general_names(names)  # a bad name is refused before anything is written
    ca_key, ca_cert = make_ca(label=label)
    server_key, server_cert = make_server_certificate(ca_key, ca_cert, names)
    write_private(paths.ca_key, _pem_key(ca_key))
    write_private(paths.ca_cert, _pem_cert(ca_cert))
    write_private(paths.server_key, _pem_key(server_key))
    write_private(paths.server_cert, _pem_cert(server_cert))
    return paths


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise TlsError(f"the {what} ({path.name}) is missing from the hub's data folder") from None


def load_certificate(path: Path, what: str = "certificate") -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(_read(path, what))
    except ValueError:
        raise TlsError(f"the {what} ({path.name}) is damaged or not a PEM certificate") from None


def _load_key(path: Path, what: str) -> ec.EllipticCurvePrivateKey:
    try:
        key = serialization.load_pem_private_key(_read(path, what), password=None)
    except (ValueError, TypeError):
        raise TlsError(f"the {what} ({path.name}) is damaged or not a PEM private key") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise TlsError(f"the {what} ({path.name}) is not an EC key")
    return key


def ca_pem(config: HubConfig, data_dir: Path) -> str:
    path = TlsPaths.of(config, data_dir).ca_cert
    load_certificate(path, "station CA certificate")
    return path.read_text(encoding="ascii")


def ca_fingerprint(data_dir: Path, config: HubConfig | None = None) -> str:
    """SHA-256 of the station CA certificate (DER), colon hex as ``openssl x509 -fingerprint``."""
    cert = load_certificate(TlsPaths.of(config or HubConfig(), data_dir).ca_cert,
                            "station CA certificate")
    return certificate_fingerprint(cert.public_bytes(serialization.Encoding.DER))


def describe(cert: x509.Certificate) -> CertificateInfo:
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        dns = san.get_values_for_type(x509.DNSName)
        ips = [str(a) for a in san.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        dns, ips = [], []
    return CertificateInfo(
        subject=cert.subject.rfc4514_string(), dns_names=list(dns), ip_addresses=ips,
        not_before=cert.not_valid_before_utc, not_after=cert.not_valid_after_utc,
        fingerprint=certificate_fingerprint(cert.public_bytes(serialization.Encoding.DER)))


def server_certificate_info(config: HubConfig, data_dir: Path) -> CertificateInfo:
    return describe(load_certificate(TlsPaths.of(config, data_dir).server_cert,
                                     "server certificate"))


def renew_server_certificate(config: HubConfig, data_dir: Path, names: list[str] | None = None,
                             *, days: int = SERVER_DAYS) -> CertificateInfo:
    """A new server key and certificate from the station CA (same names unless given).

    Laptops pin the CA, not the server certificate, so nobody enrols again. The key is written
    before the certificate; if the machine stops between the two, run the renewal again.
    """
    paths = TlsPaths.of(config, data_dir)
    ca_cert = load_certificate(paths.ca_cert, "station CA certificate")
    ca_key = _load_key(paths.ca_key, "station CA key")
    if ca_cert.public_key() != ca_key.public_key():
        raise TlsError("the station CA key does not match the CA certificate")
    if names is None:
        names = config.names or server_certificate_info(config, data_dir).names
    key, cert = make_server_certificate(ca_key, ca_cert, names, days=days)
    write_private(paths.server_key, _pem_key(key))
    write_private(paths.server_cert, _pem_cert(cert))
    return describe(cert)


# ---- TLS ---------------------------------------------------------------------------------------

def server_ssl_context(config: HubConfig, data_dir: Path) -> ssl.SSLContext:
    """TLS 1.3 only, the server certificate and key from the data folder; no client certificates
    (devices prove themselves with request signatures)."""
    paths = TlsPaths.of(config, data_dir)
    for path, what in ((paths.server_cert, "server certificate"), (paths.server_key, "server key")):
        if not path.is_file():
            raise TlsError(f"the {what} ({path.name}) is missing from the hub's data folder")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.options |= ssl.OP_NO_COMPRESSION
    try:
        ctx.load_cert_chain(paths.server_cert, paths.server_key)
    except ssl.SSLError:
        raise TlsError("the server certificate and key do not match or are damaged; "
                       "run 'fieldapp-hub cert renew'") from None
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx
