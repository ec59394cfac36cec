"""What a forged request can make the verifier do: cheap checks before any download, one
download per canonical URL, a bounded cache, and a downloader that gives up on time, on
size and on redirects. Also: Amazon's real chain for echo-api.amazon.com passes."""

from __future__ import annotations

import base64
import os
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from certhost import cert_host, silent_host
from testca import CERT_URL, SKILL_ID, TestCA, body_of, envelope

from back_pain_guide.web import verify as v

REAL_CHAIN = Path(__file__).resolve().parent / "fixtures" / "echo-api-cert-12.pem"


def forged_headers(url: str = CERT_URL) -> dict[str, str]:
    """Well-formed headers whose signature is 256 random bytes (passes the cheap checks)."""
    return {"SignatureCertChainUrl": url, "Signature-256": base64.b64encode(os.urandom(256)).decode()}


# --- cheap checks first ----------------------------------------------------------------


@pytest.mark.parametrize(
    "change,error",
    [
        (lambda h, e: h.update({"Signature-256": "not base64!"}), v.SignatureError),
        (lambda h, e: h.update({"Signature-256": base64.b64encode(b"short").decode()}), v.SignatureError),
        (lambda h, e: h.update({"Signature-256": "QUJD" * 400}), v.SignatureError),
        (lambda h, e: h.pop("Signature-256"), v.SignatureError),
        (
            lambda h, e: h.update(
                {"SignatureCertChainUrl": "https://s3.amazonaws.com/echo.api/" + "a" * 600}
            ),
            v.CertificateUrlError,
        ),
        (lambda h, e: e["request"].update(timestamp="2001-01-01T00:00:00Z"), v.TimestampError),
        (lambda h, e: e["request"].update(timestamp="not a date"), v.TimestampError),
        (
            lambda h, e: e["context"]["System"]["application"].update(applicationId="amzn1.ask.skill.other"),
            v.ApplicationIdError,
        ),
    ],
)
def test_requests_failing_a_cheap_check_cause_no_download(verifier, fetcher, change, error):
    headers, env = forged_headers(), envelope()
    change(headers, env)
    with pytest.raises(error):
        verifier.verify(headers, body_of(env), env)
    assert fetcher.urls == []


def test_two_thousand_forged_requests_cost_one_download_and_one_cache_entry(verifier, fetcher):
    """Before: the chain was fetched and cached per raw URL, so a new query string each time
    cost one download and about 9 KB of memory per request."""
    spellings = [
        "https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem?n={n}",
        "HTTPS://S3.AMAZONAWS.COM:443/echo.api/./echo-api-cert-test.pem#{n}",
        "https://s3.amazonaws.com/echo.api/x/../echo-api-cert-test.pem?{n}",
        "https://s3.amazonaws.com/echo.api/echo-api-cert%2Dtest.pem?v={n}",
    ]
    env = envelope()
    body = body_of(env)
    for n in range(2000):
        with pytest.raises(v.SignatureError, match="does not match"):
            verifier.verify(forged_headers(spellings[n % 4].format(n=n)), body, env)
    assert fetcher.urls == [CERT_URL] and len(verifier.cache) == 1


def test_cache_keeps_a_bounded_number_of_urls(ca, clock):
    fetched: list[str] = []
    verifier = v.RequestVerifier(
        SKILL_ID,
        fetcher=lambda url: fetched.append(url) or ca.chain_pem,
        roots=[ca.root],
        clock=clock,
        cache=v.CertificateCache(max_entries=4),
    )
    env = envelope()
    body = body_of(env)
    for n in range(10):
        verifier.verify(ca.headers(body, url=f"https://s3.amazonaws.com/echo.api/cert-{n}.pem"), body, env)
    assert len(verifier.cache) == 4 and len(fetched) == 10
    verifier.verify(ca.headers(body, url="https://s3.amazonaws.com/echo.api/cert-9.pem"), body, env)
    assert len(fetched) == 10  # the most recent ones are kept


def test_cache_entries_are_fetched_again_after_their_age(ca, fetcher, clock):
    verifier = v.RequestVerifier(
        SKILL_ID,
        fetcher=fetcher,
        roots=[ca.root],
        clock=clock,
        cache=v.CertificateCache(max_age=timedelta(minutes=10)),
    )
    for minutes in (0, 5, 11):
        clock.now += timedelta(minutes=minutes)
        env = envelope(timestamp=clock.now)
        body = body_of(env)
        verifier.verify(ca.headers(body), body, env)
    assert fetcher.urls == [CERT_URL, CERT_URL]


def test_requests_for_one_new_url_at_once_share_one_download(ca, clock):
    fetched: list[str] = []

    def slow(url: str) -> bytes:
        fetched.append(url)
        time.sleep(0.3)
        return ca.chain_pem

    verifier = v.RequestVerifier(SKILL_ID, fetcher=slow, roots=[ca.root], clock=clock)
    env = envelope()
    body = body_of(env)
    failures: list[BaseException] = []

    def one() -> None:
        try:
            verifier.verify(ca.headers(body), body, env)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and fetched == [CERT_URL]


