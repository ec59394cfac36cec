"""Skill lifecycle events: when a user disables the skill, forget them.

``AlexaSkillEvent.SkillDisabled`` arrives out of session (the manifest subscribes to it).
The user's stored profile is deleted; if the store is unavailable the failure is logged
(without the user id) and the item is left to its time-to-live.
"""
from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

logger = logging.getLogger(__name__)


class SkillDisabledEventHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("AlexaSkillEvent.SkillDisabled")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        try:
            handler_input.attributes_manager.delete_persistent_attributes()
        except Exception as exc:  # no adapter, or the store is down: the TTL removes the item later
            logger.warning("profile not deleted on skill disable: %s", type(exc).__name__)
        return handler_input.response_builder.response
