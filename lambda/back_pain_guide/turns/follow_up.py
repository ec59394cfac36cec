"""What "yes" and "no" do: take up, or turn down, whatever the last turn offered (offers.py)."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from ..answers import Reading
from ..conversation import Session, respond, voice_for
from ..offers import Action
from ..speech import Reply
from . import checklist
from .answering import settle_confirmation
from .reading import continue_reading, topic_response


def take_up(handler_input: HandlerInput) -> Response:
    """A yes: do what the offer said; with nothing offered, say so and say what can be asked."""
    session = Session(handler_input)
    offer = session.offer
    action = offer.action if offer else None
    if offer and action is Action.CONFIRM_EMERGENCY:
        return settle_confirmation(handler_input, offer, confirmed=True)
    if action is Action.MORE:
        return continue_reading(handler_input)
    if offer and action is Action.TOPIC:
        return topic_response(handler_input, Reading(session.content.topics[offer.topic]))
    if action is Action.CHECKLIST:
        return checklist.start(handler_input)
    if action is Action.RESUME_CHECKLIST:
        return checklist.resume(handler_input)
    voice = voice_for(handler_input)
    return respond(
        handler_input, Reply(body=voice.say("yes_without_question"), reprompt=voice.say("help_reprompt"))
    )


def turn_down(handler_input: HandlerInput, unsure: bool = False) -> Response:
    """A no, or "not sure": declines an offer, except a check on an emergency sign, where not
    being sure counts as a yes (safety first) and a no answers what was asked."""
    voice = voice_for(handler_input)
    offer = Session(handler_input).offer
    if offer is not None and offer.action is Action.CONFIRM_EMERGENCY:
        return settle_confirmation(handler_input, offer, confirmed=unsure)
    if offer is not None:
        return respond(
            handler_input, Reply(body=voice.say("anything_else"), reprompt=voice.say("help_reprompt"))
        )
    return respond(
        handler_input, Reply(body=voice.say("no_without_question"), reprompt=voice.say("help_reprompt"))
    )
