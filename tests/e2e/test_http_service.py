"""The real service over real HTTP with verification on (the test CA trusted via the test hooks)."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from service import ROOT, running_service
from testca import SKILL_ID, TestCA, body_of, envelope, intent


@pytest.fixture(scope="module")
def ca() -> TestCA:
    return TestCA()


@pytest.fixture(scope="module")
def signed_service(ca, tmp_path_factory):
    folder = tmp_path_factory.mktemp("trust")
    (folder / "root.pem").write_bytes(ca.root_pem)
    (folder / "chain.pem").write_bytes(ca.chain_pem)
    env = {
        "BACK_PAIN_GUIDE_TEST_ROOT_CA": str(folder / "root.pem"),
        "BACK_PAIN_GUIDE_TEST_CERT_CHAIN": str(folder / "chain.pem"),
        "SKILL_ID": SKILL_ID,
    }
    with running_service(env=env) as url:
        yield url


def send(url: str, body: bytes, headers: dict[str, str], chunked: bool = False) -> tuple[int, dict]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        if chunked:
            connection.request("POST", "/", body=iter([body]), headers=headers, encode_chunked=True)
        else:
            connection.request("POST", "/", body=body, headers=headers)
        reply = connection.getresponse()
        return reply.status, json.loads(reply.read())
    finally:
        connection.close()


def test_signed_requests_are_answered(ca, signed_service):
    body = body_of(envelope(intent("CausesIntent")))
    status, payload = send(signed_service, body, ca.headers(body))
    assert status == 200 and "strained muscle" in payload["response"]["outputSpeech"]["ssml"]


def test_refusals_over_http_are_400_json(ca, signed_service):
    body = body_of(envelope())
    headers = ca.headers(body)
    assert send(signed_service, body + b" ", headers)[0] == 400  # tampered
    stale = body_of(envelope(timestamp=datetime.now(UTC) - timedelta(minutes=5)))
    status, payload = send(signed_service, stale, ca.headers(stale))
    assert status == 400 and "timestamp" in payload["reason"]
    other = body_of(envelope(skill_id="amzn1.ask.skill.other"))
    assert send(signed_service, other, ca.headers(other))[1]["reason"].startswith("application ID")
    status, payload = send(signed_service, b"x" * 300_000, {"Content-Type": "application/json"}, chunked=True)
    assert status == 400 and payload["reason"] == "body too large"
    status, payload = send(signed_service, b"{", {"Content-Type": "application/json"})
    assert status == 400 and payload["reason"] == "body is not JSON"


def test_no_verify_is_refused_in_production():
    done = subprocess.run(
        [sys.executable, "-m", "back_pain_guide.web.app", "--no-verify", "--port", "1"],
        cwd=ROOT / "lambda",
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "BACK_PAIN_GUIDE_ENV": "production"},
    )
    assert done.returncode == 2 and "refusing --no-verify" in done.stderr


def test_test_hooks_are_refused_in_production(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "back_pain_guide.web.app", "--port", "1"],
        cwd=ROOT / "lambda",
        capture_output=True,
        text=True,
        timeout=30,
        env={
            **os.environ,
            "BACK_PAIN_GUIDE_ENV": "production",
            "SKILL_ID": SKILL_ID,
            "BACK_PAIN_GUIDE_TEST_ROOT_CA": str(Path(tmp_path) / "root.pem"),
        },
    )
    assert done.returncode == 2 and "refused in production" in done.stderr
