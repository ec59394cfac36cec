"""The precomputed search index (tools/build_index.py -> search_index.bin): current, used when
it was built from these very inputs, never when anything it was built from has changed, and
ranking exactly (bit for bit) as the index built from the content does."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from back_pain_guide import search
from back_pain_guide.content import Content, get_content, load_content
from back_pain_guide.search import (
    Analyzer,
    IndexTables,
    Lexicon,
    TopicIndex,
    build_tables,
    inputs_checksum,
    load_tables,
)

ROOT = Path(__file__).resolve().parents[2]
QUESTION_FILES = (
    ROOT / "tests" / "search" / "eval_questions.json",
    ROOT / "tests" / "search" / "holdout_questions.json",
)


def questions() -> list[str]:
    """Every question of the evaluation and holdout sets."""
    return [
        case["q"]
        for path in QUESTION_FILES
        for case in json.loads(path.read_text(encoding="utf-8"))["questions"]
    ]


def contexts(content: Content) -> list[tuple[str, ...]]:
    """No session, one recent topic, and a few (so the related and current-topic boosts play)."""
    ids = list(content.topics)
    return [(), (ids[0],), ("sciatica",), (ids[3], ids[10], "sciatica")]


def computed(content: Content) -> TopicIndex:
    """An index built from the content, never read from the file."""
    original = search.load_tables
    search.load_tables = lambda content: None
    try:
        return TopicIndex(content)
    finally:
        search.load_tables = original


def refuse_to_build(*args: object) -> IndexTables:
    raise AssertionError("the index was built, not loaded")


@pytest.fixture(scope="module")
def indexes() -> tuple[TopicIndex, TopicIndex]:
    """The index loaded from the file (building it fails the test), and one built from the content;
    both ranking by their tables alone (the topic model is used only beside the file it was
    trained with: tests/search/test_topic_model.py)."""
    content = get_content()
    original = search.build_tables
    search.build_tables = refuse_to_build
    try:
        loaded = TopicIndex(content)
    finally:
        search.build_tables = original
    built = computed(content)
    for index in (loaded, built):
        index.__dict__["topic_model"] = None
    return loaded, built


@pytest.mark.parametrize("hash_seed", [None, "0", "1"])
def test_index_file_is_up_to_date_whatever_the_hash_seed(hash_seed: str | None) -> None:
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONHASHSEED"}
    if hash_seed is not None:
        environment["PYTHONHASHSEED"] = hash_seed
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_index.py"), "--check"],
        capture_output=True,
        text=True,
        env=environment,
    )
    assert result.returncode == 0, result.stderr


def test_index_file_is_a_reasonable_size() -> None:
    assert (
        Path(search.INDEX_PATH).stat().st_size < 650_000
    )  # grew with issue #17 wording and the topics of #18


def test_loaded_tables_equal_the_computed_ones() -> None:
    content = get_content()
    assert load_tables(content) is not None
    computed_tables = build_tables(list(content.topics.values()), Analyzer(Lexicon.load(content)))
    assert Path(search.INDEX_PATH).read_bytes() == computed_tables.to_bytes(inputs_checksum(content))


def test_loaded_index_scores_and_ranks_bit_for_bit_as_the_computed_one(indexes) -> None:
    loaded, built = indexes
    asked = questions()
    assert len(asked) > 150
    for context in contexts(get_content()):
        for question in asked:
            assert loaded.scores(question, context) == built.scores(question, context), (question, context)
            assert loaded.rank(question, context) == built.rank(question, context), (question, context)
    assert loaded.min_score == built.min_score


def test_the_loaded_index_answers_without_building(indexes) -> None:
    loaded, _ = indexes
    hits = loaded.rank("what is sciatica")
    assert hits and hits[0].topic.id == "sciatica"


def edited_content(tmp_path: Path) -> Content:
    """A copy of the content whose sciatica topic gains a word no other topic uses."""
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    data = json.loads((folder / "back_pain.json").read_text(encoding="utf-8"))
    sciatica = next(topic for topic in data["topics"] if topic["id"] == "sciatica")
    sciatica["chunks"][0] += " Some people call it the zigzag ache."
    (folder / "back_pain.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    return load_content(folder)


def test_edited_content_is_never_ranked_with_the_stale_file(tmp_path: Path, monkeypatch) -> None:
    content = edited_content(tmp_path)
    assert load_tables(content) is None
    built: list[int] = []
    original = search.build_tables
    monkeypatch.setattr(search, "build_tables", lambda *args: built.append(1) or original(*args))
    index = TopicIndex(content)
    assert built == [1]
    assert index.topic_model is None  # trained on other content: the ranking is lexical alone
    assert index.rank("what is a zigzag ache")[0].topic.id == "sciatica"


def test_content_dir_override_with_edited_content_builds_the_index(tmp_path: Path, monkeypatch) -> None:
    edited_content(tmp_path)
    monkeypatch.setenv("BACK_PAIN_GUIDE_CONTENT_DIR", str(tmp_path / "content"))
    assert load_tables(load_content()) is None
    monkeypatch.delenv("BACK_PAIN_GUIDE_CONTENT_DIR")
    assert load_tables(load_content()) is not None


def test_an_edited_input_file_makes_the_file_stale(tmp_path: Path, monkeypatch) -> None:
    lexicon = tmp_path / "search_lexicon.json"
    lexicon.write_text(Path(search.LEXICON_PATH).read_text(encoding="utf-8") + "\n", encoding="utf-8")
    inputs = tuple(lexicon if path == search.LEXICON_PATH else path for path in search.INDEX_INPUTS)
    monkeypatch.setattr(search, "INDEX_INPUTS", inputs)
    assert load_tables(get_content()) is None


@pytest.mark.parametrize("text", [None, "", "not json", "[]", '{"checksum": 1}'])
def test_a_missing_or_broken_file_is_not_loaded(tmp_path: Path, text: str | None) -> None:
    path = tmp_path / "search_index.bin"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    assert load_tables(get_content(), path) is None


@pytest.mark.parametrize("damage", ["cut short", "one byte more", "another format", "header not JSON"])
def test_a_current_file_that_was_damaged_is_not_loaded(tmp_path: Path, damage: str) -> None:
    data = bytearray(Path(search.INDEX_PATH).read_bytes())
    if damage == "cut short":
        del data[-8:]  # the last passage value
    elif damage == "one byte more":
        data += b"\0"
    elif damage == "another format":
        data[:8] = b"BPGIDX0\n"
    else:
        data[12] = ord("!")  # the header's opening brace
    path = tmp_path / "search_index.bin"
    path.write_bytes(bytes(data))
    assert load_tables(get_content(), path) is None


def test_a_caller_lexicon_builds_the_index(monkeypatch) -> None:
    content = get_content()
    monkeypatch.setattr(search, "load_tables", refuse_to_build)
    assert TopicIndex(content, Lexicon.load(content)).rank("what is sciatica")[0].topic.id == "sciatica"
