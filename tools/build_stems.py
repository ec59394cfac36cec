#!/usr/bin/env python3
"""Precomputes the English stem of every word the skill's content uses: lambda/back_pain_guide/generated/stems.json.

Building the search index stems about 1,300 content words; with snowballstemmer (pure Python,
and importing it loads every language) that costs a first question 100-250 ms of a cold start.
With this table the index needs no stemmer at all, and a question whose words are all known
never imports it. Words come from every string in content/back_pain.json, content/prompts.json
and the search lexicon. The table only speeds things up: text.stem() falls back to the stemmer
for any other word, so a stale table is slower, never wrong. `--check` exits 1 when stale.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "lambda" / "back_pain_guide"
SOURCES = (
    ROOT / "content" / "back_pain.json",
    ROOT / "content" / "prompts.json",
    PACKAGE / "search_lexicon.json",
)
TARGET = PACKAGE / "generated" / "stems.json"
sys.path.insert(0, str(ROOT / "lambda"))

from generated_files import generator_main  # noqa: E402

from back_pain_guide.text import words  # noqa: E402


def strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def render() -> str:
    import snowballstemmer

    stemmer = snowballstemmer.stemmer("english")
    vocabulary = sorted(
        {
            word
            for path in SOURCES
            for text in strings(json.loads(path.read_text(encoding="utf-8")))
            for word in words(text)
        }
    )
    table = {word: stemmer.stemWord(word) for word in vocabulary}
    return json.dumps(table, indent=0, sort_keys=True, ensure_ascii=True) + "\n"


if __name__ == "__main__":
    sys.exit(generator_main(__doc__, lambda: {TARGET: render()}, "make stems"))
