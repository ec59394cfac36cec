"""A learned opinion on which topic a free-form question is about, for the ranker to weigh.

The ranker (``search``) matches words; a question phrased with none of a topic's words ("threw my
back out lifting a box", "is an inversion table any good") either misses or lands on whatever
shares a stray word. This model was trained at build time (``tools/train_topic_model.py``,
scikit-learn's multinomial logistic regression) on the dev parts of the question sets, each
labelled with its topic or ``decline``, and on the content's own titles, synonyms, example
questions and sentences, each labelled with its topic. It reads the question's word stems (as the
ranker spells them), their neighbouring pairs, the ranker's own terms (with the lexicon's
stand-ins) and runs of four letters within each meaningful word, so it carries over to words it has
seen only in part.

Only the weights ship (``generated/topic_model.bin``, see ``linear_model``); scoring is plain
Python, loaded with the first question. The ranker blends its probabilities with the lexical
scores (``search.TopicIndex.rank_words``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Protocol

from .linear_model import LinearModel
from .text import stem


class _Lexicon(Protocol):
    @property
    def stop_words(self) -> frozenset[str]: ...


class Analyzer(Protocol):
    """What the features need of the ranker's ``search.Analyzer`` (named here, not imported:
    the ranker imports this module)."""

    @property
    def lexicon(self) -> _Lexicon: ...

    def spelled_words(self, words: Sequence[str]) -> list[str]: ...

    def question_terms(
        self, question: Sequence[str]
    ) -> tuple[dict[str, float], list[str], dict[str, frozenset[str]]]: ...


MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "generated", "topic_model.bin")
DECLINE = "decline"
CHAR_SIZE = 4


def features(analyzer: Analyzer, question: Sequence[str]) -> Iterable[str]:
    """The question's features (its words as ``text.words`` splits them): each meaningful word's
    stem (``s:``) and each pair of neighbouring ones (``p:``), the ranker's terms for the question
    (``q:``, lexicon stand-ins included), each stop word (``w:``: "how", "what", "can") and each
    run of four letters within a meaningful word padded with spaces (``c:``). The trainer uses this
    very function, so the two can never disagree."""
    spelled = analyzer.spelled_words(question)
    stop = analyzer.lexicon.stop_words
    meaningful = [word for word in spelled if word not in stop]
    stems = [stem(word) for word in meaningful]
    for position, word_stem in enumerate(stems):
        yield "s:" + word_stem
        if position:
            yield "p:" + stems[position - 1] + " " + word_stem
    for term in analyzer.question_terms(question)[0]:
        yield "q:" + term
    for word in spelled:
        if word in stop:
            yield "w:" + word
    for word in meaningful:
        padded = f" {word} "
        for start in range(len(padded) - CHAR_SIZE + 1):
            yield "c:" + padded[start : start + CHAR_SIZE]


class TopicModel:
    """The topic model's weights (see ``linear_model``)."""

    def __init__(self, blob: bytes) -> None:
        self.model = LinearModel(blob)

    def probabilities(self, analyzer: Analyzer, question: Sequence[str]) -> dict[str, float]:
        """Each topic's (and ``decline``'s) probability for the question's words."""
        return self.model.probabilities(features(analyzer, question))


@lru_cache(maxsize=1)
def topic_model() -> TopicModel | None:
    """The shipped model, read once; None when the file is absent (the ranker is then lexical)."""
    try:
        with open(MODEL_PATH, "rb") as file:
            return TopicModel(file.read())
    except OSError:
        return None
