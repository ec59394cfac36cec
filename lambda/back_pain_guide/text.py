"""Word-level text normalisation shared by the emergency detector, search and the console's resolver."""
from __future__ import annotations

import re
from functools import lru_cache

_NON_WORD = re.compile(r"[^a-z0-9 ]+")
_APOSTROPHES = str.maketrans({"\u2019": "", "'": "", "`": ""})


def normalise(text: str) -> str:
    """Lower case, apostrophes dropped ("can't" -> "cant"), other punctuation to spaces, single spaces."""
    lowered = text.lower().translate(_APOSTROPHES)
    return " ".join(_NON_WORD.sub(" ", lowered).split())


def words(text: str) -> list[str]:
    return normalise(text).split()


@lru_cache(maxsize=1)
def _stemmer():  # imported on first use: snowballstemmer loads every language, and a launch needs none
    import snowballstemmer
    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def stems(text: str) -> list[str]:
    return [stem(w) for w in words(text)]
