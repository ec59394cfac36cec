"""Word-level text normalisation shared by the emergency detector, search and the console's resolver."""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache

_NON_WORD = re.compile(r"[^a-z0-9 ]+")


def _lowered(text: str) -> str:
    """Lower case, apostrophes dropped ("can't" -> "cant"); three replaces cost less than a translate."""
    return text.lower().replace("'", "").replace("\u2019", "").replace("`", "")


def words(text: str) -> tuple[str, ...]:
    """Lower case, apostrophes dropped ("can't" -> "cant"), split at any other punctuation or space."""
    return tuple(_NON_WORD.sub(" ", _lowered(text)).split())


def normalise(text: str) -> str:
    """The words of ``text`` (see :func:`words`) joined by single spaces."""
    return " ".join(words(text))


STEMS_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "generated", "stems.json")


@lru_cache(maxsize=1)
def _known_stems() -> dict[str, str]:
    """Stems of every content word, precomputed by tools/build_stems.py (empty if the file is absent)."""
    try:
        with open(STEMS_PATH, encoding="utf-8") as file:
            return json.load(file)
    except (OSError, ValueError):
        return {}


@lru_cache(maxsize=1)
def _stemmer():  # imported only for a word the table lacks: snowballstemmer loads every language
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    known = _known_stems().get(word)
    return known if known is not None else _stemmer().stemWord(word)


def stems(text: str) -> list[str]:
    return [stem(w) for w in words(text)]
