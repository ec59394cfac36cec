"""The interaction models, every locale: valid ASK format, no duplicate samples, every topic reachable, not stale."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from ask_smapi_model.v1.skill.interaction_model.interaction_model_data import InteractionModelData
from build_models import LOCALES

from back_pain_guide.content import get_content
from back_pain_guide.local.nlu import resolver_for

ROOT = Path(__file__).resolve().parents[2]
MODELS = {
    locale: json.loads((ROOT / "interaction_model" / f"{locale}.json").read_text()) for locale in LOCALES
}
HANDLED_INTENTS = {
    "CausesIntent",
    "RemediesIntent",
    "DiagnosisIntent",
    "WhenToGetHelpIntent",
    "TopicIntent",
    "ChecklistIntent",
    "UnsureIntent",
    "PartlyIntent",
    "QuestionIntent",
    "StatementIntent",
    "EmergencySignIntent",
    "CallForHelpIntent",
    "AMAZON.HelpIntent",
    "AMAZON.StopIntent",
    "AMAZON.CancelIntent",
    "AMAZON.NavigateHomeIntent",
    "AMAZON.FallbackIntent",
    "AMAZON.RepeatIntent",
    "AMAZON.StartOverIntent",
    "AMAZON.MoreIntent",
    "AMAZON.NextIntent",
    "AMAZON.YesIntent",
    "AMAZON.NoIntent",
    "ExerciseIntent",
    "PainIntent",
    "SlowerIntent",
    "AMAZON.PauseIntent",
    "AMAZON.ResumeIntent",  # guided exercises (#24)
}


@pytest.fixture(params=LOCALES)
def locale(request) -> str:
    return request.param


@pytest.fixture
def model(locale) -> dict:
    return MODELS[locale]


@pytest.fixture
def language(model) -> dict:
    return model["interactionModel"]["languageModel"]


def test_every_english_locale_has_a_model():
    assert set(LOCALES) == {"en-US", "en-GB", "en-CA", "en-AU", "en-IN"}


def test_model_deserialises_into_smapi_classes(model):
    from ask_sdk_core.serialize import DefaultSerializer

    data = DefaultSerializer().deserialize(json.dumps(model), InteractionModelData)
    language = data.interaction_model.language_model
    assert language.invocation_name == "back pain guide"
    assert {i.name for i in language.intents} == HANDLED_INTENTS
    assert language.types[0].name == "TopicType"


def test_no_sample_utterance_is_shared_by_two_intents(language):
    owners = Counter(s.lower() for i in language["intents"] for s in set(i["samples"]))
    assert [s for s, n in owners.items() if n > 1] == []


def test_samples_follow_alexa_rules(language):
    slot_names = {i["name"]: {s["name"] for s in i["slots"]} for i in language["intents"]}
    for intent in language["intents"]:
        for sample in intent["samples"]:
            assert not re.search(r"[0-9]", sample), sample
            assert re.fullmatch(r"[a-z' {}._]+", sample), sample
            for name in re.findall(r"\{(\w+)\}", sample):
                assert name in slot_names[intent["name"]], (intent["name"], sample)


def test_topic_slot_values_are_the_content_topic_ids(language):
    values = {v["id"] for v in language["types"][0]["values"]}
    assert values == set(get_content().topics)


@pytest.mark.parametrize("topic_id", sorted(get_content().topics))
def test_every_topic_is_reachable_by_a_sample_utterance(topic_id, locale):
    topic = get_content().topics[topic_id]
    resolution = resolver_for(locale).resolve(
        f"tell me about {topic.synonyms[0] if topic.synonyms else topic.title}"
    )
    assert resolution.intent == "TopicIntent"
    assert resolution.slots["topic"].resolved_id == topic_id


def test_generated_models_are_up_to_date():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_models.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
