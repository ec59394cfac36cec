"""skill-package/skill.json: a valid ASK manifest whose example phrases Alexa can actually hear.

Certification rejects example phrases that are not sample utterances, so every phrase (less
"Alexa, open/ask back pain guide") must equal a sample of every locale's interaction model,
with custom slots filled only by their values or synonyms.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_smapi_model.v1.skill.manifest.skill_manifest_envelope import SkillManifestEnvelope

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "interaction_model"
PACKAGE = ROOT / "skill-package"
MANIFEST_PATH = PACKAGE / "skill.json"
LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
DISCLAIMER = "not a substitute for professional medical advice"
_SLOT = re.compile(r"\{(\w+)\}")


def normalise(text: str) -> str:
    text = text.lower().replace("\u2019", "'")
    return " ".join(re.sub(r"[^a-z0-9',{} ]+", " ", text).split())


def model_files() -> list[Path]:
    return sorted(MODELS.glob("*.json"))


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))["manifest"]


def language_model(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))["interactionModel"]["languageModel"]


class Sample:
    """One sample utterance; a custom slot matches only its type's values and synonyms."""

    def __init__(
        self, intent: str, sample: str, slot_types: dict[str, str], values: dict[str, frozenset[str]]
    ) -> None:
        self.intent = intent
        self.slot_values: list[frozenset[str]] = []
        parts = []
        # split() alternates literal text and slot names: "what causes {topic}" -> ["what causes ", "topic", ""]
        for index, piece in enumerate(_SLOT.split(normalise(sample))):
            if index % 2 == 0:
                parts.append(re.escape(piece))
            else:
                parts.append("(.+?)")
                self.slot_values.append(values.get(slot_types[piece], frozenset()))  # built-in slots: nothing
        self.pattern = re.compile("".join(parts))

    def matches(self, request: str) -> bool:
        found = self.pattern.fullmatch(request)
        return found is not None and all(
            value in allowed for value, allowed in zip(found.groups(), self.slot_values, strict=False)
        )


def samples_of(model: dict[str, Any]) -> list[Sample]:
    values: dict[str, frozenset[str]] = {}
    for slot_type in model.get("types", []):
        words = []
        for value in slot_type["values"]:
            words.append(value["name"]["value"])
            words.extend(value["name"].get("synonyms", []))
        values[slot_type["name"]] = frozenset(normalise(word) for word in words)
    return [
        Sample(
            intent["name"], sample, {slot["name"]: slot["type"] for slot in intent.get("slots", [])}, values
        )
        for intent in model["intents"]
        for sample in intent.get("samples", [])
    ]


def request_after_name(phrase: str, invocation_name: str) -> tuple[str, str]:
    """("open" or "ask", what follows the invocation name)."""
    text = normalise(phrase)
    for verb in ("open", "start", "launch", "ask", "tell"):
        prefix = f"alexa, {verb} {invocation_name}"
        if text == prefix or text.startswith(prefix + " "):
            return ("open" if verb in ("open", "start", "launch") else "ask"), text[len(prefix) :].strip()
    raise AssertionError(f"{phrase!r} does not start with 'Alexa, open/ask {invocation_name}'")


def test_manifest_loads_into_the_smapi_model() -> None:
    """Deserialised and serialised again by the SMAPI classes, nothing is lost: no unknown or misspelled field."""
    payload = MANIFEST_PATH.read_text(encoding="utf-8")
    serializer = DefaultSerializer()
    envelope = serializer.deserialize(payload, SkillManifestEnvelope)
    assert isinstance(envelope, SkillManifestEnvelope)
    assert serializer.serialize(envelope) == json.loads(payload)
    assert envelope.manifest.manifest_version.value == "1.0"


def test_every_locale_is_published(manifest: dict[str, Any]) -> None:
    info = manifest["publishingInformation"]
    assert set(info["locales"]) == set(LOCALES)
    assert info["category"] == "HEALTH_AND_FITNESS"
    assert set(info["distributionCountries"]) == {"US", "GB", "CA", "AU", "IN"}
    for locale, published in info["locales"].items():
        assert published["name"] == "Back Pain Guide", locale
        assert 0 < len(published["summary"]) <= 160, locale
        assert 0 < len(published["description"]) <= 4000, locale
        assert DISCLAIMER in published["description"], locale
        assert 1 <= len(published["examplePhrases"]) <= 3, locale
        assert 1 <= len(published["keywords"]) <= 30, locale


