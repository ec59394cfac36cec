"""Hand-written hostile and malformed requests (files in this folder), each with its expected
outcome in expected.json, sent to the web service's POST / and, when the file is JSON, to the
Lambda handler. Oversize bodies are generated here rather than kept as files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

import lambda_function
from back_pain_guide.content import get_content
from back_pain_guide.speech import Voice
from back_pain_guide.web.app import MAX_BODY_BYTES, create_app

HERE = Path(__file__).resolve().parent
EXPECTED: dict[str, dict[str, Any]] = json.loads((HERE / "expected.json").read_text(encoding="utf-8"))
EXPECTED.pop("_about")
FILES = sorted(p.name for p in HERE.iterdir() if p.suffix in (".json", ".txt") and p.name != "expected.json")
LEAKS = ("Traceback", 'File "', "Error", "Exception", "back_pain_guide", "lambda_function")


@pytest.fixture(scope="module")
def client():
    return create_app(verify=False, environ={}).test_client()


def test_every_file_has_an_expected_outcome_and_there_are_at_least_30():
    assert sorted(EXPECTED) == FILES
    assert len(FILES) >= 30


def spoken(response: dict[str, Any]) -> str:
    assert response["version"] == "1.0"
    ssml = response["response"]["outputSpeech"]["ssml"]
    assert ssml.startswith("<speak>")
    root = ElementTree.fromstring(ssml)
    assert root.tag == "speak"
    text = "".join(root.itertext())
    for leak in LEAKS:
        assert leak not in text
    return text


def check_answer(response: dict[str, Any], expected: dict[str, Any], locale: str = "en-US") -> None:
    text = spoken(response)
    if "says" in expected:
        assert Voice(get_content(), locale).say(expected["says"]) in text
    if "speech_contains" in expected:
        assert expected["speech_contains"].lower() in text.lower()
    for fragment in expected.get("not_contains", ()):
        assert fragment.lower() not in text.lower()
    if "end_session" in expected:
        assert response["response"].get("shouldEndSession") is expected["end_session"]


@pytest.mark.parametrize("name", FILES)
def test_web_service(client, name):
    expected = EXPECTED[name]
    reply = client.post("/", data=(HERE / name).read_bytes(), content_type="application/json")
    assert reply.status_code == expected["status"], reply.get_data()[:300]
    if reply.status_code == 400:
        assert reply.get_json()["reason"] == expected["reason"]
    else:
        check_answer(reply.get_json(), expected)


@pytest.mark.parametrize("name", [name for name in FILES if name.endswith(".json")])
def test_lambda_handler(name):
    expected = EXPECTED[name]
    expected = expected.get("handler", expected)
    check_answer(lambda_function.handler(json.loads((HERE / name).read_bytes()), None), expected)


def oversize_event(size: int) -> dict[str, Any]:
    base = json.loads((HERE / "prompt_injection_query.json").read_text(encoding="utf-8"))
    base["request"]["intent"]["slots"]["query"]["value"] = "back pain " * (size // 10)
    return base


@pytest.mark.parametrize("size", [MAX_BODY_BYTES + 1, 10 * 1024 * 1024])
def test_oversize_bodies(client, size):
    """10 MB-style bodies: the service refuses them unread; the handler (Lambda caps payloads
    itself at 6 MB) still answers well-formed, without repeating them."""
    event = oversize_event(size)
    reply = client.post("/", data=json.dumps(event), content_type="application/json")
    assert reply.status_code == 400 and reply.get_json()["reason"] == "body too large"
    response = lambda_function.handler(event, None)
    text = spoken(response)
    assert "back pain back pain" not in text
    assert len(response["response"]["outputSpeech"]["ssml"]) <= 8000
