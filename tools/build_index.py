#!/usr/bin/env python3
"""Precomputes the free-form search index: lambda/back_pain_guide/generated/search_index.bin.

Building the BM25F index (search.TopicIndex) costs the first question of a cold start tens of
milliseconds; reading it from this file costs a few, and only what a question needs is decoded
(back_pain_guide/index_file.py describes the format). The file records a checksum of what it was
built from (the content's topics and spellings from content/back_pain.json, the search lexicon,
stems.json, search.py, text.py and index_file.py): at run time the index is read from it only when that checksum
still matches, and is built as before otherwise, so a stale file is slower, never wrong.
Run it after `make stems` (stems.json is one of its inputs). `--check` exits 1 when stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "lambda"))

from generated_files import generator_main  # noqa: E402

from back_pain_guide.content import load_content  # noqa: E402
from back_pain_guide.search import INDEX_PATH, Analyzer, Lexicon, build_tables, inputs_checksum  # noqa: E402

CONTENT = ROOT / "content"


def render() -> bytes:
    """The index computed from the content (never read from the existing file), as file bytes."""
    content = load_content(CONTENT)
    analyzer = Analyzer(Lexicon.load(content))
    tables = build_tables(list(content.topics.values()), analyzer)
    return tables.to_bytes(inputs_checksum(content))


if __name__ == "__main__":
    sys.exit(generator_main(__doc__, lambda: {Path(INDEX_PATH): render()}, "make index"))
