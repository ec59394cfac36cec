"""Skill lifecycle events: when a user disables the skill, forget them.

``AlexaSkillEvent.SkillDisabled`` arrives out of session (the manifest subscribes to it), and
nobody is waiting for speech, so the deletion is retried for longer than a spoken turn's
store call. If the store stays unavailable the request fails loudly: :class:`ProfileNotDeleted`
passes every exception handler and leaves ``lambda_handler`` as an error the Lambda runtime
reports (the web service answers 500), so Alexa delivers the event again instead of it being
dropped. A request the store cannot serve at all (no user id) or a skill without a store is
logged (never the user id) and acknowledged.
"""

from __future__ import annotations

import logging
from time import sleep

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.exceptions import AttributesManagerException, PersistenceException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from ..store import StoreUnavailable

logger = logging.getLogger(__name__)

#: Rounds of deletion (each itself retried within its time budget) and the pause between them.
DELETE_ROUNDS = 3
PAUSE_SECONDS = 0.2


class ProfileNotDeleted(Exception):
    """The user's profile could not be deleted: the event must be delivered again."""


class SkillDisabledEventHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("AlexaSkillEvent.SkillDisabled")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        for round_ in range(1, DELETE_ROUNDS + 1):
            try:
                handler_input.attributes_manager.delete_persistent_attributes()
                break
            except AttributesManagerException:  # no store configured: nothing is kept
                logger.warning("profile not deleted on skill disable: no store")
                break
            except StoreUnavailable as exc:
                if round_ == DELETE_ROUNDS:
                    logger.error("profile not deleted on skill disable after %d rounds: %s", round_, exc)
                    raise ProfileNotDeleted(str(exc)) from exc
                sleep(PAUSE_SECONDS)
            except PersistenceException as exc:  # e.g. no user id: retrying cannot help
                logger.warning("profile not deleted on skill disable: %s", type(exc).__name__)
                break
        return handler_input.response_builder.response


class RedeliverOnFailure(AbstractExceptionHandler):
    """Registered before the catch-all handler: a failed deletion is raised, not answered."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return isinstance(exception, ProfileNotDeleted)

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        raise exception
