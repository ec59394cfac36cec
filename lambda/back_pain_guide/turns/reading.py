"""Reading content topics aloud: a topic from its start, the next chunk, the end of a topic."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from .. import answers
from ..answers import Reading
from ..conversation import Session, respond, voice_for
from ..speech import Reply, Voice


def topic_response(handler_input: HandlerInput, reading: Reading, intro: str = "") -> Response:
    session = Session(handler_input)
    seen = session.asked
    session.reading = reading
    reply = answers.read(voice_for(handler_input), reading, seen, intro)
    return respond(handler_input, reply)


def unknown_topic(voice: Voice) -> Reply:
    return Reply(body=voice.say("unknown_topic"), follow_up=voice.say("unknown_topic_reprompt"))


def continue_reading(handler_input: HandlerInput) -> Response:
    """Read the next chunk of the current topic; after the last one, offer a related topic."""
    session = Session(handler_input)
    voice = voice_for(handler_input)
    reading = session.reading
    if reading is None:
        return respond(handler_input, Reply(body=voice.say("nothing_to_continue")))
    if reading.has_more:
        return topic_response(handler_input, Reading(reading.topic, reading.part, reading.chunk + 1))
    return respond(handler_input, answers.end_of_topic(voice, reading.topic, session.asked))
