#!/usr/bin/env python3
"""Generates interaction_model/<locale>.json for every English locale from one source of truth.

- interaction_model/source/model.json: invocation name, intents and their samples (all locales);
- interaction_model/source/locales.json: each locale's word variants, extra samples and synonyms;
- content/back_pain.json: TopicType values (ids, names, synonyms);
- content/emergency_lexicon.json: SymptomType values (each warning sign's everyday phrases), the
  slot type of EmergencySignIntent.

`--check` exits 1 when any generated file is stale or missing (the tests run it).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "interaction_model" / "source" / "model.json"
LOCALES_SOURCE = ROOT / "interaction_model" / "source" / "locales.json"
CONTENT = ROOT / "content" / "back_pain.json"
LEXICON = ROOT / "content" / "emergency_lexicon.json"
OUTPUT = ROOT / "interaction_model"


class ModelSourceError(ValueError):
    """The sources contradict each other (a sample in two intents, an unknown intent or topic)."""


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def load_locales(path: Path = LOCALES_SOURCE) -> dict[str, dict]:
    """Locale code -> its additions (empty for the locale model.json is written in)."""
    return _read(path)["locales"]


LOCALES: tuple[str, ...] = tuple(load_locales())


def _slot_value(text: str) -> str:
    """A topic title as a speakable slot value: lower case, no punctuation."""
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split())


def _variants(text: str, word_variants: list[list[str]]) -> list[str]:
    """``text`` with each listed word replaced by the locale's word, one variant per word found."""
    found = []
    for word, local_word in word_variants:
        pattern = re.compile(rf"(?<![a-z']){re.escape(word)}(?![a-z'])")
        if pattern.search(text):
            found.append(pattern.sub(local_word, text))
    return found


def topic_type(content: dict, additions: dict | None = None) -> dict:
    """TopicType from the content topics; a locale's variants and synonyms fill gaps, never steal."""
    additions = additions or {}
    word_variants = additions.get("word_variants", [])
    extra = additions.get("synonyms", {})
    unknown = sorted(set(extra) - {t["id"] for t in content["topics"]})
    if unknown:
        raise ModelSourceError(f"locales.json synonyms: unknown topic id(s) {unknown}")
    taken: set[str] = set()
    values = []
    for topic in content["topics"]:
        name = _slot_value(topic["title"])
        synonyms = [s for s in dict.fromkeys(topic["synonyms"]) if s != name]
        taken.update([name, *synonyms])
        values.append({"id": topic["id"], "name": {"value": name, "synonyms": synonyms}})
    for topic, value in zip(content["topics"], values, strict=False):
        own = [value["name"]["value"], *value["name"]["synonyms"]]
        local = [v for text in own for v in _variants(text, word_variants)] + extra.get(topic["id"], [])
        for synonym in dict.fromkeys(local):
            if synonym not in taken:
                taken.add(synonym)
                value["name"]["synonyms"].append(synonym)
    return {"name": "TopicType", "values": values}


PHRASES_PER_CONCEPT = 6  # the first phrases of each concept, combined per rule of two or more
PHRASES_PER_SIGN = 700


def rule_phrases(lexicon: dict) -> dict[str, list[str]]:
    """Per sign, phrases made from its clear rules (the first few phrases of each concept, in
    rule order), kept only when the detector itself hears that sign in them, clearly. The same
    for every locale: worked out once per lexicon."""
    return _rule_phrases(json.dumps(lexicon, sort_keys=True))


@lru_cache(maxsize=2)
def _rule_phrases(lexicon_json: str) -> dict[str, list[str]]:
    lexicon = json.loads(lexicon_json)
    sys.path.insert(0, str(ROOT / "lambda"))
    from back_pain_guide.safety import EmergencyDetector  # the detector the skill runs

    detector = EmergencyDetector(lexicon)
    by_sign: dict[str, list[str]] = {}
    for sign in lexicon["signs"]:
        phrases: list[str] = []
        for rule in sign["rules"]:
            if rule["confidence"] != "clear" or rule.get("needs_person") or rule.get("at_end"):
                continue
            combined = [""]
            per_concept = (
                PHRASES_PER_CONCEPT if len(rule["all"]) > 1 else None
            )  # a one-concept rule: all its phrases
            for concept in rule["all"]:
                combined = [
                    f"{c} {p}".strip() for c in combined for p in lexicon["concepts"][concept][:per_concept]
                ]
            for phrase in combined:
                found = detector.detect(phrase)
                if found is not None and found.is_clear and found.sign.id == sign["id"]:
                    phrases.append(_slot_value(phrase))
        by_sign[sign["id"]] = list(dict.fromkeys(phrases))[:PHRASES_PER_SIGN]
    return by_sign


