"""Request and response logging that never records what the listener said.

Logged: request type, intent name, locale, whether the session ends. Never: slot values,
session attributes, speech text. Costs nothing beyond a level check when INFO is off.

Every value that comes from the request is passed through :func:`printable` first, so a
newline or an escape sequence in a forged locale or intent name cannot forge a log line;
:class:`EscapingFormatter` does the same for a whole message, for the web service's logs.
"""

from __future__ import annotations

import logging
import re

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import IntentRequest, Response

logger = logging.getLogger("back_pain_guide.requests")

#: C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
FIELD_LIMIT = 80


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(value: object, limit: int = FIELD_LIMIT) -> str:
    """One log field: control characters written as escapes, cut to ``limit`` characters."""
    text = value if isinstance(value, str) else "?" if value is None else type(value).__name__
    if len(text) > limit:
        text = text[:limit] + "..."
    return _UNPRINTABLE.sub(_escape, text)


class EscapingFormatter(logging.Formatter):
    """Escapes control characters in the message part of every record (a traceback keeps
    its own lines), so each record is one line in the log whatever a request carried."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = _UNPRINTABLE.sub(_escape, record.message)
        return super().formatMessage(record)


class RequestLogger(AbstractRequestInterceptor):
    def process(self, handler_input: HandlerInput) -> None:
        if not logger.isEnabledFor(logging.INFO):
            return
        request = handler_input.request_envelope.request
        intent = request.intent.name if isinstance(request, IntentRequest) and request.intent else "-"
        logger.info(
            "request type=%s intent=%s locale=%s",
            printable(getattr(request, "object_type", None)),
            printable(intent),
            printable(getattr(request, "locale", None)),
        )


class ResponseLogger(AbstractResponseInterceptor):
    def process(self, handler_input: HandlerInput, response: Response) -> None:
        if logger.isEnabledFor(logging.INFO) and response is not None:
            logger.info(
                "response end_session=%s card=%s", response.should_end_session, response.card is not None
            )
