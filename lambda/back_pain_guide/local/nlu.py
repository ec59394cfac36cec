"""Resolves typed utterances to intents and slots from an interaction model, like Alexa's NLU.

Used by the local console and the tests. Each sample utterance becomes a pattern; a custom
slot value resolves (entity resolution) when it equals a value or synonym of its type;
AMAZON.SearchQuery takes any words, but only after its carrier phrase (a model with a bare
"{query}" sample is refused, as Alexa's build refuses it). When several samples match, the
one with the most literal words wins, then the one whose slots resolved.

A bare custom slot ("{symptom}") takes a listed value exactly; Alexa's statistical model also
gives it unlisted phrases that sound like its values (a custom slot is not an enum). That is
modelled, conservatively, for speech no sample matches: it goes to the bare slot's intent, whole,
when it shares at least ``SIMILAR_WORDS`` content word (not a stop word) with the slot type's
values and synonyms ("bum's numb", "it is emergency", "auto rickshaw hit me from behind"); the
intent's handler then decides what the words mean. No match at all: AMAZON.FallbackIntent.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import paths
from .envelopes import slot as build_slot

FALLBACK = "AMAZON.FallbackIntent"
SIMILAR_WORDS = 1
# Words too common to make a phrase sound like a slot value.
_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "so",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "up",
        "down",
        "out",
        "off",
        "over",
        "into",
        "onto",
        "i",
        "im",
        "ive",
        "id",
        "me",
        "my",
        "mine",
        "myself",
        "we",
        "us",
        "our",
        "you",
        "your",
        "he",
        "him",
        "his",
        "she",
        "her",
        "they",
        "them",
        "their",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "is",
        "am",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "have",
        "has",
        "had",
        "do",
        "does",
        "did",
        "can",
        "could",
        "would",
        "should",
        "will",
        "just",
        "really",
        "very",
        "no",
        "yes",
        "yeah",
        "so",
        "um",
        "uh",
        "er",
        "like",
        "now",
        "then",
        "there",
        "theres",
        "here",
        "what",
        "when",
        "where",
        "why",
        "how",
        "who",
        "which",
        "all",
        "any",
        "some",
        "got",
        "get",
        "go",
        "going",
        "gone",
        "since",
        "back",
        "pain",
    ]
)
_SLOT = re.compile(r"\{(\w+)\}")
_ARTICLES = ("the ", "a ", "an ", "my ", "some ")


def _content_words(text: str) -> list[str]:
    """Words that carry meaning: apostrophes and a possessive "s" dropped, stop words left out."""
    found = []
    for word in text.replace("'s ", " ").replace("'", "").split():
        if word.endswith("'s"):
            word = word[:-2]
        if word not in _STOP_WORDS:
            found.append(word)
    return found


def normalise_utterance(text: str) -> str:
    """Lower case, curly quotes straightened, punctuation other than apostrophes dropped."""
    text = text.lower().replace("\u2019", "'")
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text).split())


@dataclass(frozen=True)
class SlotMatch:
    name: str
    value: str
    slot_type: str
    resolved_id: str | None = None
    resolved_name: str | None = None


@dataclass(frozen=True)
class Resolution:
    intent: str
    slots: dict[str, SlotMatch] = field(default_factory=dict)
    declared_slots: tuple[str, ...] = ()

    def request_slots(self, skill_id: str) -> dict[str, dict[str, Any]]:
        """The intent's slots as an IntentRequest carries them."""
        result = {}
        for name in self.declared_slots:
            match = self.slots.get(name)
            if match is None:
                result[name] = build_slot(name)
            else:
                result[name] = build_slot(
                    name, match.value, match.resolved_id, match.resolved_name, match.slot_type, skill_id
                )
        return result


@dataclass(frozen=True)
class _Sample:
    intent: str
    pattern: re.Pattern[str]
    literal_words: int
    slot_types: dict[str, str]


class ModelError(ValueError):
    """A sample utterance Alexa's model build would reject."""


def _check_search_query(intent: str, sample: str, slot_types: dict[str, str]) -> None:
    """As on a device, free speech reaches an AMAZON.SearchQuery slot only through a carrier
    phrase: a bare "{query}" sample, or one with another slot beside it, fails the build."""
    names = _SLOT.findall(sample)
    if not any(slot_types.get(n) == "AMAZON.SearchQuery" for n in names):
        return
    if len(names) > 1:
        raise ModelError(
            f"{intent}: {sample!r}: an AMAZON.SearchQuery slot cannot share a sample with other slots"
        )
    if not _SLOT.sub("", sample).strip():
        raise ModelError(f"{intent}: {sample!r}: an AMAZON.SearchQuery slot needs a carrier phrase")


