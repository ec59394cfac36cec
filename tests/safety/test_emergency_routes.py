"""The routes that carry a listener's words to the emergency detector on a device, and the
answers of the checklist that must keep routing as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from back_pain_guide.local.nlu import FALLBACK, builtin_utterances, resolver_for

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
SOURCE = json.loads((ROOT / "interaction_model" / "source" / "model.json").read_text(encoding="utf-8"))
ANSWER_INTENTS = ("AMAZON.YesIntent", "AMAZON.NoIntent", "UnsureIntent")


def samples_of(intent: str) -> list[str]:
    found = next((i["samples"] for i in SOURCE["intents"] if i["name"] == intent), [])
    return found + builtin_utterances().get(intent, [])


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("intent", ANSWER_INTENTS)
def test_checklist_answers_keep_their_intent_beside_the_emergency_carriers(locale, intent):
    resolver = resolver_for(locale)
    for sample in samples_of(intent):
        assert resolver.resolve(sample).intent == intent, (locale, sample)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(
    "utterance, intents",
    [
        ("the pain is tearing through to my back", {"EmergencySignIntent"}),
        ("both my legs have gone to jelly", {"EmergencySignIntent", "StatementIntent"}),
        ("um so i can't wee", {"StatementIntent"}),
        ("okay so there's no feeling down below", {"StatementIntent"}),
        ("call an ambulance", {"CallForHelpIntent"}),
        ("help me i can't get up", {"CallForHelpIntent"}),
        ("it's an emergency", {"CallForHelpIntent"}),
        ("urine is not coming since morning", {"EmergencySignIntent"}),
    ],
)
def test_emergency_words_reach_an_intent_that_carries_them(locale, utterance, intents):
    resolution = resolver_for(locale).resolve(utterance)
    assert resolution.intent in intents, resolution


@pytest.mark.parametrize("locale", LOCALES)
def test_speech_with_no_symptom_words_still_falls_back(locale):
    assert resolver_for(locale).resolve("banana bread recipe").intent == FALLBACK


def test_a_carrier_never_takes_away_the_words_that_name_a_sign():
    """A carrier's own words are lost on a device: none may be a word the detector needs ("no but"
    answers the checklist's question and is cut off by the "but" anyway)."""
    forbidden = {
        "legs",
        "leg",
        "bladder",
        "bum",
        "chest",
        "can't",
        "cannot",
        "not",
        "no",
        "numb",
        "wee",
        "pee",
    }
    for intent in SOURCE["intents"]:
        if intent["name"] not in ("EmergencySignIntent", "CallForHelpIntent"):
            continue
        for sample in (s for s in intent["samples"] if "{" in s):  # a whole sample loses nothing
            carrier = set(
                sample.replace("{symptom}", "").replace("{details}", "").replace("no but", "").split()
            )
            assert not carrier & forbidden, (intent["name"], sample)
