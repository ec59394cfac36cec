"""The fast serializer gives what the ASK SDK's own gives, byte for byte, on every request the
suite has (the hostile corpus, the fixtures and hypothesis's envelopes), and only differs where
the stock one would refuse a request for its timestamp."""

from __future__ import annotations

import contextlib
import copy
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import hardening_support as hs
import pytest
from ask_sdk_core.__version__ import __version__ as installed_sdk
from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from dateutil.parser import parse as dateutil_parse
from hypothesis import given, settings
from hypothesis import strategies as st

from back_pain_guide.local.envelopes import Device, slot
from back_pain_guide.serializer import PINNED_SDK_VERSION, FastSerializer, parse_timestamp
from back_pain_guide.skill import build_skill, invoke

ROOT = Path(__file__).resolve().parents[2]

STOCK, FAST = DefaultSerializer(), FastSerializer()
FAST_SKILL = build_skill(None)
STOCK_SKILL = build_skill(None)
STOCK_SKILL.serializer = DefaultSerializer()


def corpus() -> list[tuple[str, Any]]:
    """Every JSON request envelope in the corpus and the fixtures."""
    found = []
    for path in sorted((ROOT / "tests" / "corpus").glob("*.json")) + sorted(
        (ROOT / "tests" / "fixtures").rglob("*.json")
    ):
        if path.name == "expected.json":
            continue
        with contextlib.suppress(ValueError):
            found.append((path.name, json.loads(path.read_text(encoding="utf-8"))))
    return found


CORPUS = corpus()


def read_back(serializer: DefaultSerializer, event: Any) -> str:
    """The envelope as ``serializer`` reads it, written out by the stock code (or its error type)."""
    try:
        envelope = serializer.deserialize(payload=json.dumps(event), obj_type=RequestEnvelope)
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return json.dumps(STOCK.serialize(envelope))


def answers(event: Any) -> tuple[str, str]:
    """What each skill answers (stock serializer, fast serializer), as bytes on the wire."""
    return (
        json.dumps(invoke(STOCK_SKILL, copy.deepcopy(event))),
        json.dumps(invoke(FAST_SKILL, copy.deepcopy(event))),
    )


def test_installed_sdk_is_the_one_the_fast_path_was_checked_against():
    requirements = (ROOT / "lambda" / "requirements.txt").read_text()
    assert installed_sdk == PINNED_SDK_VERSION, (
        "re-check serializer.py against the new ask-sdk-core, then re-pin"
    )
    assert f"ask-sdk-core=={PINNED_SDK_VERSION}" in requirements


def test_the_skill_uses_the_fast_serializer():
    assert type(build_skill(None).serializer) is FastSerializer


@pytest.mark.parametrize("name, event", CORPUS, ids=[name for name, _ in CORPUS])
def test_same_envelope_and_same_answer_on_the_corpus(name, event):
    assert read_back(FAST, event) == read_back(STOCK, event)
    stock, fast = answers(event)
    assert fast == stock


def test_the_corpus_is_not_empty_and_mostly_readable():
    readable = [name for name, event in CORPUS if not read_back(STOCK, event).startswith("error")]
    assert len(CORPUS) >= 50 and len(readable) >= 40


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.one_of(hs.envelope(shaped=True), hs.envelope(shaped=False), hs.mutated_envelope()))
def test_same_envelope_and_same_answer_on_generated_requests(event):
    request = event.get("request") if isinstance(event, dict) else None
    stamp = request.get("timestamp") if isinstance(request, dict) else None
    if stamp is not None and parse_timestamp(stamp) is None:
        # The one difference on purpose: a timestamp nothing reads is ignored, where the stock
        # serializer refuses the request. Read so, it is the same request without one.
        without = {**event, "request": {k: v for k, v in request.items() if k != "timestamp"}}
        assert read_back(FAST, event) == read_back(FAST, without)
        assert read_back(STOCK, event).startswith("error")
        event = without
    assert read_back(FAST, event) == read_back(STOCK, event)
    stock, fast = answers(event)
    assert fast == stock


def test_responses_serialize_identically():
    """Every response model the skill builds in a session, written out by both."""
    from back_pain_guide.local.console import Console

    written = []

    def handler(event, context=None):
        envelope = FAST.deserialize(json.dumps(event), RequestEnvelope)
        response = FAST_SKILL.invoke(request_envelope=envelope, context=None)
        written.append((FAST.serialize(response), STOCK.serialize(response)))
        return written[-1][1]

    console = Console(handler, screen=True)
    for utterance in [
        "open back pain guide",
        "what causes sciatica",
        "tell me more",
        "check my symptoms",
        "no",
        "help",
        "i can't feel my legs",
        "stop",
    ]:
        console.say(utterance)
    assert len(written) == 8
    for fast, stock in written:
        assert json.dumps(fast) == json.dumps(stock)


# --- timestamps -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2026-09-21T08:30:00Z",
        "2026-09-21T08:30:00.123Z",
        "2026-09-21T08:30:00+05:30",
        "2026-09-21T08:30:00",
        "2026-09-21",
        "Sep 21 2026 8:30",
    ],
)
def test_timestamps_read_as_dateutil_reads_them(text):
    assert parse_timestamp(text) == dateutil_parse(text)
    assert parse_timestamp(text).isoformat() == dateutil_parse(text).isoformat()
    assert parse_timestamp(text, date) == dateutil_parse(text).date()


@pytest.mark.parametrize(
    "timestamp",
    ["not a time", "", "2026-13-45T99:99:99Z", "2026-09-21T24:00:00", 12345, True, ["2026"], {"a": 1}],
)
def test_a_malformed_timestamp_never_stops_an_emergency_answer(timestamp):
    device = Device(user_id="amzn1.ask.account.ts")
    event = device.intent("EmergencySignIntent", {"symptom": slot("symptom", "i can't feel my legs")})
    event["request"]["timestamp"] = timestamp
    _stock, fast = answers(event)
    speech = json.loads(fast)["response"]["outputSpeech"]["ssml"]
    assert "nine one one" in speech.lower() or "911" in speech, speech
    assert json.loads(fast)["response"]["shouldEndSession"] is True
    envelope = FAST.deserialize(json.dumps(event), RequestEnvelope)
    assert envelope.request.timestamp is None or isinstance(envelope.request.timestamp, datetime)


def test_stock_serializer_refuses_what_the_fast_one_answers():
    """Why the timestamp is read differently: the stock code refuses the whole request."""
    event = Device(user_id="amzn1.ask.account.ts").intent(
        "EmergencySignIntent", {"symptom": slot("symptom", "i can't feel my legs")}
    )
    event["request"]["timestamp"] = 12345
    with pytest.raises(SerializationException):
        STOCK.deserialize(json.dumps(event), RequestEnvelope)
    assert FAST.deserialize(json.dumps(event), RequestEnvelope).request.timestamp is None
