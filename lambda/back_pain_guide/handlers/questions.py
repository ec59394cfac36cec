"""Free-form questions (AMAZON.SearchQuery) and utterances that describe an emergency sign.

Emergency words win: a clear description of a warning sign gets the emergency advice at once;
a likely one gets one confirming question (yes or not sure: the advice; no: the answer to what
was asked). The words reach here through ``QuestionIntent``, ``StatementIntent``, ``EmergencySignIntent`` and ``CallForHelpIntent``, whose
slots carry what was said.
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from ..conversation import respond, voice_for
from ..offers import MAX_QUESTION_CHARS
from ..slots import slot_words
from ..turns.answering import answer_question, confirm_reply, emergency_reply

QUERY_SLOT = "query"
SYMPTOM_SLOT = "symptom"
AFFIRMED_SLOT = "affirmed"  # the words after "yes" or "yeah" ("yeah, I nearly fainted when it hit")
DETAILS_SLOT = "details"
CALL_FOR_HELP = "call_for_help"


class QuestionIntentHandler(AbstractRequestHandler):
    """A question ("why {query}", "when should I {query}"): the words after its carrier phrase."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("QuestionIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return answer_question(handler_input, slot_words(handler_input, QUERY_SLOT)[0], asked=True)


class StatementIntentHandler(AbstractRequestHandler):
    """Something said about oneself ("I {query}", "my {query}", "so {query}"): answered like a
    question, but read by the detector as what it is, a description."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("StatementIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return answer_question(handler_input, slot_words(handler_input, QUERY_SLOT)[0])


class EmergencySignIntentHandler(AbstractRequestHandler):
    """Words that sound like an emergency sign, wherever we are (the checklist too).

    The ``symptom`` slot carries what was said: the detector decides between the advice, a
    confirming question, or (Alexa's model reaching wide) an ordinary answer. A value Alexa
    resolved to one of the listed emergency phrases that the detector does not hear clearly
    gets the confirming question of that sign.
    """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("EmergencySignIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        from ..freeform import detector

        voice = voice_for(handler_input)
        text, resolved = slot_words(handler_input, SYMPTOM_SLOT)
        affirmed, affirmed_resolved = slot_words(handler_input, AFFIRMED_SLOT)
        if affirmed.strip():  # "yes {affirmed}": the yes answers a checklist question that waits
            text, resolved = f"yes {affirmed}", affirmed_resolved
        if not text.strip():  # no words at all: the intent itself is the only evidence
            return respond(handler_input, emergency_reply(voice))
        listed = detector().signs.get(resolved) if resolved else None
        if listed is not None:
            found = detector().detect(text[:MAX_QUESTION_CHARS])
            if found is None or not found.is_clear:
                # Alexa matched one of the listed emergency phrases; the words alone were not clear.
                return respond(handler_input, confirm_reply(voice, listed, text))
        return answer_question(handler_input, text)  # detects (once) and answers


class CallForHelpIntentHandler(AbstractRequestHandler):
    """ "Call an ambulance", "it's an emergency", "help me, I can't move": a call for help.

    Alexa can't make the call, so the listener hears the number at once. Words after "help me"
    that name no warning sign at all ("help me understand sciatica") are an ordinary question;
    who or where to call ("please call {for help}") is a call for help; a sign they name clearly
    gets the advice, and one they only mention gets the confirming question.
    """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("CallForHelpIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        from ..freeform import detector

        voice = voice_for(handler_input)
        text, resolved = slot_words(handler_input, DETAILS_SLOT)
        if not text.strip():
            return respond(handler_input, emergency_reply(voice, detector().signs.get(CALL_FOR_HELP)))
        found = detector().detect(text[:MAX_QUESTION_CHARS], after_call=True)
        if found is not None and found.sign.id != CALL_FOR_HELP and not found.is_clear:
            # "can you get {a fever from a slipped disc}": a sign only named is asked about, once.
            return answer_question(handler_input, text)
        sign = found.sign if found is not None else detector().signs.get(resolved) if resolved else None
        if sign is not None:
            return respond(handler_input, emergency_reply(voice, sign))
        return answer_question(handler_input, text)
