"""Request verification in isolation: URL rules, chain checks, cache, signature, timestamp, skill ID."""

from __future__ import annotations

from datetime import timedelta

import pytest
from testca import CERT_URL, SKILL_ID, TestCA, body_of, envelope, make_leaf_cert

from back_pain_guide.web import verify as v

VALID_URLS = [
    "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
    "HTTPS://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://S3.AmazonAWS.com/echo.api/echo-api-cert.pem",
]
INVALID_URLS = {
    "http://s3.amazonaws.com/echo.api/echo-api-cert.pem": "scheme",
    "ftp://s3.amazonaws.com/echo.api/echo-api-cert.pem": "scheme",
    "https://notamazon.com/echo.api/echo-api-cert.pem": "host",
    "https://s3.amazonaws.com.evil.example/echo.api/echo-api-cert.pem": "host",
    "https://s3.amazonaws.com@evil.example/echo.api/echo-api-cert.pem": "host",
    "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem": "path",
    "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem": "path",
    "https://s3.amazonaws.com/echo.api/../evil/echo-api-cert.pem": "path",
    "https://s3.amazonaws.com/echo.api/%2e%2e/evil/cert.pem": "path",
    "https://s3.amazonaws.com/echo.api": "path",
    "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem": "port",
    "https://s3.amazonaws.com:80/echo.api/echo-api-cert.pem": "port",
    "https://s3.amazonaws.com:notaport/echo.api/echo-api-cert.pem": "parsed",
    "": "missing",
}


@pytest.mark.parametrize("url", VALID_URLS)
def test_cert_url_accepted(url):
    v.check_cert_url(url)


@pytest.mark.parametrize("url,rule", INVALID_URLS.items())
def test_cert_url_rejected_by_its_rule(url, rule):
    with pytest.raises(v.CertificateUrlError) as failure:
        v.check_cert_url(url)
    assert rule in failure.value.reason


def signed(ca, env):
    body = body_of(env)
    return ca.headers(body), body, env


def test_valid_request_passes_and_chain_is_fetched_once(ca, verifier, fetcher):
    for _ in range(3):
        verifier.verify(*signed(ca, envelope()))
    assert fetcher.urls == [CERT_URL]


def test_cache_is_keyed_by_url(ca, verifier, fetcher):
    other = "https://s3.amazonaws.com/echo.api/other.pem"
    env = envelope()
    body = body_of(env)
    verifier.verify(ca.headers(body), body, env)
    verifier.verify(ca.headers(body, url=other), body, env)
    verifier.verify(ca.headers(body, url=other), body, env)
    assert fetcher.urls == [CERT_URL, other]


def test_cache_entry_expires_with_the_certificate(ca, verifier, fetcher, clock):
    verifier.verify(*signed(ca, envelope()))
    clock.now = ca.leaf.not_valid_after_utc + timedelta(seconds=1)
    with pytest.raises(v.CertificateExpiredError):
        verifier.verify(*signed(ca, envelope(timestamp=clock.now)))
    assert fetcher.urls == [CERT_URL, CERT_URL]  # dropped from the cache and fetched again
    assert len(verifier.cache) == 0


def test_leaf_not_yet_valid_is_refused(ca, fetcher, clock):
    future = clock.now + timedelta(days=2)
    leaf = make_leaf_cert(
        ca.leaf_key,
        ca.intermediate,
        ca.intermediate_key,
        not_before=future,
        not_after=future + timedelta(days=30),
    )
    fetcher.chain = ca.leaf_chain(leaf)
    verifier = v.RequestVerifier(SKILL_ID, fetcher=fetcher, roots=[ca.root], clock=clock)
    with pytest.raises(v.CertificateExpiredError):
        verifier.verify(*signed(ca, envelope()))


