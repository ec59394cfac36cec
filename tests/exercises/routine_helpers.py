"""Helpers for the guided-exercise tests: response limits, and a listener taken through the safety questions."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree

from back_pain_guide import exercises as ex
from back_pain_guide.content import get_content

LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
DATA = ex.get_exercises()
CONTENT = get_content()
MAX_SSML_CHARS = 8000  # Alexa's limit on output speech, SSML included
MAX_RESPONSE_BYTES = 24_576  # Alexa's limit on a whole response
BREAK = re.compile(r'<break time="([0-9.]+)s"/>')


def ssml(listener) -> str:
    return ((listener.response.get("response") or {}).get("outputSpeech") or {}).get("ssml", "")


def check_limits(listener) -> None:
    """Every response: valid SSML under 8,000 characters, no break over ten seconds, under 24 KB,
    and an open turn always has a reprompt."""
    speech = ssml(listener)
    assert speech.startswith("<speak>") and len(speech) <= MAX_SSML_CHARS
    ElementTree.fromstring(speech)  # well-formed
    assert all(0 < float(s) <= 10 for s in BREAK.findall(speech))
    assert "[[" not in speech  # no break token left unconverted
    assert len(json.dumps(listener.response).encode("utf-8")) <= MAX_RESPONSE_BYTES
    if listener.session_open:
        assert listener.reprompt


def started(make_listener, routine: str = "gentle", locale: str = "en-US", screen: bool = False):
    """A listener who opened the skill, asked for exercises and answered no to both safety questions."""
    listener = make_listener(locale=locale, screen=screen)
    listener.open()
    listener.say("guide me through some exercises")
    listener.say("no")
    listener.say("no")
    listener.say(routine)
    check_limits(listener)
    return listener


def state(listener) -> dict | None:
    return listener.console.device.attributes.get("routine")
