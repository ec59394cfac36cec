"""Emergency-sign detection in free text, shared by the question handler and the console.

Safety first: a pattern matches when all of its word stems occur in the text, in any order.
Negations are not parsed on purpose: "no numbness in my groin" still gets the emergency
advice, because a false alarm costs far less than a missed one.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Sequence

from .content import Content, EmergencySign, Question
from .text import stem, stems, words

SPEAKER = stem("i")


@dataclass(frozen=True)
class EmergencyMatch:
    sign: EmergencySign
    question: Question  # the checklist question of the same id: its summary and reason


class EmergencyDetector:
    """Emergency patterns in content order; each is filed under one of its stems, so a text is
    checked only against the patterns whose filing stem it contains (a pattern needs all of
    its stems, so no other pattern can match)."""

    def __init__(self, content: Content) -> None:
        self._patterns: list[tuple[frozenset[str], EmergencyMatch]] = []
        for sign in content.emergency_signs:
            question = content.question(sign.id)
            assert question is not None  # guaranteed by content validation
            match = EmergencyMatch(sign, question)
            for pattern in sign.patterns + sign.utterances:
                self._patterns.append((frozenset(stems(pattern)), match))
        self._by_stem = self._file_patterns(self._patterns)
        # A pattern with no words at all matches any text, so it is always a candidate.
        self._always = [order for order, (required, _) in enumerate(self._patterns) if not required]

    @staticmethod
    def _file_patterns(patterns: list[tuple[frozenset[str], EmergencyMatch]]) -> dict[str, list[int]]:
        """Each pattern's position, filed under whichever of its stems the fewest patterns use."""
        uses = Counter(s for required, _ in patterns for s in required)
        by_stem: dict[str, list[int]] = defaultdict(list)
        for order, (required, _) in enumerate(patterns):
            if required:
                by_stem[min(required, key=lambda s: (uses[s], s))].append(order)
        return dict(by_stem)

    def detect(self, text: str | None) -> EmergencyMatch | None:
        """The first emergency sign the text mentions, or None.

        Carrier phrases such as "i {query}" take the speaker's "i" out of a slot, so "I fell and
        hurt my back" can arrive as "fell and hurt my back": a pattern written with the "i"
        ("i fell") also matches the text with the "i" put back, after every pattern has been
        tried on the text as it came.
        """
        return self.detect_words(words(text)) if text else None

    def detect_words(self, text_words: Sequence[str]) -> EmergencyMatch | None:
        """``detect`` for a non-empty text already split into words (``text.words``)."""
        present = {stem(w) for w in text_words}
        if SPEAKER in present:  # putting the "i" back would change nothing
            return self._first_within(self._candidates(present), present)
        with_speaker = present | {SPEAKER}
        candidates = self._candidates(with_speaker)
        return self._first_within(candidates, present) or self._first_within(candidates, with_speaker)

    def _candidates(self, present: set[str]) -> list[tuple[frozenset[str], EmergencyMatch]]:
        """The patterns that may be within ``present`` (or any subset of it), in content order."""
        orders = [order for s in present for order in self._by_stem.get(s, ())]
        return [self._patterns[order] for order in sorted(self._always + orders)]

    @staticmethod
    def _first_within(patterns: list[tuple[frozenset[str], EmergencyMatch]],
                      present: set[str]) -> EmergencyMatch | None:
        """The match of the first pattern whose stems are all present."""
        for required, match in patterns:
            if required <= present:
                return match
        return None
