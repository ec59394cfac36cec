"""Builds the skill: handlers in the order they are tried, interceptors, persistence adapter.

``lambda_handler`` is the single entry point used by Lambda, the web service and the console.
"""

from __future__ import annotations

import copy
import json
import logging
import os
from functools import lru_cache
from typing import Any, cast

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_model import IntentRequest, RequestEnvelope

from .bounds import bounded_session_attributes
from .conversation import DropUnknownSessionKeys
from .handlers import builtins, checklist, errors, exercises, launch, lifecycle, questions, topics
from .profile import SaveProfileInterceptor
from .region import TimeoutApiClient
from .serializer import serializer_for_installed_sdk
from .touch import TouchAsSpoken

logger = logging.getLogger("back_pain_guide")
logger.setLevel(os.environ.get("LOG_LEVEL", "WARNING").upper())

# A well-formed answer for requests that cannot even be read (never a stack trace).
UNREADABLE_REQUEST_RESPONSE: dict[str, Any] = {
    "version": "1.0",
    "response": {
        "outputSpeech": {
            "type": "SSML",
            "ssml": "<speak>Sorry, I couldn't understand that request. Please try again.</speak>",
        },
        "shouldEndSession": True,
    },
}


def build_skill(
    persistence_adapter: AbstractPersistenceAdapter | None = None, skill_id: str | None = None
) -> CustomSkill:
    # The API client lets voice_for ask the device's time zone (no permission needed) for the
    # country's emergency number; requests without an API token (console, tests) never call it.
    # The SDK's own annotations say neither may be None, though None is its default for both.
    builder = CustomSkillBuilder(
        persistence_adapter=persistence_adapter,  # type: ignore[arg-type]
        api_client=TimeoutApiClient(),
    )
    builder.skill_id = skill_id  # type: ignore[assignment]
    for handler in (
        questions.EmergencySignIntentHandler(),  # emergency advice wins everywhere
        questions.CallForHelpIntentHandler(),
        checklist.ChecklistTurnHandler(),  # while a checklist question waits for its answer
        exercises.ExerciseTurnHandler(),  # while a guided routine (or its safety questions) is under way
        launch.LaunchRequestHandler(),
        lifecycle.SkillDisabledEventHandler(),  # the user disabled the skill: delete their profile
        checklist.ChecklistStartHandler(),
        checklist.PartlyIntentHandler(),  # "a little", "sort of" outside a checklist question
        exercises.ExerciseStartHandler(),  # "guide me through some exercises"
        exercises.PainIntentHandler(),  # "that hurts" outside a routine
        exercises.RoutineControlHandler(),  # "slower", "pause", "resume" outside a routine
        topics.CausesIntentHandler(),
        topics.RemediesIntentHandler(),
        topics.DiagnosisIntentHandler(),
        topics.WhenToGetHelpIntentHandler(),
        topics.TopicIntentHandler(),
        questions.QuestionIntentHandler(),
        questions.StatementIntentHandler(),
        topics.MoreIntentHandler(),
        builtins.HelpIntentHandler(),
        builtins.StopCancelIntentHandler(),
        builtins.StartOverIntentHandler(),
        builtins.RepeatIntentHandler(),
        builtins.FallbackIntentHandler(),
        builtins.YesIntentHandler(),
        builtins.NoIntentHandler(),
        builtins.SessionEndedRequestHandler(),
        builtins.UnhandledRequestHandler(),  # last: anything else still gets an answer
    ):
        builder.add_request_handler(handler)
    builder.add_exception_handler(
        lifecycle.RedeliverOnFailure()
    )  # a failed deletion must be retried by Alexa
    builder.add_exception_handler(errors.CatchAllExceptionHandler())
    builder.add_global_request_interceptor(DropUnknownSessionKeys())
    builder.add_global_request_interceptor(TouchAsSpoken())  # a touch: the words it stands for
    builder.add_global_response_interceptor(SaveProfileInterceptor(persistence_adapter))
    # The request and response log lines exist only at INFO (LOG_LEVEL when the skill is built);
    # otherwise their interceptors are not even loaded, and logging costs a turn nothing.
    if logging.getLogger("back_pain_guide.requests").isEnabledFor(logging.INFO):
        from .interceptors import RequestLogger, ResponseLogger

        builder.add_global_request_interceptor(RequestLogger())
        builder.add_global_response_interceptor(ResponseLogger())
    skill = builder.create()
    # The SDK's (de)serialisation with its lookups cached and timestamps read by the standard
    # library: the same objects, a fraction of the time (serializer.py).
    skill.serializer = serializer_for_installed_sdk()
    return skill


