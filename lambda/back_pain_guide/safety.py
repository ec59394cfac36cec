"""Emergency-sign detection in free text, shared by the question handler and the console.

Safety first: a pattern matches when all of its word stems occur in the text, in any order.
Negations are not parsed on purpose: "no numbness in my groin" still gets the emergency
advice, because a false alarm costs far less than a missed one.
"""
from __future__ import annotations

from dataclasses import dataclass

from .content import Content, EmergencySign, Question
from .text import stem, stems

SPEAKER = stem("i")


@dataclass(frozen=True)
class EmergencyMatch:
    sign: EmergencySign
    question: Question  # the checklist question of the same id: its summary and reason


class EmergencyDetector:
    def __init__(self, content: Content) -> None:
        self._patterns: list[tuple[frozenset[str], EmergencyMatch]] = []
        for sign in content.emergency_signs:
            question = content.question(sign.id)
            assert question is not None  # guaranteed by content validation
            match = EmergencyMatch(sign, question)
            for pattern in sign.patterns + sign.utterances:
                self._patterns.append((frozenset(stems(pattern)), match))

    def detect(self, text: str | None) -> EmergencyMatch | None:
        """The first emergency sign the text mentions, or None.

        Carrier phrases such as "i {query}" take the speaker's "i" out of a slot, so "I fell and
        hurt my back" can arrive as "fell and hurt my back": a pattern written with the "i"
        ("i fell") also matches the text with the "i" put back, after every pattern has been
        tried on the text as it came.
        """
        if not text:
            return None
        present = set(stems(text))
        return self._first_within(present) or self._first_within(present | {SPEAKER})

    def _first_within(self, present: set[str]) -> EmergencyMatch | None:
        for required, match in self._patterns:
            if required <= present:
                return match
        return None
