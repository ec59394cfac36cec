"""Emergencies end to end, through the console's resolver as on a device: the number first,
"Alexa can't make the call", in every locale, in session, one-shot and mid-checklist; the safety
line wherever the skill falls back or declines; nothing the listener said in the card."""

from __future__ import annotations

import pytest

from back_pain_guide.content import get_content
from back_pain_guide.speech import Voice

CONTENT = get_content()
LOCALES = sorted(CONTENT.locales)
NUMBER = {code: CONTENT.locale(code).emergency_number_speech for code in LOCALES}


def assert_emergency_advice(listener, speech: str, locale: str = "en-US") -> None:
    number = NUMBER[locale]
    assert speech.startswith(f"Call {number} now."), speech
    assert "Alexa can't make the call" in speech
    assert not listener.session_open
    card = listener.card
    assert card["title"] == Voice(CONTENT, locale).write("emergency_card_title")
    # The card (kept in the Alexa app) says what to do, never what the listener said.
    assert card["content"] == Voice(CONTENT, locale).write("emergency_card")


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(
    "utterance",
    [
        "i can't wee",
        "my legs have gone",
        "i got hit by a car",
        "i'm numb down below",
        "so um both my legs are weak and wobbly",
        "there's a crushing pain in my chest",
        "call an ambulance",
        "it's an emergency",
        "help me i can't move",
        "i've fallen and i can't get up",
    ],
)
def test_everyday_emergency_words_get_the_number_first_in_every_locale(make_listener, locale, utterance):
    listener = make_listener(locale=locale)
    listener.open()
    assert_emergency_advice(listener, listener.say(utterance), locale)


@pytest.mark.parametrize(
    "locale, utterance",
    [
        ("en-GB", "call nine nine nine for me"),
        ("en-AU", "ring triple zero"),
        ("en-IN", "please call one one two"),
        ("en-US", "can you call nine one one"),
        ("en-CA", "i need an ambulance"),
    ],
)
def test_calls_for_help_are_answered_with_the_number_and_that_alexa_cannot_call(
    make_listener, locale, utterance
):
    listener = make_listener(locale=locale)
    listener.open()
    speech = listener.say(utterance)
    # A listed call for help ("ring triple zero") is also a SymptomType value: either intent answers it.
    assert listener.intent in ("CallForHelpIntent", "EmergencySignIntent")
    assert_emergency_advice(listener, speech, locale)


@pytest.mark.parametrize(
    "utterance", ["ask back pain guide my legs have gone", "ask back pain guide i can't pee"]
)
def test_one_shot_emergencies(listener, utterance):
    assert_emergency_advice(listener, listener.say(utterance))


def test_a_description_of_the_sign_asked_about_counts_as_yes(listener):
    listener.open()
    speech = listener.say("check my symptoms")
    question = next(q for q in CONTENT.questions if q.id == "bladder_bowel")
    while question.text not in listener.speech.split("Question")[-1]:
        listener.say("no")
    speech = listener.say("i've had some trouble starting to wee")
    assert_emergency_advice(listener, speech)


def test_any_emergency_sign_said_mid_checklist_escalates(listener):
    listener.open()
    listener.say("check my symptoms")
    assert_emergency_advice(listener, listener.say("no but i can't feel my legs"))


def test_a_likely_sign_said_mid_checklist_confirms_then_goes_back_to_the_checklist(listener):
    listener.open()
    listener.say("check my symptoms")
    first = listener.speech
    speech = listener.say("i fell over last night")
    if not listener.session_open:  # the first question is about injuries: a fall answers it
        assert_emergency_advice(listener, speech)
        return
    assert speech.startswith("Just to check:"), first
    speech = listener.say("no")
    assert listener.session_open and "nine one one now" not in speech.lower()
    listener.say("yes")  # the offer to go back to the checklist
    assert "Question" in listener.speech


@pytest.mark.parametrize("utterance", ["purple monkey dishwasher banana", "what is the capital of australia"])
def test_every_fallback_and_decline_carries_the_safety_line(listener, utterance):
    listener.open()
    speech = listener.say(utterance)
    assert "If this is an emergency, call nine one one." in speech
    assert "nine one one" in listener.reprompt


def test_every_reprompt_carries_the_emergency_number(listener):
    listener.open()
    for utterance in ("what causes sciatica", "help", "check my symptoms", "repeat", "tell me more"):
        listener.say(utterance)
        if listener.session_open:
            assert "nine one one" in listener.reprompt, (utterance, listener.reprompt)


def test_every_emergency_prompt_says_the_number_first():
    for key, text in CONTENT.prompts.items():
        if key.startswith(("emergency_sign", "emergency_generic", "checklist_emergency")):
            assert text.startswith("Call {emergency_number} now."), key


def test_a_negation_is_not_an_alarm(listener):
    listener.open()
    speech = listener.say("my legs are not weak")
    assert listener.session_open and not speech.startswith("Call")


