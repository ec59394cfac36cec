"""Going home: forget where we were and offer the main choices."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from ..conversation import Session, respond, voice_for
from ..speech import Reply


def start_over(handler_input: HandlerInput) -> Response:
    """ "Start over", "go home": a clean session (a checklist or routine under way goes with it)
    and the launch choices."""
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
