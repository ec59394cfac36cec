"""Bad input gets a clear, kind answer and a well-formed envelope, never an exception."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest

from back_pain_guide.content import get_content
from back_pain_guide.skill import lambda_handler
from back_pain_guide.speech import Voice

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
VOICE = Voice(get_content(), "en-US")


def load(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def speech_of(response: dict) -> str:
    ssml = response["response"]["outputSpeech"]["ssml"]
    ElementTree.fromstring(ssml)  # valid XML
    return "".join(ElementTree.fromstring(ssml).itertext())


@pytest.mark.parametrize(
    "name, expected_key",
    [
        ("unknown_intent", "fallback"),
        ("causes_unmatched_topic", "not_understood_question"),
        ("question_without_query", "not_understood_question"),
        ("empty_session_attributes", "nothing_to_continue"),
        ("null_session_attributes", "nothing_to_repeat"),
        ("yes_with_tampered_offer", "yes_without_question"),
        ("more_with_tampered_reading", "nothing_to_continue"),
        ("repeat_with_tampered_last_reply", "nothing_to_repeat"),
        ("unknown_request_type", "fallback"),
    ],
)
def test_bad_requests_get_a_sensible_spoken_answer(name, expected_key):
    response = lambda_handler(load(name), None)
    assert speech_of(response) == VOICE.say(expected_key)
    assert response["response"]["shouldEndSession"] is False


@pytest.mark.parametrize("name", ["topic_missing_slot", "topic_slot_without_value"])
def test_topic_intent_without_a_topic(name):
    response = lambda_handler(load(name), None)
    assert speech_of(response).startswith(VOICE.say("unknown_topic"))


def test_named_topic_fixture():
    response = lambda_handler(load("causes_named_topic"), None)
    assert response["response"]["card"]["title"] == "Sciatica"


def test_tampered_checklist_state_restarts_from_the_first_question():
    response = lambda_handler(load("checklist_answer_tampered_state"), None)
    speech = speech_of(response)
    assert VOICE.say("checklist_state_reset") in speech
    assert get_content().questions[0].text in speech


def test_session_ended_with_error_is_acknowledged():
    response = lambda_handler(load("session_ended"), None)
    assert response["version"] == "1.0"
    assert "outputSpeech" not in response["response"]


def test_unknown_locale_is_answered_in_en_us():
    response = lambda_handler(load("unknown_locale_launch"), None)
    assert "nine one one" in speech_of(response)


@pytest.mark.parametrize(
    "event",
    [
        None,
        "",
        "not an envelope",
        42,
        [],
        {},
        {"version": "1.0"},
        {"request": "nope"},
        {"version": "1.0", "request": {"type": 5}},
        {"version": "1.0", "session": [], "request": {"type": "LaunchRequest"}},
    ],
)
def test_unreadable_events_get_a_well_formed_answer(event):
    response = lambda_handler(event, None)
    assert response["version"] == "1.0"
    speech_of(response)


def test_skill_id_mismatch_is_refused_without_running_handlers(monkeypatch):
    from back_pain_guide.skill import build_skill, invoke

    skill = build_skill(skill_id="amzn1.ask.skill.someone-else")
    response = invoke(skill, load("launch_request"))
    assert "couldn't understand" in speech_of(response)
    assert "sessionAttributes" not in response


def test_foreign_and_oversized_session_attributes_are_not_carried_or_echoed():
    request = load("empty_session_attributes")
    request["session"]["attributes"] = {
        "injected": "x" * 30000,  # a key the skill never writes
        "asked": ["sciatica"] * 5000,  # a known key, far bigger than the skill writes
        "offer": {"action": "checklist"},  # a known key of a sensible size stays
    }
    response = lambda_handler(request, None)
    attrs = response.get("sessionAttributes") or {}
    assert "injected" not in attrs
    assert len(json.dumps(attrs)) < 8000
    assert len(json.dumps(response).encode()) <= 24 * 1024
    speech_of(response)


def test_a_value_newer_than_the_sdk_knows_does_not_stop_an_emergency_answer():
    from back_pain_guide.local.envelopes import Device

    request = Device().intent("EmergencySignIntent")
    request["request"]["dialogState"] = "A_STATE_FROM_THE_FUTURE"  # the SDK's enum refuses it
    response = lambda_handler(request, None)
    assert "nine one one" in speech_of(response)
    assert response["response"]["shouldEndSession"] is True


def test_an_unknown_resolution_status_still_answers_from_the_words_heard():
    from back_pain_guide.local.envelopes import Device, slot

    request = Device().intent(
        "CausesIntent", {"topic": slot("topic", "sciatica", resolved_id="sciatica", slot_type="TopicType")}
    )
    request["request"]["intent"]["slots"]["topic"]["resolutions"]["resolutionsPerAuthority"][0]["status"][
        "code"
    ] = "ER_SUCCESS_SOMETHING_NEW"
    assert "sciatic nerve" in speech_of(lambda_handler(request, None))
