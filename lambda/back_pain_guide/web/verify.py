"""Checks that a request really comes from Alexa, as Amazon's web-service requirements ask.

Built on the ``cryptography`` package (its X.509 path validation) rather than
``ask-sdk-webservice-support``, whose dependency ``oscrypto`` cannot load OpenSSL 3.
The switches keep flask-ask-sdk's names: ``VERIFY_SIGNATURE``, ``VERIFY_TIMESTAMP``
and the skill ID.

Order of checks, cheapest first, so a forged request costs no download:

1. the headers: ``SignatureCertChainUrl`` obeys Amazon's URL rules and ``Signature-256``
   is base64 of a plausible RSA signature length;
2. the body's timestamp (within 150 s) and application ID;
3. only then the certificate chain, fetched from the URL in its canonical form (scheme and
   host lower-cased, default port, dot segments and percent-escapes resolved, query and
   fragment dropped), so every spelling of one URL is one cache entry and one download;
   the cache is bounded in size and age;
4. ``Signature-256`` over the raw body.

The timestamp and application ID are checked before the signature but still only accepted
together with it: a request passes when every check passes. The default downloader
(:class:`ChainDownloader`) never follows a redirect and gives the whole download one
deadline and a size cap; at most a few downloads run at once, and the requests that need
the same new URL wait for one download. Every failure raises a subclass of
:class:`VerificationError` whose ``reason`` is the project's own short sentence (never a
library's message) and whose ``status`` is the HTTP status to answer with.
"""

from __future__ import annotations

import base64
import binascii
import http.client
import io
import os
import posixpath
import socket
import ssl
import threading
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from urllib.parse import quote, unquote, urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.verification import PolicyBuilder, Store
from cryptography.x509.verification import VerificationError as PathError

# flask-ask-sdk's configuration names, kept so its users feel at home.
VERIFY_SIGNATURE_APP_CONFIG = "VERIFY_SIGNATURE"
VERIFY_TIMESTAMP_APP_CONFIG = "VERIFY_TIMESTAMP"

SIGNATURE_HEADER = "Signature-256"
CERT_URL_HEADER = "SignatureCertChainUrl"
CERT_URL_SCHEME = "https"
CERT_URL_HOST = "s3.amazonaws.com"
CERT_URL_PATH_PREFIX = "/echo.api/"
CERT_URL_PORT = 443
MAX_CERT_URL_LENGTH = 512
SIGNING_DOMAIN = "echo-api.amazon.com"
TIMESTAMP_TOLERANCE = timedelta(seconds=150)
#: RSA signatures are as long as the key: 2048 to 4096 bits.
SIGNATURE_BYTES = range(256, 512 + 1)
MAX_SIGNATURE_HEADER = 1024

MAX_CHAIN_BYTES = 64 * 1024
MAX_RESPONSE_HEAD_BYTES = 16 * 1024
FETCH_DEADLINE_SECONDS = 5.0  # the whole download: connect, TLS, headers and body
MAX_CONCURRENT_FETCHES = 4
CACHE_MAX_ENTRIES = 16
CACHE_MAX_AGE = timedelta(hours=6)  # a chain is fetched again at least this often
FAILED_URL_MEMORY = timedelta(seconds=5)  # a URL whose chain just failed is not fetched again at once
FAILED_URL_ENTRIES = 256

CertificateFetcher = Callable[[str], bytes]
Clock = Callable[[], datetime]


class VerificationError(Exception):
    """A request that must be refused; ``reason`` is short and safe to log or return."""

    status = 400

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CertificateUrlError(VerificationError):
    """The SignatureCertChainUrl header is missing or breaks one of Amazon's URL rules."""


class CertificateFetchError(VerificationError):
    """The certificate chain could not be downloaded."""


class CertificateServiceBusy(CertificateFetchError):
    """Too many chain downloads are already under way; the request may be retried."""

    status = 503


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
    return datetime.now(UTC)


# --- certificate URL -----------------------------------------------------------------


