"""Touches on the screen: an APL UserEvent is rewritten into the spoken intent it stands for.

The checklist screen's buttons send ``["answer", "yes" | "no" | "unsure"]``, the exercise screen's
``["answer", "pause" | "resume" | "next" | "stop"]``. A request interceptor turns each into the
IntentRequest a listener would have made by saying it (AMAZON.YesIntent, UnsureIntent,
AMAZON.PauseIntent, ...) before any handler is chosen, so the skill's one handler list decides
what a touch does, exactly as for the words; anything else a screen might send becomes words the
skill did not understand (AMAZON.FallbackIntent).
"""

from __future__ import annotations

import logging
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Intent, IntentConfirmationStatus, IntentRequest

logger = logging.getLogger(__name__)

USER_EVENT = "Alexa.Presentation.APL.UserEvent"
TOUCH_INTENTS = {
    "yes": "AMAZON.YesIntent",  # the checklist screen
    "no": "AMAZON.NoIntent",
    "unsure": "UnsureIntent",
    "pause": "AMAZON.PauseIntent",  # the exercise screen
    "resume": "AMAZON.ResumeIntent",
    "next": "AMAZON.NextIntent",
    "stop": "AMAZON.StopIntent",
}
NOT_UNDERSTOOD = "AMAZON.FallbackIntent"


def spoken_intent(arguments: Any) -> str:
    """The intent a touch stands for; anything but ["answer", <known value>] is not understood."""
    if (
        isinstance(arguments, list)
        and len(arguments) == 2
        and arguments[0] == "answer"
        and isinstance(arguments[1], str)
        and arguments[1] in TOUCH_INTENTS
    ):
        return TOUCH_INTENTS[arguments[1]]
    return NOT_UNDERSTOOD


class TouchAsSpoken(AbstractRequestInterceptor):
    """Replaces this turn's APL UserEvent with the IntentRequest its words would have made
    (same request id, time and locale; session, attributes and device untouched)."""

    def process(self, handler_input: HandlerInput) -> None:
        if not is_request_type(USER_EVENT)(handler_input):
            return
        event: Any = handler_input.request_envelope.request
        intent_name = spoken_intent(getattr(event, "arguments", None))
        if intent_name == NOT_UNDERSTOOD:
            logger.info("touch event with unknown arguments")
        handler_input.request_envelope.request = IntentRequest(
            request_id=event.request_id,
            timestamp=event.timestamp,
            locale=event.locale,
            intent=Intent(name=intent_name, slots={}, confirmation_status=IntentConfirmationStatus.NONE),
        )
