#!/usr/bin/env python3
"""Checks content/back_pain.json beyond its schema and prints a coverage table.

`make content-check` runs it; the tests import its functions. Each check returns a list of
problems (plain sentences naming the topic and what is wrong); an empty list means it passed.
Exit status 1 when any check finds a problem.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import xml.etree.ElementTree as ElementTree
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "lambda"))

from back_pain_guide.content import Content, ContentError, load_content  # noqa: E402
from back_pain_guide.speech import Voice, to_ssml  # noqa: E402

CONTENT_DIR = ROOT / "content"
MODEL_DIR = ROOT / "interaction_model"
TOPIC_SLOT_TYPE = "TopicType"
TOPIC_INTENTS = ("CausesIntent", "RemediesIntent", "DiagnosisIntent", "TopicIntent")
MAX_CHUNK_WORDS = 80
SENTENCES_PER_CHUNK = (2, 4)  # the voice rule: two to four short sentences, then "want to hear more?"
MAX_SENTENCE_WORDS = 35
NEEDS_TREATMENT = ("cause", "cause_group")  # "how do I treat X" must not fall back to generic home care
WORDS_PER_MINUTE = 150

_URL = re.compile(r"https?://|www\.|\.(com|org|net|uk|gov)\b", re.IGNORECASE)
_LIST_MARKER = re.compile(r"(^|\n)\s*([-*\u2022\u25cf]|\d+[.)])\s")
_DIGIT = re.compile(r"[0-9]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def slot_text(text: str) -> str:
    """How a title or synonym appears as a slot value: lower case, no punctuation."""
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split())


def read_raw(content_dir: Path = CONTENT_DIR) -> dict:
    return json.loads((content_dir / "back_pain.json").read_text(encoding="utf-8"))


def load_models(model_dir: Path = MODEL_DIR) -> dict[str, dict]:
    """Every generated interaction model, by locale (skill.json and the sources are skipped)."""
    models = {}
    for path in sorted(model_dir.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if "interactionModel" in data:
            models[path.stem] = data
    return models


def check_schema(content_dir: Path = CONTENT_DIR) -> tuple[Content | None, list[str]]:
    """The content loads exactly as the skill loads it (schema, ids, references)."""
    try:
        return load_content(content_dir), []
    except ContentError as exc:
        return None, [f"content does not load: {exc}"]


def check_related(raw: dict) -> list[str]:
    """Every related id names a topic, and no topic lists itself."""
    ids = {t["id"] for t in raw["topics"]}
    problems = []
    for topic in raw["topics"]:
        for ref in topic["related"]:
            if ref not in ids:
                problems.append(f"topic {topic['id']}: related id {ref!r} is not a topic")
            elif ref == topic["id"]:
                problems.append(f"topic {topic['id']}: lists itself as related")
    return problems


def check_unique_names(raw: dict) -> list[str]:
    """A title or synonym leads to one topic only, or the slot could not tell them apart."""
    owners: dict[str, set[str]] = defaultdict(set)
    for topic in raw["topics"]:
        for name in [topic["title"], *topic["synonyms"]]:
            owners[slot_text(name)].add(topic["id"])
    return [
        f"{name!r} names several topics: {', '.join(sorted(ids))}"
        for name, ids in sorted(owners.items())
        if len(ids) > 1
    ]


def check_reachable(raw: dict, models: Mapping[str, dict]) -> list[str]:
    """Each topic is a TopicType value (by id) whose name or synonyms include its title or a
    synonym, in every locale's model; and the topic intents carry the {topic} slot."""
    problems = []
    if not models:
        return ["no interaction models found"]
    for locale, model in sorted(models.items()):
        language = model["interactionModel"]["languageModel"]
        types = {t["name"]: t for t in language.get("types", [])}
        values: dict[str, set[str]] = {}
        owners: dict[str, set[str]] = defaultdict(set)
        for value in types.get(TOPIC_SLOT_TYPE, {}).get("values", []):
            names = {slot_text(n) for n in [value["name"]["value"], *value["name"].get("synonyms", [])]}
            values[value.get("id")] = names
            for name in names:
                owners[name].add(value.get("id"))
        problems += [
            f"{locale}: slot value {name!r} leads to several topics: {', '.join(sorted(ids))}"
            for name, ids in sorted(owners.items())
            if len(ids) > 1
        ]
        for topic in raw["topics"]:
            spoken = {slot_text(n) for n in [topic["title"], *topic["synonyms"]]}
            if topic["id"] not in values:
                problems.append(f"{locale}: topic {topic['id']} is not a {TOPIC_SLOT_TYPE} value")
            elif not spoken & values[topic["id"]]:
                problems.append(
                    f"{locale}: topic {topic['id']}: neither its title nor a synonym is a slot value"
                )
        intents = {i["name"]: i for i in language["intents"]}
        for name in TOPIC_INTENTS:
            intent = intents.get(name)
            if intent is None:
                problems.append(f"{locale}: intent {name} is missing")
                continue
            slots = {s["name"]: s["type"] for s in intent.get("slots", [])}
            if slots.get("topic") != TOPIC_SLOT_TYPE:
                problems.append(f"{locale}: intent {name} has no topic slot of type {TOPIC_SLOT_TYPE}")
            if not any("{topic}" in sample for sample in intent.get("samples", [])):
                problems.append(f"{locale}: intent {name} has no sample utterance with {{topic}}")
    return problems


