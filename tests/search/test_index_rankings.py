"""The lazily read index file (index_file.py) gives the ranker exactly what the computed tables
hold, and so every question of every question set ranks and scores bit for bit the same as with
the index computed from the content: tests/eval/questions/*.jsonl (the emergency and question
dev and test rounds) and tests/search/*.json, with no session and with recent topics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from back_pain_guide import search
from back_pain_guide.content import get_content
from back_pain_guide.search import Analyzer, IndexTables, Lexicon, TopicIndex, build_tables, load_tables

ROOT = Path(__file__).resolve().parents[2]


def all_questions() -> list[str]:
    asked = []
    for path in sorted((ROOT / "tests" / "eval" / "questions").glob("*.jsonl")):
        asked += [
            json.loads(line)["q"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
        ]
    for path in sorted((ROOT / "tests" / "search").glob("*_questions.json")):
        asked += [case["q"] for case in json.loads(path.read_text(encoding="utf-8"))["questions"]]
    return asked


@pytest.fixture(scope="module")
def tables() -> IndexTables:
    content = get_content()
    return build_tables(list(content.topics.values()), Analyzer(Lexicon.load(content)))


def test_every_term_reads_back_as_computed_with_its_idf(tables: IndexTables) -> None:
    stored = load_tables(get_content())
    assert stored is not None and stored.term_count == len(tables.postings)
    topics = stored.topic_count
    for term, postings in tables.postings.items():
        read = stored.postings[term]
        assert list(read.items()) == list(postings.items()), term  # values exact, in topic order
        assert search._idf(topics, len(read)) == tables.idf[term], term
    assert not stored.postings["zzz no such term"] and not stored.postings[""]


def test_every_topic_reads_back_as_computed(tables: IndexTables) -> None:
    stored = load_tables(get_content())
    for position, passages in enumerate(tables.passages):
        record = stored.topic(position)
        assert record.name_terms == tables.name_terms[position]
        assert record.title_terms == tables.title_terms[position]
        assert record.passages == [(p.part, p.index, dict(p.values)) for p in passages]
        assert record.passage_terms == frozenset().union(*(p.values for p in passages))


def test_every_question_of_every_set_ranks_as_with_the_computed_index(monkeypatch) -> None:
    content = get_content()
    loaded = TopicIndex(content)
    assert loaded._stored.checksum != 0  # read from the file
    monkeypatch.setattr(search, "load_tables", lambda content: None)
    computed = TopicIndex(content)
    assert computed._stored.checksum == 0  # computed here
    # The tables are compared: both rank without the topic model, which is used only beside the
    # file it was trained with (tests/search/test_topic_model.py).
    for index in (loaded, computed):
        index.__dict__["topic_model"] = None
    asked = all_questions()
    assert len(asked) > 1000
    ids = list(content.topics)
    for context in ((), ("sciatica",), (ids[3], ids[10], "sciatica")):
        for question in asked:
            assert loaded.scores(question, context) == computed.scores(question, context), (question, context)
            assert loaded.rank(question, context) == computed.rank(question, context), (question, context)
