"""What a "yes" means next turn: the offer a reply leaves behind, typed, and read back safely.

A reply that ends on a question ("Shall I go on?", "Would you like to hear about heat and
ice?") carries an :class:`Offer`; the session keeps it as a small dict (the format Alexa
sends back) and :meth:`Offer.from_attr` reads it back, refusing anything stale or tampered.
"""
# No `from __future__ import annotations`: see speech.py (NamedTuple and cold starts).

from collections.abc import Container
from enum import Enum
from typing import Any, NamedTuple

MAX_QUESTION_CHARS = 1000  # a question is read up to here; one kept for a confirming "no" too


class Action(str, Enum):
    """What taking up the offer does. The values are what the session stores."""

    MORE = "more"  # read the next chunk of the current topic
    TOPIC = "topic"  # read another topic from its start
    CHECKLIST = "checklist"  # start the warning-sign checklist
    RESUME_CHECKLIST = "resume_checklist"  # go back to the checklist where the listener left it
    RESUME_ROUTINE = "resume_routine"  # go back to the guided exercise routine
    CONFIRM_EMERGENCY = "confirm_emergency"  # a yes (or not sure) to "just to check: ...?" escalates


class Offer(NamedTuple):
    """One offer. ``topic`` goes with TOPIC; ``sign`` and ``question`` with CONFIRM_EMERGENCY
    (the warning sign asked about, and what the listener asked, answered if they say no)."""

    action: Action
    topic: str = ""
    sign: str = ""
    question: str = ""

    @classmethod
    def more(cls) -> "Offer":
        return cls(Action.MORE)

    @classmethod
    def of_topic(cls, topic_id: str) -> "Offer":
        return cls(Action.TOPIC, topic=topic_id)

    @classmethod
    def checklist(cls) -> "Offer":
        return cls(Action.CHECKLIST)

    @classmethod
    def resume_checklist(cls) -> "Offer":
        return cls(Action.RESUME_CHECKLIST)

    @classmethod
    def resume_routine(cls) -> "Offer":
        return cls(Action.RESUME_ROUTINE)

    @classmethod
    def confirm_emergency(cls, sign_id: str, question: str) -> "Offer":
        return cls(Action.CONFIRM_EMERGENCY, sign=sign_id, question=question[:MAX_QUESTION_CHARS])

    def to_attr(self) -> dict[str, str]:
        """The session form: the action's value plus the fields this action uses."""
        attr = {"action": self.action.value}
        if self.action is Action.TOPIC:
            attr["topic"] = self.topic
        elif self.action is Action.CONFIRM_EMERGENCY:
            attr["sign"] = self.sign
            attr["question"] = self.question
        return attr

    @classmethod
    def from_attr(cls, raw: Any, topic_ids: Container[str]) -> "Offer | None":
        """The offer a session attribute holds, or None when it is absent, unknown or tampered:
        a topic that does not exist, a confirmation without a sign."""
        if not isinstance(raw, dict):
            return None
        try:
            action = Action(raw.get("action"))
        except ValueError:
            return None
        if action is Action.TOPIC:
            topic = raw.get("topic")
            return cls.of_topic(topic) if isinstance(topic, str) and topic in topic_ids else None
        if action is Action.CONFIRM_EMERGENCY:
            sign, question = raw.get("sign"), raw.get("question")
            if not isinstance(sign, str):
                return None
            # A missing or mangled question leaves only the safe reading: any answer escalates.
            return cls.confirm_emergency(sign, question if isinstance(question, str) else "")
        return cls(action)
