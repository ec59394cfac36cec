"""Two questions the ranker does not rank: a first cry for help gets the self-care essentials,
and a question outside the skill (another body part, a service) is declined honestly."""

from __future__ import annotations

import pytest

from back_pain_guide.freeform import find_answer


@pytest.mark.parametrize(
    "question",
    [
        "my back hurts what should i do",
        "i've done my back in",
        "what should i do",
        "my back is killing me what do i do now",
        "how do i make it stop",
        "i hurt my back",
    ],
)
def test_a_first_cry_for_help_gets_the_self_care_essentials(question):
    found = find_answer(question)
    assert found.emergency is None and found.hits and found.hits[0].topic.id == "home_care"


@pytest.mark.parametrize(
    "question",
    [
        "what's good for knee pain",
        "how much does an m r i cost",
        "can you find me a chiropractor near me",
        "how long does a cold last",
        "set a timer for twenty minutes",
        "my neck hurts",
    ],
)
def test_a_question_outside_the_skill_is_declined(question):
    found = find_answer(question)
    assert found.emergency is None and found.hits == ()


@pytest.mark.parametrize(
    "question", ["does a cold make back pain worse", "can a knee injury cause back pain"]
)
def test_another_body_part_beside_the_back_is_still_answered(question):
    assert find_answer(question).hits


def test_my_back_hurts_reads_the_essentials_then_offers_the_warning_sign_check(listener):
    listener.open()
    speech = listener.say("my back hurts what should i do")
    assert not speech.startswith("Sorry")
    assert listener.card["title"] == "Home care for back pain"
    assert speech.endswith("Would you like me to check for warning signs that need a doctor?")
    assert "Question 1:" in listener.say("yes")


@pytest.mark.parametrize(
    "question",
    [
        "my dad hurt his back carrying the shopping how can i help him",
        "um okay so my back has gone what should i do",
        "my grandads back is killing him what should he do",
        "my sister's back is really bad again how do i look after her",
    ],
)
def test_asking_what_to_do_about_someones_back_gets_the_self_care_essentials(question):
    found = find_answer(question)
    assert found.emergency is None and found.hits and found.hits[0].topic.id == "home_care"


@pytest.mark.parametrize(
    "question", ["how are you doing today", "what day is it today", "what should i cook tonight"]
)
def test_small_talk_with_first_steps_words_is_not_a_first_cry(question):
    assert find_answer(question).hits == ()


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("um so what is sciatica", "sciatica"),
        ("hey so my mum's doctor mentioned spondylolisthesis what is that", "spondylolisthesis"),
        ("my husband wants to know if a heating pad helps", "heat_and_ice"),
    ],
)
def test_fillers_and_the_people_a_carer_speaks_of_do_not_count_against_a_question(question, topic):
    hits = find_answer(question).hits
    assert hits and hits[0].topic.id == topic


@pytest.mark.parametrize("question", ["what time does the chemist shut", "how do i stop my dog barking"])
def test_a_question_that_names_neither_the_back_nor_a_condition_needs_more_of_its_words_matched(question):
    assert find_answer(question).hits == ()


def test_a_carers_what_to_do_reads_the_essentials_then_offers_the_warning_sign_check(listener):
    listener.open()
    speech = listener.say("my husband hurt his back carrying the shopping how can i help him")
    assert listener.card["title"] == "Home care for back pain"
    assert speech.endswith("Would you like me to check for warning signs that need a doctor?")


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("my back gave out on me at work", {"strains_sprains"}),
        # seeing someone about it: when to see a provider, or when to get help (the parent topic)
        ("should i get my back checked out by someone", {"when_to_call_provider", "when_to_get_help"}),
        ("hot or cold for a sore back", {"heat_and_ice"}),
    ],
)
def test_everyday_idioms_find_their_topic(question, topic):
    hits = find_answer(question).hits
    assert hits and hits[0].topic.id in topic


@pytest.mark.parametrize(
    "words_after_how", ["long does back pain usually take to settle", "long will my lower back ache last"]
)
def test_how_long_still_asks_how_long_when_the_carrier_took_the_how(words_after_how):
    """QuestionIntent's "how {query}" leaves "long does ..." to the ranker."""
    hits = find_answer(words_after_how, asked=True).hits
    assert hits and hits[0].topic.id == "recovery_time"


def test_a_question_with_spelled_out_letters_finds_what_they_spell():
    hits = find_answer("does c b d oil do anything for a bad back").hits
    assert hits and hits[0].topic.id == "cbd_and_supplements"


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("she wants to know if massage helps", "massage"),
        ("he says yoga made it worse", "yoga"),
    ],
)
def test_a_carers_telling_carries_no_meaning_of_its_own(question, topic):
    """ "wants", "keeps complaining", "says" are how a carer tells it, not what is asked: as
    unknown words they outweighed the words that name the topic, and the question was declined."""
    hits = find_answer(question).hits
    assert hits and hits[0].topic.id == topic


def test_is_that_normal_asks_about_what_was_said_not_about_the_word_normal():
    """ "normal" is a word the content uses of other things; in "is that normal" it only asks
    whether what was said is to be expected."""
    hits = find_answer("he says yoga made it worse is that normal").hits
    assert hits and hits[0].topic.id == "yoga"


@pytest.mark.parametrize(
    "question",
    [
        "does a sore back clear up by itself",
        "will a sore back go away by itself",
        "is back pain going to go away",
    ],
)
def test_whether_it_goes_away_asks_about_recovery_not_chronic_pain(question):
    """ "Back pain that won't go away" names chronic pain; whether it will go away asks how it recovers."""
    hits = find_answer(question).hits
    assert hits and hits[0].topic.id == "recovery_time"


@pytest.mark.parametrize(
    "question",
    [
        "how do i move the sofa without wrecking my back",
        "how to pick up my grandson without wrecking my back",
    ],
)
def test_doing_something_without_hurting_the_back_asks_how_to_do_it_safely(question):
    """What is carried is incidental (a word the content never uses weighs heavily); "without
    hurting my back" says safely, which the lifting advice is about."""
    hits = find_answer(question).hits
    assert hits and hits[0].topic.id == "lifting_technique"


@pytest.mark.parametrize("question", ["when to ring triple zero", "when should i call 000 about my back"])
def test_australias_emergency_number_reads_as_the_emergency_number(question):
    """ "triple zero" and "000" read as "nine one one" (place words), not as "triple" of "triple A"."""
    hits = find_answer(question).hits
    assert hits and hits[0].topic.id == "when_to_call_emergency"


def test_a_past_participle_the_stemmer_keeps_reads_as_its_verb():
    """ "given" stems to itself, a word the content never uses, so it weighed as unknown."""
    hits = find_answer("what medicines are usually given for a sore back").hits
    assert hits and hits[0].topic.id == "medicines"