def symptom_type(lexicon: dict, additions: dict | None = None) -> dict:
    """SymptomType: one value per warning sign; its everyday phrases, and phrases made from its
    clear rules, as synonyms (with their locale variants), so Alexa's model learns what an
    emergency sounds like."""
    word_variants = (additions or {}).get("word_variants", [])
    taken: set[str] = set()
    values = []
    made = rule_phrases(lexicon)
    for sign in lexicon["signs"]:
        phrases = [_slot_value(p) for p in sign["samples"]] + made[sign["id"]]
        phrases += [v for p in phrases for v in _variants(p, word_variants)]
        unique = [p for p in dict.fromkeys(phrases) if p not in taken]
        taken.update(unique)
        values.append({"id": sign["id"], "name": {"value": unique[0], "synonyms": unique[1:]}})
    return {"name": "SymptomType", "values": values}


def _intents(source: dict, content: dict, additions: dict) -> list[dict]:
    intents = [
        {"name": i["name"], "slots": i["slots"], "samples": list(dict.fromkeys(i["samples"]))}
        for i in source["intents"]
    ]
    owner = {sample: intent["name"] for intent in intents for sample in intent["samples"]}
    by_name = {intent["name"]: intent for intent in intents}

    extra = additions.get("samples", {})
    for intent_name, samples in extra.items():
        if intent_name not in by_name:
            raise ModelSourceError(f"locales.json samples: unknown intent {intent_name!r}")
        for sample in samples:
            if owner.setdefault(sample, intent_name) != intent_name:
                raise ModelSourceError(
                    f"locales.json: {sample!r} for {intent_name} is already a sample of {owner[sample]}"
                )
            if sample not in by_name[intent_name]["samples"]:
                by_name[intent_name]["samples"].append(sample)

    word_variants = additions.get("word_variants", [])
    for intent in intents:
        for sample in list(intent["samples"]):
            for variant in _variants(sample, word_variants):
                if variant not in owner:  # a sample another intent already owns keeps its owner
                    owner[variant] = intent["name"]
                    intent["samples"].append(variant)
    return intents


def build_model(
    locale: str,
    source: dict | None = None,
    content: dict | None = None,
    locales: dict[str, dict] | None = None,
    lexicon: dict | None = None,
) -> dict:
    """The ASK interaction model for one locale."""
    source = source or _read(SOURCE)
    content = content or _read(CONTENT)
    lexicon = lexicon or _read(LEXICON)
    locales = locales if locales is not None else load_locales()
    if locale not in locales:
        raise ModelSourceError(f"no locale {locale!r} in locales.json")
    additions = locales[locale]
    return {
        "interactionModel": {
            "languageModel": {
                "invocationName": source["invocation_name"],
                "intents": _intents(source, content, additions),
                "types": [
                    topic_type(content, additions),
                    symptom_type(lexicon, additions),
                    *(
                        {k: v for k, v in slot_type.items() if not k.startswith("_")}
                        for slot_type in source.get("types", [])
                    ),
                ],
            }
        }
    }


def render(model: dict) -> str:
    return json.dumps(model, indent=2, ensure_ascii=False) + "\n"


def stale_models(directory: Path = OUTPUT) -> list[str]:
    """Generated files under ``directory`` that differ from what the sources produce, or are missing."""
    source, content, locales = _read(SOURCE), _read(CONTENT), load_locales()
    stale = []
    for locale in locales:
        target = directory / f"{locale}.json"
        if not target.exists() or target.read_text(encoding="utf-8") != render(
            build_model(locale, source, content, locales)
        ):
            stale.append(target.name)
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a generated file is out of date")
    parser.add_argument("--dir", type=Path, default=OUTPUT, help="where the <locale>.json files live")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_models(args.dir)
        if stale:
            print("stale, run `make models`: " + ", ".join(stale), file=sys.stderr)
            return 1
        return 0
    source, content, locales = _read(SOURCE), _read(CONTENT), load_locales()
    for locale in locales:
        target = args.dir / f"{locale}.json"
        target.write_text(render(build_model(locale, source, content, locales)), encoding="utf-8")
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