def test_downloads_at_once_are_bounded_and_the_excess_is_a_503(ca, clock):
    release = threading.Event()

    def hanging(url: str) -> bytes:
        release.wait(5)
        return ca.chain_pem

    verifier = v.RequestVerifier(
        SKILL_ID, fetcher=hanging, roots=[ca.root], clock=clock, max_concurrent_fetches=2
    )
    env = envelope()
    body = body_of(env)
    threads = [
        threading.Thread(
            target=verifier.verify,
            args=(ca.headers(body, url=f"https://s3.amazonaws.com/echo.api/hang-{n}.pem"), body, env),
        )
        for n in range(2)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    with pytest.raises(v.CertificateServiceBusy) as busy:
        verifier.verify(ca.headers(body, url="https://s3.amazonaws.com/echo.api/third.pem"), body, env)
    assert busy.value.status == 503
    release.set()
    for thread in threads:
        thread.join()


def test_reasons_are_the_projects_own_words(ca, fetcher, clock):
    """Before: 'certificate chain not trusted: <the cryptography library's message>'."""
    verifier = v.RequestVerifier(SKILL_ID, fetcher=fetcher, roots=[TestCA().root], clock=clock)
    env = envelope()
    body = body_of(env)
    with pytest.raises(v.UntrustedChainError) as untrusted:
        verifier.verify(ca.headers(body), body, env)
    assert untrusted.value.reason == "certificate chain not trusted"

    def broken(url: str) -> bytes:
        raise ConnectionResetError("[Errno 104] Connection reset by peer")

    with pytest.raises(v.CertificateFetchError) as failed:
        v.RequestVerifier(SKILL_ID, fetcher=broken, roots=[ca.root], clock=clock).verify(
            ca.headers(body), body, env
        )
    assert failed.value.reason == "certificate chain download failed"


# --- the downloader against a local HTTPS host -------------------------------------------


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    ca = TestCA()
    with cert_host(ca, tmp_path_factory.mktemp("certhost")) as running:
        running.ca = ca  # type: ignore[attr-defined]
        yield running


def downloader(host, deadline: float = 5.0) -> v.ChainDownloader:
    return v.ChainDownloader(deadline, address=host.address, context=host.client_context(host.ca))


def test_downloader_fetches_a_chain(host):
    assert downloader(host)("https://s3.amazonaws.com/echo.api/good.pem") == host.ca.chain_pem


def test_downloader_never_follows_a_redirect(host):
    host.requests.clear()
    with pytest.raises(v.CertificateFetchError, match="redirect"):
        downloader(host)("https://s3.amazonaws.com/echo.api/redirect.pem")
    assert host.requests == ["/echo.api/redirect.pem"]


def test_downloader_caps_the_size(host):
    with pytest.raises(v.CertificateFetchError, match="too large"):
        downloader(host)("https://s3.amazonaws.com/echo.api/huge.pem")


def test_downloader_refuses_other_statuses(host):
    with pytest.raises(v.CertificateFetchError, match="status 404"):
        downloader(host)("https://s3.amazonaws.com/echo.api/missing.pem")


def test_a_dripping_host_is_given_one_deadline_for_the_whole_download(host):
    """Before: the 5 s timeout applied to each read, so a host sending a byte every few
    seconds held the download (and the worker) for 45 s."""
    started = time.monotonic()
    with pytest.raises(v.CertificateFetchError, match="took too long"):
        downloader(host, deadline=1.5)("https://s3.amazonaws.com/echo.api/slow-drip.pem")
    assert 1.4 < time.monotonic() - started < 3.0


def test_a_host_that_never_finishes_the_handshake_is_given_up_on_time():
    with silent_host() as address:
        started = time.monotonic()
        with pytest.raises(v.CertificateFetchError, match="took too long"):
            v.ChainDownloader(1.0, address=address)("https://s3.amazonaws.com/echo.api/good.pem")
        assert time.monotonic() - started < 2.5


def test_the_tls_name_checked_is_amazons_not_the_address(host):
    """The local host's certificate names s3.amazonaws.com; asked as another name it is refused."""
    with pytest.raises(v.CertificateFetchError, match="failed"):
        downloader(host)("https://elsewhere.example/echo.api/good.pem")


# --- Amazon's real chain ---------------------------------------------------------------


def test_amazons_real_chain_is_trusted_through_the_system_roots():
    """echo-api-cert-12.pem as Amazon served it (leaf echo-api.amazon.com, valid 2023-03-16
    to 2023-12-23, Amazon RSA 2048 M01, Amazon Root CA 1, Starfield Services Root G2), checked
    at a moment inside its validity: the timestamp check is set aside, nothing else."""
    store = v.Store(v.system_roots())
    during = datetime(2023, 6, 1, tzinfo=UTC)
    certificate = v.validate_chain(REAL_CHAIN.read_bytes(), store, during)
    assert certificate.public_key.key_size == 2048
    assert certificate.valid_at(during)
    with pytest.raises(v.CertificateExpiredError):
        v.validate_chain(REAL_CHAIN.read_bytes(), store, datetime(2024, 6, 1, tzinfo=UTC))


def test_amazons_real_chain_is_refused_without_its_intermediate_or_with_another_root():
    chain = REAL_CHAIN.read_bytes()
    during = datetime(2023, 6, 1, tzinfo=UTC)
    leaf_only = chain[: chain.index(b"-----END CERTIFICATE-----") + len(b"-----END CERTIFICATE-----\n")]
    with pytest.raises(v.UntrustedChainError):
        v.validate_chain(leaf_only, v.Store(v.system_roots()), during)
    with pytest.raises(v.UntrustedChainError):
        v.validate_chain(chain, v.Store([TestCA().root]), during)
