"""POST /simulator/turn through Flask's test client: bad input is a 4xx with a reason; turns go
through the console's resolver and the skill's handler, with the session carried by the page."""

from __future__ import annotations

import json
import uuid

import pytest
from simpage import TURN_URL, simulator_app

from back_pain_guide.local.console import Console, speech_text
from back_pain_guide.skill import lambda_handler
from back_pain_guide.web.app import ConfigurationError, create_app
from back_pain_simulator.__main__ import main as simulator_main

GOOD = {"locale": "en-US", "device": "voice", "utterance": "open back pain guide", "session": None}
SESSION = {"sessionId": "amzn1.echo-api.session.1234", "attributes": {}}


def test_the_page_is_served_with_every_locale_and_both_devices(client):
    reply = client.get("/")
    assert reply.status_code == 200 and reply.mimetype == "text/html"
    page = reply.get_data(as_text=True)
    for locale in ("en-US", "en-GB", "en-CA", "en-AU", "en-IN"):
        assert f'<option value="{locale}">' in page
    assert '<option value="voice">' in page and '<option value="screen">' in page
    assert "not Amazon's renderer" in page
    assert "script-src 'self'" in reply.headers["Content-Security-Policy"]
    for name in ("simulator.js", "simulator.css"):
        assert client.get(f"/simulator/static/{name}").status_code == 200


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"locale": "fr-FR"}, "locale must be one of en-US, en-CA, en-GB, en-AU, en-IN"),
        ({"locale": None}, "locale must be one of"),
        ({"locale": ["en-US"]}, "locale must be one of"),  # unhashable: found by test_endpoint_fuzz
        ({"device": {"screen": 1}}, "device must be one of"),
        ({"device": "echo"}, "device must be one of voice, screen"),
        ({"utterance": ""}, "utterance must be text with at least one word"),
        ({"utterance": "   "}, "utterance must be text with at least one word"),
        ({"utterance": 42}, "utterance must be text"),
        ({"utterance": "x" * 501}, "utterance is longer than 500 characters"),
        ({"utterance": None}, "send either an utterance or an event"),
        ({"event": ["answer", "yes"]}, "send either an utterance or an event"),
        ({"utterance": None, "event": ["answer", "yes"]}, "a voice-only device has no screen to touch"),
        (
            {"utterance": None, "device": "screen", "event": "yes"},
            "event must be a list of 1 to 10 arguments",
        ),
        ({"utterance": None, "device": "screen", "event": []}, "event must be a list of 1 to 10 arguments"),
        (
            {"utterance": None, "device": "screen", "event": ["a"] * 11},
            "event must be a list of 1 to 10 arguments",
        ),
        (
            {"utterance": None, "device": "screen", "event": [{"a": 1}]},
            "event arguments must be text, numbers",
        ),
        (
            {"utterance": None, "device": "screen", "event": ["x" * 201]},
            "an event argument is longer than 200",
        ),
        ({"session": "abc"}, "session must be null or an object"),
        (
            {"session": {"sessionId": "x", "attributes": {}, "user": "me"}},
            "session must be null or an object",
        ),
        ({"session": {"sessionId": "<script>", "attributes": {}}}, "session.sessionId must be the ID"),
        ({"session": {"sessionId": "", "attributes": {}}}, "session.sessionId must be the ID"),
        ({"session": {"sessionId": "amzn1.s", "attributes": []}}, "session.attributes must be an object"),
        ({"extra": 1}, "unknown field 'extra'"),
    ],
)
def test_bad_turns_get_a_400_with_the_reason(client, change, reason):
    reply = client.post(TURN_URL, json={**GOOD, **change})
    assert reply.status_code == 400
    assert reply.get_json()["error"] == "bad request"
    assert reply.get_json()["reason"].startswith(reason)


@pytest.mark.parametrize(
    "body, content_type, status, reason",
    [
        ("[1, 2]", "application/json", 400, "the body must be a JSON object"),
        ("{", "application/json", 400, "the body is not JSON"),
        ('{"locale": NaN}', "application/json", 400, "the body is not JSON"),
        ("", "application/json", 400, "the body is not JSON"),
        (json.dumps(GOOD), "text/plain", 415, "send the turn as application/json"),
        (json.dumps(GOOD), "application/x-www-form-urlencoded", 415, "send the turn as application/json"),
        (
            json.dumps({**GOOD, "session": {"sessionId": "a", "attributes": {"x": "y" * 300_000}}}),
            "application/json",
            413,
            "the body is over",
        ),
    ],
)
def test_unreadable_bodies_get_a_4xx_with_the_reason(client, body, content_type, status, reason):
    reply = client.post(TURN_URL, data=body, content_type=content_type)
    assert reply.status_code == status
    assert reply.get_json()["reason"].startswith(reason)


def test_other_methods_on_the_endpoint_are_json_errors(client):
    reply = client.get(TURN_URL)
    assert reply.status_code == 405 and reply.is_json


def test_a_conversation_carries_the_session_between_turns(page):
    tab = page()
    assert "Back Pain Guide" in tab.say("open back pain guide")
    launch = tab.last
    assert launch["turn"]["type"] == "LaunchRequest" and launch["turn"]["new_session"]
    session_id = launch["session"]["sessionId"]

    tab.say("what causes sciatica")
    asked = tab.last
    assert asked["turn"]["intent"] == "CausesIntent"
    assert asked["turn"]["slots"] == [
        {"name": "topic", "value": "sciatica", "resolved": {"name": "sciatica", "id": "sciatica"}}
    ]
    assert asked["request"]["session"] == {
        **asked["request"]["session"],
        "new": False,
        "sessionId": session_id,
        "attributes": launch["response"]["sessionAttributes"],
    }
    assert asked["card"]["title"] == "Sciatica"

    more = tab.say("tell me more")
    assert tab.last["turn"]["intent"] == "AMAZON.MoreIntent"
    assert tab.last["request"]["session"]["attributes"] == asked["response"]["sessionAttributes"]
    assert "buttock" in more  # the topic's second chunk
    assert tab.last["session"]["sessionId"] == session_id and not tab.last["ended"]


