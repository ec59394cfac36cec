"""The one exception handler: log the failure (never the user's words), answer kindly."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from ..content import ContentError
from ..conversation import voice_for
from ..speech import to_ssml

logger = logging.getLogger(__name__)

# Said when the content itself cannot be loaded: no prompts, no locale numbers, so a plain
# English answer that still points to emergency help, and the session ends (nothing would work).
CONTENT_UNAVAILABLE = (
    "Sorry, Back Pain Guide can't answer right now. "
    "If you think this may be an emergency, call your local emergency number now."
)


class CatchAllExceptionHandler(AbstractExceptionHandler):
    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        request = handler_input.request_envelope.request
        logger.error(
            "error handling %s: %s",
            getattr(request, "object_type", "request"),
            type(exception).__name__,
            exc_info=logger.isEnabledFor(logging.DEBUG),
        )
        builder = handler_input.response_builder
        try:
            voice = voice_for(handler_input)
            speech, reprompt = voice.say("error"), voice.say("error_reprompt")
        except Exception as failure:  # the content itself may be what failed
            if isinstance(failure, ContentError):  # the message names the file and field, never user data
                logger.critical("content could not be loaded: %s", failure)
            else:
                logger.critical("error answer failed: %s", type(failure).__name__)
            return builder.speak(to_ssml(CONTENT_UNAVAILABLE)).set_should_end_session(True).response
        return builder.speak(to_ssml(speech)).ask(to_ssml(reprompt)).response
