"""The Flask service: a signed request reaches the skill; every bad request is a 400, never a 500."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from testca import CERT_URL, SKILL_ID, TestCA, body_of, envelope, intent, make_leaf_cert

from back_pain_guide.web import app as web
from back_pain_guide.web.verify import RequestVerifier


def post(client, body: bytes, headers: dict | None = None):
    return client.post("/", data=body, headers=headers or {"Content-Type": "application/json"})


def speech(response) -> str:
    return response.get_json()["response"]["outputSpeech"]["ssml"]


def reason(response) -> str:
    assert response.status_code == 400, response.get_data(as_text=True)
    payload = response.get_json()
    assert payload["error"] == "bad request"
    return payload["reason"]


def test_health(client):
    response = client.get("/health")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_signed_launch_reaches_the_skill(ca, client):
    body = body_of(envelope())
    response = post(client, body, ca.headers(body))
    assert response.status_code == 200
    assert response.is_json and "Back Pain Guide" in speech(response)


def test_signed_cause_question_is_answered(ca, client):
    body = body_of(envelope(intent("CausesIntent")))
    response = post(client, body, ca.headers(body))
    assert response.status_code == 200 and "strain" in speech(response).lower()


@pytest.mark.parametrize(
    "url",
    [
        "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://notamazon.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",
        "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/../invalid.path/echo-api-cert.pem",
        "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem",
    ],
)
def test_each_url_rule_gives_400(ca, client, fetcher, url):
    body = body_of(envelope())
    assert "certificate URL" in reason(post(client, body, ca.headers(body, url=url)))
    assert fetcher.urls == []  # refused before anything is downloaded


def test_missing_headers_give_400(ca, client):
    body = body_of(envelope())
    headers = ca.headers(body)
    assert "SignatureCertChainUrl" in reason(post(client, body, {"Signature-256": headers["Signature-256"]}))
    assert "Signature-256" in reason(post(client, body, {"SignatureCertChainUrl": CERT_URL}))


def test_expired_leaf_gives_400(ca, client, fetcher, clock):
    leaf = make_leaf_cert(
        ca.leaf_key,
        ca.intermediate,
        ca.intermediate_key,
        not_before=clock.now - timedelta(days=60),
        not_after=clock.now - timedelta(days=1),
    )
    fetcher.chain = ca.leaf_chain(leaf)
    body = body_of(envelope())
    assert "not valid now" in reason(post(client, body, ca.headers(body)))


def test_wrong_san_gives_400(ca, client, fetcher):
    leaf = make_leaf_cert(
        ca.leaf_key, ca.intermediate, ca.intermediate_key, dns_names=("echo-api.example.com",)
    )
    fetcher.chain = ca.leaf_chain(leaf)
    body = body_of(envelope())
    assert "echo-api.amazon.com" in reason(post(client, body, ca.headers(body)))


def test_untrusted_chain_gives_400(client, fetcher):
    stranger = TestCA()  # a well-formed chain from a root nobody trusts
    fetcher.chain = stranger.chain_pem
    body = body_of(envelope())
    assert "not trusted" in reason(post(client, body, stranger.headers(body)))


def test_tampered_body_gives_400(ca, client):
    body = body_of(envelope())
    headers = ca.headers(body)
    tampered = body.replace(b'"LaunchRequest"', b'"SessionEndedRequest"')
    assert tampered != body
    assert "does not match" in reason(post(client, tampered, headers))


def test_wrong_signature_gives_400(ca, client):
    body = body_of(envelope())
    headers = ca.headers(body)
    headers["Signature-256"] = ca.sign(body, key=TestCA().leaf_key)
    assert "does not match" in reason(post(client, body, headers))


@pytest.mark.parametrize("skew", [200, -200])
def test_old_and_future_timestamps_give_400(ca, client, clock, skew):
    body = body_of(envelope(timestamp=clock.now - timedelta(seconds=skew)))
    assert "timestamp" in reason(post(client, body, ca.headers(body)))


def test_wrong_skill_id_gives_400(ca, client):
    body = body_of(envelope(skill_id="amzn1.ask.skill.someone-else"))
    assert "application ID" in reason(post(client, body, ca.headers(body)))


@pytest.mark.parametrize(
    "body,why",
    [
        (b"", "not JSON"),
        (b"{not json", "not JSON"),
        (b"\xff\xfe\x00", "not JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "too large"),
        (b"[" * 50_000, "nested too deeply"),
        (b'{"version": "1.0", "request": {"type": "LaunchRequest"}, "x": NaN}', "strict JSON"),
        (b'{"version": "1.0", "request": {"type": "LaunchRequest"}, "x": -Infinity}', "strict JSON"),
        (b"[]", "envelope"),
        (b"42", "envelope"),
        (b'{"version": "1.0"}', "envelope"),
        (b'{"version": "1.0", "request": {"type": ""}}', "envelope"),
        (b'{"request": {"type": "LaunchRequest"}}', "envelope"),
    ],
)
def test_malformed_bodies_give_400(client, body, why):
    assert why in reason(post(client, body))


def test_oversized_body_gives_400_even_without_content_length(client):
    big = json.dumps(
        {"version": "1.0", "request": {"type": "LaunchRequest"}, "pad": "x" * (web.MAX_BODY_BYTES + 1)}
    )
    response = client.post("/", data=big.encode(), headers={"Content-Type": "application/json"})
    assert "too large" in reason(response)

    response = client.post(
        "/",
        input_stream=io.BytesIO(big.encode()),
        headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert "too large" in reason(response)


def test_other_methods_and_paths_are_json_errors(client):
    assert client.get("/").status_code == 405 and client.get("/").is_json
    assert client.post("/nowhere").status_code == 404


def test_verify_false_skips_signature_and_timestamp(ca, verifier, clock):
    app = web.create_app(verify=False, skill_id=SKILL_ID, verifier=verifier, environ={})
    body = body_of(envelope(timestamp=clock.now - timedelta(hours=2)))
    assert app.test_client().post("/", data=body).status_code == 200


def test_config_names_match_flask_ask_sdk(ca, app, client):
    assert app.config["VERIFY_SIGNATURE"] is True and app.config["VERIFY_TIMESTAMP"] is True
    app.config["VERIFY_SIGNATURE"] = False
    body = body_of(envelope())
    assert post(client, body).status_code == 200


PRODUCTION = {"BACK_PAIN_GUIDE_ENV": "production", "SKILL_ID": SKILL_ID}


def test_production_refuses_no_verify():
    with pytest.raises(web.ConfigurationError):
        web.create_app(verify=False, environ=PRODUCTION, handler=lambda event, context: {})


def test_production_requires_a_skill_id():
    with pytest.raises(web.ConfigurationError):
        web.create_app(environ={"BACK_PAIN_GUIDE_ENV": "production"}, handler=lambda event, context: {})


def test_production_verifies_even_if_config_says_not(verifier):
    app = web.create_app(verifier=verifier, environ=PRODUCTION, handler=lambda event, context: {})
    app.config["VERIFY_SIGNATURE"] = False
    body = body_of(envelope())
    assert "Signature" in reason(app.test_client().post("/", data=body))


def test_test_trust_hooks(ca, tmp_path):
    (tmp_path / "root.pem").write_bytes(ca.root_pem)
    (tmp_path / "chain.pem").write_bytes(ca.chain_pem)
    hooks = {
        "BACK_PAIN_GUIDE_TEST_ROOT_CA": str(tmp_path / "root.pem"),
        "BACK_PAIN_GUIDE_TEST_CERT_CHAIN": str(tmp_path / "chain.pem"),
        "SKILL_ID": SKILL_ID,
    }
    app = web.create_app(environ=hooks, handler=lambda event, context: {"version": "1.0", "response": {}})
    body = body_of(envelope())
    assert app.test_client().post("/", data=body, headers=ca.headers(body)).status_code == 200
    with pytest.raises(web.ConfigurationError):
        web.create_app(environ={**hooks, **PRODUCTION}, handler=lambda event, context: {})


def test_main_refuses_no_verify_in_production(monkeypatch, capsys):
    monkeypatch.setenv("BACK_PAIN_GUIDE_ENV", "production")
    assert web.main(["--no-verify"]) == 2
    assert "refusing" in capsys.readouterr().err


def test_verifier_is_not_bypassed_by_a_fake_chain_url(ca, client, fetcher):
    """A chain that is valid but served for a URL outside echo.api never gets fetched."""
    body = body_of(envelope())
    response = post(client, body, ca.headers(body, url="https://s3.amazonaws.com/attacker/echo.api/cert.pem"))
    assert response.status_code == 400 and fetcher.urls == []


def test_same_verifier_rejects_other_roots(ca, fetcher, clock):
    verifier = RequestVerifier(SKILL_ID, fetcher=fetcher, roots=[TestCA().root], clock=clock)
    app = web.create_app(skill_id=SKILL_ID, verifier=verifier, environ={})
    body = body_of(envelope())
    assert "not trusted" in reason(app.test_client().post("/", data=body, headers=ca.headers(body)))


def test_module_level_app_for_wsgi_servers(monkeypatch):
    monkeypatch.delenv("BACK_PAIN_GUIDE_ENV", raising=False)
    monkeypatch.delitem(vars(web), "app", raising=False)
    app = web.app
    assert web.app is app  # built once
    assert app.test_client().get("/health").get_json() == {"status": "ok"}
    assert "Signature" in reason(app.test_client().post("/", data=body_of(envelope())))
    with pytest.raises(AttributeError):
        web.no_such_thing  # noqa: B018
