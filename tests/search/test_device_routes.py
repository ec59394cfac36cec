"""Routes a device takes for everyday questions (#18): what a listener hears when the words
reach the skill through the interaction model, in every locale, and how the ranker answers a
question that names two choices at once."""

from __future__ import annotations

import pytest

from back_pain_guide.content import get_content
from back_pain_guide.freeform import find_answer
from back_pain_guide.speech import Voice

CONTENT = get_content()
LOCALES = ["en-US", "en-GB", "en-CA", "en-AU", "en-IN"]


def title(locale: str, topic_id: str) -> str:
    return Voice(CONTENT, locale).spell(CONTENT.topics[topic_id].title)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(
    "utterance",
    ["what can i take for back pain", "what can i take for my back", "what painkillers can i take"],
)
def test_asking_what_to_take_hears_about_over_the_counter_pain_relief_not_home_care(
    make_listener, locale, utterance
):
    """A sample of RemediesIntent with no topic reads home care; "what can I take" asks for a
    medicine, so it reaches the question intent and the ranker."""
    listener = make_listener(locale=locale)
    listener.open()
    listener.say(utterance)
    assert listener.intent == "QuestionIntent"
    assert listener.card["title"] == title(locale, "over_the_counter_pain_relief")


@pytest.mark.parametrize(
    "utterance, topic_id",
    [
        ("back pain what do i do", "home_care"),
        ("lower back pain what should i do", "home_care"),
        ("backache how long does it last", "recovery_time"),
    ],
)
def test_back_pain_then_a_question_is_answered_not_dropped(listener, utterance, topic_id):
    listener.open()
    speech = listener.say(utterance)
    assert listener.intent == "QuestionIntent"
    assert listener.card["title"] == title("en-US", topic_id), speech


@pytest.mark.parametrize(
    "utterance, query, topic_id",
    [
        ("my back hurts after a long drive", "back hurts after a long drive", "driving_and_travel"),
        (
            "my lower back is stiff after gardening",
            "lower back is stiff after gardening",
            "gardening_and_housework",
        ),
    ],
)
def test_a_statement_about_my_back_keeps_the_back_in_what_is_searched(listener, utterance, query, topic_id):
    """'my {query}' takes these whole: a carrier that swallowed "my back" left the ranker a
    question that named no back, which it declines as outside the skill."""
    listener.open()
    listener.say(utterance)
    assert listener.intent == "StatementIntent"
    assert listener.request["request"]["intent"]["slots"]["query"]["value"] == query
    assert listener.card["title"] == title("en-US", topic_id)


@pytest.mark.parametrize(
    "utterance, topic_id",
    [
        ("calcium tablets are useful for back pain", "cbd_and_supplements"),
        ("raking leaves all afternoon and now my back is done in", "gardening_and_housework"),
        ("tiger balm for a sore back", "topical_pain_relief"),
    ],
)
def test_speech_with_no_carrier_that_names_a_topics_thing_reaches_the_topic(listener, utterance, topic_id):
    listener.open()
    listener.say(utterance)
    assert listener.card["title"] == title("en-US", topic_id)


@pytest.mark.parametrize(
    "question, cover",
    [
        ("ibuprofen or paracetamol for lower back pain", "over_the_counter_pain_relief"),
        ("is it ok to take panadol and nurofen together", "over_the_counter_pain_relief"),
        ("can i take advil and tylenol at the same time", "over_the_counter_pain_relief"),
        ("should i get an xray or an mri", "imaging_tests"),
        ("advil or tylenol for a pulled back", "over_the_counter_pain_relief"),  # a strain between them
    ],
)
def test_two_choices_named_together_are_answered_by_the_topic_that_covers_both(question, cover):
    hits = find_answer(question).hits
    assert hits[0].topic.id == cover
    assert {h.topic.id for h in hits[1:]} & set(CONTENT.topics[cover].related)


@pytest.mark.parametrize("question", ["is ibuprofen good for back pain", "is a ct scan better than an mri"])
def test_one_choice_or_a_choice_against_its_peer_is_not_sent_elsewhere(question):
    """One medicine named reads that medicine; a CT scan is no broader than an MRI."""
    top = find_answer(question).hits[0].topic.id
    assert top in {"nsaids", "ct_scan"}


@pytest.mark.parametrize("condition", ["sciatica", "a slipped disc"])
def test_what_to_take_for_a_condition_reads_what_treats_it(listener, condition):
    """ "what can I take for sciatica" asks what treats it: the treatment part, not what it is."""
    listener.open()
    speech = listener.say(f"what can i take for {condition}")
    topic = CONTENT.topics["sciatica" if condition == "sciatica" else "herniated_disk"]
    assert listener.card["title"] == title("en-US", topic.id)
    assert speech.startswith(Voice(CONTENT, "en-US").speak_text(topic.treatment[0]))


@pytest.mark.parametrize(
    "utterance, topic_id",
    [
        ("does poor posture cause back pain", "stretches_and_posture"),
        ("how do i get up from bed", "getting_out_of_bed"),
    ],
)
def test_everyday_names_of_a_topic_reach_it(listener, utterance, topic_id):
    """A topic intent's slot resolves only to a listed value or synonym; an unresolved one is
    searched without its carrier ("does {topic} cause back pain" becomes "poor posture")."""
    listener.open()
    listener.say(utterance)
    assert listener.card["title"] == title("en-US", topic_id)
