"""Free-form questions (AMAZON.SearchQuery) and utterances that name an emergency sign."""
from __future__ import annotations

from functools import lru_cache

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_slot_value, is_intent_name
from ask_sdk_model import Response

from .. import answers
from ..answers import Reading
from ..content import Question, get_content
from ..conversation import Session, respond, voice_for
from ..safety import EmergencyDetector
from ..search import TopicIndex
from ..speech import Reply, Voice

QUERY_SLOT = "query"


@lru_cache(maxsize=1)
def detector() -> EmergencyDetector:
    return EmergencyDetector(get_content())


@lru_cache(maxsize=1)
def index() -> TopicIndex:
    return TopicIndex(get_content())


def emergency_reply(voice: Voice, question: Question) -> Reply:
    """Emergency advice first and alone: the number, what to say, and the session ends."""
    body = voice.say("emergency_sign_heard", reason=question.reason, summary=question.summary)
    return Reply(body=body, card_title=voice.write("emergency_card_title"),
                 card_text=voice.write("emergency_sign_heard", reason=question.reason, summary=question.summary),
                 end_session=True)


def answer_question(handler_input: HandlerInput, question: str) -> Response:
    """Emergency words win; otherwise the best-matching topic, or an honest "I don't know"."""
    voice = voice_for(handler_input)
    match = detector().detect(question)
    if match is not None:
        return respond(handler_input, emergency_reply(voice, match.question))
    session = Session(handler_input)
    hits = index().rank(question, context=session.asked)
    if not hits:
        return respond(handler_input, Reply(body=voice.say("not_understood_question"),
                                            reprompt=voice.say("help_reprompt")))
    seen = session.asked
    reading = Reading(hits[0].topic)
    session.reading = reading
    return respond(handler_input, answers.read(voice, reading, seen))


class QuestionIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("QuestionIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        try:
            query = get_slot_value(handler_input, QUERY_SLOT)
        except Exception:
            query = None
        return answer_question(handler_input, query if isinstance(query, str) else "")


class EmergencySignIntentHandler(AbstractRequestHandler):
    """An utterance that names an emergency sign: advice first, wherever we are (checklist too)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("EmergencySignIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        voice = voice_for(handler_input)
        # The intent carries no words, so the advice names no particular sign.
        return respond(handler_input, Reply(
            body=voice.say("emergency_generic"), card_title=voice.write("emergency_card_title"),
            card_text=voice.write("emergency_generic"), end_session=True,
        ))
