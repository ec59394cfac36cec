"""Fixtures for the web service: a test CA (made once per session), an injected fetcher."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from testca import CERT_URL, SKILL_ID, TestCA

from back_pain_guide.web.app import create_app
from back_pain_guide.web.verify import RequestVerifier


class RecordingFetcher:
    """Serves a chain from memory for any URL and records what was asked for."""

    def __init__(self, chain: bytes) -> None:
        self.chain = chain
        self.urls: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.urls.append(url)
        return self.chain


class Clock:
    """A settable UTC clock (starts at the real time: the test certificates are dated from it)."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="session")
def ca() -> TestCA:
    return TestCA()


@pytest.fixture
def fetcher(ca) -> RecordingFetcher:
    return RecordingFetcher(ca.chain_pem)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def verifier(ca, fetcher, clock) -> RequestVerifier:
    return RequestVerifier(SKILL_ID, fetcher=fetcher, roots=[ca.root], clock=clock)


@pytest.fixture
def app(verifier):
    return create_app(skill_id=SKILL_ID, verifier=verifier, environ={})


@pytest.fixture
def client(app):
    return app.test_client()


__all__ = ["CERT_URL", "SKILL_ID"]