def check_cert_url(url: str | None) -> str:
    """Apply Amazon's four rules for SignatureCertChainUrl; return the URL in canonical form.

    Scheme and host compare case-insensitively; the path, after resolving ``.`` and
    ``..`` segments, must start with ``/echo.api/`` exactly (case-sensitive); a port,
    if given, must be 443. The canonical form drops the port, query and fragment.
    """
    if not url:
        raise CertificateUrlError(f"missing {CERT_URL_HEADER} header")
    if len(url) > MAX_CERT_URL_LENGTH:
        raise CertificateUrlError("certificate URL is too long")
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
    path = normalise_path(parts.path)
    if not path.startswith(CERT_URL_PATH_PREFIX) or "\x00" in path:
        raise CertificateUrlError(f"certificate URL path must start with {CERT_URL_PATH_PREFIX}")
    return f"{CERT_URL_SCHEME}://{CERT_URL_HOST}{quote(path, safe='/')}"


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


class _Recorded:
    """A finished download, shaped like the socket :class:`http.client.HTTPResponse` reads."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def makefile(self, *args: Any, **kwargs: Any) -> io.BytesIO:
        return io.BytesIO(self._data)


class ChainDownloader:
    """Downloads a certificate chain over HTTPS: one deadline for the whole download
    (connect, TLS handshake, headers, body), a size cap, and no redirects (a 3xx is a
    failure, like any status but 200).

    ``address`` connects somewhere other than the URL's host (tests serve a chain from
    127.0.0.1; the TLS name checked is still the URL's host); ``context`` is the TLS
    context (the system's trust by default).
    """

    def __init__(
        self,
        deadline: float = FETCH_DEADLINE_SECONDS,
        max_bytes: int = MAX_CHAIN_BYTES,
        *,
        address: tuple[str, int] | None = None,
        context: ssl.SSLContext | None = None,
    ) -> None:
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.address = address
        self.context = context or ssl.create_default_context()

    def __call__(self, url: str) -> bytes:
        parts = urlsplit(url)
        host = parts.hostname or ""
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        until = time.monotonic() + self.deadline
        try:
            raw = self._exchange(host, self.address or (host, parts.port or 443), target, until)
        except TimeoutError:
            raise CertificateFetchError("certificate chain download took too long") from None
        except (OSError, ssl.SSLError):
            raise CertificateFetchError("certificate chain download failed") from None
        return self._body(raw)

    def _left(self, until: float) -> float:
        left = until - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return left

    def _exchange(self, host: str, address: tuple[str, int], target: str, until: float) -> bytes:
        request = (
            f"GET {target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: back-pain-guide\r\n"
            "Accept: */*\r\nConnection: close\r\n\r\n"
        ).encode("ascii")
        limit = self.max_bytes + MAX_RESPONSE_HEAD_BYTES
        with (
            socket.create_connection(address, timeout=self._left(until)) as plain,
            self.context.wrap_socket(plain, server_hostname=host) as tls,
        ):
            tls.settimeout(self._left(until))
            tls.sendall(request)
            received = bytearray()
            while len(received) <= limit:
                tls.settimeout(self._left(until))
                chunk = tls.recv(16384)
                if not chunk:
                    return bytes(received)
                received += chunk
        raise CertificateFetchError("certificate chain too large")

    def _body(self, raw: bytes) -> bytes:
        reply = http.client.HTTPResponse(_Recorded(raw))  # type: ignore[arg-type]
        try:
            reply.begin()
            if 300 <= reply.status < 400:
                raise CertificateFetchError(
                    "certificate host answered with a redirect, which is not followed"
                )
            if reply.status != 200:
                raise CertificateFetchError(f"certificate host answered with status {reply.status}")
            data = reply.read(self.max_bytes + 1)
        except (http.client.HTTPException, ValueError):
            raise CertificateFetchError("certificate host sent no readable HTTP reply") from None
        if len(data) > self.max_bytes:
            raise CertificateFetchError("certificate chain too large")
        return data


def fetch_over_https(url: str) -> bytes:
    """The default fetcher: :class:`ChainDownloader` with its default limits."""
    return ChainDownloader()(url)


@dataclass(frozen=True)
class SigningCertificate:
    """A validated chain's leaf key, usable until the first certificate of the chain expires."""

    public_key: rsa.RSAPublicKey
    not_before: datetime
    not_after: datetime

    def valid_at(self, moment: datetime) -> bool:
        return self.not_before <= moment <= self.not_after


class CertificateCache:
    """Validated signing certificates keyed by canonical URL, least recently used first out.

    An entry is dropped once its chain expires or it is older than ``max_age``; at most
    ``max_entries`` are kept.
    """

    def __init__(self, max_entries: int = CACHE_MAX_ENTRIES, max_age: timedelta = CACHE_MAX_AGE) -> None:
        self.max_entries = max_entries
        self.max_age = max_age
        self._entries: OrderedDict[str, tuple[SigningCertificate, datetime]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, url: str, now: datetime) -> SigningCertificate | None:
        with self._lock:
            found = self._entries.get(url)
            if found is None:
                return None
            entry, stored = found
            if not entry.valid_at(now) or not stored <= now <= stored + self.max_age:
                del self._entries[url]
                return None
            self._entries.move_to_end(url)
            return entry

    def put(self, url: str, entry: SigningCertificate, now: datetime) -> None:
        with self._lock:
            self._entries[url] = (entry, now)
            self._entries.move_to_end(url)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


def _san_dns_names(certificate: x509.Certificate) -> list[str]:
    try:
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except (x509.ExtensionNotFound, ValueError):
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
    verifier = (
        PolicyBuilder()
        .store(store)
        .time(now.replace(tzinfo=None))
        .build_server_verifier(x509.DNSName(SIGNING_DOMAIN))
    )
    try:
        path = verifier.verify(leaf, intermediates)
    except (PathError, ValueError):  # the library's own words stay out of the reason
        raise UntrustedChainError("certificate chain not trusted") from None
    key = leaf.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise CertificateChainError("signing certificate key is not RSA")
    return SigningCertificate(
        public_key=key,
        not_before=max(cert.not_valid_before_utc for cert in path),
        not_after=min(cert.not_valid_after_utc for cert in path),
    )


# --- the verifier ---------------------------------------------------------------------


class Headers(Protocol):
    """HTTP headers: a dict, or a web framework's case-insensitive headers."""

    def items(self) -> Iterable[tuple[str, str]]: ...


def _header(headers: Headers, name: str) -> str | None:
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
        moment = moment.replace(tzinfo=UTC)
    return moment


def application_id(envelope: Mapping[str, Any]) -> str | None:
    """The skill a request is addressed to (context first, then session)."""
    for path in (
        ("context", "System", "application", "applicationId"),
        ("session", "application", "applicationId"),
    ):
        node: Any = envelope
        for key in path:
            node = node.get(key) if isinstance(node, Mapping) else None
        if isinstance(node, str):
            return node
    return None


def signature_bytes(encoded: str | None) -> bytes:
    """The Signature-256 header decoded, refused unless it could be an RSA signature."""
    if not encoded:
        raise SignatureError(f"missing {SIGNATURE_HEADER} header")
    if len(encoded) > MAX_SIGNATURE_HEADER:
        raise SignatureError("signature is too long")
    try:
        signature = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError("signature is not base64") from None
    if len(signature) not in SIGNATURE_BYTES:
        raise SignatureError("signature has the wrong length")
    return signature


class _Download:
    """One chain download that other requests for the same URL wait for."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.certificate: SigningCertificate | None = None
        self.error: VerificationError | None = None


class RequestVerifier:
    """Verifies one Alexa request: headers, raw body bytes and the parsed envelope.

    ``fetcher`` downloads a chain for a canonical URL (:class:`ChainDownloader` by default;
    tests inject their own); ``roots`` are the trusted root certificates (the system's by
    default); ``clock`` returns the current UTC time.
    """

    def __init__(
        self,
        skill_id: str | None = None,
        *,
        verify_signature: bool = True,
        verify_timestamp: bool = True,
        fetcher: CertificateFetcher | None = None,
        roots: Iterable[x509.Certificate] | None = None,
        clock: Clock = utc_now,
        tolerance: timedelta = TIMESTAMP_TOLERANCE,
        cache: CertificateCache | None = None,
        max_concurrent_fetches: int = MAX_CONCURRENT_FETCHES,
    ) -> None:
        self.skill_id = skill_id
        self.verify_signature = verify_signature
        self.verify_timestamp = verify_timestamp
        self.fetcher = fetcher or fetch_over_https
        self.clock = clock
        self.tolerance = tolerance
        self.cache = cache if cache is not None else CertificateCache()
        self._roots = list(roots) if roots is not None else None
        self._store: Store | None = None
        self._lock = threading.Lock()
        self._downloads: dict[str, _Download] = {}
        self._fetch_slots = threading.BoundedSemaphore(max_concurrent_fetches)
        self._failed: OrderedDict[str, datetime] = OrderedDict()

    @property
    def store(self) -> Store:
        if self._store is None:  # loaded lazily: a service without verification never reads it
            self._store = Store(self._roots if self._roots is not None else system_roots())
        return self._store

    def verify(
        self,
        headers: Headers,
        body: bytes,
        envelope: Mapping[str, Any],
        *,
        signature: bool | None = None,
        timestamp: bool | None = None,
    ) -> None:
        """Raise a :class:`VerificationError` subclass unless the request is acceptable.

        ``signature`` / ``timestamp`` override the verifier's own switches for this call.
        Everything that needs no download is checked before the certificate chain is fetched.
        """
        now = self.clock()
        check_signature = self.verify_signature if signature is None else signature
        if check_signature:
            url = check_cert_url(_header(headers, CERT_URL_HEADER))
            signed = signature_bytes(_header(headers, SIGNATURE_HEADER))
        if self.verify_timestamp if timestamp is None else timestamp:
            self.check_timestamp(envelope, now)
        self.check_application_id(envelope)
        if check_signature:
            certificate = self.signing_certificate(url, now)
            try:
                certificate.public_key.verify(signed, body, padding.PKCS1v15(), hashes.SHA256())
            except InvalidSignature:
                raise SignatureError("signature does not match the request body") from None

    def signing_certificate(self, url: str, now: datetime) -> SigningCertificate:
        """The validated certificate for a canonical URL: from the cache, or downloaded once
        however many requests ask for it at the same moment."""
        cached = self.cache.get(url, now)
        if cached is not None:
            return cached
        with self._lock:
            failed_at = self._failed.get(url)
            if failed_at is not None and now - failed_at < FAILED_URL_MEMORY:
                raise CertificateFetchError("certificate chain download failed a moment ago")
            download = self._downloads.get(url)
            leader = download is None
            if leader:
                download = self._downloads[url] = _Download()
        assert download is not None
        if not leader:
            if not download.done.wait(FETCH_DEADLINE_SECONDS + 1.0):
                raise CertificateFetchError("certificate chain download took too long")
            if download.error is not None:
                raise download.error
            assert download.certificate is not None
            return download.certificate
        try:
            download.certificate = self._download(url, now)
            return download.certificate
        except VerificationError as error:
            download.error = error
            raise
        finally:
            with self._lock:
                del self._downloads[url]
                if download.error is not None and not isinstance(download.error, CertificateServiceBusy):
                    self._failed[url] = now
                    while len(self._failed) > FAILED_URL_ENTRIES:
                        self._failed.popitem(last=False)
            download.done.set()

    def _download(self, url: str, now: datetime) -> SigningCertificate:
        if not self._fetch_slots.acquire(blocking=False):
            raise CertificateServiceBusy("too many certificate downloads at once; try again")
        try:
            try:
                pem = self.fetcher(url)
            except VerificationError:
                raise
            except Exception:  # an injected fetcher may fail in its own way
                raise CertificateFetchError("certificate chain download failed") from None
        finally:
            self._fetch_slots.release()
        certificate = validate_chain(pem, self.store, now)
        self.cache.put(url, certificate, now)
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
