"""The whole checklist through the console, with real utterances, in every locale."""
from __future__ import annotations

import pytest

from back_pain_guide.content import get_content
from back_pain_guide.speech import Voice

CONTENT = get_content()
QUESTIONS = CONTENT.questions
VOICE = Voice(CONTENT, "en-US")
NUMBERS = {"en-US": "nine one one", "en-CA": "nine one one", "en-GB": "nine nine nine",
           "en-AU": "triple zero", "en-IN": "one one two"}
DIGITS = {"en-US": "911", "en-CA": "911", "en-GB": "999", "en-AU": "000", "en-IN": "112"}


def start(listener) -> str:
    listener.open()
    return listener.say("check my symptoms")


def test_first_turn_gives_intro_count_and_first_question(listener):
    speech = start(listener)
    assert f"{len(QUESTIONS)} yes or no questions" in speech
    assert "isn't a diagnosis" in speech
    assert speech.endswith(QUESTIONS[0].text)
    assert QUESTIONS[0].text in listener.reprompt


@pytest.mark.parametrize("utterance", ["is my back pain serious", "run the checklist", "should i see a doctor"])
def test_started_by_many_phrasings(listener, utterance):
    listener.open()
    assert QUESTIONS[0].text in listener.say(utterance)


def test_all_no_gives_self_care_and_when_to_call(listener):
    start(listener)
    for question in QUESTIONS[1:]:
        assert listener.say("no").endswith(question.text)
    speech = listener.say("no")
    assert speech.startswith(VOICE.say("checklist_clear"))
    assert "fine" not in speech.lower()
    assert "week or two" in speech and "nine one one" in speech
    card = listener.card["content"]
    assert all(q.text in card for q in QUESTIONS)
    assert listener.session_open  # offers home care tips
    assert listener.say("yes") and listener.card["title"] == CONTENT.topics["home_care"].title


@pytest.mark.parametrize("answer", ["yes", "i'm not sure", "maybe"])
@pytest.mark.parametrize("position", range(len(QUESTIONS)))
def test_every_question_flagged_alone(listener, position, answer):
    start(listener)
    for _ in range(position):
        listener.say("no")
    speech = listener.say(answer)
    question = QUESTIONS[position]
    unsure_note = VOICE.say("checklist_unsure_note")
    if question.is_emergency:
        assert speech.startswith("Call nine one one now.")  # the number first, whatever the answer
        assert (unsure_note in speech) == (answer != "yes")
        assert question.summary in speech and question.reason in speech
        assert not listener.session_open and "?" not in speech
        assert "911" in listener.card["content"]
        return
    for _ in range(len(QUESTIONS) - position - 1):
        listener.say("no")
    speech = listener.speech
    assert "contact a doctor or healthcare provider soon" in speech
    assert question.summary in speech
    assert (unsure_note in speech) == (answer != "yes")
    assert "you are fine" not in speech.lower()


def test_urgent_result_names_every_flagged_answer(listener):
    start(listener)
    urgent = [q for q in QUESTIONS if not q.is_emergency]
    for question in QUESTIONS:
        listener.say("yes" if question in urgent[:2] else "no")
    speech = listener.speech
    assert f"{urgent[0].summary} and {urgent[1].summary}" in speech


@pytest.mark.parametrize("locale", sorted(NUMBERS))
def test_emergency_number_by_locale(make_listener, locale):
    listener = make_listener(locale=locale)
    start(listener)
    speech = listener.say("yes")
    assert f"call {NUMBERS[locale]} now" in speech.lower()
    assert DIGITS[locale] in listener.card["content"]
    assert not listener.session_open


@pytest.mark.parametrize("utterance", ["i can't control my bladder", "why can't i control my bladder", "stop"])
@pytest.mark.parametrize("locale", sorted(NUMBERS))
def test_emergency_answers_say_the_locale_number(make_listener, locale, utterance):
    listener = make_listener(locale=locale)
    start(listener)
    speech = listener.say(utterance)
    assert f"call {NUMBERS[locale]}" in speech.lower() and not listener.session_open
    assert [n for n in set(NUMBERS.values()) - {NUMBERS[locale]} if n in speech] == []
    if listener.card:
        assert DIGITS[locale] in listener.card["content"]


def test_repeat_reasks_the_question(listener):
    start(listener)
    listener.say("no")
    assert listener.say("repeat").endswith(QUESTIONS[1].text)


def test_help_explains_and_reasks(listener):
    start(listener)
    speech = listener.say("help")
    assert speech.startswith(VOICE.say("checklist_help")) and speech.endswith(QUESTIONS[0].text)


@pytest.mark.parametrize("utterance", ["purple monkey dishwasher", "more", "next"])
def test_off_topic_answer_asks_for_yes_or_no(listener, utterance):
    start(listener)
    listener.say("no")
    speech = listener.say(utterance)
    assert speech.startswith(VOICE.say("checklist_need_answer")) and speech.endswith(QUESTIONS[1].text)


@pytest.mark.parametrize("utterance", ["stop", "cancel"])
def test_stop_ends_politely_with_the_number(listener, utterance):
    start(listener)
    speech = listener.say(utterance)
    assert speech == VOICE.say("checklist_stopped")
    assert not listener.session_open


def test_start_over_restarts(listener):
    start(listener)
    listener.say("no")
    listener.say("no")
    speech = listener.say("start over")
    assert speech.startswith(VOICE.say("checklist_restart")) and speech.endswith(QUESTIONS[0].text)


def test_other_question_mid_checklist_is_answered_then_offered_back(listener):
    start(listener)
    listener.say("no")
    speech = listener.say("what causes sciatica")
    assert VOICE.speak_text(CONTENT.topics["sciatica"].chunks[0]) in speech
    assert speech.endswith(VOICE.say("checklist_offer_resume", number=2, count=len(QUESTIONS)))
    # "yes" now means "back to the checklist", not a checklist answer
    speech = listener.say("yes")
    assert speech.startswith(VOICE.say("checklist_resumed")) and speech.endswith(QUESTIONS[1].text)
    assert listener.say("no").endswith(QUESTIONS[2].text)


def test_checklist_intent_resumes_a_paused_checklist(listener):
    start(listener)
    listener.say("no")
    listener.say("what causes sciatica")
    assert listener.say("check my symptoms").endswith(QUESTIONS[1].text)


def test_declining_to_resume_keeps_the_checklist_on_offer(listener):
    start(listener)
    listener.say("no")
    listener.say("what causes sciatica")
    listener.say("no")
    assert listener.say("check my symptoms").endswith(QUESTIONS[1].text)


def test_emergency_words_mid_checklist_win(listener):
    start(listener)
    listener.say("no")
    speech = listener.say("my legs are giving out")
    assert "nine one one" in speech and not listener.session_open


def test_tampered_state_mid_checklist_never_skips_an_emergency_question(listener):
    start(listener)
    listener.say("no")
    listener.console.device.attributes["checklist"] = {"index": 8, "answers": [[QUESTIONS[0].id, "no"]]}
    speech = listener.say("no")
    assert speech.endswith(QUESTIONS[0].text)
    assert VOICE.say("checklist_state_reset") in speech
