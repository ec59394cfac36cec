"""Free-form questions through the console, as a listener hears them: the best chunk, "more",
the next-best topic, the session, honest declines and emergency advice first."""

from __future__ import annotations

import pytest

from back_pain_guide.content import get_content
from back_pain_guide.freeform import find_answer
from back_pain_guide.speech import Voice

CONTENT = get_content()
VOICE = Voice(CONTENT, "en-US")


def chunk_text(topic_id: str, part: str, index: int) -> str:
    topic = CONTENT.topics[topic_id]
    return VOICE.speak_text((topic.treatment if part == "treatment" else topic.chunks)[index])


@pytest.mark.parametrize(
    "utterance, topic_id",
    [
        ("is it bad to lie in bed all day", "stay_active"),
        ("does heat or ice work better", "heat_and_ice"),
        ("can my period cause back pain", "menstrual_cramps"),
        ("what will the doctor do", "diagnosis"),
        ("why does my lower back hurt when i bend over", "strains_sprains"),
    ],
)
@pytest.mark.parametrize("locale", ["en-US", "en-GB", "en-CA", "en-AU", "en-IN"])
def test_the_issue_examples_are_answered_from_the_right_topic(make_listener, locale, utterance, topic_id):
    listener = make_listener(locale=locale)
    listener.open()
    speech = listener.say(utterance)
    assert listener.card["title"] == Voice(CONTENT, locale).spell(CONTENT.topics[topic_id].title)
    assert listener.session_open and speech.rstrip().endswith("?")


@pytest.mark.parametrize(
    "utterance, intent, query",
    [
        ("why does my back hurt when i sneeze", "QuestionIntent", "my back hurt when i sneeze"),
        ("is it bad to sit all day at work", "QuestionIntent", "sit all day at work"),
        ("can you tell me what sciatica is", "QuestionIntent", "what sciatica is"),
        ("should i sleep on a firm mattress", "QuestionIntent", "sleep on a firm mattress"),
        ("my legs tingle after walking", "StatementIntent", "legs tingle after walking"),
    ],
)
def test_free_speech_reaches_the_question_intent_through_its_carrier_phrase(
    listener, utterance, intent, query
):
    """Questions and descriptions each have their carrier phrases (the detector reads them apart)."""
    listener.open()
    listener.say(utterance)
    assert listener.intent == intent
    assert listener.request["request"]["intent"]["slots"]["query"]["value"] == query


def test_the_answer_is_the_best_chunk_and_more_reads_on(listener):
    utterance = "can you tell me what sciatica is"
    hit = find_answer("what sciatica is").hits[0]
    topic = CONTENT.topics[hit.topic.id]
    assert len(topic.chunks) > 1 and (hit.part, hit.chunk) == ("chunks", 0)
    listener.open()
    speech = listener.say(utterance)
    assert chunk_text(topic.id, "chunks", 0) in speech
    assert "Want to hear more?" in speech
    speech = listener.say("tell me more")
    assert chunk_text(topic.id, "chunks", 1) in speech


def test_a_question_about_treatment_reads_the_treatment_part(listener):
    listener.open()
    speech = listener.say("can you tell me how sciatica is treated")
    assert listener.intent == "QuestionIntent"
    assert chunk_text("sciatica", "treatment", 0) in speech


def test_yes_after_an_answer_reads_on_and_then_offers_the_next_best_topic(listener):
    listener.open()
    listener.say("is it bad to lie in bed all day")
    topic = CONTENT.topics["stay_active"]
    offered = [t for t in CONTENT.topics.values() if f"tell you about {t.title.lower()}." in listener.speech]
    assert len(offered) == 1 and offered[0].id != topic.id
    speech = listener.say("yes")
    assert chunk_text(topic.id, "chunks", 1) in speech
    # At the end of the topic, a related topic is offered (the runner-up or the first related one).
    then = [
        t
        for t in CONTENT.topics.values()
        if speech.endswith(VOICE.say("related_offer", title=t.title.lower()))
    ]
    assert len(then) == 1
    listener.say("yes")
    assert listener.card["title"] == then[0].title


def test_a_follow_up_that_points_back_uses_the_session(listener, make_listener):
    question = "does it come back"
    listener.open()
    listener.say("can you tell me what sciatica is")
    speech = listener.say(question)
    assert listener.card["title"] == CONTENT.topics["sciatica"].title
    assert chunk_text("sciatica", "chunks", 1) in speech
    fresh = make_listener()
    fresh.open()
    fresh.say(question)
    assert fresh.card.get("title") != CONTENT.topics["sciatica"].title


