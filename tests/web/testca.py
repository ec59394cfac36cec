"""A throwaway certificate authority that signs requests the way Alexa does.

Used by the web tests and by ``bench/bench_web.py``: a root, an intermediate and an
``echo-api.amazon.com`` leaf, all made with ``cryptography``; nothing leaves the process.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem"
SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-000000000006"


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Back Pain Guide tests"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def make_ca_cert(
    key: rsa.RSAPrivateKey,
    name: str,
    issuer: x509.Certificate | None = None,
    issuer_key: rsa.RSAPrivateKey | None = None,
    path_length: int | None = None,
) -> x509.Certificate:
    """A CA certificate: self-signed when ``issuer`` is None."""
    now = _now()
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(issuer.subject if issuer else _name(name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
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
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.public_key()), critical=False
        )
    return builder.sign(issuer_key or key, hashes.SHA256())


def make_leaf_cert(
    key: rsa.RSAPrivateKey,
    issuer: x509.Certificate,
    issuer_key: rsa.RSAPrivateKey,
    dns_names: tuple[str, ...] = ("echo-api.amazon.com",),
    not_before: datetime | None = None,
    not_after: datetime | None = None,
) -> x509.Certificate:
    now = _now()
    return (
        x509.CertificateBuilder()
        .subject_name(_name(dns_names[0] if dns_names else "no-san"))
        .issuer_name(issuer.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - timedelta(days=1))
        .not_valid_after(not_after or now + timedelta(days=90))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in dns_names]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.public_key()), critical=False
        )
        .sign(issuer_key, hashes.SHA256())
    )


def pem(*certificates: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certificates)


@dataclass
class TestCA:
    """Root -> intermediate -> echo-api.amazon.com leaf, with the leaf's private key."""

    __test__ = False  # not a pytest test class

    root_key: rsa.RSAPrivateKey = field(default_factory=_key)
    intermediate_key: rsa.RSAPrivateKey = field(default_factory=_key)
    leaf_key: rsa.RSAPrivateKey = field(default_factory=_key)

    def __post_init__(self) -> None:
        self.root = make_ca_cert(self.root_key, "Test Root CA")
        self.intermediate = make_ca_cert(
            self.intermediate_key, "Test Intermediate CA", self.root, self.root_key, path_length=0
        )
        self.leaf = make_leaf_cert(self.leaf_key, self.intermediate, self.intermediate_key)

    @property
    def root_pem(self) -> bytes:
        return pem(self.root)

    @property
    def chain_pem(self) -> bytes:
        """What Amazon serves at the certificate URL: leaf first, then the intermediate."""
        return pem(self.leaf, self.intermediate)

    def leaf_chain(self, leaf: x509.Certificate) -> bytes:
        return pem(leaf, self.intermediate)

    def sign(self, body: bytes, key: rsa.RSAPrivateKey | None = None) -> str:
        signature = (key or self.leaf_key).sign(body, padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(signature).decode("ascii")

    def headers(self, body: bytes, url: str = CERT_URL) -> dict[str, str]:
        return {
            "Content-Type": "application/json",
            "SignatureCertChainUrl": url,
            "Signature-256": self.sign(body),
        }


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def envelope(
    request: dict[str, Any] | None = None,
    *,
    skill_id: str = SKILL_ID,
    timestamp: datetime | None = None,
    locale: str = "en-US",
    user_id: str | None = None,
) -> dict[str, Any]:
    """A request envelope as Alexa sends it (a LaunchRequest unless told otherwise)."""
    user = {"userId": user_id or f"amzn1.ask.account.TEST{uuid.uuid4().hex.upper()}"}
    application = {"applicationId": skill_id}
    body = dict(request or {"type": "LaunchRequest"})
    body.setdefault("requestId", f"amzn1.echo-api.request.{uuid.uuid4()}")
    body.setdefault("locale", locale)
    body["timestamp"] = iso(timestamp or datetime.now(UTC))
    return {
        "version": "1.0",
        "session": {
            "new": body["type"] == "LaunchRequest",
            "sessionId": f"amzn1.echo-api.session.{uuid.uuid4()}",
            "application": application,
            "attributes": {},
            "user": user,
        },
        "context": {
            "System": {
                "application": application,
                "user": user,
                "device": {"deviceId": "test-device", "supportedInterfaces": {}},
                "apiEndpoint": "https://api.amazonalexa.com",
            }
        },
        "request": body,
    }


def intent(name: str, slots: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "type": "IntentRequest",
        "dialogState": "COMPLETED",
        "intent": {
            "name": name,
            "confirmationStatus": "NONE",
            "slots": {
                k: {"name": k, "value": v, "confirmationStatus": "NONE"} for k, v in (slots or {}).items()
            },
        },
    }


def body_of(envelope_: dict[str, Any]) -> bytes:
    return json.dumps(envelope_, separators=(",", ":")).encode("utf-8")
