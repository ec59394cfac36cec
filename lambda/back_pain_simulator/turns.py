"""One turn of the test page: a checked request body in, the console's envelopes and what to show out.

The page holds the device's session (its ID and attributes) and sends it with every turn,
so each browser tab is its own device and the server keeps nothing between requests. The turn
itself is the console's: :class:`back_pain_guide.local.console.Console` resolves the utterance
against the locale's interaction model, builds the envelope and calls the skill's handler,
exactly as ``make chat`` does; a touch is the console's ``UserEvent`` envelope.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from back_pain_guide.local.console import Console, speech_text
from back_pain_guide.local.nlu import FALLBACK

from . import ssml
from .apl_preview import ECHO_SHOW, Viewport, render_directives

SkillHandler = Callable[[dict[str, Any], Any], dict[str, Any]]
DEVICES = {"voice": "Voice only (no screen)", "screen": f"{ECHO_SHOW.name} (screen and touch)"}
MAX_UTTERANCE = 500
MAX_EVENT_ARGUMENTS = 10
MAX_ARGUMENT_LENGTH = 200
_SESSION_ID = re.compile(r"^[\w.:\-]{1,200}$")
_FIELDS = {"locale", "device", "utterance", "event", "session"}


class BadTurn(ValueError):
    """A request body the page would never send; the reason goes back in a 400."""


@dataclass(frozen=True)
class Turn:
    locale: str
    screen: bool
    utterance: str | None
    event: list[Any] | None
    session_id: str | None
    attributes: dict[str, Any]


def parse_turn(body: Any, locales: Mapping[str, Any]) -> Turn:
    """Check a request body field by field; :class:`BadTurn` names the first problem."""
    if not isinstance(body, dict):
        raise BadTurn("the body must be a JSON object")
    unknown = sorted(set(body) - _FIELDS)
    if unknown:
        raise BadTurn(f"unknown field {unknown[0]!r}")
    locale = body.get("locale")
    if not isinstance(locale, str) or locale not in locales:
        raise BadTurn(f"locale must be one of {', '.join(locales)}")
    device = body.get("device")
    if not isinstance(device, str) or device not in DEVICES:
        raise BadTurn(f"device must be one of {', '.join(DEVICES)}")
    utterance, event = body.get("utterance"), body.get("event")
    if (utterance is None) == (event is None):
        raise BadTurn("send either an utterance or an event")
    if utterance is not None:
        if not isinstance(utterance, str) or not utterance.strip():
            raise BadTurn("utterance must be text with at least one word")
        if len(utterance) > MAX_UTTERANCE:
            raise BadTurn(f"utterance is longer than {MAX_UTTERANCE} characters")
        utterance = " ".join(utterance.split())
    if event is not None:
        if device != "screen":
            raise BadTurn("a voice-only device has no screen to touch")
        if not isinstance(event, list) or not 0 < len(event) <= MAX_EVENT_ARGUMENTS:
            raise BadTurn(f"event must be a list of 1 to {MAX_EVENT_ARGUMENTS} arguments")
        for argument in event:
            if isinstance(argument, str) and len(argument) > MAX_ARGUMENT_LENGTH:
                raise BadTurn(f"an event argument is longer than {MAX_ARGUMENT_LENGTH} characters")
            if not isinstance(argument, (str, int, float, bool)) and argument is not None:
                raise BadTurn("event arguments must be text, numbers, true, false or null")
    session = body.get("session")
    session_id, attributes = None, {}
    if session is not None:
        if not isinstance(session, dict) or set(session) - {"sessionId", "attributes"}:
            raise BadTurn("session must be null or an object with sessionId and attributes")
        session_id = session.get("sessionId")
        if not isinstance(session_id, str) or not _SESSION_ID.match(session_id):
            raise BadTurn("session.sessionId must be the ID of a session this page was given")
        attributes = session.get("attributes", {})
        if not isinstance(attributes, dict):
            raise BadTurn("session.attributes must be an object")
    return Turn(locale, device == "screen", utterance, event, session_id, attributes)


def viewport_context(viewport: Viewport) -> dict[str, Any]:
    """``context.Viewport`` as an Echo Show of this size sends it."""
    return {
        "experiences": [
            {"arcMinuteWidth": 221, "arcMinuteHeight": 162, "canRotate": False, "canResize": False}
        ],
        "mode": "HUB",
        "shape": viewport.shape.upper(),
        "pixelWidth": viewport.width,
        "pixelHeight": viewport.height,
        "dpi": viewport.dpi,
        "currentPixelWidth": viewport.width,
        "currentPixelHeight": viewport.height,
        "touch": ["SINGLE"],
        "keyboard": [],
        "video": {"codecs": ["H_264_42", "H_264_41"]},
    }


def _slots(intent: Mapping[str, Any]) -> list[dict[str, Any]]:
    found = []
    for name, slot in (intent.get("slots") or {}).items():
        if not slot.get("value"):
            continue
        resolved = None
        for authority in (slot.get("resolutions") or {}).get("resolutionsPerAuthority") or []:
            if authority.get("status", {}).get("code") == "ER_SUCCESS_MATCH" and authority.get("values"):
                value = authority["values"][0]["value"]
                resolved = {"name": value.get("name"), "id": value.get("id")}
        found.append({"name": name, "value": slot["value"], "resolved": resolved})
    return found


def describe_request(request: Mapping[str, Any], locale: str) -> dict[str, Any]:
    """What the transcript shows for the request: its kind, the intent and slots it resolved to."""
    inner = request["request"]
    summary: dict[str, Any] = {
        "type": inner["type"],
        "intent": None,
        "slots": [],
        "arguments": None,
        "new_session": bool((request.get("session") or {}).get("new")),
        "notes": [],
    }
    if inner["type"] == "IntentRequest":
        summary["intent"] = inner["intent"]["name"]
        summary["slots"] = _slots(inner["intent"])
        if summary["intent"] == FALLBACK:
            summary["notes"].append(
                f"No sample utterance or slot value of the {locale} interaction model "
                f"matched, so Alexa would send {FALLBACK}."
            )
    elif inner["type"] == "Alexa.Presentation.APL.UserEvent":
        summary["arguments"] = inner.get("arguments")
    return summary


def _speech(output_speech: Mapping[str, Any] | None, errors: list[str]) -> dict[str, Any] | None:
    if not output_speech:
        return None
    try:
        parts = ssml.segments(dict(output_speech))
    except ssml.SsmlError as exc:
        errors.append(str(exc))
        parts = [{"say": speech_text(dict(output_speech))}]
    return {"text": speech_text(dict(output_speech)), "segments": parts}


def describe_response(response: Mapping[str, Any], screen: bool, viewport: Viewport) -> dict[str, Any]:
    """What the page shows for the response: speech, reprompt, card, screen, session end, problems."""
    body = response.get("response") or {}
    errors: list[str] = []
    card = body.get("card")
    preview = render_directives(body.get("directives")) if screen else None
    return {
        "speech": _speech(body.get("outputSpeech"), errors),
        "reprompt": _speech((body.get("reprompt") or {}).get("outputSpeech"), errors),
        "card": {
            "type": card.get("type"),
            "title": card.get("title", ""),
            "text": card.get("content") or card.get("text") or "",
        }
        if card
        else None,
        "screen": None
        if preview is None
        else {
            "html": preview.html,
            "buttons": preview.buttons,
            "warnings": preview.warnings,
            "device": viewport.name,
        },
        "ended": body.get("shouldEndSession") is not False,
        "errors": errors,
    }


def run_turn(
    turn: Turn, handler: SkillHandler, user_id: str, viewport: Viewport = ECHO_SHOW
) -> dict[str, Any]:
    """Send one turn through the console and describe it for the page."""
    console = Console(handler, locale=turn.locale, screen=turn.screen, user_id=user_id)
    console.device.session_id, console.device.attributes = turn.session_id, dict(turn.attributes)
    if turn.event is not None:
        request = console.device.user_event(list(turn.event))
    else:
        request = console.envelope_for(turn.utterance or "")
    if turn.screen:
        request["context"]["Viewport"] = viewport_context(viewport)
    response = console.send(request)
    device = console.device
    return {
        "request": request,
        "response": response,
        "turn": describe_request(request, turn.locale),
        **describe_response(response, turn.screen, viewport),
        "session": {"sessionId": device.session_id, "attributes": device.attributes}
        if device.in_session
        else None,
    }