def _default_adapter() -> AbstractPersistenceAdapter | None:
    """The store for this environment: DynamoDB on AWS, SQLite locally (see store/)."""
    from .store import default_adapter

    try:
        return default_adapter()
    except Exception as exc:  # e.g. boto3 missing: answer without memory rather than not at all
        logger.warning("no persistence adapter: %s", type(exc).__name__)
        return None


@lru_cache(maxsize=1)
def default_skill() -> CustomSkill:
    """The process-wide skill (built once per Lambda cold start)."""
    return build_skill(_default_adapter(), os.environ.get("SKILL_ID") or None)


def _without_tampered_attributes(event: Any) -> Any:
    """Session attributes that are not an object would make the whole envelope unreadable
    (and an emergency go unanswered); drop them so the session state starts afresh."""
    session = event.get("session") if isinstance(event, dict) else None
    if isinstance(session, dict) and not isinstance(session.get("attributes"), (dict, type(None))):
        return {**event, "session": {**session, "attributes": {}}}
    return bounded_session_attributes(event)  # attributes nested too deep to copy (#19)


def invoke(skill: CustomSkill, event: Any, context: Any = None) -> dict[str, Any]:
    """Run one request envelope (a dict, as Lambda passes it) through the skill."""
    event = _without_tampered_attributes(event)
    try:
        envelope = _read_envelope(skill, event)
    except Exception as exc:
        try:  # e.g. a value newer than this SDK knows: what matters (intent, slot words) still answers
            envelope = _read_envelope(skill, _essentials(event))
            logger.warning("request read without its optional parts: %s", type(exc).__name__)
        except Exception:
            logger.warning("unreadable request: %s", type(exc).__name__)
            return copy.deepcopy(UNREADABLE_REQUEST_RESPONSE)
    try:
        response = skill.invoke(request_envelope=envelope, context=context)
    except lifecycle.ProfileNotDeleted:
        raise  # reported by the Lambda runtime, so the event is delivered again
    except Exception as exc:  # skill ID mismatch, or a failure outside the handlers
        logger.warning("request refused: %s", type(exc).__name__)
        return copy.deepcopy(UNREADABLE_REQUEST_RESPONSE)
    return cast("dict[str, Any]", skill.serializer.serialize(response))


def _read_envelope(skill: CustomSkill, event: Any) -> RequestEnvelope:
    envelope = skill.serializer.deserialize(payload=json.dumps(event), obj_type=RequestEnvelope)
    if not isinstance(envelope, RequestEnvelope) or envelope.request is None:
        raise ValueError("not a request envelope")
    if isinstance(envelope.request, IntentRequest) and envelope.request.intent is None:
        raise ValueError("intent request without an intent")
    if envelope.context is None or envelope.context.system is None:
        # The SDK reads the API token from here before any handler runs (the skill has an API
        # client, for the device's time zone): a request without it still gets its answer.
        from ask_sdk_model import Context
        from ask_sdk_model.interfaces.system import SystemState

        envelope.context = Context(system=SystemState())
    return envelope


def _pick(value: Any, *keys: str) -> dict[str, Any]:
    return {key: value[key] for key in keys if key in value} if isinstance(value, dict) else {}


def _essentials(event: Any) -> dict[str, Any]:
    """Only the fields the handlers read, so one unexpected value elsewhere (a new resolution
    status, a new dialog state) cannot make the SDK refuse a request that says "I can't feel my legs"."""
    if not isinstance(event, dict):
        raise ValueError("not an object")
    request = _pick(
        event.get("request"),
        "type",
        "requestId",
        "timestamp",
        "locale",
        "reason",
        "arguments",
        "body",
        "intent",
    )
    if isinstance(request.get("intent"), dict):
        slots = request["intent"].get("slots")
        request["intent"] = {
            "name": request["intent"].get("name"),
            "confirmationStatus": "NONE",
            "slots": {
                name: {"name": name, **_pick(slot, "value")}
                for name, slot in (slots.items() if isinstance(slots, dict) else ())
                if isinstance(name, str)
            },
        }
    system = event["context"].get("System") if isinstance(event.get("context"), dict) else None
    return {
        "version": event.get("version"),
        "session": _pick(event.get("session"), "new", "sessionId", "application", "user", "attributes"),
        "context": {"System": _pick(system, "application", "user", "apiEndpoint")},
        "request": request,
    }


def lambda_handler(event: Any, context: Any = None) -> dict[str, Any]:
    """The Lambda entry point."""
    return invoke(default_skill(), event, context)