def test_the_page_says_what_make_chat_says(page):
    """The same script through the page and through the console: the same speech, turn by turn."""
    script = [
        "open back pain guide",
        "what causes sciatica",
        "tell me more",
        "what helps back pain",
        "check my symptoms",
        "no",
        "no",
        "blah zork",
        "stop",
    ]
    tab = page(locale="en-GB")
    console = Console(lambda_handler, locale="en-GB", user_id=f"amzn1.ask.account.sim-{uuid.uuid4()}")
    console.say("open back pain guide")  # both users have now heard the first-visit disclaimer
    tab.say("open back pain guide")
    for utterance in script:
        request, response = console.say(utterance)
        assert tab.say(utterance) == speech_text(response["response"].get("outputSpeech")), utterance
        assert tab.last["request"]["request"].get("intent") == request["request"].get("intent"), utterance


def test_a_one_shot_starts_its_own_session(page):
    tab = page()
    tab.say("open back pain guide")
    first = tab.session["sessionId"]
    speech = tab.say("ask back pain guide what causes sciatica")
    assert tab.last["turn"]["new_session"] and tab.last["turn"]["intent"] == "CausesIntent"
    assert tab.last["request"]["session"]["sessionId"] != first
    assert "sciatic nerve" in speech


def test_an_unmatched_utterance_says_so(page):
    tab = page()
    tab.say("open back pain guide")
    speech = tab.say("zork blah wibble")
    assert tab.last["turn"]["intent"] == "AMAZON.FallbackIntent"
    assert "No sample utterance" in tab.last["turn"]["notes"][0]
    assert "didn't catch that" in speech


def test_a_touch_on_the_screen_answers_the_checklist(page):
    tab = page(device="screen")
    tab.say("open back pain guide")
    tab.say("check my symptoms")
    screen = tab.last["screen"]
    assert [b["arguments"] for b in screen["buttons"]] == [
        ["answer", "yes"],
        ["answer", "no"],
        ["answer", "unsure"],
    ]
    assert "question 1 of" in screen["html"] and screen["warnings"] == []
    assert tab.last["request"]["context"]["Viewport"]["pixelWidth"] == 960

    tab.touch("answer", "no")
    request = tab.last["request"]["request"]
    assert request["type"] == "Alexa.Presentation.APL.UserEvent" and request["arguments"] == ["answer", "no"]
    assert tab.last["turn"]["arguments"] == ["answer", "no"]
    assert "question 2 of" in tab.last["screen"]["html"]

    speech = tab.touch("answer", "yes")
    assert speech.startswith("Call nine one one now.")
    assert tab.last["ended"] and tab.last["session"] is None
    assert "911" in tab.last["card"]["text"] and "911" in tab.last["screen"]["html"]


def test_a_voice_only_device_gets_no_screen(page):
    tab = page()
    tab.say("open back pain guide")
    assert tab.last["screen"] is None and "Viewport" not in tab.last["request"]["context"]
    assert "directives" not in tab.last["response"]["response"]


def test_a_tampered_session_is_answered_not_crashed(page):
    tab = page()
    tab.say("open back pain guide")
    tab.session = {
        "sessionId": tab.session["sessionId"],
        "attributes": {"checklist": {"index": 999}, "junk": [1] * 50},
    }
    assert tab.say("yes")  # the skill re-validates its attributes; the page gets an answer
    assert tab.last["speech"]["segments"]


def test_the_page_needs_verification_off_and_is_refused_in_production(monkeypatch, capsys):
    with pytest.raises(ConfigurationError):
        create_app(verify=True, simulator=True, environ={}, handler=lambda_handler)
    with pytest.raises(ConfigurationError):
        create_app(
            verify=False,
            simulator=True,
            environ={"BACK_PAIN_GUIDE_ENV": "production", "SKILL_ID": "x"},
            handler=lambda_handler,
        )
    plain = create_app(verify=False, environ={}, handler=lambda_handler).test_client()
    assert plain.get("/").status_code == 405 and plain.post(TURN_URL, json=GOOD).status_code == 404
    with_page = create_app(verify=False, simulator=True, environ={}, handler=lambda_handler).test_client()
    assert with_page.get("/").status_code == 200
    monkeypatch.setenv("BACK_PAIN_GUIDE_ENV", "production")
    assert simulator_main(["--port", "0"]) == 2
    assert "refusing to start" in capsys.readouterr().err


def test_a_skill_failure_is_a_500_with_the_reason():
    def broken(event, context):
        raise RuntimeError("boom")

    from back_pain_simulator import create_blueprint

    app = create_app(verify=False, environ={}, handler=broken)
    app.register_blueprint(create_blueprint(broken))
    reply = app.test_client().post(TURN_URL, json=GOOD)
    assert reply.status_code == 500 and reply.get_json()["reason"] == "the skill raised RuntimeError: boom"


def test_simulator_app_fixture_builds():
    assert simulator_app().test_client().get("/").status_code == 200
