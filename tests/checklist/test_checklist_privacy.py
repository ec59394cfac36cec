"""Nothing the listener answered reaches a card, a screen or a log (issue #17 part 3).

The result card is kept in the Alexa app's history, where the household can read it; the
screen's history likewise. Both carry the advice for the result's level and the signs to watch
for: the same text for everyone at that level, never a question, a flagged sign or a say-back.
"""

from __future__ import annotations

import json
import logging

import pytest

from back_pain_guide.checklist import Result
from back_pain_guide.content import EMERGENCY, SAME_DAY, SOON, get_content
from back_pain_guide.speech import Voice
from back_pain_guide.turns.checklist import result_card

CONTENT = get_content()
QUESTIONS = CONTENT.questions
GATE = sum(q.is_emergency for q in QUESTIONS)
LOCALES = ("en-US", "en-CA", "en-GB", "en-AU", "en-IN")
SAY_BACKS = ("counting that as a yes", "treating that as a yes", "You said", "weren't sure")


def answers_text(voice: Voice) -> list[str]:
    """Everything that would give an answer away: each question, its summary, reason and advice."""
    texts = []
    for q in QUESTIONS:
        texts += [
            voice.spell(q.text),
            voice.spell(q.summary),
            voice.speak_text(q.reason),
            voice.card_text(q.reason),
        ]
        if q.advice:
            texts += [voice.speak_text(q.advice), voice.card_text(q.advice)]
    return texts


def screen_of(listener) -> dict:
    directives = (listener.response.get("response") or {}).get("directives") or []
    assert directives, "an APL device gets a screen"
    return directives[0]["datasources"]["screen"]


def assert_private(listener, voice: Voice) -> None:
    shown = json.dumps(screen_of(listener)) + json.dumps(listener.card)
    # The signs to watch for are the same list for everyone; some share a summary's words.
    everyones = voice.write("checklist_card_watch")
    leaked = [t for t in answers_text(voice) + list(SAY_BACKS) if t and t in shown and t not in everyones]
    assert leaked == []


def walk(listener, flagged_id: str, answer: str):
    """Answer the checklist with ``answer`` to ``flagged_id`` and no to the rest, checking every
    screen on the way holds no say-back; returns after the result."""
    listener.open()
    listener.say("check my symptoms")
    for index, question in enumerate(QUESTIONS):
        listener.say(answer if question.id == flagged_id else "no")
        screen = json.dumps(screen_of(listener))
        assert not any(s in screen for s in SAY_BACKS), screen
        if not listener.session_open or "home care" in listener.speech:
            return
        if index == GATE - 1:
            listener.say("yes")


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(
    "flagged_id, answer",
    [
        ("chest_symptoms", "a little"),
        ("bladder_bowel", "i'm not sure"),
        ("leg_weakness", "yes"),
        ("cancer_history", "sort of"),
        ("infection_risk", "yes"),
        ("pregnancy", "kind of"),
        ("bone_risk", "a bit"),
        ("not_improving", "yes"),
        ("nothing", "yes"),
    ],
)
def test_result_card_and_screen_hold_no_answers(make_listener, locale, flagged_id, answer):
    listener = make_listener(locale=locale, screen=True)
    voice = Voice(CONTENT, locale)
    walk(listener, flagged_id, answer)
    assert listener.card, "every result has a card"
    assert_private(listener, voice)
    question = CONTENT.question(flagged_id)
    severity = question.severity if question else None
    if severity == EMERGENCY:
        assert listener.card["content"] == voice.write("emergency_card")
        assert voice.locale.emergency_number in screen_of(listener)["text"]
    else:
        level = {SAME_DAY: Result.SAME_DAY, SOON: Result.SOON}.get(severity, Result.CLEAR)
        # The card is the same for everyone at this level: the advice, the signs to watch for.
        assert listener.card["content"] == result_card(voice, level)
        assert voice.write("checklist_card_watch") in listener.card["content"]
        assert screen_of(listener)["text"] in listener.card["content"]


@pytest.mark.parametrize("locale", LOCALES)
def test_an_early_finish_card_holds_no_answers(make_listener, locale):
    listener = make_listener(locale=locale, screen=True)
    listener.open()
    listener.say("check my symptoms")
    for _ in range(GATE):
        listener.say("no")
    listener.say("no")
    assert listener.card["content"] == result_card(Voice(CONTENT, locale), Result.CLEAR)
    assert_private(listener, Voice(CONTENT, locale))


def test_the_same_day_card_gives_the_locale_route_in_digits():
    card = result_card(Voice(CONTENT, "en-AU"), Result.SAME_DAY)
    assert "healthdirect on 1800 022 222" in card and "Call 000 at once" in card
    assert "NHS 111" in result_card(Voice(CONTENT, "en-GB"), Result.SAME_DAY)


def test_nothing_answered_reaches_a_log(make_listener, caplog):
    caplog.set_level(logging.DEBUG)
    listener = make_listener(screen=True)
    walk(listener, "cancer_history", "a little")
    voice = Voice(CONTENT, "en-US")
    logged = caplog.text
    assert [t for t in answers_text(voice) + list(SAY_BACKS) if t and t in logged] == []
    assert "partly" not in logged
