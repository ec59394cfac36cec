"""Issue 17, part 1: the topic statements that contradicted NICE NG59, the NHS or ACP 2017 stay corrected.

Each test pins one finding of the clinical-safety review against the facts it rests on
(../shared/facts/back-pain-facts.md, F61 to F78). The checks read the content as written (US
wording, the {emergency_number} placeholder unfilled): chunks and treatment chunks alike.
"""

from __future__ import annotations

import re

import pytest

from back_pain_guide.content import get_content
from back_pain_guide.speech import Voice

CONTENT = get_content()
EMERGENCY = "{emergency_number}"
# How a chunk that tells the listener to act says how: the number, the same-day route, or a time.
ROUTES = (EMERGENCY, "same day", "week or two", "twenty-four hours", "emergency room", "straight away")


def texts(topic_id: str) -> list[str]:
    topic = CONTENT.topics[topic_id]
    return list(topic.chunks + topic.treatment)


def all_texts() -> list[tuple[str, str]]:
    return [(t.id, text) for t in CONTENT.topics.values() for text in t.chunks + t.treatment]


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s]


def joined(topic_id: str) -> str:
    return " ".join(texts(topic_id)).lower()


# F61: an anti-inflammatory first, lowest dose and shortest time; paracetamol alone is not recommended.
@pytest.mark.parametrize("topic_id", ["home_care", "over_the_counter_pain_relief", "medicines"])
def test_acetaminophen_is_not_an_equal_first_choice(topic_id):
    text = joined(topic_id)
    assert not re.search(r"(ibuprofen|naproxen),? or acetaminophen", text)
    assert "anti-inflammator" in text and "lowest dose" in text
    for sentence in sentences(text):
        if "acetaminophen" in sentence:
            assert re.search(r"no longer recommended|rather than|isn't recommended", sentence), sentence


def test_acetaminophen_topic_does_not_claim_it_helps_back_pain():
    text = joined("acetaminophen")
    assert "may help back pain" not in text and "no longer recommend" in text


def test_home_care_medicine_caution_includes_pregnancy():
    assert "pregnant" in joined("home_care") and "pregnant" in joined("over_the_counter_pain_relief")


# F62: no nerve-pain medicines suggested for sciatica or low back pain.
@pytest.mark.parametrize("topic_id", ["sciatica", "nerve_pain_medicines", "medicines"])
def test_nerve_pain_medicines_are_not_suggested_for_sciatica(topic_id):
    text = joined(topic_id)
    assert "suggest physical therapy, nerve pain medicine" not in text
    for sentence in sentences(text):
        if re.search(r"nerve pain medicine|gabapentin|seizures", sentence) and "sciatica" in sentence:
            assert re.search(r"don't recommend|advises against|advise against", sentence), sentence


# F63: no injections for a narrowed canal, worn disks or back pain alone; facet injections only as a test.
@pytest.mark.parametrize(
    "topic_id",
    [
        "epidural_steroid_injection",
        "spinal_stenosis",
        "degenerative_disk_disease",
        "facet_joint_injection",
        "spinal_arthritis",
        "nerve_blocks",
    ],
)
def test_injections_are_not_offered_against_the_guideline(topic_id):
    for sentence in sentences(joined(topic_id)):
        offers = re.search(r"\b(may offer|can help for a while|may also offer|helps most)\b", sentence)
        assert not (offers and "injection" in sentence), sentence
        against = re.compile(r"isn't advised|aren't advised|don't advise|not advised")
        if re.search(r"narrowed|without leg pain|without sciatica", sentence) and "injection" in sentence:
            assert against.search(sentence), sentence
        if re.search(r"facet joint injections?\b", sentence) and re.search(
            r"treatment|offer|option|help", sentence
        ):
            assert against.search(sentence), sentence


def test_the_epidural_is_only_for_severe_sciatica():
    text = joined("epidural_steroid_injection")
    assert "severe sciatica" in text and "helps most when a nerve is involved" not in text


# F64: acupuncture guidance differs between countries; no "eases back pain a little".
@pytest.mark.parametrize("topic_id", ["acupuncture", "complementary_care", "chronic_back_pain", "treatments"])
def test_acupuncture_is_not_said_to_help_without_saying_guidance_differs(topic_id):
    text = joined(topic_id)
    assert "a little" not in text
    for chunk in texts(topic_id):
        low = chunk.lower()
        if "acupuncture" in low and re.search(r"\b(help|ease|eases|list|lists|listed)\b", low):
            assert re.search(r"\buk\b|differs", low), chunk


# F65: heat has moderate evidence, and never on numb skin.
def test_heat_evidence_is_moderate_and_numb_skin_is_warned():
    text = joined("heat_and_ice")
    assert "good evidence" not in text and "moderate" in text and "numb" in text


def test_no_chunk_claims_good_or_proven_evidence():
    for topic_id, text in all_texts():
        assert not re.search(r"good evidence|strong evidence|studies show|proven to", text.lower()), topic_id


# F66: acute means duration, not onset; most back pain is non-specific.
def test_acute_is_defined_by_duration():
    text = joined("acute_vs_chronic")
    assert "all at once" not in text and "less than four weeks" in text and "twelve weeks" in text


