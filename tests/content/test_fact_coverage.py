"""Every fact of the shared facts file (F01-F78 and the red-flag rows R01-R15) is said by a topic.

tests/content/fact_ids.txt lists the ids with, for each, words a topic must say to count as
saying it. A topic that lists an id in its ``facts`` must say at least one of those words, and
at least one listing topic must say all of them. When the shared facts file is present (not in
a fresh clone), the id list must match it exactly.

A few facts are about the checklist or the locales, not about a topic: fact_ids.txt marks them
"@outside-topics" and OUTSIDE_TOPICS below names them, so the topic checks skip exactly those
and a new one cannot be skipped without a change here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from back_pain_guide.content import get_content
from back_pain_guide.speech import Voice

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FACT_IDS = HERE / "fact_ids.txt"
SHARED_FACTS = ROOT.parent / "shared" / "facts" / "back-pain-facts.md"
CONTENT = get_content()


@dataclass(frozen=True)
class FactId:
    id: str
    words: tuple[str, ...]
    note: str


def read_fact_ids(path: Path = FACT_IDS) -> dict[str, FactId]:
    facts = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fact_id, words, note = (part.strip() for part in line.split("|"))
        facts[fact_id] = FactId(
            fact_id, tuple(w.strip().lower() for w in words.split(",") if w.strip()), note
        )
    return facts


FACTS = read_fact_ids()
PROJECT_FACTS = Path(__file__).resolve().parents[2] / "content" / "facts_extra.md"
OUTSIDE_MARK = ("@outside-topics",)
# Said by the locales and the checklist (their owners pin them), not by any topic:
# F74 the same-day route per country and 108 in India; F76 the triage order of the checklist.
OUTSIDE_TOPICS = {"F74", "F76"}
TOPIC_FACTS = sorted(f for f in FACTS if f not in OUTSIDE_TOPICS)
EXPECTED_IDS = (
    {f"F{n:02d}" for n in range(1, 79)}
    | {f"R{n:02d}" for n in range(1, 16)}
    | {f"X{n:02d}" for n in range(1, 57)}
)  # X: content/facts_extra.md


def topic_text(topic_id: str) -> str:
    topic = CONTENT.topics[topic_id]
    return " ".join(topic.chunks + topic.treatment).lower()


def says(topic_id: str, word: str) -> bool:
    return word in topic_text(topic_id)


def claimed_by(fact_id: str) -> list[str]:
    return [t.id for t in CONTENT.topics.values() if fact_id in t.facts]


def test_the_id_list_has_every_fact_and_red_flag_row():
    assert set(FACTS) == EXPECTED_IDS
    assert all(fact.words and fact.note for fact in FACTS.values())


def test_only_the_named_facts_are_said_outside_the_topics():
    assert {f for f, fact in FACTS.items() if fact.words == OUTSIDE_MARK} == OUTSIDE_TOPICS
    assert not any(OUTSIDE_MARK[0] in w for f in TOPIC_FACTS for w in FACTS[f].words)


@pytest.mark.parametrize("fact_id", sorted(OUTSIDE_TOPICS))
def test_no_topic_claims_a_fact_said_outside_the_topics(fact_id):
    """A topic listing one of these would count as saying it without any words being checked."""
    assert claimed_by(fact_id) == []


@pytest.mark.skipif(not SHARED_FACTS.exists(), reason="the shared facts file is not beside this clone")
def test_the_id_list_matches_the_shared_facts_file():
    text = SHARED_FACTS.read_text(encoding="utf-8")
    fact_ids = re.findall(r"^- (F\d{2}) ", text, flags=re.MULTILINE)
    table = text.split("## Red flags", 1)[1]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line][1:]
    red_flags = [f"R{n:02d}" for n in range(1, len(rows) + 1)]
    extra = re.findall(
        r"^\*\*(X\d{2})\*\*|^- (X\d{2})\b|^(X\d{2}) \|",
        PROJECT_FACTS.read_text(encoding="utf-8"),
        flags=re.MULTILINE,
    )
    project_ids = sorted({next(i for i in groups if i) for groups in extra})
    assert sorted(f for f in FACTS if not f.startswith("X")) == sorted(fact_ids + red_flags)
    assert sorted(f for f in FACTS if f.startswith("X")) == project_ids


@pytest.mark.parametrize("fact_id", TOPIC_FACTS)
def test_every_fact_is_said_in_full_by_a_topic_that_lists_it(fact_id):
    topics = claimed_by(fact_id)
    assert topics, f"{fact_id} ({FACTS[fact_id].note}) is listed by no topic"
    words = FACTS[fact_id].words
    full = [t for t in topics if all(says(t, w) for w in words)]
    assert full, f"{fact_id}: no topic among {topics} says all of {words}"


@pytest.mark.parametrize("topic_id", sorted(CONTENT.topics))
def test_a_topic_lists_only_known_facts_it_actually_mentions(topic_id):
    for fact_id in CONTENT.topics[topic_id].facts:
        assert fact_id in FACTS, f"{topic_id} lists unknown fact {fact_id}"
        assert any(says(topic_id, w) for w in FACTS[fact_id].words), (
            f"{topic_id} lists {fact_id} but says none of {FACTS[fact_id].words}"
        )


@pytest.mark.parametrize("locale", sorted(CONTENT.locales))
def test_the_emergency_topic_speaks_the_locales_own_number(locale):
    """F60: the emergency numbers are said per locale, through the placeholder."""
    voice = Voice(CONTENT, locale)
    topic = CONTENT.topics["when_to_call_emergency"]
    spoken = " ".join(voice.speak_text(chunk) for chunk in topic.chunks)
    assert voice.locale.emergency_number_speech in spoken


@pytest.mark.parametrize(
    "topic_id",
    [
        "abdominal_aortic_aneurysm",
        "heart_attack",
        "spinal_epidural_abscess",
        "cauda_equina_syndrome",
        "when_to_call_emergency",
    ],
)
def test_emergency_topics_say_call_now_first(topic_id):
    topic = CONTENT.topics[topic_id]
    assert "{emergency_number}" in topic.chunks[0]
    assert all("{emergency_number}" in text for text in topic.treatment)


def test_a_broken_fact_list_would_fail(tmp_path):
    """The checks above can fail: a list missing an id, and a fact no topic says in full."""
    broken = tmp_path / "fact_ids.txt"
    broken.write_text(
        "F01 | strain | what a strain is\nF02 | no topic says this phrase | made up\n", encoding="utf-8"
    )
    facts = read_fact_ids(broken)
    assert set(facts) != EXPECTED_IDS
    assert not any(all(says(t, w) for w in facts["F02"].words) for t in claimed_by("F02"))