class UtteranceResolver:
    def __init__(self, model: dict[str, Any], builtin_utterances: dict[str, list[str]] | None = None) -> None:
        language = model["interactionModel"]["languageModel"]
        self.invocation_name: str = language["invocationName"]
        self._values: dict[str, dict[str, tuple[str, str]]] = {}
        for slot_type in language.get("types", []):
            table = self._values.setdefault(slot_type["name"], {})
            for value in slot_type["values"]:
                name = value["name"]["value"]
                for text in [name, *value["name"].get("synonyms", [])]:
                    table.setdefault(normalise_utterance(text), (value.get("id") or name, name))
        self._declared: dict[str, tuple[str, ...]] = {}
        self._samples: list[_Sample] = []
        self._bare_slots: list[tuple[str, str, str, frozenset[str]]] = []  # intent, slot, type, value words
        for intent in language["intents"]:
            slot_types = {s["name"]: s["type"] for s in intent.get("slots", [])}
            self._declared[intent["name"]] = tuple(slot_types)
            samples = list(intent.get("samples", [])) + list(
                (builtin_utterances or {}).get(intent["name"], [])
            )
            for sample in samples:
                _check_search_query(intent["name"], sample, slot_types)
                self._samples.append(self._compile(intent["name"], sample, slot_types))
                bare = _SLOT.fullmatch(sample.strip())
                if bare and not slot_types.get(bare.group(1), "AMAZON.").startswith("AMAZON."):
                    slot_type = slot_types[bare.group(1)]
                    vocabulary = frozenset(
                        w for text in self._values.get(slot_type, {}) for w in _content_words(text)
                    )
                    self._bare_slots.append((intent["name"], bare.group(1), slot_type, vocabulary))

    @staticmethod
    def _compile(intent: str, sample: str, slot_types: dict[str, str]) -> _Sample:
        parts, literal_words = [], 0
        for token in sample.split():
            slot_name = _SLOT.fullmatch(token)
            if slot_name:
                parts.append(f"(?P<{slot_name.group(1)}>.+?)")
            else:
                word = normalise_utterance(token)
                literal_words += len(word.split())
                parts.append(re.escape(word))
        return _Sample(intent, re.compile("^" + " ".join(parts) + "$"), literal_words, slot_types)

    def _resolve_value(self, slot_type: str, value: str) -> tuple[str, str] | None:
        table = self._values.get(slot_type, {})
        if value in table:
            return table[value]
        for article in _ARTICLES:
            if value.startswith(article) and value[len(article) :] in table:
                return table[value[len(article) :]]
        return None

    def resolve(self, utterance: str) -> Resolution:
        text = normalise_utterance(utterance)
        best: tuple[tuple[int, int, int, int], Resolution] | None = None
        for sample in self._samples:
            found = sample.pattern.match(text)
            if not found:
                continue
            slots, resolved = {}, 0
            for name, value in found.groupdict().items():
                slot_type = sample.slot_types.get(name, "")
                hit = None if slot_type.startswith("AMAZON.") else self._resolve_value(slot_type, value)
                resolved += hit is not None
                slots[name] = SlotMatch(name, value, slot_type, *(hit or (None, None)))
            if sample.literal_words == 0 and resolved < len(slots):
                continue  # a bare "{topic}" only catches known values; other words are out of domain
            # What Alexa matches most surely: a sample said word for word, then a whole utterance
            # that is a listed value of a bare slot ("yes a little"), which wins over a carrier
            # phrase that would take it as free words.
            tier = 2 if not slots else 1 if sample.literal_words == 0 and resolved == len(slots) else 0
            score = (tier, sample.literal_words, resolved, -len(slots))
            if best is None or score > best[0]:
                best = (score, Resolution(sample.intent, slots, self._declared[sample.intent]))
        if best:
            return best[1]
        return self._like_a_slot_value(text) or Resolution(FALLBACK, {}, self._declared.get(FALLBACK, ()))

    def _like_a_slot_value(self, text: str) -> Resolution | None:
        """Speech that sounds like a bare custom slot's values, for that slot's intent (see above)."""
        content_words = set(_content_words(text))
        needed = SIMILAR_WORDS
        # Which of two equally close intents Alexa would choose is not knowable; the one declared
        # later (the emergency intent comes after the topic intents) is taken, the safer guess.
        shared, intent, name, slot_type = max(
            (
                (len(content_words & vocabulary), intent, name, slot_type)
                for intent, name, slot_type, vocabulary in reversed(self._bare_slots)
            ),
            key=lambda row: row[0],
            default=(0, "", "", ""),
        )
        if shared < needed:
            return None
        return Resolution(intent, {name: SlotMatch(name, text, slot_type)}, self._declared[intent])


def load_model(locale: str) -> dict[str, Any]:
    folder = Path(paths.interaction_model_dir())
    path = folder / f"{locale}.json"
    if not path.exists():
        path = folder / "en-US.json"  # a locale the skill lacks is answered in en-US
    return json.loads(path.read_text(encoding="utf-8"))


def builtin_utterances() -> dict[str, list[str]]:
    source = Path(paths.interaction_model_dir()) / "source" / "model.json"
    data = json.loads(source.read_text(encoding="utf-8")).get("builtin_utterances", {})
    return {k: v for k, v in data.items() if not k.startswith("_")}


@lru_cache(maxsize=8)
def resolver_for(locale: str) -> UtteranceResolver:
    return UtteranceResolver(load_model(locale), builtin_utterances())