def test_privacy_and_compliance(manifest: dict[str, Any]) -> None:
    privacy = manifest["privacyAndCompliance"]
    assert privacy["allowsPurchases"] is False
    assert privacy["usesPersonalInfo"] is False
    assert privacy["isChildDirected"] is False
    assert privacy["isExportCompliant"] is True
    assert privacy["containsAds"] is False
    assert privacy["usesHealthInfo"] is False  # nothing about the listener's health is kept or sent anywhere
    # The policy's public URL is the publisher's (make deploy PRIVACY_POLICY_URL=...); tools/deploy.py adds it
    assert "locales" not in privacy, "no privacy policy URL in the source: the deploy sets it"


def test_every_locale_has_both_icons(manifest: dict[str, Any]) -> None:
    import struct

    for locale, published in manifest["publishingInformation"]["locales"].items():
        for field, size in (("smallIconUri", 108), ("largeIconUri", 512)):
            uri = published[field]
            assert uri.startswith("file://assets/images/"), (locale, uri)
            data = (PACKAGE / uri.removeprefix("file://")).read_bytes()
            assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", data[16:24]) == (size, size), uri


def test_testing_instructions_tell_the_reviewer_what_is_kept(manifest: dict[str, Any]) -> None:
    from back_pain_guide import store

    instructions = manifest["publishingInformation"]["testingInstructions"]
    assert len(instructions) <= 4000
    assert "nothing the user says about their health is stored" in instructions
    assert "SKILL_DISABLED" in instructions and "one-year expiry" in instructions
    assert store.TTL_SECONDS == 365 * 24 * 3600
    assert len(store.PROFILE_FIELDS) == 4  # disclaimer heard, visits, last visit, short answers


def test_skill_disabled_event_is_subscribed(manifest: dict[str, Any]) -> None:
    assert {"eventName": "SKILL_DISABLED"} in manifest["events"]["subscriptions"]


def test_no_placeholder_endpoint(manifest: dict[str, Any]) -> None:
    """Endpoints are set at deploy time from the stack's FunctionArn (README, Deploy); none is faked here."""
    text = json.dumps(manifest)
    for marker in ("<", ">", "xxxx", "XXXX", "REPLACE", "TODO", "123456789012", "example.com"):
        assert marker not in text, marker
    for endpoint in (manifest["apis"]["custom"].get("endpoint"), manifest["events"].get("endpoint")):
        if endpoint is not None:
            assert re.fullmatch(r"arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[\w-]+", endpoint["uri"])


def test_at_least_the_us_model_exists() -> None:
    names = {path.stem for path in model_files()}
    assert "en-US" in names
    assert names <= set(LOCALES), names


@pytest.mark.parametrize("model_path", model_files(), ids=lambda p: p.stem)
def test_example_phrases_are_sample_utterances(manifest: dict[str, Any], model_path: Path) -> None:
    model = language_model(model_path)
    invocation_name = normalise(model["invocationName"])
    samples = samples_of(model)
    for locale, published in manifest["publishingInformation"]["locales"].items():
        phrases = published["examplePhrases"]
        assert request_after_name(phrases[0], invocation_name)[1] == "", (
            f"{locale}: the first example phrase must open the skill"
        )
        for phrase in phrases:
            verb, request = request_after_name(phrase, invocation_name)
            if verb == "open" and not request:
                continue
            assert verb == "ask" and request, f"{locale}: {phrase!r}"
            matched = [sample.intent for sample in samples if sample.matches(request)]
            assert matched, f"{locale} example {phrase!r} is no sample utterance of {model_path.name}"
            assert "AMAZON.FallbackIntent" not in matched


def test_the_matcher_rejects_what_alexa_would_not_hear() -> None:
    """The check above can fail: near misses and unknown slot values do not count as samples."""
    samples = samples_of(language_model(MODELS / "en-US.json"))

    def heard(request: str) -> bool:
        return any(sample.matches(normalise(request)) for sample in samples)

    assert heard("what causes back pain")
    assert heard("what causes sciatica")  # {topic} filled with a TopicType value
    assert not heard("what causes back pain please")
    assert not heard("what causes purple elephants")  # not a TopicType value or synonym
    assert not heard("why is the sky blue")  # only AMAZON.SearchQuery would take it
