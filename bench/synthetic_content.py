"""Synthetic content N times the size of content/back_pain.json, for the index-scale benchmark.

Every topic gets N - 1 copies (ids ``<id>_v<k>``, related topics pointing into the same copy).
In each copy about half the words of four letters or more are swapped for made-up words, one
made-up word per real word and copy, so the vocabulary grows with the content as it would with
real new topics (a plain copy would add postings but no new terms). Deterministic: the same
seed gives the same content, so two runs measure the same index.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path
from typing import Any

WORD = re.compile(r"[a-z]{4,}")
SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]


class _Dialect:
    """One copy's made-up words: each real word is swapped (or kept) the same way throughout."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)
        self._words: dict[str, str] = {}

    def word(self, word: str) -> str:
        if word not in self._words:
            swap = self._random.random() < 0.5
            made_up = "".join(self._random.choice(SYLLABLES) for _ in range(self._random.randint(2, 4)))
            self._words[word] = made_up if swap else word
        return self._words[word]

    def text(self, text: str) -> str:
        return WORD.sub(lambda match: self.word(match.group(0)), text)


def multiplied(raw: dict[str, Any], times: int, seed: int = 20) -> dict[str, Any]:
    """``raw`` (back_pain.json, parsed) with every topic present ``times`` times, words varied."""
    data = json.loads(json.dumps(raw))
    originals = list(data["topics"])
    for copy in range(1, times):
        dialect = _Dialect(seed * 1000 + copy)
        for topic in originals:
            clone = json.loads(json.dumps(topic))
            clone["id"] = f"{topic['id']}_v{copy}"
            clone["related"] = [f"{related}_v{copy}" for related in topic["related"]]
            clone["title"] = dialect.text(topic["title"])
            clone["synonyms"] = list(dict.fromkeys(dialect.text(s) for s in topic["synonyms"]))
            for key in ("chunks", "treatment", "questions"):
                if key in topic:
                    clone[key] = [dialect.text(text) for text in topic[key]]
            data["topics"].append(clone)
    return data


def write_content(source: Path, target: Path, times: int) -> Path:
    """A copy of the content folder ``source`` at ``target`` whose back_pain.json is ``times`` as big."""
    shutil.copytree(source, target)
    raw = json.loads((source / "back_pain.json").read_text(encoding="utf-8"))
    (target / "back_pain.json").write_text(json.dumps(multiplied(raw, times), indent=1), encoding="utf-8")
    return target
