"""A learned second opinion on warning signs, for words the detector's rules do not match.

The rules in ``safety`` read concepts, negation and time; a fresh phrasing they were never given
("my pins have packed in", "can't feel a thing when I wipe") slips past them. This model was
trained at build time (``tools/train_sign_model.py``, scikit-learn's logistic regression) on the
dev parts of the evaluation sets: every emergency there labelled with its sign, every near-miss
and ordinary question labelled ``none``. It reads word pairs and letter groups, so it carries
over to words it has seen only in part ("wee'd", "peein", "legs've gone").

It never gives the emergency advice by itself: a sign it finds gets that sign's one confirming
question (a check), so a wrong guess costs a "no", and a right one is never left unasked. Only the
weights ship (``generated/sign_model.bin``, about 12,000 features); scoring is plain Python,
loaded with the first words the rules pass over.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

from .linear_model import LinearModel

MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "generated", "sign_model.bin")
NONE = "none"
# Leave-one-round-out: runs of four letters alone find more (96.2% against 95.8%) than runs of
# three to five, and cost half as much.
CHAR_SIZES = (4,)


def features(normalised_words: Sequence[str]) -> Iterable[str]:
    """Each word (``w:``), each pair of neighbouring words (``p:``) and each run of four letters
    within a word padded with spaces (``c:``), as scikit-learn's ``char_wb`` analyser
    would give them. The trainer uses this very function, so the two can never disagree."""
    for position, word in enumerate(normalised_words):
        yield "w:" + word
        if position:
            yield "p:" + normalised_words[position - 1] + " " + word
        padded = f" {word} "
        for size in CHAR_SIZES:
            if len(padded) < size:
                break
            for start in range(len(padded) - size + 1):
                yield "c:" + padded[start : start + size]


class Guess(NamedTuple):
    sign: str  # a sign id, or NONE
    probability: float  # of that sign; for NONE, of no sign at all


class SignModel:
    """The sign model's weights (see ``linear_model``) and its threshold on "some sign"."""

    def __init__(self, blob: bytes) -> None:
        self.model = LinearModel(blob)
        self.threshold: float = self.model.header["threshold"]
        # the bar where the rules ruled a sign out (denied, past, only asked about): near-certain
        self.overrule_threshold: float = self.model.header["overrule_threshold"]

    def probabilities(self, normalised_words: Sequence[str]) -> dict[str, float]:
        return self.model.probabilities(features(normalised_words))

    def guess(self, normalised_words: Sequence[str], overruling: bool = False) -> Guess:
        """The likeliest sign when the chance of some sign reaches the threshold (the higher
        ``overrule_threshold`` when ``overruling`` the rules), else NONE."""
        if not normalised_words:
            return Guess(NONE, 1.0)
        probabilities = self.probabilities(normalised_words)
        not_none = 1.0 - probabilities.get(NONE, 0.0)
        if not_none < (self.overrule_threshold if overruling else self.threshold):
            return Guess(NONE, 1.0 - not_none)
        sign = max((label for label in self.model.classes if label != NONE), key=probabilities.__getitem__)
        return Guess(sign, probabilities[sign])


@lru_cache(maxsize=1)
def sign_model() -> SignModel:
    """The shipped model, read once."""
    with open(MODEL_PATH, "rb") as file:
        return SignModel(file.read())
