"""The safety gate before a routine, and what stops one: pain, a leg, emergency words."""

from __future__ import annotations

import pytest
from routine_helpers import CONTENT, DATA, LOCALES, check_limits, started, state

from back_pain_guide import exercises as ex
from back_pain_guide.speech import Voice

NUMBERS = {
    "en-US": "nine one one",
    "en-GB": "nine nine nine",
    "en-CA": "nine one one",
    "en-AU": "triple zero",
    "en-IN": "one one two, or one oh eight for an ambulance",
}


def at_gate(make_listener, locale: str = "en-US"):
    listener = make_listener(locale=locale)
    listener.open()
    heard = listener.say("guide me through some exercises")
    check_limits(listener)
    return listener, heard


def test_the_gate_says_why_and_asks_every_emergency_sign_of_the_checklist(make_listener):
    listener, heard = at_gate(make_listener)
    assert heard.startswith(Voice(CONTENT, "en-US").say("exercise_gate_intro"))
    asked = ex.sign_questions(CONTENT, DATA)
    emergency = [q for q in CONTENT.questions if q.is_emergency]
    # the injury questions are asked on their own; every other emergency sign is in the first question
    assert {q.id for q in asked} | set(DATA.injury_questions) == {q.id for q in emergency}
    assert all(q.summary in heard for q in asked)
    assert listener.say("no") == Voice(CONTENT, "en-US").say("exercise_gate_injury")


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("answer", ["yes", "i'm not sure", "a little"])
def test_a_sign_at_the_gate_gives_the_emergency_advice_and_no_exercises(make_listener, locale, answer):
    listener, _ = at_gate(make_listener, locale)
    heard = listener.say(answer)
    assert heard.startswith(f"Call {NUMBERS[locale]} now.") and "Alexa can't make the call" in heard
    assert not listener.session_open and "Knee" not in heard
    check_limits(listener)


@pytest.mark.parametrize("answer", ["yes", "not sure"])
def test_a_serious_injury_gives_the_emergency_advice(make_listener, answer):
    listener, _ = at_gate(make_listener, "en-GB")
    listener.say("no")
    assert listener.say("yes") == Voice(CONTENT, "en-GB").say("exercise_gate_injury_check")
    heard = listener.say(answer)
    assert heard.startswith("Call nine nine nine now.") and not listener.session_open


@pytest.mark.parametrize(
    "locale, route", [("en-GB", "NHS one one one"), ("en-AU", "healthdirect"), ("en-US", "")]
)
def test_a_minor_injury_means_no_exercises_and_a_check_first(make_listener, locale, route):
    listener, _ = at_gate(make_listener, locale)
    listener.say("no")
    listener.say("yes")
    heard = listener.say("no")
    voice = Voice(CONTENT, locale)
    assert heard.startswith(voice.say("exercise_injury_advice")) and route in heard
    assert heard.endswith(voice.say("checklist_after_result"))
    assert state(listener) is None and listener.session_open
    assert "home care" in listener.say("yes").lower() or listener.card["title"]


def test_free_words_at_the_gate_reach_the_emergency_detector(make_listener):
    listener, _ = at_gate(make_listener)
    heard = listener.say("i can't feel my legs")
    assert heard.startswith("Call nine one one now.") and not listener.session_open


def test_words_that_name_no_sign_at_the_gate_ask_for_yes_or_no(make_listener):
    listener, _ = at_gate(make_listener)
    heard = listener.say("purple monkey dishwasher")
    assert (
        heard.startswith(Voice(CONTENT, "en-US").say("exercise_gate_need_answer"))
        and state(listener)["phase"] == "signs"
    )
    assert listener.say("next").startswith(Voice(CONTENT, "en-US").say("exercise_gate_need_answer"))


def test_the_gate_is_asked_again_for_every_routine_started(make_listener):
    listener = started(make_listener)
    listener.say("stop")
    listener.open()
    assert "two quick safety questions" in listener.say("stretches for my back")


PAIN = [
    "that hurts",
    "ouch",
    "my leg is tingling",
    "i can feel it down my leg",
    "it's really sore",
    "that's painful",
    "my back is hurting more",
    "i have pins and needles in my foot",
]


@pytest.mark.parametrize("said", PAIN)
def test_pain_mid_routine_stops_it_with_the_advice(make_listener, said):
    listener = started(make_listener)
    listener.say("next")
    heard = listener.say(said)
    voice = Voice(CONTENT, "en-US")
    assert heard.startswith(voice.say("exercise_pain_stop")), (said, listener.intent)
    assert state(listener) is None and listener.session_open
    assert listener.say("next").startswith("Sorry") or state(listener) is None  # the routine is over
    check_limits(listener)


@pytest.mark.parametrize("step", range(len(ex.parts(DATA, "gentle"))))
@pytest.mark.parametrize("said", ["that hurts", "my leg is tingling"])
def test_pain_stops_the_routine_at_every_step(make_listener, step, said):
    listener = started(make_listener)
    for _ in range(step):
        listener.say("next")
    listener.say("pause") if step % 2 else None
    assert listener.say(said).startswith("Let's stop the exercises now.") and state(listener) is None


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(
    "said",
    [
        "i can't feel my legs",
        "call an ambulance",
        "i've wet myself and can't feel down below",
        "my chest is tight and i can't breathe",
    ],
)
def test_emergency_words_mid_routine_win(make_listener, locale, said):
    listener = started(make_listener, "fuller", locale)
    listener.say("next")
    heard = listener.say(said)
    assert heard.startswith(f"Call {NUMBERS[locale]} now."), (said, heard)
    assert not listener.session_open
    check_limits(listener)


def test_a_hint_of_a_sign_mid_routine_ends_it_with_one_confirming_question(make_listener):
    listener = started(make_listener)
    heard = listener.say("i fell and hurt my back")
    assert heard.startswith("Just to check") and state(listener) is None
    assert listener.say("yes").startswith("Call nine one one now.")


def test_that_hurts_outside_a_routine_is_heard_as_pain(listener):
    listener.open()
    heard = listener.say("that hurts")
    assert listener.intent == "PainIntent" and listener.session_open and heard
    assert "Let's stop the exercises" not in heard


def test_the_warning_and_facts_are_those_of_f78():
    voice = Voice(CONTENT, "en-US")
    start = voice.say("exercise_start", title="x", count="x", number="x")
    assert "pain gets much worse" in start and "down your leg" in start and "stop" in start
    assert {"F77", "F78"} <= set(DATA.facts)
