"""The benchmark's baseline: the smallest useful ASK SDK for Python skill.

One handler answers every request with a short sentence; no content, no state, no interceptors.
Whatever Back Pain Guide costs beyond this is the cost of its own code and data.
"""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_model import Response


class AnyRequestHandler(AbstractRequestHandler):
    """Answers whatever arrives."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        return (
            handler_input.response_builder.speak("Hello from the baseline skill.")
            .ask("Say something.")
            .response
        )


_builder = SkillBuilder()
_builder.add_request_handler(AnyRequestHandler())
handler = _builder.lambda_handler()
