"""The one exception handler: log the failure (never the user's words), answer kindly."""
from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from ..conversation import voice_for
from ..speech import to_ssml

logger = logging.getLogger(__name__)


class CatchAllExceptionHandler(AbstractExceptionHandler):
    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        request = handler_input.request_envelope.request
        logger.error("error handling %s: %s", getattr(request, "object_type", "request"),
                     type(exception).__name__, exc_info=logger.isEnabledFor(logging.DEBUG))
        try:
            voice = voice_for(handler_input)
            speech, reprompt = voice.say("error"), voice.say("error_reprompt")
        except Exception:  # the content itself may be what failed
            speech = reprompt = "Sorry, something went wrong. Please try again later."
        builder = handler_input.response_builder
        return builder.speak(to_ssml(speech)).ask(to_ssml(reprompt)).response
