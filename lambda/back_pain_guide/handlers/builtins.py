"""Amazon built-in intents outside the checklist, SessionEndedRequest, and the catch-all."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import Response

from ..answers import Reading
from ..conversation import Session, respond, voice_for
from ..offers import Action, Offer
from ..speech import Reply
from . import checklist as checklist_handlers
from .questions import settle_confirmation
from .topics import continue_reading, topic_response

logger = logging.getLogger(__name__)


class _IntentHandler(AbstractRequestHandler):
    intent_names: tuple[str, ...] = ()

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return any(is_intent_name(name)(handler_input) for name in self.intent_names)


class HelpIntentHandler(_IntentHandler):
    intent_names = ("AMAZON.HelpIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        voice = voice_for(handler_input)
        return respond(
            handler_input,
            Reply(
                body=voice.say("help"),
                reprompt=voice.say("help_reprompt"),
                card_title=voice.write("skill_name"),
                card_text=voice.write("help"),
                offer=Offer.checklist(),
            ),
        )


class StopCancelIntentHandler(_IntentHandler):
    intent_names = ("AMAZON.StopIntent", "AMAZON.CancelIntent")

    def handle(self, handler_input: HandlerInput) -> Response:
        return respond(handler_input, Reply(body=voice_for(handler_input).say("goodbye"), end_session=True))


class StartOverIntentHandler(_IntentHandler):
    """Start over and Navigate home: forget where we were and offer the main choices."""

    intent_names = ("AMAZON.StartOverIntent", "AMAZON.NavigateHomeIntent")

    def handle(self, handler_input: HandlerInput) -> Response:
        voice = voice_for(handler_input)
        Session(handler_input).clear()
        return respond(
            handler_input,
            Reply(
                body=voice.say("start_over"),
                follow_up=voice.say("launch_options"),
                reprompt=voice.say("launch_options_reprompt"),
            ),
        )


#: The most a stored reply may hold and still be replayed. The skill's own replies are far
#: shorter (a chunk is under 80 words; the longest reply it gives, a card with every warning
#: sign, is about 2,400 characters in all); session attributes come back from the client,
#: so a longer one was not said by the skill and is not repeated (tests/hardening pin both).
MAX_REPLAYED_FIELD_CHARS = 3_000
MAX_REPLAYED_CHARS = 5_000


def replayable(reply: Reply | None) -> Reply | None:
    """``reply`` if it is no longer than anything the skill could have said, else None."""
    if reply is None:
        return None
    fields = (reply.body, reply.follow_up, reply.reprompt, reply.card_title, reply.card_text, reply.display)
    if max(map(len, fields)) > MAX_REPLAYED_FIELD_CHARS or sum(map(len, fields)) > MAX_REPLAYED_CHARS:
        logger.warning("repeat refused: the stored reply is longer than the skill could have said")
        return None
    return reply


class RepeatIntentHandler(_IntentHandler):
    intent_names = ("AMAZON.RepeatIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        voice = voice_for(handler_input)
        last = replayable(Session(handler_input).last_reply)
        return respond(handler_input, last or Reply(body=voice.say("nothing_to_repeat")))


class FallbackIntentHandler(_IntentHandler):
    intent_names = ("AMAZON.FallbackIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        voice = voice_for(handler_input)
        return respond(
            handler_input, Reply(body=voice.say("fallback"), reprompt=voice.say("fallback_reprompt"))
        )


class YesIntentHandler(_IntentHandler):
    """ "Yes" takes up whatever the last turn offered."""

    intent_names = ("AMAZON.YesIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
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
            return checklist_handlers.start(handler_input)
        if action is Action.RESUME_CHECKLIST:
            return checklist_handlers.resume(handler_input)
        return respond(
            handler_input,
            Reply(
                body=voice_for(handler_input).say("yes_without_question"),
                reprompt=voice_for(handler_input).say("help_reprompt"),
            ),
        )


class NoIntentHandler(_IntentHandler):
    """ "No" declines an offer; "not sure" does too, except to an emergency check, where it is a yes."""

    intent_names = ("AMAZON.NoIntent", "UnsureIntent")

    def handle(self, handler_input: HandlerInput) -> Response:
        voice = voice_for(handler_input)
        session = Session(handler_input)
        offer = session.offer
        if offer is not None and offer.action is Action.CONFIRM_EMERGENCY:
            return settle_confirmation(
                handler_input, offer, confirmed=is_intent_name("UnsureIntent")(handler_input)
            )
        if offer is not None:
            return respond(
                handler_input, Reply(body=voice.say("anything_else"), reprompt=voice.say("help_reprompt"))
            )
        return respond(
            handler_input, Reply(body=voice.say("no_without_question"), reprompt=voice.say("help_reprompt"))
        )


class SessionEndedRequestHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        reason = getattr(request, "reason", None)
        logger.info("session ended: %s", getattr(reason, "value", reason))
        return handler_input.response_builder.response


class UnhandledRequestHandler(AbstractRequestHandler):
    """Last in line: an intent or request type this skill does not know still gets an answer."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        logger.warning("no handler for request type %s", getattr(request, "object_type", None))
        if not is_request_type("IntentRequest")(handler_input) and not is_request_type("LaunchRequest")(
            handler_input
        ):
            if handler_input.request_envelope.session is None:
                return handler_input.response_builder.response  # events need no speech
        voice = voice_for(handler_input)
        return respond(
            handler_input, Reply(body=voice.say("fallback"), reprompt=voice.say("fallback_reprompt"))
        )
