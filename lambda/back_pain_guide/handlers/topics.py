"""Content topics: causes, remedies, diagnosis, when to get help, "tell me about X", and "more"."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from .. import answers
from ..answers import Reading
from ..conversation import respond, voice_for
from ..slots import read_topic_slot
from ..speech import Reply, Voice
from ..turns.answering import answer_question
from ..turns.reading import continue_reading, topic_response, unknown_topic


class _TopicIntentHandler(AbstractRequestHandler):
    """Answers an intent about a named topic, or its overview topic when none is named."""

    intent_name = ""
    overview_topic = ""  # content topic id used when the listener names no topic

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(self.intent_name)(handler_input)

    def reading_for(self, voice: Voice, topic) -> tuple[Reading | None, Reply | None]:
        return Reading(topic), None

    def handle(self, handler_input: HandlerInput) -> Response:
        voice = voice_for(handler_input)
        slot = read_topic_slot(handler_input)
        if slot.unmatched:
            # Words we have no topic for: try them as a free-form question before giving up. They
            # may follow a question ("what is {topic}") or a statement ("I have {topic}"): a
            # warning sign in them gets a confirming question, never the alarm at once.
            return answer_question(handler_input, slot.heard, asked=None)
        topic = slot.topic or voice.content.topics.get(self.overview_topic)
        if topic is None:
            return respond(handler_input, unknown_topic(voice))
        reading, reply = self.reading_for(voice, topic)
        if reading is not None:
            return topic_response(handler_input, reading)
        assert reply is not None
        return respond(handler_input, reply)


class CausesIntentHandler(_TopicIntentHandler):
    intent_name, overview_topic = "CausesIntent", "causes"


class RemediesIntentHandler(_TopicIntentHandler):
    intent_name, overview_topic = "RemediesIntent", "home_care"

    def reading_for(self, voice: Voice, topic) -> tuple[Reading | None, Reply | None]:
        return answers.treatment_reading(voice, topic)


class DiagnosisIntentHandler(_TopicIntentHandler):
    intent_name, overview_topic = "DiagnosisIntent", "diagnosis"


class WhenToGetHelpIntentHandler(_TopicIntentHandler):
    intent_name, overview_topic = "WhenToGetHelpIntent", "when_to_get_help"


class TopicIntentHandler(_TopicIntentHandler):
    intent_name, overview_topic = "TopicIntent", ""


class MoreIntentHandler(AbstractRequestHandler):
    """AMAZON.MoreIntent and AMAZON.NextIntent: "tell me more", "next"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("AMAZON.MoreIntent")(handler_input) or is_intent_name("AMAZON.NextIntent")(
            handler_input
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        return continue_reading(handler_input)