def test_a_follow_up_never_repeats_the_chunk_just_read(listener):
    listener.open()
    first = listener.say("can you tell me what sciatica is")
    second = listener.say("how long does it last")
    assert listener.intent == "QuestionIntent"
    assert chunk_text("sciatica", "chunks", 0) in first and chunk_text("sciatica", "chunks", 0) not in second


@pytest.mark.parametrize(
    "utterance",
    [
        "can you tell me the weather tomorrow",
        "how do i make banana bread",
        "what is the capital of australia",
        "why does my knee click when i climb stairs",
    ],
)
def test_a_question_without_an_answer_is_declined_honestly(listener, utterance):
    listener.open()
    speech = listener.say(utterance)
    assert speech.startswith("Sorry, I don't have information on that.")
    assert "does heat or ice work better?" in speech and speech.endswith("What would you like to know?")
    assert listener.reprompt == f"{VOICE.say('question_reprompt')} {VOICE.say('safety_line')}"
    assert listener.session_open and not listener.card


@pytest.mark.parametrize(
    "utterance",
    [
        "i fell off a ladder and now my back hurts",
        "my legs keep giving out when i stand up",
        "i think i fell badly yesterday",
        "i can't pee and my lower back hurts",
    ],
)
def test_emergency_words_in_a_question_get_the_emergency_advice_even_mid_topic(listener, utterance):
    listener.open()
    listener.say("can you tell me what sciatica is")
    speech = listener.say(utterance)
    assert speech.startswith("Call nine one one now.")
    assert listener.card["title"] == VOICE.write("emergency_card_title")
    assert not listener.session_open


@pytest.mark.parametrize("answer, emergency", [("yes", True), ("i'm not sure", True), ("no", False)])
def test_a_likely_sign_gets_one_confirming_question(listener, answer, emergency):
    """ "I fell" may or may not be a serious injury: ask once; yes or not sure gets the advice,
    no answers what was asked, with the safety line in the reprompt."""
    listener.open()
    speech = listener.say("i fell and hurt my back")
    assert speech.startswith("Just to check:") and listener.session_open
    assert "nine one one" in listener.reprompt
    speech = listener.say(answer)
    if emergency:
        assert speech.startswith("Call nine one one now.") and not listener.session_open
        assert "Alexa can't make the call" in speech
    else:
        assert speech.startswith("Okay.") and "nine one one now" not in speech and listener.session_open


def test_a_question_about_a_condition_informs_and_does_not_alarm(listener):
    """Whole, the question informs; on a device the carrier phrase takes "can" away, and what is
    left may get a confirming question, never the alarm."""
    assert find_answer("can a heart attack feel like back pain").emergency is None
    listener.open()
    speech = listener.say("can a heart attack feel like back pain")
    assert listener.session_open and not speech.startswith("Call")


def test_emergency_advice_uses_the_listeners_emergency_number(make_listener):
    listener = make_listener(locale="en-GB")
    listener.open()
    speech = listener.say("my stomach is pulsing and i feel like i might pass out")
    assert "nine nine nine" in speech and not listener.session_open


def test_an_unanswerable_question_while_a_checklist_question_waits_asks_for_the_answer_again(listener):
    listener.open()
    listener.say("check my symptoms")
    speech = listener.say("my dog keeps barking at the postman")
    assert listener.intent == "StatementIntent"
    assert speech.startswith(VOICE.say("checklist_need_answer")) and CONTENT.questions[0].text in speech
    assert CONTENT.questions[1].text in listener.say("i guess not")


def test_a_real_question_during_the_checklist_is_answered_then_offers_to_go_back(listener):
    listener.open()
    listener.say("check my symptoms")
    speech = listener.say("is it bad to lie in bed all day")
    assert listener.card["title"] == CONTENT.topics["stay_active"].title
    told = sum(q.is_emergency for q in CONTENT.questions)  # the count the listener was told
    assert speech.endswith(VOICE.say("checklist_offer_resume", number=1, count=told))
    assert CONTENT.questions[0].text in listener.say("yes")


def test_the_index_is_built_once_per_process():
    from back_pain_guide import freeform

    assert freeform.index() is freeform.index()
