"""LaunchRequest: greeting, the disclaimer on first use, and what the listener can ask."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from ..conversation import respond, voice_for
from ..profile import get_profile, record_visit
from ..speech import Reply


class LaunchRequestHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        voice = voice_for(handler_input)
        profile = get_profile(handler_input)
        greeting = voice.say("launch_return" if profile.heard_disclaimer else "launch_first")
        record_visit(handler_input)
        return respond(
            handler_input,
            Reply(
                body=greeting,
                follow_up=voice.say("launch_options"),
                reprompt=voice.say("launch_options_reprompt"),
                card_title=voice.write("skill_name"),
                card_text=voice.write("launch_first") + "\n\n" + voice.write("launch_options"),
            ),
        )