def test_failed_chains_are_not_cached_and_not_fetched_again_at_once(ca, fetcher, clock):
    verifier = v.RequestVerifier(SKILL_ID, fetcher=fetcher, roots=[TestCA().root], clock=clock)
    with pytest.raises(v.UntrustedChainError):
        verifier.verify(*signed(ca, envelope()))
    with pytest.raises(v.CertificateFetchError, match="a moment ago"):
        verifier.verify(*signed(ca, envelope()))
    assert len(fetcher.urls) == 1 and len(verifier.cache) == 0
    clock.now += v.FAILED_URL_MEMORY + timedelta(seconds=1)
    with pytest.raises(v.UntrustedChainError):
        verifier.verify(*signed(ca, envelope(timestamp=clock.now)))
    assert len(fetcher.urls) == 2


@pytest.mark.parametrize(
    "chain", [b"", b"not a certificate", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"]
)
def test_unreadable_chain(ca, fetcher, verifier, chain):
    fetcher.chain = chain
    with pytest.raises(v.CertificateChainError):
        verifier.verify(*signed(ca, envelope()))


def test_fetch_failure_is_typed(ca, clock):
    def broken(url):
        raise ConnectionError("no network in tests")

    verifier = v.RequestVerifier(SKILL_ID, fetcher=broken, roots=[ca.root], clock=clock)
    with pytest.raises(v.CertificateFetchError):
        verifier.verify(*signed(ca, envelope()))


def test_intermediate_missing_from_chain_is_untrusted(ca, fetcher, verifier):
    from testca import pem

    fetcher.chain = pem(ca.leaf)
    with pytest.raises(v.UntrustedChainError):
        verifier.verify(*signed(ca, envelope()))


def test_system_roots_do_not_trust_the_test_ca(ca, fetcher, clock):
    verifier = v.RequestVerifier(SKILL_ID, fetcher=fetcher, clock=clock)
    assert len(v.system_roots()) > 10
    with pytest.raises(v.UntrustedChainError):
        verifier.verify(*signed(ca, envelope()))


@pytest.mark.parametrize("value", ["not base64!", "", "QUJD"])
def test_bad_signature_values(ca, verifier, value):
    headers, body, env = signed(ca, envelope())
    headers["Signature-256"] = value
    with pytest.raises(v.SignatureError):
        verifier.verify(headers, body, env)


def test_headers_are_case_insensitive_in_plain_dicts(ca, verifier):
    headers, body, env = signed(ca, envelope())
    verifier.verify({k.lower(): val for k, val in headers.items()}, body, env)


@pytest.mark.parametrize("skew", [151, -151, 3600])
def test_timestamp_outside_window(ca, verifier, clock, skew):
    with pytest.raises(v.TimestampError):
        verifier.verify(*signed(ca, envelope(timestamp=clock.now - timedelta(seconds=skew))))


@pytest.mark.parametrize("skew", [0, 149, -149])
def test_timestamp_inside_window(ca, verifier, clock, skew):
    verifier.verify(*signed(ca, envelope(timestamp=clock.now - timedelta(seconds=skew))))


def test_timestamp_missing_or_garbled(ca, verifier):
    for value in (None, "yesterday", 12345):
        env = envelope()
        env["request"]["timestamp"] = value
        with pytest.raises(v.TimestampError):
            verifier.verify(*signed(ca, env))


def test_switches_turn_checks_off(ca, fetcher, clock):
    verifier = v.RequestVerifier(
        SKILL_ID,
        verify_signature=False,
        verify_timestamp=False,
        fetcher=fetcher,
        roots=[ca.root],
        clock=clock,
    )
    env = envelope(timestamp=clock.now - timedelta(hours=1))
    verifier.verify({}, body_of(env), env)
    assert fetcher.urls == []
    with pytest.raises(v.ApplicationIdError):  # the skill ID is still checked
        wrong = envelope(skill_id="amzn1.ask.skill.other")
        verifier.verify({}, body_of(wrong), wrong)


def test_application_id_from_session_when_no_context(ca, verifier):
    env = envelope()
    del env["context"]
    verifier.verify(*signed(ca, env))
    env["session"]["application"]["applicationId"] = "amzn1.ask.skill.other"
    with pytest.raises(v.ApplicationIdError):
        verifier.verify(*signed(ca, env))
