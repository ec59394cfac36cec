"""Every handler, driven through the console's resolver with real utterances."""

from __future__ import annotations

import pytest

from back_pain_guide.content import get_content
from back_pain_guide.speech import Voice

CONTENT = get_content()
VOICE = Voice(CONTENT, "en-US")


def say(key: str, **values) -> str:
    return VOICE.say(key, **values)


def first_chunk(topic_id: str, part: str = "chunks") -> str:
    topic = CONTENT.topics[topic_id]
    return VOICE.speak_text((topic.treatment if part == "treatment" else topic.chunks)[0])


def test_launch_greets_with_disclaimer_and_options(listener):
    speech = listener.open()
    assert "not a substitute" in speech
    assert "check my symptoms" in speech
    assert speech.rstrip().endswith("?")
    assert listener.reprompt and listener.session_open
    assert listener.card["title"] == "Back Pain Guide"


@pytest.mark.parametrize(
    "utterance, topic_id",
    [
        ("what causes back pain", "causes"),
        ("why does my back hurt", "causes"),
        ("what causes sciatica", "sciatica"),
        ("can kidney stones cause back pain", "kidney_stones"),
        ("how is back pain diagnosed", "diagnosis"),
        ("what will the doctor do", "diagnosis"),
        ("when should i see a doctor", "when_to_get_help"),
        ("tell me about a slipped disc", "herniated_disk"),
        ("what is sciatica", "sciatica"),
        ("what helps back pain", "home_care"),
        ("does heat help", "heat_and_ice"),
    ],
)
def test_topic_questions_read_the_topic(listener, utterance, topic_id):
    listener.open()
    speech = listener.say(utterance)
    assert first_chunk(topic_id) in speech
    assert listener.card["title"] == CONTENT.topics[topic_id].title
    assert listener.session_open and listener.reprompt
    assert speech.rstrip().endswith("?")


def test_remedies_for_a_named_cause_reads_its_treatment(listener):
    listener.open()
    speech = listener.say("how do i treat sciatica")
    assert listener.intent == "RemediesIntent"
    assert first_chunk("sciatica", "treatment") in speech


def test_every_card_names_its_source(listener):
    listener.open()
    listener.say("what causes sciatica")
    source = CONTENT.sources[CONTENT.topics["sciatica"].sources[0]]
    assert source.title in listener.card["content"]
    assert "https://" not in listener.speech


def test_more_reads_next_chunk_then_offers_related_topic(listener):
    listener.open()
    topic = CONTENT.topics["when_to_get_help"]
    listener.say("when should i see a doctor")
    assert listener.speech.endswith(say("more_offer"))
    for chunk in topic.chunks[1:]:
        speech = listener.say("tell me more")
        assert VOICE.speak_text(chunk) in speech
    assert "Would you like to hear about" in listener.speech
    speech = listener.say("more")
    assert speech.startswith(say("end_of_topic", title=topic.title.lower()))


def test_next_intent_continues_like_more(listener):
    listener.open()
    listener.say("when should i see a doctor")
    assert VOICE.speak_text(CONTENT.topics["when_to_get_help"].chunks[1]) in listener.say("next")


def test_yes_after_related_offer_reads_that_topic(listener):
    listener.open()
    listener.say("what is sciatica")
    while "Would you like to hear about" not in listener.speech:
        listener.say("more")
    offered = listener.response["sessionAttributes"]["offer"]["topic"]
    listener.say("yes")
    assert listener.card["title"] == CONTENT.topics[offered].title


def test_no_after_offer_asks_what_else(listener):
    listener.open()
    listener.say("what is sciatica")
    assert listener.say("no") == say("anything_else")
    assert listener.session_open


def test_yes_and_no_without_a_question_get_sensible_answers(listener):
    listener.open()
    assert listener.say("yes") == say("yes_without_question")
    assert listener.say("no") == say("no_without_question")
    assert listener.session_open


def test_repeat_says_the_last_answer_again(listener):
    listener.open()
    first = listener.say("what causes sciatica")
    assert listener.say("repeat") == first
    assert listener.say("say that again") == first


def test_repeat_before_anything_was_said(listener):
    envelope = listener.console.device.intent("AMAZON.RepeatIntent")
    listener.send(envelope)
    assert listener.speech == say("nothing_to_repeat")


def test_help_mentions_disclaimer_and_checklist(listener):
    listener.open()
    speech = listener.say("help")
    assert "not medical advice" in speech and "check my symptoms" in speech
    assert listener.session_open
    assert "check my symptoms" in listener.reprompt


def test_yes_after_help_starts_the_checklist(listener):
    listener.open()
    listener.say("help")
    speech = listener.say("yes")
    assert CONTENT.questions[0].text in speech


@pytest.mark.parametrize("utterance", ["stop", "cancel", "goodbye"])
def test_stop_and_cancel_end_politely(listener, utterance):
    listener.open()
    assert listener.say(utterance) == say("goodbye")
    assert not listener.session_open


@pytest.mark.parametrize("utterance", ["start over", "go home"])
def test_start_over_and_navigate_home_forget_the_topic(listener, utterance):
    listener.open()
    listener.say("what causes sciatica")
    speech = listener.say(utterance)
    assert speech.startswith(say("start_over")) and say("launch_options") in speech
    assert listener.say("more") == say("nothing_to_continue")


def test_fallback_for_words_outside_the_model(listener):
    listener.open()
    speech = listener.say("purple monkey dishwasher")
    assert listener.intent == "AMAZON.FallbackIntent"
    assert speech == say("fallback")
    assert listener.session_open


def test_unmatched_topic_is_answered_honestly(listener):
    listener.open()
    speech = listener.say("tell me about zebras")
    assert listener.intent == "TopicIntent"
    assert "don't have information" in speech
    assert listener.session_open and speech.rstrip().endswith(("?", "."))


def test_more_with_nothing_to_continue(listener):
    listener.open()
    assert listener.say("more") == say("nothing_to_continue")


def test_session_ended_request_is_acknowledged_silently(listener):
    listener.open()
    response = listener.send(listener.console.device.session_ended("USER_INITIATED"))
    assert "outputSpeech" not in (response.get("response") or {})


def test_one_shot_invocation(listener):
    speech = listener.say("ask back pain guide what causes sciatica")
    assert first_chunk("sciatica") in speech


def test_emergency_words_in_an_utterance_win(listener):
    listener.open()
    speech = listener.say("i can't control my bladder")
    assert "nine one one" in speech
    assert not listener.session_open
