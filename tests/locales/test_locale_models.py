"""The generator: one source, five locales, local words added where they differ, stale files caught."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import build_models
import pytest
from build_models import LOCALES, ModelSourceError, build_model

from back_pain_guide.local.nlu import UtteranceResolver, builtin_utterances

ROOT = Path(__file__).resolve().parents[2]
SOURCE = json.loads((ROOT / "interaction_model" / "source" / "model.json").read_text())
CONTENT = json.loads((ROOT / "content" / "back_pain.json").read_text())
LOCALE_SOURCE = json.loads((ROOT / "interaction_model" / "source" / "locales.json").read_text())["locales"]


def intents_of(model: dict) -> dict[str, list[str]]:
    return {i["name"]: i["samples"] for i in model["interactionModel"]["languageModel"]["intents"]}


def resolver(locale: str) -> UtteranceResolver:
    return UtteranceResolver(build_model(locale), builtin_utterances())


def run_check(directory: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_models.py"), "--check", "--dir", str(directory)],
        capture_output=True,
        text=True,
    )


@pytest.fixture
def model_copy(tmp_path) -> Path:
    for locale in LOCALES:
        shutil.copy(ROOT / "interaction_model" / f"{locale}.json", tmp_path)
    return tmp_path


def test_check_passes_on_fresh_copies(model_copy):
    assert run_check(model_copy).returncode == 0


@pytest.mark.parametrize("locale", LOCALES)
def test_check_fails_when_one_locale_is_stale(model_copy, locale):
    path = model_copy / f"{locale}.json"
    model = json.loads(path.read_text())
    model["interactionModel"]["languageModel"]["intents"][0]["samples"].pop()
    path.write_text(json.dumps(model, indent=2) + "\n")
    result = run_check(model_copy)
    assert result.returncode == 1 and f"{locale}.json" in result.stderr
    assert [n for n in LOCALES if n != locale and f"{n}.json" in result.stderr] == []


def test_check_fails_when_a_locale_is_missing(model_copy):
    (model_copy / "en-IN.json").unlink()
    result = run_check(model_copy)
    assert result.returncode == 1 and "en-IN.json" in result.stderr


def test_check_fails_when_content_changes_a_topic_synonym(model_copy, monkeypatch):
    content = json.loads(json.dumps(CONTENT))
    content["topics"][0]["synonyms"].append("a brand new way to say it")
    monkeypatch.setattr(
        build_models,
        "_read",
        lambda path: content if path == build_models.CONTENT else json.loads(path.read_text()),
    )
    assert set(build_models.stale_models(model_copy)) == {f"{locale}.json" for locale in LOCALES}


def test_the_source_locale_is_the_source_as_written():
    assert LOCALE_SOURCE["en-US"] == {}
    samples = intents_of(build_model("en-US"))
    for intent in SOURCE["intents"]:
        assert samples[intent["name"]] == list(dict.fromkeys(intent["samples"]))


@pytest.mark.parametrize("locale", LOCALES)
def test_every_locale_keeps_every_source_sample(locale):
    base, local = intents_of(build_model("en-US")), intents_of(build_model(locale))
    assert set(base) == set(local)
    for name, samples in base.items():
        assert set(samples) <= set(local[name]), name


@pytest.mark.parametrize(
    "locale, utterance, intent, topic",
    [
        ("en-GB", "should i go to a and e", "ChecklistIntent", None),
        ("en-GB", "when should i call nine nine nine", "WhenToGetHelpIntent", None),
        ("en-GB", "should i see a g. p.", "ChecklistIntent", None),
        ("en-GB", "what will the g. p. do", "DiagnosisIntent", None),
        ("en-GB", "tell me about physiotherapy", "TopicIntent", "physical_therapy"),
        ("en-GB", "tell me about a and e", "TopicIntent", "when_to_get_help"),
        ("en-GB", "what painkillers can i take", "QuestionIntent", None),
        ("en-AU", "when should i call triple zero", "WhenToGetHelpIntent", None),
        ("en-AU", "should i go to the emergency department", "ChecklistIntent", None),
        ("en-AU", "should i go to hospital", "ChecklistIntent", None),
        ("en-IN", "when should i call one one two", "WhenToGetHelpIntent", None),
        ("en-IN", "should i go to casualty", "ChecklistIntent", None),
        ("en-CA", "should i go to emerg", "ChecklistIntent", None),
        ("en-CA", "should i see my family doctor", "ChecklistIntent", None),
        ("en-CA", "tell me about physiotherapist", "TopicIntent", "physical_therapy"),
    ],
)
def test_locale_words_reach_the_right_intent(locale, utterance, intent, topic):
    resolution = resolver(locale).resolve(utterance)
    assert resolution.intent == intent
    if topic:
        assert resolution.slots["topic"].resolved_id == topic


@pytest.mark.parametrize(
    "utterance", ["should i go to a and e", "when should i call nine nine nine", "should i go to emerg"]
)
def test_other_locales_words_stay_out_of_en_us(utterance):
    assert utterance not in {s for samples in intents_of(build_model("en-US")).values() for s in samples}


def test_word_variants_also_reach_topic_synonyms():
    content = json.loads(json.dumps(CONTENT))
    content["topics"][0]["synonyms"].append("brain tumor")
    values = build_model("en-GB", content=content)["interactionModel"]["languageModel"]["types"][0]["values"]
    assert "brain tumour" in values[0]["name"]["synonyms"]
    values = build_model("en-US", content=content)["interactionModel"]["languageModel"]["types"][0]["values"]
    assert "brain tumour" not in values[0]["name"]["synonyms"]


def test_a_locale_synonym_never_takes_another_topics_word():
    first, second = CONTENT["topics"][0]["id"], CONTENT["topics"][1]
    locales = {"en-GB": {"synonyms": {first: [second["synonyms"][0], "only mine"]}}}
    values = build_model("en-GB", locales=locales)["interactionModel"]["languageModel"]["types"][0]["values"]
    assert second["synonyms"][0] not in values[0]["name"]["synonyms"]
    assert "only mine" in values[0]["name"]["synonyms"]


@pytest.mark.parametrize(
    "additions, message",
    [
        ({"samples": {"ChecklistIntent": ["what causes back pain"]}}, "already a sample of CausesIntent"),
        ({"samples": {"NoSuchIntent": ["hello there"]}}, "unknown intent"),
        ({"synonyms": {"no_such_topic": ["thing"]}}, "unknown topic id"),
    ],
)
def test_contradicting_locale_source_is_refused(additions, message):
    with pytest.raises(ModelSourceError, match=message):
        build_model("en-GB", locales={"en-GB": additions})


def test_a_variant_that_another_intent_owns_keeps_its_owner():
    # "when should i see a doctor" -> "when should i see a g. p." must not be added if another intent has it
    source = json.loads(json.dumps(SOURCE))
    checklist = next(i for i in source["intents"] if i["name"] == "ChecklistIntent")
    checklist["samples"].append("when should i see a g. p.")
    intents = intents_of(build_model("en-GB", source=source))
    assert "when should i see a g. p." not in intents["WhenToGetHelpIntent"]
    assert "when should i see a g. p." in intents["ChecklistIntent"]
