"""Touches on the screen: an APL UserEvent is answered exactly as the spoken words it stands for.

The checklist screen's buttons send ``["answer", "yes" | "no" | "unsure"]``, the exercise screen's
``["answer", "pause" | "resume" | "next" | "stop"]``. Each becomes the intent a listener would have
said (AMAZON.YesIntent, AMAZON.NoIntent, UnsureIntent, AMAZON.PauseIntent, ...) and goes to
the same handlers, in the skill's order, that answer the spoken intent; anything else a screen
might send is treated like words the skill did not understand (AMAZON.FallbackIntent).
"""

from __future__ import annotations

import copy
import logging
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.response_helper import ResponseFactory
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Intent, IntentConfirmationStatus, IntentRequest, Response

from . import builtins, checklist, exercises

logger = logging.getLogger(__name__)

USER_EVENT = "Alexa.Presentation.APL.UserEvent"
TOUCH_INTENTS = {
    "yes": "AMAZON.YesIntent",
    "no": "AMAZON.NoIntent",
    "unsure": "UnsureIntent",
    **exercises.touch_values(),
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


def as_spoken(handler_input: HandlerInput, intent_name: str) -> HandlerInput:
    """The same turn (session, attributes, device) as if ``intent_name`` had been said."""
    event: Any = handler_input.request_envelope.request  # any request: they all carry these three
    envelope = copy.copy(handler_input.request_envelope)
    envelope.request = IntentRequest(
        request_id=event.request_id,
        timestamp=event.timestamp,
        locale=event.locale,
        intent=Intent(name=intent_name, slots={}, confirmation_status=IntentConfirmationStatus.NONE),
    )
    spoken = copy.copy(handler_input)  # shares the attributes manager: session changes stay this turn's
    spoken.request_envelope = envelope
    spoken.response_builder = ResponseFactory()
    return spoken


class UserEventHandler(AbstractRequestHandler):
    """Alexa.Presentation.APL.UserEvent: a button on the screen was touched."""

    def __init__(self) -> None:
        # The handlers that answer these intents when spoken, in the order skill.py tries them.
        self.spoken_handlers: tuple[AbstractRequestHandler, ...] = (
            checklist.ChecklistTurnHandler(),
            exercises.ExerciseTurnHandler(),
            exercises.RoutineControlHandler(),
            builtins.StopCancelIntentHandler(),
            builtins.FallbackIntentHandler(),
            builtins.YesIntentHandler(),
            builtins.NoIntentHandler(),
        )

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type(USER_EVENT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response | None:
        intent_name = spoken_intent(getattr(handler_input.request_envelope.request, "arguments", None))
        if intent_name == NOT_UNDERSTOOD:
            logger.info("touch event with unknown arguments")
        spoken = as_spoken(handler_input, intent_name)
        handler = next(h for h in self.spoken_handlers if h.can_handle(spoken))
        return handler.handle(spoken)
