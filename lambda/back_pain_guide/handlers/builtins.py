"""Amazon built-in intents outside the checklist, SessionEndedRequest, and the catch-all."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import Response

from ..conversation import Session, respond, voice_for
from ..offers import Offer
from ..speech import Reply
from ..turns.answering import not_understood
from ..turns.follow_up import take_up, turn_down
from ..turns.navigation import start_over

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
        return start_over(handler_input)


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
        return not_understood(handler_input)


class YesIntentHandler(_IntentHandler):
    """ "Yes" takes up whatever the last turn offered."""

    intent_names = ("AMAZON.YesIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        return take_up(handler_input)


class NoIntentHandler(_IntentHandler):
    """ "No" declines an offer; "not sure" does too, except to an emergency check, where it is a yes."""

    intent_names = ("AMAZON.NoIntent", "UnsureIntent")

    def handle(self, handler_input: HandlerInput) -> Response:
        return turn_down(handler_input, unsure=is_intent_name("UnsureIntent")(handler_input))


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
        return not_understood(handler_input)
