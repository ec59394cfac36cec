"""Screens for devices with APL (Echo Show, Fire TV): what a reply shows, and the RenderDocument directive.

The documents and every word they show besides the reply itself live in content/apl/ as JSON,
loaded once per process. A document holds layout only; the datasource ``screen`` carries the
text. Devices without ``Alexa.Presentation.APL`` get no directive (their cards are unchanged).
"""
# No `from __future__ import annotations` in this module: typing.NamedTuple would compile every
# string annotation of its records at import, which a Lambda cold start pays for.

import json
import os
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_supported_interfaces

from . import paths
from .checklist import State
from .offers import Offer
from .speech import Reply, Voice

if TYPE_CHECKING:
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

TOKEN = "backPainGuide"
ANSWER, CHECKLIST, EXERCISE = "answer", "checklist", "exercise"
DOCUMENTS = (ANSWER, CHECKLIST, EXERCISE)  # the exercise screen's data: handlers/exercises.py


class Screen(NamedTuple):
    """Which document to show and the data it shows."""

    document: str
    data: Mapping[str, Any]


@cache
def document(name: str) -> dict[str, Any]:
    """An APL document from content/apl/<name>.json (read once)."""
    if name not in DOCUMENTS:
        raise KeyError(f"no APL document {name!r}")
    document = _read_json(f"{name}.json")
    document.pop("description", None)  # a note for authors (it names source files), not for devices
    return document


@lru_cache(maxsize=1)
def screen_text() -> dict[str, Any]:
    """The screens' own words (hint label, hints, button labels) from content/apl/text.json."""
    return _read_json("text.json")


def _read_json(file_name: str) -> Any:
    with open(os.path.join(paths.content_dir(), "apl", file_name), encoding="utf-8") as file:
        return json.load(file)


def supports_apl(handler_input: HandlerInput) -> bool:
    try:
        return get_supported_interfaces(handler_input).alexa_presentation_apl is not None
    except AttributeError:  # no context, system or device: a request we cannot show anything for
        return False


def _digits(voice: Voice, text: str) -> str:
    """On a screen the emergency number is written, not spelled out."""
    return text.replace(voice.locale.emergency_number_speech, voice.locale.emergency_number)


def _hints(voice: Voice, offer: Offer | None) -> list[str]:
    words = screen_text()
    hints: list[str] = []
    if offer and offer.action.value in words["hints"]:
        topic = voice.content.topics.get(offer.topic)
        hints.append(words["hints"][offer.action.value].format(title=topic.title.lower() if topic else ""))
    hints.extend(h for h in words["default_hints"] if h not in hints)
    return [voice.spell(h) for h in hints[: words["max_hints"]]]


def answer_screen(voice: Voice, reply: Reply, sources: tuple[str, ...] = ()) -> Screen:
    """An answer: title, what was said, the question asked, the source and what to say next."""
    listed = [voice.content.sources[s].title for s in sources if s in voice.content.sources]
    label = voice.write("card_source" if len(listed) == 1 else "card_sources")
    hints = [] if reply.end_session else _hints(voice, reply.offer)
    return Screen(
        ANSWER,
        {
            "title": voice.spell(reply.card_title or voice.write("skill_name")),
            "text": _digits(voice, reply.display or reply.body),
            "prompt": _digits(voice, reply.follow_up),
            "source": f"{label}: {'; '.join(listed)}" if listed else "",
            "hintLabel": voice.spell(screen_text()["hint_label"]) if hints else "",
            "hints": hints,
        },
    )


def checklist_screen(voice: Voice, state: State, question_text: str, count: int, note: str = "") -> Screen:
    """A checklist question with a touch button per answer, under what was said before it (``note``)."""
    words = screen_text()
    return Screen(
        CHECKLIST,
        {
            "title": voice.spell(words["checklist_title"].format(number=state.position + 1, count=count)),
            "note": _digits(voice, note),
            "question": voice.spell(question_text),
            "buttons": [{"value": b["value"], "label": voice.spell(b["label"])} for b in words["buttons"]],
            "hint": voice.spell(words["checklist_hint"]),
        },
    )


def render_directive(screen: Screen) -> "RenderDocumentDirective":
    # Imported here: the APL models package loads every APL command and component class
    # (tens of milliseconds), which a cold start for a voice-only device should not pay.
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

    return RenderDocumentDirective(
        token=TOKEN, document=document(screen.document), datasources={"screen": dict(screen.data)}
    )
