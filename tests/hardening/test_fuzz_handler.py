"""Generated request envelopes, well shaped and broken, sent to the real Lambda entry point.

Whatever arrives, ``lambda_function.handler`` returns a well-formed response envelope whose
speech is valid SSML inside <speak>, never a stack trace or anything it was sent; emergency
words and a "yes" to an emergency checklist question always lead to the emergency advice.
"""

from __future__ import annotations

import json
import time
from typing import Any

import hardening_support as hs
import pytest
from hardening_support import HARDENING
from hypothesis import given
from hypothesis import strategies as st

import lambda_function


@pytest.fixture(scope="module")
def watcher():
    yield from hs.watch()


def run(watcher: hs.LogWatcher, prop: str, event: Any) -> tuple[dict[str, Any], str | None, str]:
    watcher.take()
    response = lambda_function.handler(event, None)
    text = hs.speech_of(response, leaks=not hs.replays_session_text(event))
    kind = hs.classify(watcher.take(), text)
    hs.count(prop, kind)
    if text is None:
        assert hs.may_be_silent(event), f"no speech for {event!r:.300}"
    return response, text, kind


def emergency_call(event: dict[str, Any]) -> str:
    code = event["request"].get("locale")
    return f"Call {hs.CONTENT.locale(code if isinstance(code, str) else None).emergency_number_speech} now"


@HARDENING
@given(event=hs.envelope(shaped=True))
def test_well_shaped_envelopes_always_get_a_proper_answer(watcher, event):
    """Garbage only where listeners and stale sessions put it: no handler may fail on it."""
    _, _, kind = run(watcher, "handler: well-shaped envelopes", event)
    assert kind not in ("catch-all error", "refused"), kind


@HARDENING
@given(event=st.one_of(hs.mutated_envelope(), hs.envelope(shaped=False), hs.junk))
def test_broken_envelopes_always_get_a_well_formed_answer(watcher, event):
    run(watcher, "handler: broken envelopes", event)


@HARDENING
@given(event=hs.envelope(shaped=True), data=st.data())
def test_state_written_by_the_skill_never_breaks_the_next_turn(watcher, event, data):
    """Whatever the skill kept after a fuzzed turn, the next turn is answered normally."""
    response, _, _ = run(watcher, "handler: next turn after a fuzzed one", event)
    attrs = response.get("sessionAttributes")
    if response["response"].get("shouldEndSession") is not False or not attrs:
        return
    follow = data.draw(hs.envelope(shaped=True))
    follow["session"] = {
        "new": False,
        "sessionId": "amzn1.echo-api.session.fuzz",
        "application": {"applicationId": hs.SKILL_ID},
        "user": {"userId": "amzn1.ask.account.fuzz"},
        "attributes": attrs,
    }
    _, _, kind = run(watcher, "handler: next turn after a fuzzed one", follow)
    assert kind not in ("catch-all error", "refused"), kind


@HARDENING
@given(event=hs.envelope(shaped=True))
def test_emergency_sign_intent_always_gets_the_emergency_advice(watcher, event):
    event["request"].update(
        type="IntentRequest", intent={"name": "EmergencySignIntent", "confirmationStatus": "NONE"}
    )
    response, text, _ = run(watcher, "handler: emergency intent with any state", event)
    assert text is not None and emergency_call(event) in text
    assert response["response"]["shouldEndSession"] is True


@HARDENING
@given(event=hs.envelope(shaped=True), data=st.data())
def test_yes_to_an_emergency_question_always_gets_the_emergency_advice(watcher, event, data):
    """A real checklist paused at an emergency question, everything else in the session tampered."""
    position = data.draw(st.integers(0, len(hs.EMERGENCY_IDS) - 1))
    answer = data.draw(st.sampled_from(["AMAZON.YesIntent", "UnsureIntent"]))
    attrs = data.draw(hs.session_attributes)
    attrs = dict(attrs) if isinstance(attrs, dict) else {}
    attrs["checklist"] = {"index": position, "answers": [[qid, "no"] for qid in hs.EMERGENCY_IDS[:position]]}
    attrs["checklist_active"] = True
    event["request"].update(type="IntentRequest", intent={"name": answer, "confirmationStatus": "NONE"})
    event["session"] = {
        "new": False,
        "sessionId": "amzn1.echo-api.session.fuzz",
        "application": {"applicationId": hs.SKILL_ID},
        "user": {"userId": "amzn1.ask.account.fuzz"},
        "attributes": attrs,
    }
    response, text, _ = run(watcher, "handler: yes to an emergency question", event)
    assert text is not None and emergency_call(event) in text, text
    assert response["response"]["shouldEndSession"] is True


@HARDENING
@given(event=hs.envelope(shaped=True), body=hs.text_values)
def test_repeat_replays_a_tampered_last_reply_only_as_escaped_ssml(watcher, event, body):
    """The one place stored text is spoken again: whatever it holds, the SSML stays valid and
    the session stays open."""
    event["request"].update(
        type="IntentRequest", intent={"name": "AMAZON.RepeatIntent", "confirmationStatus": "NONE"}
    )
    event["session"] = {
        "new": False,
        "sessionId": "amzn1.echo-api.session.fuzz",
        "application": {"applicationId": hs.SKILL_ID},
        "user": {"userId": "amzn1.ask.account.fuzz"},
        "attributes": {"last_reply": {"body": body}},
    }
    response, text, kind = run(watcher, "handler: repeat of a tampered last reply", event)
    assert kind == "answered" and text
    assert response["response"]["shouldEndSession"] is False


@pytest.mark.parametrize("unit", ["back pain ", "ab", "\U0001f9b4 "])
def test_a_query_as_large_as_lambda_allows_is_answered_within_alexas_limit(watcher, unit):
    """Lambda accepts payloads up to 6 MB; searching all of one took 15-25 s before questions
    were cut to what a person can say in one turn."""
    event = json.loads((hs.CORPUS / "prompt_injection_query.json").read_text(encoding="utf-8"))
    event["request"]["intent"]["slots"]["query"]["value"] = unit * (6_000_000 // len(unit.encode()))
    started = time.monotonic()
    response, _text, kind = run(watcher, "handler: 6 MB query", event)
    assert time.monotonic() - started < 8.0
    assert kind == "answered" and response["response"]["shouldEndSession"] is False
