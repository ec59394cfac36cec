"""No chunk shares a run of eight or more words with the source article or the facts file.

The sources are not in the repository: tests/content/source_shingles.txt holds hashes of
their 8-word runs (tools/source_shingles.py writes it), and each chunk's runs are hashed the
same way and looked up.
"""

from __future__ import annotations

import re

import pytest
import source_shingles

from back_pain_guide.content import get_content

CONTENT = get_content()
STORED = source_shingles.read_stored()
SOURCES_PRESENT = all(p.exists() for p in source_shingles.SOURCES)


def copied_runs(text: str, stored: set[str] = STORED) -> list[str]:
    return sorted(r for r in source_shingles.runs(text) if source_shingles.digest(r) in stored)


def test_the_stored_hashes_cover_both_sources():
    assert len(STORED) > 1500  # the article alone has over 800 words, the facts file about 1,900
    assert all(re.fullmatch(r"[0-9a-f]{16}", h) for h in STORED)


@pytest.mark.parametrize("topic_id", sorted(CONTENT.topics))
def test_no_chunk_copies_eight_words_from_a_source(topic_id):
    topic = CONTENT.topics[topic_id]
    copied = {text[:40]: copied_runs(text) for text in topic.chunks + topic.treatment}
    assert {k: v for k, v in copied.items() if v} == {}


def test_a_copied_run_is_caught():
    """The lookup can fail: a chunk's own runs, stored as if they were a source, are found."""
    chunk = CONTENT.topics["sciatica"].chunks[0]
    stored = source_shingles.hashed_runs([chunk])
    assert copied_runs(chunk, stored)
    assert copied_runs("Some new words, then " + chunk[:60], stored)
    assert copied_runs("Seven words only are not a run here.", stored) == []


def test_words_are_compared_without_case_punctuation_or_curly_quotes():
    assert source_shingles.words("It\u2019s a STRAIN, (or) a sprain.") == [
        "it's",
        "a",
        "strain",
        "or",
        "a",
        "sprain",
    ]


@pytest.mark.skipif(not SOURCES_PRESENT, reason="../shared sources are not beside this clone")
def test_the_stored_hashes_are_up_to_date_with_the_sources():
    assert source_shingles.main(["--check"]) == 0


@pytest.mark.skipif(not SOURCES_PRESENT, reason="../shared sources are not beside this clone")
def test_a_sentence_from_the_article_would_be_caught():
    article = source_shingles.SOURCES[0].read_text(encoding="utf-8")
    sentence = max(re.split(r"(?<=[.!?])\s+", article), key=len)
    assert copied_runs(sentence)
