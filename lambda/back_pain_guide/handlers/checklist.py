"""The spoken red-flag checklist: starting it, and every turn while it waits for an answer.

The decisions live in :mod:`back_pain_guide.checklist`, the speech in :mod:`..turns.checklist`;
this module maps intents to answers.
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, is_intent_name, is_request_type
from ask_sdk_model import Response

from ..checklist import Answer
from ..conversation import Session, checklist, respond, voice_for
from ..offers import Action
from ..speech import Reply
from ..turns.answering import answer_question
from ..turns.checklist import ANSWERS, PARTLY_INTENT, answer, ask, degree_heard, resume, start, stop
from ..turns.follow_up import take_up

# Intents with a meaning of their own inside the checklist; anything else pauses it.
CHECKLIST_INTENTS = frozenset(ANSWERS) | {
    "AMAZON.HelpIntent",
    "AMAZON.RepeatIntent",
    "AMAZON.FallbackIntent",
    "AMAZON.StopIntent",
    "AMAZON.CancelIntent",
    "AMAZON.StartOverIntent",
    "AMAZON.MoreIntent",
    "AMAZON.NextIntent",
    "AMAZON.NavigateHomeIntent",
    "ChecklistIntent",
}


class ChecklistStartHandler(AbstractRequestHandler):
    """ "Check my symptoms": start the checklist, or go back to one that was paused."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("ChecklistIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        if Session(handler_input).checklist_state is not None:
            return resume(handler_input)
        return start(handler_input)


class ChecklistTurnHandler(AbstractRequestHandler):
    """Every turn while a checklist question (or the gate) is waiting for its answer."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if not is_request_type("IntentRequest")(handler_input):
            return False
        return Session(handler_input).checklist_active and get_intent_name(handler_input) in CHECKLIST_INTENTS

    def handle(self, handler_input: HandlerInput) -> Response:
        voice = voice_for(handler_input)
        intent = get_intent_name(handler_input)
        state = Session(handler_input).checklist_state
        if state is None:  # tampered or stale: never skip ahead, start from the first question
            return start(handler_input, voice.say("checklist_state_reset"))
        if intent == PARTLY_INTENT:
            degree, words = degree_heard(handler_input)
            if degree is None:
                if words.strip():  # words Alexa could not match to "a little" and its kin
                    return answer_question(handler_input, words)
                return ask(handler_input, state, voice.say("checklist_need_answer"))
            return answer(handler_input, state, Answer.PARTLY, degree)
        if intent in ANSWERS:
            return answer(handler_input, state, ANSWERS[intent])
        if intent in ("AMAZON.StopIntent", "AMAZON.CancelIntent"):
            return stop(handler_input, state)
        if intent in ("AMAZON.StartOverIntent", "ChecklistIntent"):
            return ask(handler_input, checklist().start().state, voice.say("checklist_restart"))
        if intent == "AMAZON.NavigateHomeIntent":
            Session(handler_input).save_checklist(None)
            return respond(
                handler_input, Reply(body=voice.say("start_over"), follow_up=voice.say("launch_options"))
            )
        if intent == "AMAZON.HelpIntent":
            return ask(handler_input, state, voice.say("checklist_help"))
        if intent == "AMAZON.RepeatIntent":
            return ask(handler_input, state)
        # Fallback, "more", "next" and anything unexpected: ask for yes or no again.
        return ask(handler_input, state, voice.say("checklist_need_answer"))


class PartlyIntentHandler(AbstractRequestHandler):
    """ "A little", "sort of" outside a waiting checklist question: a yes to a confirming question
    about an emergency sign, and to any other offer; words Alexa could not match go to the
    emergency detector and the search like any statement."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(PARTLY_INTENT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        degree, words = degree_heard(handler_input)
        offer = Session(handler_input).offer
        confirming = offer is not None and offer.action is Action.CONFIRM_EMERGENCY
        if degree is None and words.strip() and not confirming:
            return answer_question(handler_input, words)
        return take_up(handler_input)  # a yes: to a confirming question, the advice
