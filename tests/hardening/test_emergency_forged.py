"""The emergency answer survives a forged envelope.

EmergencySignIntent, CallForHelpIntent and free speech the detector flags must answer with
the emergency number however the rest of the envelope is broken: session attributes nested
hundreds of levels deep, of the wrong type, unknown enum values, odd locales. Sent both to
the Lambda entry point and through the web service (verification off, the real handler).
Before: an attribute nested about 500 levels deep made EmergencySignIntent answer "Sorry,
I couldn't understand" (the SDK copies attributes recursively before any handler runs).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import hardening_support as hs
import pytest
from hardening_support import HARDENING
from hypothesis import given
from hypothesis import strategies as st

import lambda_function
from back_pain_guide.web import app as web

CALLS = {
    "EmergencySignIntent": {"symptom": "i can't feel my legs"},
    "CallForHelpIntent": {"details": "an ambulance"},
    "StatementIntent": {"query": "i can't feel my legs and i have wet myself"},
}


def emergency_event(name: str, locale: str = "en-US") -> dict[str, Any]:
    slots = {
        slot: {"name": slot, "value": value, "confirmationStatus": "NONE"}
        for slot, value in CALLS[name].items()
    }
    application = {"applicationId": hs.SKILL_ID}
    user = {"userId": "amzn1.ask.account.forged"}
    return {
        "version": "1.0",
        "session": {
            "new": False,
            "sessionId": "amzn1.echo-api.session.forged",
            "application": application,
            "user": user,
            "attributes": {},
        },
        "context": {
            "System": {
                "application": application,
                "user": user,
                "device": {"deviceId": "forged", "supportedInterfaces": {}},
            }
        },
        "request": {
            "type": "IntentRequest",
            "requestId": "amzn1.echo-api.request.forged",
            "timestamp": "2026-01-01T00:00:00Z",
            "locale": locale,
            "dialogState": "COMPLETED",
            "intent": {"name": name, "confirmationStatus": "NONE", "slots": slots},
        },
    }


def nested(depth: int, leaf: Any = "x", as_list: bool = False) -> Any:
    for _ in range(depth):
        leaf = [leaf] if as_list else {"a": leaf}
    return leaf


def via_lambda(event: dict[str, Any]) -> dict[str, Any]:
    return lambda_function.handler(event, None)


_client = web.create_app(verify=False, environ={}).test_client()


def via_web(event: dict[str, Any]) -> dict[str, Any]:
    reply = _client.post("/", data=json.dumps(event), headers={"Content-Type": "application/json"})
    assert reply.status_code == 200, reply.get_data(as_text=True)[:300]
    return reply.get_json()


def assert_emergency_advice(response: dict[str, Any], locale: str = "en-US") -> None:
    speech = response["response"]["outputSpeech"]["ssml"]
    number = hs.CONTENT.locale(locale).emergency_number_speech
    assert speech.startswith(f"<speak>Call {number} now."), speech[:200]
    assert response["response"]["shouldEndSession"] is True


DEEPER_THAN_THE_WEB_PARSES = {"attribute nested 950 deep (lists)"}
FORGERIES: dict[str, Callable[[dict[str, Any]], None]] = {
    "attribute nested 500 deep": lambda e: e["session"]["attributes"].update(reading=nested(500)),
    "attribute nested 950 deep (lists)": lambda e: e["session"]["attributes"].update(
        offer=nested(950, as_list=True)
    ),
    "unknown attribute nested 800 deep": lambda e: e["session"]["attributes"].update(junk=nested(800)),
    "every attribute the wrong type": lambda e: e["session"]["attributes"].update(
        reading=[1], asked="x", offer=7, checklist=True, checklist_active="yes", last_reply=None
    ),
    "attributes a list": lambda e: e["session"].update(attributes=[1, 2]),
    "attributes a string": lambda e: e["session"].update(attributes="{}"),
    "unknown dialog state": lambda e: e["request"].update(dialogState="SOMETHING_NEW"),
    "unknown confirmation status": lambda e: e["request"]["intent"].update(confirmationStatus="MAYBE"),
    "unknown resolution status": lambda e: [
        slot.update(
            resolutions={
                "resolutionsPerAuthority": [{"authority": "x", "status": {"code": "ER_SOMETHING_NEW"}}]
            }
        )
        for slot in e["request"]["intent"]["slots"].values()
    ],
    "locale a number": lambda e: e["request"].update(locale=44),
    "locale unknown": lambda e: e["request"].update(locale="xx-XX"),
    "session new a string": lambda e: e["session"].update(new="false"),
    "user a list": lambda e: e["session"].update(user=[]),
    "context missing": lambda e: e.pop("context"),
    "session missing": lambda e: e.pop("session"),
    "timestamp not a date": lambda e: e["request"].update(timestamp="not a date"),
    "timestamp a number": lambda e: e["request"].update(timestamp=1700000000),
    "timestamp missing": lambda e: e["request"].pop("timestamp", None),
}


@pytest.mark.parametrize("send", [via_lambda, via_web], ids=["lambda", "web"])
@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("forgery", sorted(FORGERIES))
def test_forged_envelopes_still_get_the_emergency_advice(send, name, forgery):
    if send is via_web and forgery in DEEPER_THAN_THE_WEB_PARSES:
        pytest.skip("the web service refuses JSON nested this deep (400, see test_web_app)")
    event = emergency_event(name)
    FORGERIES[forgery](event)
    assert_emergency_advice(send(event))


def test_an_attribute_nested_far_deeper_than_any_json_parser_allows_still_gets_the_advice():
    """Lambda hands over the parsed event; the web service refuses such a body as not JSON (400)."""
    event = emergency_event("EmergencySignIntent")
    event["session"]["attributes"]["reading"] = nested(20_000, as_list=True)
    assert_emergency_advice(via_lambda(event))


garbage = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


@st.composite
def forged_state(draw: st.DrawFn) -> Any:
    """Session attributes as a forger would send them: deep, wrong types, unknown keys."""
    keys = st.sampled_from(
        ["reading", "asked", "offer", "checklist", "checklist_active", "last_reply", "other"]
    )
    attributes = draw(st.dictionaries(keys, st.one_of(garbage, hs.session_attributes), max_size=4))
    if draw(st.booleans()):
        attributes[draw(keys)] = nested(
            draw(st.integers(17, 1500)), draw(garbage), as_list=draw(st.booleans())
        )
    return draw(st.one_of(st.just(attributes), garbage))


@HARDENING
@given(
    name=st.sampled_from(sorted(CALLS)),
    attributes=forged_state(),
    locale=st.sampled_from(hs.LOCALES),
    dialog=st.one_of(st.sampled_from(["STARTED", "IN_PROGRESS", "COMPLETED"]), st.text(max_size=12)),
    status=st.one_of(st.sampled_from(["NONE", "CONFIRMED", "DENIED"]), st.text(max_size=12)),
)
def test_emergency_intents_answer_whatever_the_session_holds(name, attributes, locale, dialog, status):
    event = emergency_event(name, locale)
    event["session"]["attributes"] = attributes
    event["request"]["dialogState"] = dialog
    event["request"]["intent"]["confirmationStatus"] = status
    assert_emergency_advice(via_lambda(event), locale)
