"""Checks that a request really comes from Alexa, as Amazon's web-service requirements ask.

Built on the ``cryptography`` package (its X.509 path validation) rather than
``ask-sdk-webservice-support``, whose dependency ``oscrypto`` cannot load OpenSSL 3.
The switches keep flask-ask-sdk's names: ``VERIFY_SIGNATURE``, ``VERIFY_TIMESTAMP``
and the skill ID.

Order of checks: certificate URL, certificate chain (fetched once per URL and cached
until it expires), ``Signature-256`` over the raw body, then the values read from the
body (timestamp, application ID), which are only trusted once the signature holds.
Every failure raises a subclass of :class:`VerificationError` with a short ``reason``.
"""
from __future__ import annotations

import base64
import binascii
import os
import posixpath
import ssl
import threading
import urllib.request
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable, Mapping
from urllib.parse import unquote, urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError as PathError

# flask-ask-sdk's configuration names, kept so its users feel at home.
VERIFY_SIGNATURE_APP_CONFIG = "VERIFY_SIGNATURE"
VERIFY_TIMESTAMP_APP_CONFIG = "VERIFY_TIMESTAMP"

SIGNATURE_HEADER = "Signature-256"
CERT_URL_HEADER = "SignatureCertChainUrl"
CERT_URL_SCHEME = "https"
CERT_URL_HOST = "s3.amazonaws.com"
CERT_URL_PATH_PREFIX = "/echo.api/"
CERT_URL_PORT = 443
SIGNING_DOMAIN = "echo-api.amazon.com"
TIMESTAMP_TOLERANCE = timedelta(seconds=150)
MAX_CHAIN_BYTES = 64 * 1024
FETCH_TIMEOUT_SECONDS = 5.0

CertificateFetcher = Callable[[str], bytes]
Clock = Callable[[], datetime]


class VerificationError(Exception):
    """A request that must be refused; ``reason`` is short and safe to log or return."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CertificateUrlError(VerificationError):
    """The SignatureCertChainUrl header is missing or breaks one of Amazon's URL rules."""


class CertificateFetchError(VerificationError):
    """The certificate chain could not be downloaded."""


class CertificateChainError(VerificationError):
    """The downloaded chain cannot be read as PEM certificates."""


class CertificateExpiredError(CertificateChainError):
    """The signing certificate is not valid at this moment."""


class CertificateSubjectError(CertificateChainError):
    """The signing certificate's SAN does not name echo-api.amazon.com."""


class UntrustedChainError(CertificateChainError):
    """The chain does not lead to a trusted root certificate."""


class SignatureError(VerificationError):
    """The Signature-256 header is missing, malformed or does not match the body."""


class TimestampError(VerificationError):
    """The request timestamp is missing, unreadable or more than 150 seconds off."""


class ApplicationIdError(VerificationError):
    """The request is addressed to another skill."""


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


# --- certificate URL -----------------------------------------------------------------

def check_cert_url(url: str | None) -> None:
    """Apply Amazon's four rules for SignatureCertChainUrl.

    Scheme and host compare case-insensitively; the path, after resolving ``.`` and
    ``..`` segments, must start with ``/echo.api/`` exactly (case-sensitive); a port,
    if given, must be 443.
    """
    if not url:
        raise CertificateUrlError(f"missing {CERT_URL_HEADER} header")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise CertificateUrlError("certificate URL cannot be parsed") from None
    if parts.scheme.lower() != CERT_URL_SCHEME:
        raise CertificateUrlError("certificate URL scheme must be https")
    if (parts.hostname or "").lower() != CERT_URL_HOST:
        raise CertificateUrlError(f"certificate URL host must be {CERT_URL_HOST}")
    if port is not None and port != CERT_URL_PORT:
        raise CertificateUrlError(f"certificate URL port must be {CERT_URL_PORT}")
    if not normalise_path(parts.path).startswith(CERT_URL_PATH_PREFIX):
        raise CertificateUrlError(f"certificate URL path must start with {CERT_URL_PATH_PREFIX}")


