"""The red-flag checklist as a small, explicit state machine in plain Python (no ASK types).

State in, answer in, outcome out. The state is what the skill keeps in session attributes
between turns; :meth:`Checklist.restore` re-validates it every turn, so tampered or stale
state can only restart the checklist, never skip a question or an emergency.

The questions come in triage order (F76): the emergency block first (life-threatening signs,
then nerve emergencies), then the signs a doctor should see the same day, then the ones a
doctor should see soon. After the emergency block the listener is asked whether to go on
(the "gate"): yes goes on, no finishes early with the result so far.
"""
# No `from __future__ import annotations` in this module: typing.NamedTuple would compile every
# string annotation of its records at import, which a Lambda cold start pays for.

from collections.abc import Sequence
from enum import Enum
from typing import Any, NamedTuple

from .content import EMERGENCY, SAME_DAY, SEVERITIES, SOON, Question


class Answer(str, Enum):
    YES = "yes"
    NO = "no"
    UNSURE = "unsure"  # "I'm not sure": counted as yes, for safety
    PARTLY = "partly"  # "a little", "sort of", "kind of": a yes to a warning sign

    @property
    def raises_flag(self) -> bool:
        return self is not Answer.NO


class Result(str, Enum):
    ASK = "ask"  # ask ``question`` next
    OFFER_MORE = "offer_more"  # the emergency block is done: ask whether to go on
    EMERGENCY = "emergency"  # stop now: call emergency services
    SAME_DAY = "same_day"  # finished: get medical advice today (the locale's same-day route)
    SOON = "soon"  # finished: see a provider within a week or two
    CLEAR = "clear"  # finished: no warning sign reported


_LEVEL = {EMERGENCY: Result.EMERGENCY, SAME_DAY: Result.SAME_DAY, SOON: Result.SOON}


class State(NamedTuple):
    """How far the listener got: the answers given so far, in question order, and whether they
    chose to go on past the emergency block."""

    answers: tuple[tuple[str, Answer], ...] = ()
    more: bool = False

    @property
    def position(self) -> int:
        """The number of the next question to ask, from 0 (stored as "index" in the session)."""
        return len(self.answers)

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.position,
            "answers": [[qid, answer.value] for qid, answer in self.answers],
            "more": self.more,
        }


class Outcome(NamedTuple):
    result: Result
    state: State
    question: Question | None = None  # the next question (ASK) or the one that ended it (EMERGENCY)
    answer: Answer | None = None  # the answer just given (None for the start and the gate)
    flagged: tuple[tuple[Question, Answer], ...] = ()  # questions answered yes, a little or not sure
    early: bool = False  # finished at the gate, the rest not asked


class Checklist:
    def __init__(self, questions: Sequence[Question]) -> None:
        if not questions:
            raise ValueError("the checklist needs at least one question")
        ranks = [SEVERITIES.index(q.severity) for q in questions]
        if ranks != sorted(ranks):
            raise ValueError("the questions must come in triage order: emergency, same day, soon")
        self.questions = tuple(questions)
        # The gate sits after the emergency block, when there is a block and something after it.
        emergencies = sum(q.is_emergency for q in self.questions)
        self.gate = emergencies if 0 < emergencies < len(self.questions) else None

    def __len__(self) -> int:
        return len(self.questions)

    @property
    def emergency_count(self) -> int:
        return sum(q.is_emergency for q in self.questions)

    def count_for(self, state: State) -> int:
        """How many questions the listener was told about: the emergency block ("I'll start with
        eight questions") until they say to go on past the gate, then all of them."""
        return (
            self.gate
            if self.gate is not None and state.position < self.gate and not state.more
            else len(self)
        )

    def start(self) -> Outcome:
        return Outcome(Result.ASK, State(), self.questions[0])

    def at_gate(self, state: State) -> bool:
        """True when the emergency block is done and the listener has not yet said to go on."""
        return self.gate is not None and state.position == self.gate and not state.more

    def current(self, state: State) -> Question:
        """The question being asked (at the gate: the first one after it, asked if they go on)."""
        return self.questions[state.position]

    def restore(self, raw: object) -> State | None:
        """The state from session attributes, or None when it is missing, tampered or stale.

        Valid means: the answers name this checklist's questions in order, each answer is
        known, none of them is an emergency flag (that would have ended the checklist), "more"
        is set exactly when the listener is past the gate, and at least one question is left.
        """
        if not isinstance(raw, dict):
            return None
        answers, index, more = raw.get("answers"), raw.get("index"), raw.get("more", False)
        if not isinstance(answers, list) or type(index) is not int or index != len(answers):
            return None
        if not 0 <= index < len(self.questions) or type(more) is not bool:
            return None
        if self.gate is None:
            if more:
                return None
        elif more != (index > self.gate) and not (more and index == self.gate):
            return None
        restored: list[tuple[str, Answer]] = []
        for question, item in zip(self.questions, answers, strict=False):
            if not (isinstance(item, list) and len(item) == 2 and item[0] == question.id):
                return None
            try:
                answer = Answer(item[1])
            except (ValueError, TypeError):
                return None
            if question.is_emergency and answer.raises_flag:
                return None
            restored.append((question.id, answer))
        return State(tuple(restored), more)

    def flagged(self, state: State) -> tuple[tuple[Question, Answer], ...]:
        """The questions answered so far with a yes, a little or not sure, in triage order."""
        return tuple(
            (q, a) for q, (_, a) in zip(self.questions, state.answers, strict=False) if a.raises_flag
        )

    def level(self, flagged: Sequence[tuple[Question, Answer]]) -> Result:
        """The most urgent level among flagged questions (CLEAR when none)."""
        if not flagged:
            return Result.CLEAR
        return _LEVEL[min((q.severity for q, _ in flagged), key=SEVERITIES.index)]

    def answer(self, state: State, answer: Answer) -> Outcome:
        """Record the answer to the current question (or to the gate) and say what happens next."""
        if self.at_gate(state):
            if answer.raises_flag:  # yes, a little, not sure: go on with the rest
                went_on = State(state.answers, more=True)
                return Outcome(Result.ASK, went_on, self.current(went_on), answer)
            flagged = self.flagged(state)
            return Outcome(self.level(flagged), state, answer=answer, flagged=flagged, early=True)
        question = self.current(state)
        new_state = State((*state.answers, (question.id, answer)), state.more)
        if question.is_emergency and answer.raises_flag:
            return Outcome(Result.EMERGENCY, new_state, question, answer)
        if self.at_gate(new_state):
            return Outcome(Result.OFFER_MORE, new_state, answer=answer)
        if new_state.position < len(self.questions):
            return Outcome(Result.ASK, new_state, self.questions[new_state.position], answer)
        flagged = self.flagged(new_state)
        return Outcome(self.level(flagged), new_state, answer=answer, flagged=flagged)
