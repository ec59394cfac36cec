"""Free speech reaches QuestionIntent only through a carrier phrase, as on a device, and no
carrier phrase takes the words that make a question an emergency out of the slot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from back_pain_guide.content import get_content
from back_pain_guide.local.nlu import FALLBACK, ModelError, UtteranceResolver, resolver_for
from back_pain_guide.safety import load_lexicon
from back_pain_guide.speech import Voice

ROOT = Path(__file__).resolve().parents[2]
SOURCE = json.loads((ROOT / "interaction_model" / "source" / "model.json").read_text())
CARRIERS = next(i for i in SOURCE["intents"] if i["name"] == "QuestionIntent")["samples"]
CONTENT = get_content()


def model(samples: list[str]) -> dict:
    return {
        "interactionModel": {
            "languageModel": {
                "invocationName": "back pain guide",
                "types": [],
                "intents": [
                    {
                        "name": "QuestionIntent",
                        "slots": [{"name": "query", "type": "AMAZON.SearchQuery"}],
                        "samples": samples,
                    },
                    {
                        "name": "OtherIntent",
                        "slots": [{"name": "topic", "type": "TopicType"}],
                        "samples": ["{topic}"],
                    },
                ],
            }
        }
    }


@pytest.mark.parametrize("sample", ["{query}", " {query} ", "{query} {other}"])
def test_a_search_query_sample_without_a_carrier_phrase_is_refused_like_alexa_refuses_it(sample):
    bad = model([sample])
    bad["interactionModel"]["languageModel"]["intents"][0]["slots"].append(
        {"name": "other", "type": "TopicType"}
    )
    with pytest.raises(ModelError):
        UtteranceResolver(bad)


def test_only_a_carrier_phrase_leads_to_the_question_intent():
    resolver = UtteranceResolver(model(["why does {query}"]))
    assert resolver.resolve("why does my back hurt").slots["query"].value == "my back hurt"
    assert resolver.resolve("banana bread recipe").intent == FALLBACK


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "en-CA", "en-AU", "en-IN"])
def test_the_skill_models_use_carrier_phrases_and_unmatched_speech_falls_back(locale):
    resolver = resolver_for(locale)  # builds: no bare {query}
    assert resolver.resolve("banana bread recipe").intent == FALLBACK
    assert resolver.resolve("why does my back hurt when i cough").intent == "QuestionIntent"


def test_the_question_intent_has_many_carrier_phrases_and_none_is_bare():
    assert len(CARRIERS) >= 100
    assert all(s.replace("{query}", "").strip() for s in CARRIERS)
    starts = {s.split()[0] for s in CARRIERS}
    assert {"why", "how", "is", "can", "what", "does", "should", "will", "when", "i", "my"} <= starts


@pytest.mark.parametrize(
    "utterance",
    [u for sign in load_lexicon()["signs"] if sign["id"] != "call_for_help" for u in sign["samples"][:4]],
)
@pytest.mark.parametrize("frame", ["{}", "my back hurts and {}", "i think {}", "is it bad that {}"])
def test_emergency_words_reach_the_detector_whatever_carrier_phrase_takes_them(
    make_listener, utterance, frame
):
    listener = make_listener()
    listener.open()
    speech = listener.say(frame.format(utterance))
    if listener.session_open:  # words that only suggest the sign get one confirming question first
        assert speech.startswith("Just to check"), speech
        speech = listener.say("yes")
    assert listener.card.get("title") == Voice(CONTENT, "en-US").write("emergency_card_title"), speech
    assert not listener.session_open