def normalise_path(path: str) -> str:
    """Percent-decode and resolve dot segments, keeping a trailing slash."""
    decoded = unquote(path)
    if not decoded.startswith("/"):
        decoded = "/" + decoded
    resolved = posixpath.normpath(decoded)
    if resolved.startswith("//"):  # normpath keeps a leading double slash
        resolved = "/" + resolved.lstrip("/")
    if decoded.endswith("/") and not resolved.endswith("/"):
        resolved += "/"
    return resolved


# --- trust store and certificate download -------------------------------------------

def load_pem_certificates(data: bytes) -> list[x509.Certificate]:
    with warnings.catch_warnings():  # some system roots carry non-positive serials
        warnings.simplefilter("ignore")
        return x509.load_pem_x509_certificates(data)


def system_roots() -> list[x509.Certificate]:
    """The operating system's trusted roots (SSL_CERT_FILE, then OpenSSL's default file)."""
    paths = ssl.get_default_verify_paths()
    for candidate in (os.environ.get("SSL_CERT_FILE"), paths.cafile, paths.openssl_cafile):
        if candidate and os.path.isfile(candidate):
            with open(candidate, "rb") as handle:
                return load_pem_certificates(handle.read())
    try:
        import certifi  # a dependency of requests, present wherever the SDK is
    except ImportError as exc:
        raise RuntimeError("no trusted root certificates found on this system") from exc
    with open(certifi.where(), "rb") as handle:
        return load_pem_certificates(handle.read())


def fetch_over_https(url: str) -> bytes:
    """Download a certificate chain (the default fetcher): short timeout, size cap."""
    request = urllib.request.Request(url, headers={"User-Agent": "back-pain-guide"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as reply:  # noqa: S310 (URL checked)
            data = reply.read(MAX_CHAIN_BYTES + 1)
    except OSError as exc:
        raise CertificateFetchError(f"certificate chain download failed: {type(exc).__name__}") from None
    if len(data) > MAX_CHAIN_BYTES:
        raise CertificateFetchError("certificate chain too large")
    return data


@dataclass(frozen=True)
class SigningCertificate:
    """A validated chain's leaf key, usable until the first certificate of the chain expires."""

    public_key: rsa.RSAPublicKey
    not_before: datetime
    not_after: datetime

    def valid_at(self, moment: datetime) -> bool:
        return self.not_before <= moment <= self.not_after


class CertificateCache:
    """Validated signing certificates keyed by URL; an entry is dropped once it expires."""

    def __init__(self) -> None:
        self._entries: dict[str, SigningCertificate] = {}
        self._lock = threading.Lock()

    def get(self, url: str, now: datetime) -> SigningCertificate | None:
        with self._lock:
            entry = self._entries.get(url)
            if entry is not None and not entry.valid_at(now):
                del self._entries[url]
                return None
            return entry

    def put(self, url: str, entry: SigningCertificate) -> None:
        with self._lock:
            self._entries[url] = entry

    def __len__(self) -> int:
        return len(self._entries)


def _san_dns_names(certificate: x509.Certificate) -> list[str]:
    try:
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []
    return [name.lower() for name in san.value.get_values_for_type(x509.DNSName)]


def validate_chain(pem: bytes, store: Store, now: datetime) -> SigningCertificate:
    """Check the leaf (dates, SAN) and the path to a trusted root; return its key."""
    try:
        chain = load_pem_certificates(pem)
    except ValueError:
        raise CertificateChainError("certificate chain is not PEM") from None
    if not chain:
        raise CertificateChainError("certificate chain is empty")
    leaf, intermediates = chain[0], chain[1:]
    if not leaf.not_valid_before_utc <= now <= leaf.not_valid_after_utc:
        raise CertificateExpiredError("signing certificate is not valid now")
    if SIGNING_DOMAIN not in _san_dns_names(leaf):
        raise CertificateSubjectError(f"signing certificate SAN lacks {SIGNING_DOMAIN}")
    verifier = (PolicyBuilder().store(store).time(now.replace(tzinfo=None))
                .build_server_verifier(x509.DNSName(SIGNING_DOMAIN)))
    try:
        path = verifier.verify(leaf, intermediates)
    except PathError as exc:
        raise UntrustedChainError(f"certificate chain not trusted: {str(exc)[:120]}") from None
    key = leaf.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise CertificateChainError("signing certificate key is not RSA")
    return SigningCertificate(
        public_key=key,
        not_before=max(cert.not_valid_before_utc for cert in path),
        not_after=min(cert.not_valid_after_utc for cert in path),
    )


# --- the verifier ---------------------------------------------------------------------

def _header(headers: Mapping[str, str], name: str) -> str | None:
    getter = getattr(headers, "get", None)
    value = getter(name) if getter else None
    if value is None:  # plain dicts are case-sensitive; HTTP headers are not
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), None)
    return value


