"""The red-flag checklist as a small, explicit state machine in plain Python (no ASK types).

State in, answer in, outcome out. The state is what the skill keeps in session attributes
between turns; :meth:`Checklist.restore` re-validates it every turn, so tampered or stale
state can only restart the checklist, never skip a question or an emergency.
"""
# No `from __future__ import annotations` in this module: typing.NamedTuple would compile every
# string annotation of its records at import, which a Lambda cold start pays for.

from enum import Enum
from typing import Any, NamedTuple, Sequence

from .content import Question


class Answer(str, Enum):
    YES = "yes"
    NO = "no"
    UNSURE = "unsure"  # counted as yes, for safety

    @property
    def raises_flag(self) -> bool:
        return self is not Answer.NO


class Result(str, Enum):
    ASK = "ask"              # ask ``question`` next
    EMERGENCY = "emergency"  # stop now: call emergency services
    URGENT = "urgent"        # finished: contact a provider soon
    CLEAR = "clear"          # finished: no warning sign reported


class State(NamedTuple):
    """How far the listener got: the answers given so far, in question order."""

    answers: tuple[tuple[str, Answer], ...] = ()

    @property
    def index(self) -> int:
        return len(self.answers)

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "answers": [[qid, answer.value] for qid, answer in self.answers]}


class Outcome(NamedTuple):
    result: Result
    state: State
    question: Question | None = None          # the next question (ASK) or the one that ended it (EMERGENCY)
    answer: Answer | None = None              # the answer that ended it (EMERGENCY)
    flagged: tuple[tuple[Question, Answer], ...] = ()  # urgent questions answered yes or not sure


class Checklist:
    def __init__(self, questions: Sequence[Question]) -> None:
        if not questions:
            raise ValueError("the checklist needs at least one question")
        self.questions = tuple(questions)

    def __len__(self) -> int:
        return len(self.questions)

    def start(self) -> Outcome:
        return Outcome(Result.ASK, State(), self.questions[0])

    def current(self, state: State) -> Question:
        return self.questions[state.index]

    def restore(self, raw: object) -> State | None:
        """The state from session attributes, or None when it is missing, tampered or stale.

        Valid means: the answers name this checklist's questions in order, each answer is
        known, none of them is an emergency flag (that would have ended the checklist), and
        at least one question is left to ask.
        """
        if not isinstance(raw, dict):
            return None
        answers = raw.get("answers")
        index = raw.get("index")
        if not isinstance(answers, list) or type(index) is not int or index != len(answers):
            return None
        if not 0 <= index < len(self.questions):
            return None
        restored: list[tuple[str, Answer]] = []
        for question, item in zip(self.questions, answers):
            if not (isinstance(item, list) and len(item) == 2 and item[0] == question.id):
                return None
            try:
                answer = Answer(item[1])
            except ValueError:
                return None
            if question.is_emergency and answer.raises_flag:
                return None
            restored.append((question.id, answer))
        return State(tuple(restored))

    def answer(self, state: State, answer: Answer) -> Outcome:
        """Record the answer to the current question and say what happens next."""
        question = self.current(state)
        new_state = State(state.answers + ((question.id, answer),))
        if question.is_emergency and answer.raises_flag:
            return Outcome(Result.EMERGENCY, new_state, question, answer)
        if new_state.index < len(self.questions):
            return Outcome(Result.ASK, new_state, self.questions[new_state.index])
        flagged = tuple(
            (q, a) for q, (_, a) in zip(self.questions, new_state.answers) if a.raises_flag
        )
        return Outcome(Result.URGENT if flagged else Result.CLEAR, new_state, flagged=flagged)
