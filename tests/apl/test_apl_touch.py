"""Touching Yes, No or Not sure on the checklist screen does exactly what saying it does."""

from __future__ import annotations

import pytest

from back_pain_guide.content import get_content
from back_pain_guide.speech import Voice

CONTENT = get_content()
QUESTIONS = CONTENT.questions
VOICE = Voice(CONTENT, "en-US")
SAID = {"yes": "yes", "no": "no", "unsure": "i'm not sure"}


def touch(listener, *arguments) -> str:
    listener.send(listener.console.device.user_event(list(arguments)))
    return listener.speech


def started(make_listener, locale: str = "en-US"):
    listener = make_listener(locale=locale, screen=True)
    listener.open()
    listener.say("check my symptoms")
    return listener


def transcript(listener, answers, by_touch: bool) -> list[tuple]:
    heard = []
    for answer in answers:
        speech = touch(listener, "answer", answer) if by_touch else listener.say(SAID[answer])
        screens = [d["datasources"] for d in listener.response["response"].get("directives", [])]
        heard.append((speech, listener.session_open, listener.card.get("content", ""), screens))
        if not listener.session_open:
            break
    return heard


PATHS = [
    ["no"] * len(QUESTIONS),  # nothing flagged
    ["yes"],  # first emergency question
    ["no", "unsure"],  # emergency by "not sure"
    ["no"] * (len(QUESTIONS) - 2) + ["yes", "unsure"],  # urgent answers at the end
    ["no", "no", "no", "yes"],
]


@pytest.mark.parametrize("answers", PATHS)
@pytest.mark.parametrize("locale", ["en-US", "en-GB"])
def test_touch_answers_sound_exactly_like_spoken_ones(make_listener, answers, locale):
    spoken = transcript(started(make_listener, locale), answers, by_touch=False)
    touched = transcript(started(make_listener, locale), answers, by_touch=True)
    assert touched == spoken


def test_touch_no_advances_to_the_next_question(make_listener):
    listener = started(make_listener)
    assert touch(listener, "answer", "no").endswith(QUESTIONS[1].text)
    assert listener.console.device.attributes["checklist"]["index"] == 1
    assert listener.session_open and QUESTIONS[1].text in listener.reprompt


@pytest.mark.parametrize("answer", ["yes", "unsure"])
def test_touch_yes_on_an_emergency_question_ends_with_the_emergency_advice(make_listener, answer):
    listener = started(make_listener, "en-AU")
    touch(listener, "answer", "no")
    speech = touch(listener, "answer", answer)
    question = QUESTIONS[1]
    assert question.is_emergency
    assert "call triple zero now" in speech.lower() and question.summary in speech
    assert not listener.session_open and "000" in listener.card["content"]
    screen = listener.response["response"]["directives"][0]["datasources"]["screen"]
    assert "call 000 now" in screen["text"].lower()


@pytest.mark.parametrize(
    "arguments",
    [
        ["answer", "maybe"],
        ["answer"],
        ["answer", "yes", "extra"],
        [],
        ["goto", "yes"],
        ["answer", 1],
        [None],
        ["ANSWER", "YES"],
        "answer",
        None,
        {"answer": "yes"},
    ],
)
def test_garbage_touch_during_the_checklist_asks_again(make_listener, arguments):
    listener = started(make_listener)
    touch(listener, "answer", "no")
    event = listener.console.device.user_event([])
    event["request"]["arguments"] = arguments
    listener.send(event)
    speech = listener.speech
    assert speech.startswith(VOICE.say("checklist_need_answer")) and speech.endswith(QUESTIONS[1].text)
    assert listener.session_open and listener.console.device.attributes["checklist"]["index"] == 1


def test_garbage_touch_outside_the_checklist_is_a_polite_fallback(make_listener):
    listener = make_listener(screen=True)
    listener.open()
    speech = touch(listener, "play", "music")
    assert speech == VOICE.say("fallback") and listener.session_open


def test_touch_yes_outside_the_checklist_takes_up_the_offer_like_spoken_yes(make_listener):
    spoken, touched = make_listener(screen=True), make_listener(screen=True)
    for listener in (spoken, touched):
        listener.open()
        listener.say("what causes sciatica")
    assert touch(touched, "answer", "yes") == spoken.say("yes")
    assert touched.card["title"] == spoken.card["title"]


def test_a_stale_screen_after_the_checklist_was_left_is_not_a_checklist_answer(make_listener):
    listener = started(make_listener)
    listener.say("what causes sciatica")  # pauses the checklist; "yes" now means "back to it"
    speech = touch(listener, "answer", "yes")
    assert speech.startswith(VOICE.say("checklist_resumed")) and speech.endswith(QUESTIONS[0].text)