@pytest.mark.parametrize(
    "locale, utterance",
    [
        ("en-GB", "please call for help"),
        ("en-US", "send someone please"),
        ("en-AU", "call my mum"),
        ("en-IN", "call my son please"),
        ("en-CA", "i need to go to the hospital right now"),
        ("en-GB", "ring my husband and tell him i need him here"),
        ("en-US", "please help me i'm in trouble"),
        ("en-AU", "can someone take me to emergency"),
    ],
)
def test_who_or_where_to_call_after_a_call_carrier_is_a_call_for_help(make_listener, locale, utterance):
    """The intent takes the call verb away ("call {details}"); who or where is left is enough."""
    listener = make_listener(locale=locale)
    listener.open()
    assert_emergency_advice(listener, listener.say(utterance), locale)


@pytest.mark.parametrize(
    "utterance",
    ["help me understand sciatica", "i need help with my posture", "help me find a good stretch for my back"],
)
def test_help_with_a_topic_after_a_call_carrier_is_still_a_question(listener, utterance):
    listener.open()
    speech = listener.say(utterance)
    assert "Alexa can't make the call" not in speech
    assert listener.session_open


def _at_question(listener, question_id: str) -> None:
    """Open, start the checklist and say no until ``question_id`` is asked."""
    listener.open()
    listener.say("check my symptoms")
    question = next(q for q in CONTENT.questions if q.id == question_id)
    while question.text not in listener.speech.split("Question")[-1]:
        listener.say("no")


@pytest.mark.parametrize(
    "question_id, utterance",
    [
        ("major_injury", "yes someone shoved me down the stairs"),
        ("sudden_severe", "yeah i nearly fainted when it hit"),
        ("high_fever", "yes i feel really sick like the worst flu ever"),
        ("leg_weakness", "yeah it's getting worse i could walk this morning and now i can barely manage"),
    ],
)
def test_a_yes_in_the_listeners_own_words_answers_the_question_asked(listener, question_id, utterance):
    _at_question(listener, question_id)
    assert_emergency_advice(listener, listener.say(utterance))


def test_a_no_in_the_listeners_own_words_moves_on_to_the_next_question(listener):
    _at_question(listener, "bladder_bowel")
    number = listener.speech.split("Question ")[-1].split(":")[0]
    speech = listener.say("nope he's peeing fine")
    assert listener.session_open and "nine one one now" not in speech.lower()
    assert f"Question {int(number) + 1}:" in speech


@pytest.mark.parametrize(
    "utterance",
    [
        "yeah i had trouble weeing after the prostate op years back but it's all fine now",
        "no wait let me think",
    ],
)
def test_a_yes_about_the_past_or_a_self_correction_is_not_taken_as_an_answer(listener, utterance):
    _at_question(listener, "bladder_bowel")
    speech = listener.say(utterance)
    assert listener.session_open and "nine one one now" not in speech.lower()


@pytest.mark.parametrize(
    "question_id, utterance",
    [
        ("leg_weakness", "me legs are grand it's only me back"),
        ("leg_weakness", "should i worry if my legs go weak with back pain"),
        ("bladder_bowel", "the bladder in my son's rugby ball has gone flat"),
        ("high_fever", "i had a fever last month but it cleared and my back's just stiff now"),
        ("leg_weakness", "what is foot drop"),
    ],
)
def test_a_mention_a_what_if_or_a_past_sign_at_its_own_question_is_no_alarm(listener, question_id, utterance):
    """At the question about a sign, words that only mention it, ask what if, or put it in the
    past are no yes: at most the sign's confirming question, never the advice at once."""
    _at_question(listener, question_id)
    speech = listener.say(utterance)
    assert listener.session_open and "nine one one now" not in speech.lower()


@pytest.mark.parametrize(
    "question_id, utterance",
    [
        ("leg_weakness", "what is foot drop because my foot is dragging while walking"),
        ("high_fever", "what is high fever means mine is one zero two with shivering"),
    ],
)
def test_a_question_that_owns_the_sign_answers_yes(listener, question_id, utterance):
    """ "What is X, because I have it": a question about the words that reports the sign; where a
    device may have taken "what is" as a topic's carrier, after one confirming question."""
    _at_question(listener, question_id)
    speech = listener.say(utterance)
    if listener.session_open:
        assert speech.startswith("Just to check:"), speech
        speech = listener.say("yes")
    assert_emergency_advice(listener, speech)


def test_a_no_about_one_thing_but_another_sign_is_not_taken_as_a_no(listener):
    _at_question(listener, "high_fever")
    speech = listener.say("no the legs are fine but i'm burning up with a fever and my back is throbbing")
    if listener.session_open:  # the fever only named: its confirming question, then the advice
        assert speech.startswith("Just to check:"), speech
        speech = listener.say("yes")
    assert_emergency_advice(listener, speech)
