"""Every locale through the console, end to end: its words understood, its spellings and number spoken."""

from __future__ import annotations

import re

import pytest
from build_models import LOCALES

from back_pain_guide.content import get_content
from back_pain_guide.local.nlu import resolver_for
from back_pain_guide.speech import Voice

CONTENT = get_content()
NUMBER_SPEECH = {code: info.emergency_number_speech for code, info in CONTENT.locales.items()}
US_WORDS = {  # words a locale's listeners spell or say differently; none may reach them
    "en-CA": ["disk", "disks", "tumor", "tumors", "physical therapy"],
    "en-GB": ["disk", "disks", "tumor", "tumors", "acetaminophen", "physical therapy", "emergency room"],
    "en-AU": ["disk", "disks", "tumor", "tumors", "acetaminophen", "physical therapy", "emergency room"],
    "en-IN": ["disk", "disks", "tumor", "tumors", "acetaminophen", "physical therapy", "emergency room"],
}


def everything_spoken(voice: Voice) -> list[str]:
    """Every prompt and every topic chunk as the locale hears it (placeholders filled with dummies)."""
    texts = []
    for key, prompt in CONTENT.prompts.items():
        names = set(re.findall(r"\{(\w+)\}", prompt)) - {"emergency_number"}
        texts.append(voice.say(key, **dict.fromkeys(names, "x")))
    for topic in CONTENT.topics.values():
        texts.extend(voice.speak_text(chunk) for chunk in topic.chunks + topic.treatment)
    texts.extend(voice.speak_text(q.reason) for q in CONTENT.questions)
    return texts


def test_the_locale_table_and_the_models_agree():
    assert set(CONTENT.locales) == set(LOCALES)


@pytest.mark.parametrize("locale", LOCALES)
def test_no_other_locales_emergency_number_is_ever_spoken(locale):
    others = {n for code, n in NUMBER_SPEECH.items() if n != NUMBER_SPEECH[locale]}
    spoken = " ".join(everything_spoken(Voice(CONTENT, locale)))
    assert [n for n in others if n in spoken] == []
    assert NUMBER_SPEECH[locale] in spoken


@pytest.mark.parametrize("locale", sorted(US_WORDS))
def test_local_spellings_everywhere_they_differ(locale):
    spoken = " ".join(everything_spoken(Voice(CONTENT, locale)))
    found = [w for w in US_WORDS[locale] if re.search(rf"\b{w}\b", spoken, re.IGNORECASE)]
    assert found == []


@pytest.mark.parametrize("locale", LOCALES)
def test_local_words_never_turn_urgent_care_into_a_gp_appointment(locale):
    spoken = " ".join(everything_spoken(Voice(CONTENT, locale)))
    assert re.findall(r"\bGP\b[^.]{0,20}\b(?:straight away|right away|immediately|now)\b", spoken) == []


def test_en_gb_checklist_results_name_the_gp_and_nhs_111():
    voice = Voice(CONTENT, "en-GB")
    assert "see a GP or other doctor soon, within a week or two" in voice.say(
        "checklist_soon", summaries="x", advice=""
    )
    assert "call NHS one one one" in voice.say("checklist_same_day", summaries="x", advice="")


@pytest.mark.parametrize(
    "locale, word",
    [
        ("en-GB", "trolley"),
        ("en-AU", "trolley"),
        ("en-IN", "trolley"),
        ("en-US", "shopping cart"),
        ("en-CA", "shopping cart"),
    ],
)
def test_shopping_cart_is_a_trolley_where_people_say_so(locale, word):
    spoken = " ".join(everything_spoken(Voice(CONTENT, locale)))
    assert word in spoken and ("shopping cart" in spoken) == (word == "shopping cart")


def test_en_in_gives_108_alongside_112():
    voice = Voice(CONTENT, "en-IN")
    assert (
        voice.say("safety_line")
        == "If this is an emergency, call one one two, or one oh eight for an ambulance."
    )
    assert voice.write("safety_line") == "If this is an emergency, call 112, or 108 for an ambulance."


def test_en_us_keeps_its_own_words():
    spoken = " ".join(everything_spoken(Voice(CONTENT, "en-US")))
    assert re.search(r"\bdisks?\b", spoken) and not re.search(r"\bdiscs?\b", spoken)


@pytest.mark.parametrize("locale", LOCALES)
def test_slipped_disc_in_every_locale(make_listener, locale):
    listener = make_listener(locale=locale)
    assert NUMBER_SPEECH[locale] in listener.open()
    speech = listener.say("tell me about slipped disc")
    topic = CONTENT.topics["herniated_disk"]
    assert listener.intent == "TopicIntent" and listener.card
    local = locale != "en-US"
    assert ("disc" in speech) == local and ("disk" in speech) != local
    assert listener.card["title"] == ("Herniated disc" if local else topic.title)
    assert listener.session_open


@pytest.mark.parametrize(
    "locale, utterance",
    [
        ("en-GB", "should I go to A&E"),
        ("en-GB", "do I need to go to A and E"),
        ("en-AU", "should I go to the emergency department"),
        ("en-AU", "do I need to go to hospital"),
        ("en-IN", "should I go to casualty"),
        ("en-CA", "should I go to emerg"),
        ("en-US", "do I need to go to the emergency room"),
    ],
)
def test_should_i_go_to_the_local_emergency_department(make_listener, locale, utterance):
    listener = make_listener(locale=locale)
    listener.open()
    speech = listener.say(utterance)
    assert listener.intent == "ChecklistIntent"
    assert speech.endswith(CONTENT.questions[0].text)
    listener.say("yes")
    assert f"call {NUMBER_SPEECH[locale]} now" in listener.speech.lower() and not listener.session_open


@pytest.mark.parametrize(
    "locale, word",
    [
        ("en-GB", "paracetamol"),
        ("en-AU", "paracetamol"),
        ("en-IN", "paracetamol"),
        ("en-US", "acetaminophen"),
        ("en-CA", "acetaminophen"),
    ],
)
def test_can_i_take_paracetamol(make_listener, locale, word):
    listener = make_listener(locale=locale)
    listener.open()
    speech = listener.say(f"can I take {word}")
    assert speech and speech != Voice(CONTENT, locale).say("not_understood_question")
    assert listener.card["title"].lower() == word and listener.session_open
    assert ("acetaminophen" in (speech + listener.card["content"]).lower()) == (word == "acetaminophen")


@pytest.mark.parametrize("locale", LOCALES)
def test_whole_session_in_every_locale(make_listener, locale):
    listener = make_listener(locale=locale)
    listener.open()
    for utterance in (
        "what causes back pain",
        "tell me more",
        "help",
        "check my symptoms",
        "no",
        "repeat",
        "stop",
    ):
        speech = listener.say(utterance)
        assert speech and "{" not in speech, utterance
    assert NUMBER_SPEECH[locale] in listener.speech


@pytest.mark.parametrize("locale", ["fr-FR", "en-NZ", "xx"])
def test_a_locale_the_skill_lacks_is_answered_in_en_us(make_listener, locale):
    us = Voice(CONTENT, "en-US")
    assert resolver_for(locale).invocation_name == resolver_for("en-US").invocation_name
    listener = make_listener(locale=locale)
    assert "nine one one" in listener.open()
    speech = listener.say("tell me about slipped disc")
    assert speech.startswith(us.speak_text(CONTENT.topics["herniated_disk"].chunks[0]))
    listener.say("check my symptoms")
    assert listener.say("yes").startswith("Call nine one one now")
    assert "911" in listener.card["content"]
