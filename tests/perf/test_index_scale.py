"""The search index at ten times today's content (issue #20): loading it decodes nothing but its
header, a question decodes only its own terms and its best topic, and a cold-start process that
answers a free-form question stays under 40 MB. The timings are `make bench`'s; here, what makes
them hold whatever the content's size."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import bench_index_scale
import pytest
from synthetic_content import multiplied

from back_pain_guide.content import get_content
from back_pain_guide.search import TopicIndex
from back_pain_guide.text import words

ROOT = Path(__file__).resolve().parents[2]

QUESTION = "why does my lower back hurt when i bend over"

# In the staged function: the index loaded from its file, then one question; what was decoded.
DECODED_SCRIPT = """
import json, sys
sys.path.insert(0, sys.argv[1])
from back_pain_guide import search
from back_pain_guide.content import get_content
index = search.TopicIndex(get_content())
loaded = index._stored
before = (len(loaded.postings), len(loaded._topics))
hits = index.rank(sys.argv[2])
print(json.dumps({"file": isinstance(loaded.checksum, int) and loaded.checksum != 0, "before": before,
                  "terms": len(loaded.postings), "topics": len(loaded._topics), "all_terms": loaded.term_count,
                  "all_topics": loaded.topic_count, "top": hits[0].topic.id if hits else None}))
"""


@pytest.fixture(scope="module")
def staged_10x(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The function staged as `sam build` lays it out, with ten times the content, indexed."""
    return bench_index_scale.stage(tmp_path_factory.mktemp("scale") / "x10", 10)


def test_the_synthetic_content_is_ten_times_as_big_with_new_words() -> None:
    raw = json.loads((ROOT / "content" / "back_pain.json").read_text(encoding="utf-8"))
    bigger = multiplied(raw, 10)
    assert len(bigger["topics"]) == 10 * len(raw["topics"])
    vocabulary = {w for t in raw["topics"] for chunk in t["chunks"] for w in words(chunk)}
    grown = {w for t in bigger["topics"] for chunk in t["chunks"] for w in words(chunk)}
    assert len(grown) > 5 * len(vocabulary)  # made-up words, not copies: new terms, as new topics bring


def test_at_ten_times_the_content_a_question_decodes_only_what_it_needs(staged_10x: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", DECODED_SCRIPT, str(staged_10x), QUESTION],
        env=bench_index_scale._env(),
        check=True,
        capture_output=True,
        text=True,
    )
    decoded = json.loads(result.stdout)
    assert decoded["file"], "the index was built, not loaded from its file"
    assert decoded["before"] == [0, 0]  # loading decodes no term and no topic
    assert decoded["all_terms"] > 40_000 and decoded["all_topics"] == 1030
    assert 0 < decoded["terms"] < 60  # the question's stems, pairs and lexicon terms
    assert decoded["topics"] == 1  # the passages of the topic it reads
    assert decoded["top"] is not None


def test_at_ten_times_the_content_a_first_question_process_stays_under_40_mb(staged_10x: Path) -> None:
    figures = bench_index_scale.first_question(staged_10x, runs=1)
    assert figures["rss_mib"] < 40, figures


def test_todays_index_decodes_only_the_questions_terms() -> None:
    index = TopicIndex(get_content())
    stored = index._stored
    assert stored.checksum != 0  # from the file
    assert index.rank(QUESTION)[0].topic.id == "strains_sprains"
    assert len(stored.postings) < 60 and len(stored._topics) == 1
