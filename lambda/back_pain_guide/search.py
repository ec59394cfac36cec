"""Ranks content topics for a free-form question (BM25 over word stems, built once per process)."""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Sequence

from .content import Content, Topic
from .text import stems

STOP_WORDS = frozenset(stems(
    "a an and are as at be been but by can could do does did for from had has have how i im "
    "in is it its me my of on or so that the this to was what when where which who why will "
    "with would you your about should there get got any back pain hurt hurts hurting ache aches "
    "aching sore tell know please really much"
))
# Field weights: a word in a title or synonym says more about a topic than one in its text.
FIELD_WEIGHTS = {"title": 3.0, "synonyms": 3.0, "questions": 2.0, "chunks": 1.0}
K1, B = 1.2, 0.75
MIN_SCORE = 2.5          # below this the skill says it has no information
CONTEXT_BOOST = 0.15     # share added to topics related to what was asked before


@dataclass(frozen=True)
class Hit:
    topic: Topic
    score: float


def _terms(text: str) -> list[str]:
    return [s for s in stems(text) if s not in STOP_WORDS]


class TopicIndex:
    def __init__(self, content: Content) -> None:
        self._topics = list(content.topics.values())
        self._docs: list[Counter[str]] = []
        for topic in self._topics:
            doc: Counter[str] = Counter()
            fields = {"title": [topic.title], "synonyms": topic.synonyms,
                      "questions": topic.questions, "chunks": topic.chunks + topic.treatment}
            for name, texts in fields.items():
                for text in texts:
                    for term in _terms(text):
                        doc[term] += FIELD_WEIGHTS[name]
            self._docs.append(doc)
        self._avg_len = sum(sum(d.values()) for d in self._docs) / len(self._docs)
        df: Counter[str] = Counter(term for doc in self._docs for term in doc)
        n = len(self._docs)
        self._idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def rank(self, question: str, context: Iterable[str] = (), limit: int = 3) -> list[Hit]:
        """The best topics for the question, best first; empty when nothing is relevant enough."""
        terms = set(_terms(question))
        if not terms:
            return []
        related = set()
        recent = list(context)
        for topic in self._topics:
            if topic.id in recent:
                related.update(topic.related)
        hits: list[Hit] = []
        for topic, doc in zip(self._topics, self._docs):
            length = sum(doc.values())
            score = 0.0
            for term in terms:
                tf = doc.get(term)
                if tf:
                    score += self._idf[term] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / self._avg_len))
            if score and topic.id in related:
                score *= 1 + CONTEXT_BOOST
            if score >= MIN_SCORE:
                hits.append(Hit(topic, score))
        hits.sort(key=lambda h: h.score, reverse=True)
        return hits[:limit]


def best(hits: Sequence[Hit]) -> Hit | None:
    return hits[0] if hits else None