def test_causes_do_not_call_strains_the_cause_by_far():
    assert "by far" not in joined("causes") and "non-specific" in joined("causes")
    assert "the most common reason backs hurt" not in joined("strains_sprains")


# F67: early cauda equina signs wherever the people most at risk listen, with the number.
@pytest.mark.parametrize(
    "topic_id", ["sciatica", "herniated_disk", "cauda_equina_syndrome", "when_to_call_emergency"]
)
def test_early_cauda_equina_signs_are_given_with_the_number(topic_id):
    text = joined(topic_id)
    assert "both legs" in text and "wipe" in text and "erection" in text
    assert "weak stream" in text or "hard to start" in text
    for chunk in texts(topic_id):
        if "both legs" in chunk.lower() and "wipe" in chunk.lower():
            assert EMERGENCY in chunk


def test_the_cauda_equina_topic_starts_with_early_signs_too():
    first = CONTENT.topics["cauda_equina_syndrome"].chunks[0].lower()
    assert first.startswith("call {emergency_number} now") and "both legs" in first and "weak stream" in first


# F68: new or worsening leg weakness, or both legs, is an emergency, never "see a provider soon".
@pytest.mark.parametrize(
    "topic_id", ["sciatica", "when_to_get_help", "when_to_call_provider", "when_to_call_emergency"]
)
def test_leg_weakness_goes_to_the_emergency_number(topic_id):
    for chunk in texts(topic_id):
        for sentence in sentences(chunk):
            low = sentence.lower()
            if re.search(r"weak(ness)? in (a|one|your|the|both) legs?|leg feels [a-z, ]*weak", low):
                assert "week or two" not in low and "soon" not in low, sentence
                assert EMERGENCY in chunk, chunk


# F69: a small fall or lift with fragile bones is an emergency.
@pytest.mark.parametrize("topic_id", ["compression_fractures", "when_to_call_emergency"])
def test_a_small_fall_with_fragile_bones_is_an_emergency(topic_id):
    chunk = next(c for c in texts(topic_id) if "small fall" in c)
    assert EMERGENCY in chunk and "steroids" in chunk


# F70: every chunk about a cancer history says within twenty-four hours, and now with nerve symptoms.
def test_every_cancer_history_chunk_carries_the_advice():
    found = 0
    for topic_id, text in all_texts():
        if re.search(r"had cancer|history of cancer|cancer history", text.lower()):
            found += 1
            assert "cancer team" in text and "twenty-four hours" in text, (topic_id, text)
            assert EMERGENCY in text, (topic_id, text)
    assert found >= 3


def test_the_spinal_tumors_topic_gives_the_advice_in_its_first_chunk():
    first = CONTENT.topics["spinal_tumors"].chunks[0]
    assert "twenty-four hours" in first and EMERGENCY in first


# F71: a kidney stone with fever or shivering, and pancreatitis, mean emergency care now.
def test_a_kidney_stone_with_fever_is_an_emergency():
    for text in texts("kidney_stones"):
        for sentence in sentences(text):
            if "fever" in sentence:
                assert EMERGENCY in sentence and "shivering" in sentence, sentence


def test_pancreatitis_says_where_to_go():
    for text in texts("pancreatitis"):
        if re.search(r"severe|straight away|urgent", text):
            assert EMERGENCY in text and "emergency room" in text, text
    assert "middle of your belly" in joined("pancreatitis")


# F72: the emergency topic says Alexa cannot make the call.
def test_the_emergency_topic_says_alexa_cannot_call():
    assert "can't call emergency services" in joined("when_to_call_emergency")


# Every chunk that urges action says the action.
def test_every_urging_chunk_says_how():
    urge = re.compile(
        r"\b(don't wait|straight away|right away|urgent|urgently|promptly|quickly|at once|immediately)\b"
    )
    for topic_id, text in all_texts():
        if urge.search(text.lower()):
            assert any(route in text for route in ROUTES), (topic_id, text)


def test_the_heart_attack_topic_says_the_action_in_every_chunk():
    assert all(EMERGENCY in text for text in texts("heart_attack"))


def test_provider_advice_says_when():
    """A chunk that sends the listener to a provider says how soon."""
    act = re.compile(r"\b(see a|get a doctor|contact (a|your)|checked by|be seen by|book a visit)\b")
    for topic_id in (
        "when_to_get_help",
        "when_to_call_provider",
        "sciatica",
        "spinal_tumors",
        "kidney_stones",
        "compression_fractures",
        "womens_conditions",
        "gallbladder_disease",
        "shingles",
    ):
        for text in texts(topic_id):
            if act.search(text.lower()):
                assert any(route in text for route in ROUTES), (topic_id, text)


# The corrected chunks render in every locale (UK words, the locale's number).
@pytest.mark.parametrize("locale", sorted(CONTENT.locales))
def test_the_corrected_chunks_speak_each_locales_number(locale):
    voice = Voice(CONTENT, locale)
    for topic_id in (
        "sciatica",
        "herniated_disk",
        "spinal_tumors",
        "kidney_stones",
        "pancreatitis",
        "heart_attack",
    ):
        spoken = " ".join(voice.speak_text(text) for text in texts(topic_id))
        assert voice.locale.emergency_number_speech in spoken and "{" not in spoken