def _texts(content: Content) -> Iterable[tuple[str, str, str]]:
    """(topic id, part label, text) for every chunk and treatment chunk."""
    for topic in content.topics.values():
        for index, text in enumerate(topic.chunks):
            yield topic.id, f"chunk {index + 1}", text
        for index, text in enumerate(topic.treatment):
            yield topic.id, f"treatment {index + 1}", text


def check_chunks(content: Content, max_words: int = MAX_CHUNK_WORDS) -> list[str]:
    """Every chunk, as every locale speaks it, is valid SSML, short, and speakable."""
    problems = []
    voices = [Voice(content, code) for code in sorted(content.locales)]
    for topic_id, part, text in _texts(content):
        where = f"topic {topic_id} {part}"
        words = len(text.split())
        if words > max_words:
            problems.append(f"{where}: {words} words, over the {max_words}-word limit")
        if _URL.search(text):
            problems.append(f"{where}: contains a web address")
        if _LIST_MARKER.search(text):
            problems.append(f"{where}: contains a list marker")
        sentences = [s for s in _SENTENCE_END.split(text.strip()) if s]
        low, high = SENTENCES_PER_CHUNK
        if not low <= len(sentences) <= high:
            problems.append(f"{where}: {len(sentences)} sentence(s), not {low} to {high}")
        longest = max(len(s.split()) for s in sentences)
        if longest > MAX_SENTENCE_WORDS:
            problems.append(f"{where}: a sentence of {longest} words, over {MAX_SENTENCE_WORDS}")
        if _DIGIT.search(text.replace("{emergency_number}", "")):
            problems.append(f"{where}: contains digits; write numbers as they are spoken")
        for voice in voices:
            try:
                ssml = to_ssml(voice.speak_text(text))
                ElementTree.fromstring(f"<speak>{ssml}</speak>")
            except (KeyError, ValueError, ElementTree.ParseError) as exc:
                problems.append(f"{where} ({voice.locale.code}): not valid SSML once rendered: {exc}")
                break
    return problems


def check_treatment_parts(content: Content) -> list[str]:
    """Causes say what helps them, and a topic whose text sends people to emergency services
    says so again in its treatment part, so a "how do I treat it" never drops that advice."""
    problems = []
    for topic in content.topics.values():
        if topic.kind in NEEDS_TREATMENT and not topic.treatment:
            problems.append(f"topic {topic.id}: a {topic.kind} topic without a treatment part")
        urgent = any("{emergency_number}" in text for text in topic.chunks)
        if urgent and topic.treatment and not any("{emergency_number}" in t for t in topic.treatment):
            problems.append(
                f"topic {topic.id}: its chunks say to call emergency services but its treatment part does not"
            )
    return problems


@dataclass(frozen=True)
class KindRow:
    kind: str
    topics: int
    chunks: int
    words: int

    @property
    def minutes(self) -> float:
        return self.words / WORDS_PER_MINUTE


def coverage(content: Content) -> list[KindRow]:
    """Topics, chunks (treatment chunks included) and words per kind, in order of first use."""
    topics: Counter[str] = Counter()
    chunks: Counter[str] = Counter()
    words: Counter[str] = Counter()
    for topic in content.topics.values():
        topics[topic.kind] += 1
        texts = topic.chunks + topic.treatment
        chunks[topic.kind] += len(texts)
        words[topic.kind] += sum(len(t.split()) for t in texts)
    return [KindRow(kind, topics[kind], chunks[kind], words[kind]) for kind in topics]


def _duration(minutes: float) -> str:
    total = round(minutes * 60)
    return f"{total // 60} min {total % 60:02d} s"


def format_table(rows: list[KindRow]) -> str:
    total = KindRow(
        "total", sum(r.topics for r in rows), sum(r.chunks for r in rows), sum(r.words for r in rows)
    )
    header = f"{'kind':<18}{'topics':>7}{'chunks':>8}{'words':>8}  speaking time (~{WORDS_PER_MINUTE} wpm)"
    lines = [header, "-" * len(header)]
    for row in [*rows, total]:
        if row is total:
            lines.append("-" * len(header))
        lines.append(f"{row.kind:<18}{row.topics:>7}{row.chunks:>8}{row.words:>8}  {_duration(row.minutes)}")
    return "\n".join(lines)


def run(content_dir: Path = CONTENT_DIR, model_dir: Path = MODEL_DIR) -> tuple[list[str], Content | None]:
    """All checks; returns the problems and the loaded content (None when it did not load)."""
    content, problems = check_schema(content_dir)
    try:
        raw = read_raw(content_dir)
    except (OSError, json.JSONDecodeError):
        return problems, None
    if (
        isinstance(raw, dict)
        and isinstance(raw.get("topics"), list)
        and all(
            isinstance(t, dict) and {"id", "title", "synonyms", "related"} <= t.keys() for t in raw["topics"]
        )
    ):
        problems += check_related(raw)
        problems += check_unique_names(raw)
        problems += check_reachable(raw, load_models(model_dir))
    if content is not None:
        problems += check_chunks(content)
        problems += check_treatment_parts(content)
    return problems, content


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content-dir", type=Path, default=CONTENT_DIR, help="folder with back_pain.json")
    parser.add_argument("--model-dir", type=Path, default=MODEL_DIR, help="folder with <locale>.json models")
    args = parser.parse_args(argv)
    problems, content = run(args.content_dir, args.model_dir)
    if content is not None:
        print(
            f"content reviewed {content.review_date}: {len(content.topics)} topics, {len(content.sources)} sources"
        )
        print(format_table(coverage(content)))
    if problems:
        print(f"\ncontent check failed, {len(problems)} problem(s):", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print("\ncontent check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