def _parse_timestamp(value: Any) -> datetime:
    if not isinstance(value, str):
        raise TimestampError("request timestamp missing")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise TimestampError("request timestamp unreadable") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment


def application_id(envelope: Mapping[str, Any]) -> str | None:
    """The skill a request is addressed to (context first, then session)."""
    for path in (("context", "System", "application", "applicationId"),
                 ("session", "application", "applicationId")):
        node: Any = envelope
        for key in path:
            node = node.get(key) if isinstance(node, Mapping) else None
        if isinstance(node, str):
            return node
    return None


class RequestVerifier:
    """Verifies one Alexa request: headers, raw body bytes and the parsed envelope.

    ``fetcher`` downloads a chain for a URL (HTTPS by default; tests inject their own);
    ``roots`` are the trusted root certificates (the system's by default); ``clock``
    returns the current UTC time.
    """

    def __init__(self, skill_id: str | None = None, *, verify_signature: bool = True,
                 verify_timestamp: bool = True, fetcher: CertificateFetcher | None = None,
                 roots: Iterable[x509.Certificate] | None = None, clock: Clock = utc_now,
                 tolerance: timedelta = TIMESTAMP_TOLERANCE) -> None:
        self.skill_id = skill_id
        self.verify_signature = verify_signature
        self.verify_timestamp = verify_timestamp
        self.fetcher = fetcher or fetch_over_https
        self.clock = clock
        self.tolerance = tolerance
        self.cache = CertificateCache()
        self._roots = list(roots) if roots is not None else None
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:  # loaded lazily: a service without verification never reads it
            self._store = Store(self._roots if self._roots is not None else system_roots())
        return self._store

    def verify(self, headers: Mapping[str, str], body: bytes, envelope: Mapping[str, Any], *,
               signature: bool | None = None, timestamp: bool | None = None) -> None:
        """Raise a :class:`VerificationError` subclass unless the request is acceptable.

        ``signature`` / ``timestamp`` override the verifier's own switches for this call.
        """
        now = self.clock()
        if self.verify_signature if signature is None else signature:
            self.check_signature(headers, body, now)
        if self.verify_timestamp if timestamp is None else timestamp:
            self.check_timestamp(envelope, now)
        self.check_application_id(envelope)

    def check_signature(self, headers: Mapping[str, str], body: bytes, now: datetime) -> None:
        url = _header(headers, CERT_URL_HEADER)
        check_cert_url(url)
        encoded = _header(headers, SIGNATURE_HEADER)
        if not encoded:
            raise SignatureError(f"missing {SIGNATURE_HEADER} header")
        try:
            signature = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise SignatureError("signature is not base64") from None
        certificate = self.signing_certificate(url, now)  # type: ignore[arg-type]
        try:
            certificate.public_key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise SignatureError("signature does not match the request body") from None

    def signing_certificate(self, url: str, now: datetime) -> SigningCertificate:
        cached = self.cache.get(url, now)
        if cached is not None:
            return cached
        try:
            pem = self.fetcher(url)
        except VerificationError:
            raise
        except Exception as exc:  # an injected fetcher may fail in its own way
            raise CertificateFetchError(f"certificate chain download failed: {type(exc).__name__}") from None
        certificate = validate_chain(pem, self.store, now)
        self.cache.put(url, certificate)
        return certificate

    def check_timestamp(self, envelope: Mapping[str, Any], now: datetime) -> None:
        request = envelope.get("request")
        moment = _parse_timestamp(request.get("timestamp") if isinstance(request, Mapping) else None)
        if abs(now - moment) > self.tolerance:
            raise TimestampError(f"request timestamp more than {self.tolerance.seconds} seconds from now")

    def check_application_id(self, envelope: Mapping[str, Any]) -> None:
        if self.skill_id is None:
            return
        if application_id(envelope) != self.skill_id:
            raise ApplicationIdError("application ID does not match this skill")
