"""tools/content_check.py passes on the real content, and each of its checks fails on a broken copy."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path

import content_check
import pytest

from back_pain_guide.content import load_content

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tools" / "content_check.py"


@pytest.fixture(scope="module")
def raw() -> dict:
    return content_check.read_raw()


@pytest.fixture(scope="module")
def models() -> dict:
    return content_check.load_models()


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    return folder


def edit(folder: Path, change) -> None:
    path = folder / "back_pain.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def topic(data: dict, topic_id: str) -> dict:
    return next(t for t in data["topics"] if t["id"] == topic_id)


def test_the_real_content_passes_every_check():
    problems, content = content_check.run()
    assert problems == []
    assert content is not None and len(content.topics) >= 80


def test_the_command_prints_the_coverage_table_and_exits_0():
    result = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    for kind in ("cause", "treatment", "home_care", "test", "when_to_get_help", "total"):
        assert f"\n{kind} " in result.stdout
    assert "speaking time" in result.stdout and "content check passed" in result.stdout


def test_the_command_exits_1_and_names_the_problem_on_broken_content(content_copy):
    edit(content_copy, lambda d: topic(d, "sciatica")["related"].append("no_such_topic"))
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--content-dir", str(content_copy)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "no_such_topic" in result.stderr


def test_coverage_counts_every_topic_chunk_and_word():
    content = load_content()
    rows = content_check.coverage(content)
    assert sum(r.topics for r in rows) == len(content.topics)
    assert sum(r.chunks for r in rows) == sum(
        len(t.chunks) + len(t.treatment) for t in content.topics.values()
    )
    words = sum(len(c.split()) for t in content.topics.values() for c in t.chunks + t.treatment)
    assert sum(r.words for r in rows) == words
    assert abs(sum(r.minutes for r in rows) - words / 150) < 1e-9


def test_schema_check_fails_on_a_chunk_too_short(content_copy):
    edit(content_copy, lambda d: topic(d, "sciatica")["chunks"].append("Too short."))
    content, problems = content_check.check_schema(content_copy)
    assert content is None and "chunks" in problems[0]


def test_schema_check_fails_on_a_bad_fact_id(content_copy):
    edit(content_copy, lambda d: topic(d, "sciatica")["facts"].append("Q99"))
    assert content_check.check_schema(content_copy)[1]


def test_related_check_fails_on_an_unknown_or_self_reference(raw):
    broken = copy.deepcopy(raw)
    topic(broken, "sciatica")["related"] += ["no_such_topic", "sciatica"]
    problems = content_check.check_related(broken)
    assert any("no_such_topic" in p for p in problems) and any("itself" in p for p in problems)


def test_unique_names_check_fails_when_two_topics_share_a_synonym(raw):
    broken = copy.deepcopy(raw)
    topic(broken, "sciatica")["synonyms"].append("slipped disc")
    problems = content_check.check_unique_names(broken)
    assert problems == ["'slipped disc' names several topics: herniated_disk, sciatica"]


def test_reachability_check_fails_when_a_topic_is_missing_from_a_model(raw, models):
    broken = copy.deepcopy(models)
    locale = sorted(broken)[0]
    types = broken[locale]["interactionModel"]["languageModel"]["types"]
    types[0]["values"] = [v for v in types[0]["values"] if v["id"] != "sciatica"]
    problems = content_check.check_reachable(raw, broken)
    assert problems == [f"{locale}: topic sciatica is not a TopicType value"]


def test_reachability_check_fails_when_no_name_of_a_topic_is_a_slot_value(raw, models):
    broken = copy.deepcopy(raw)
    topic(broken, "sciatica").update(title="Something else", synonyms=["another thing"])
    problems = content_check.check_reachable(broken, models)
    assert len(problems) == len(models) and all("sciatica" in p for p in problems)


def test_reachability_check_fails_when_a_slot_value_leads_to_two_topics(raw, models):
    broken = copy.deepcopy(models)
    locale = sorted(broken)[0]
    values = broken[locale]["interactionModel"]["languageModel"]["types"][0]["values"]
    next(v for v in values if v["id"] == "sciatica")["name"]["synonyms"].append("slipped disc")
    problems = content_check.check_reachable(raw, broken)
    assert any("'slipped disc' leads to several topics" in p for p in problems)


def test_reachability_check_fails_when_a_topic_intent_loses_its_slot(raw, models):
    broken = copy.deepcopy(models)
    locale = sorted(broken)[0]
    for intent in broken[locale]["interactionModel"]["languageModel"]["intents"]:
        if intent["name"] == "CausesIntent":
            intent["slots"] = []
            intent["samples"] = [s for s in intent["samples"] if "{topic}" not in s]
    problems = content_check.check_reachable(raw, broken)
    assert problems == [
        f"{locale}: intent CausesIntent has no topic slot of type TopicType",
        f"{locale}: intent CausesIntent has no sample utterance with {{topic}}",
    ]


def test_reachability_check_fails_without_models(raw):
    assert content_check.check_reachable(raw, {}) == ["no interaction models found"]


@pytest.mark.parametrize(
    "bad_chunk, expected",
    [
        ("See https://example.org for more. It has the details.", "web address"),
        ("Here is what helps. \n- heat\n- gentle walks every day.", "list marker"),
        ("Rest for 20 minutes. Then walk about.", "digits"),
        (" ".join((" ".join(["word"] * 27) + ".") for _ in range(3)), "81 words"),
        ("This chunk names an unknown {placeholder} value. It cannot be filled.", "not valid SSML"),
        ("A chunk of one sentence only, which leaves no room to breathe.", "1 sentence(s), not 2 to 4"),
        ("One. Two. Three. Four. Five is one too many.", "5 sentence(s), not 2 to 4"),
        ("Short one. " + " ".join(["long"] * 36) + ".", "a sentence of 36 words"),
    ],
)
def test_chunk_check_fails_on_unspeakable_chunks(content_copy, bad_chunk, expected):
    edit(content_copy, lambda d: topic(d, "sciatica")["chunks"].append(bad_chunk))
    content = load_content(content_copy)
    problems = content_check.check_chunks(content)
    where = f"topic sciatica chunk {len(content.topics['sciatica'].chunks)}"
    assert len(problems) == 1 and expected in problems[0] and problems[0].startswith(where), problems


def test_chunk_check_parses_what_the_renderer_produces(monkeypatch):
    """The SSML check parses the rendered text: a renderer that forgot to escape is caught."""
    monkeypatch.setattr(content_check, "to_ssml", lambda text: text + " <break>")
    problems = content_check.check_chunks(load_content())
    assert problems and all("not valid SSML" in p for p in problems)


def test_chunk_check_covers_treatment_chunks(content_copy):
    edit(
        content_copy, lambda d: topic(d, "sciatica")["treatment"].append("Take 2 tablets & rest. Then walk.")
    )
    content = load_content(content_copy)
    index = len(content.topics["sciatica"].treatment)
    problems = content_check.check_chunks(content)
    assert problems == [
        f"topic sciatica treatment {index}: contains digits; write numbers as they are spoken"
    ]


def test_treatment_check_fails_when_a_cause_has_no_treatment_part(content_copy):
    edit(content_copy, lambda d: topic(d, "scoliosis").pop("treatment"))
    problems = content_check.check_treatment_parts(load_content(content_copy))
    assert problems == ["topic scoliosis: a cause topic without a treatment part"]


def test_treatment_check_fails_when_treatment_drops_the_emergency_advice(content_copy):
    edit(
        content_copy,
        lambda d: topic(d, "heart_attack").update(
            treatment=[
                "A heart attack is treated in hospital. Medicines and procedures open the blocked artery."
            ]
        ),
    )
    problems = content_check.check_treatment_parts(load_content(content_copy))
    assert problems == [
        "topic heart_attack: its chunks say to call emergency services but its treatment part does not"
    ]
