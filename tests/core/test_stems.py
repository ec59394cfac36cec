"""The precomputed stem table (tools/build_stems.py) is current, and stemming gives the same answer with or without it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import snowballstemmer

from back_pain_guide import text

ROOT = Path(__file__).resolve().parents[2]


def test_stem_table_is_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_stems.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_table_and_stemmer_agree_on_every_word() -> None:
    stemmer = snowballstemmer.stemmer("english")
    table = text._known_stems()
    assert len(table) > 1000
    assert {word: stemmer.stemWord(word) for word in table} == table


def test_a_word_outside_the_table_is_still_stemmed() -> None:
    assert "zigzagging" not in text._known_stems()
    assert text.stem("zigzagging") == snowballstemmer.stemmer("english").stemWord("zigzagging")
