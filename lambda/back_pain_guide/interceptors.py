"""Request and response logging that never records what the listener said.

Logged: request type, intent name, locale, whether the session ends. Never: slot values,
session attributes, speech text. Costs nothing beyond a level check when INFO is off.
"""
from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import IntentRequest, Response

logger = logging.getLogger("back_pain_guide.requests")


class RequestLogger(AbstractRequestInterceptor):
    def process(self, handler_input: HandlerInput) -> None:
        if not logger.isEnabledFor(logging.INFO):
            return
        request = handler_input.request_envelope.request
        intent = request.intent.name if isinstance(request, IntentRequest) and request.intent else "-"
        logger.info("request type=%s intent=%s locale=%s", getattr(request, "object_type", "?"),
                    intent, getattr(request, "locale", "?"))


class ResponseLogger(AbstractResponseInterceptor):
    def process(self, handler_input: HandlerInput, response: Response) -> None:
        if logger.isEnabledFor(logging.INFO) and response is not None:
            logger.info("response end_session=%s card=%s", response.should_end_session, response.card is not None)
