"""The session, seen through validated accessors, and the one function that sends a reply.

Session attributes come back from Alexa on every turn and may be stale or tampered with;
every read here checks types and ids and falls back to "nothing there" instead of failing.
Health-related state (checklist answers, topics asked) lives here and nowhere else.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, cast

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, get_locale
from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard

from . import apl
from .answers import CHUNKS, TREATMENT, Reading
from .checklist import Checklist, State
from .content import get_content
from .offers import Offer
from .region import device_country
from .speech import Reply, Voice, card_parts, to_ssml

MAX_ASKED = 10
# Every session attribute the skill writes; anything else that comes back is dropped on arrival.
SESSION_KEYS = frozenset(
    {"reading", "asked", "offer", "checklist", "checklist_active", "last_reply", "routine"}
)
# What the skill writes under one key stays far below this; a bigger value was not written here.
MAX_ATTRIBUTE_CHARS = 8000


class DropUnknownSessionKeys(AbstractRequestInterceptor):
    """Keeps only the session attributes the skill itself writes, at sizes it writes them, so
    nothing foreign is carried from turn to turn or sent back to Alexa (where it could push a
    response past the 24 KB limit). The accessors below still validate what is left."""

    def process(self, handler_input: HandlerInput) -> None:
        if handler_input.request_envelope.session is None:  # out of session: no attributes at all
            return
        attrs = handler_input.attributes_manager.session_attributes
        if not isinstance(attrs, dict):
            return
        for key in list(attrs):
            if key not in SESSION_KEYS:
                del attrs[key]
            elif len(json.dumps(attrs[key], default=str)) > MAX_ATTRIBUTE_CHARS:
                attrs[key] = {}  # kept as an invalid value, so a tampered checklist is still reported as such


@lru_cache(maxsize=64)
def _voice(locale: str, country: str | None = None) -> Voice:
    return Voice(get_content(), locale, country)


@lru_cache(maxsize=1)
def checklist() -> Checklist:
    return Checklist(get_content().questions)


def voice_for(handler_input: HandlerInput) -> Voice:
    """The locale's words, with the numbers and same-day route of the device's country when Alexa
    tells it (see region.py); the locale's own otherwise."""
    try:
        locale = get_locale(handler_input)
    except Exception:  # a request without a usable locale still gets an answer
        locale = None
    try:
        country = device_country(handler_input, get_content())
    except Exception:  # never let the look-up cost an answer
        country = None
    return _voice(locale if isinstance(locale, str) else "", country)


class Session:
    """Validated access to the session attributes of one request."""

    def __init__(self, handler_input: HandlerInput) -> None:
        manager = handler_input.attributes_manager
        try:
            if not isinstance(manager.session_attributes, dict):
                manager.session_attributes = {}  # tampered: start the session state afresh
            attrs = cast("dict[str, Any]", manager.session_attributes)  # a dict: checked above
        except Exception:  # out-of-session requests (skill events) have no session attributes
            attrs = {}
        self.attrs = attrs
        self.content = get_content()

    # --- reading position -------------------------------------------------------------
    @property
    def reading(self) -> Reading | None:
        raw = self.attrs.get("reading")
        if not isinstance(raw, dict):
            return None
        topic_id = raw.get("topic")
        topic = self.content.topics.get(topic_id) if isinstance(topic_id, str) else None
        part, index = raw.get("part"), raw.get("index")
        if topic is None or part not in (CHUNKS, TREATMENT) or type(index) is not int:
            return None
        reading = Reading(topic, part, index)
        return reading if 0 <= index < len(reading.texts) else None

    @reading.setter
    def reading(self, value: Reading | None) -> None:
        if value is None:
            self.attrs.pop("reading", None)
        else:
            self.attrs["reading"] = value.to_dict()
            self.note_asked(value.topic.id)

    # --- topics asked (for search context and related-topic offers) ----------------------
    @property
    def asked(self) -> list[str]:
        raw = self.attrs.get("asked")
        if not isinstance(raw, list):
            return []
        return [t for t in raw if isinstance(t, str) and t in self.content.topics][-MAX_ASKED:]

    def note_asked(self, topic_id: str) -> None:
        asked = [t for t in self.asked if t != topic_id] + [topic_id]
        self.attrs["asked"] = asked[-MAX_ASKED:]

    # --- what a "yes" means ---------------------------------------------------------------
    @property
    def offer(self) -> Offer | None:
        return Offer.from_attr(self.attrs.get("offer"), self.content.topics)

    # --- the checklist ----------------------------------------------------------------------
    @property
    def has_checklist(self) -> bool:
        return "checklist" in self.attrs

    @property
    def checklist_state(self) -> State | None:
        """The validated checklist state, or None if absent, tampered or stale."""
        return checklist().restore(self.attrs.get("checklist"))

    @property
    def checklist_active(self) -> bool:
        """True when the last thing the skill said was a checklist question."""
        return self.attrs.get("checklist_active") is True and self.has_checklist

    def save_checklist(self, state: State | None, active: bool = True) -> None:
        if state is None:
            self.attrs.pop("checklist", None)
            self.attrs.pop("checklist_active", None)
        else:
            self.attrs["checklist"] = state.to_dict()
            self.attrs["checklist_active"] = active

    # --- repeat ------------------------------------------------------------------------------
    @property
    def last_reply(self) -> Reply | None:
        raw = self.attrs.get("last_reply")
        if not isinstance(raw, dict) or not all(isinstance(raw.get(k, ""), str) for k in _REPLAYED):
            return None
        if not raw.get("body"):
            return None
        return Reply(**{k: raw.get(k, "") for k in _REPLAYED}, offer=self.offer)

    def clear(self) -> None:
        self.attrs.clear()


_REPLAYED = ("body", "follow_up", "reprompt", "card_title", "card_text", "display")


def screen_for(session: Session, voice: Voice, reply: Reply, in_checklist: bool) -> apl.Screen:
    """What an APL device shows with this reply: the waiting checklist question, or the answer
    (with its topic's sources when the reply reads the topic in the session's reading position)."""
    state = (
        session.checklist_state
        if in_checklist and session.checklist_active and not reply.end_session
        else None
    )
    if state is not None:
        # At the gate after the emergency block, the screen asks whether to go on.
        text = (
            voice.say("checklist_offer_more")
            if checklist().at_gate(state)
            else checklist().current(state).text
        )
        return apl.checklist_screen(voice, state, text, checklist().count_for(state), reply.body)
    reading = session.reading
    topic = reading.topic if reading is not None and reply.card_title == reading.topic.title else None
    return apl.answer_screen(voice, reply, topic.sources if topic else ())


def with_safety_line(voice: Voice, reprompt: str) -> str:
    """A reprompt is heard when the listener says nothing, perhaps because they can't: every one
    ends with the emergency number, unless it already says it."""
    if voice.locale.emergency_number_speech in reprompt:
        return reprompt
    return f"{reprompt} {voice.say('safety_line')}"


def respond(
    handler_input: HandlerInput,
    reply: Reply,
    in_checklist: bool = False,
    in_routine: bool = False,
    screen: apl.Screen | None = None,
) -> Response:
    """Turn a reply into the response: SSML, reprompt, card, APL screen; remember it for "repeat".

    If a checklist is under way and this reply is about something else, the follow-up
    becomes the offer to go back to the checklist where the listener left it; the same for a
    guided exercise routine (``exercises.aside``). ``screen``: what a screen shows instead of
    the answer or checklist screen (an exercise).
    """
    session = Session(handler_input)
    voice = voice_for(handler_input)
    if not in_checklist and not reply.end_session and session.has_checklist:
        state = session.checklist_state
        if state is None:
            session.save_checklist(None)
        else:
            session.save_checklist(state, active=False)
            reply = reply._replace(
                follow_up=voice.say(
                    "checklist_offer_resume", number=state.position + 1, count=checklist().count_for(state)
                ),
                reprompt="",
                offer=Offer.resume_checklist(),
            )
    if not in_routine and "routine" in session.attrs:
        from .exercises import aside  # only a session with a routine under way loads it

        try:
            intent = cast(str, get_intent_name(handler_input))
        except TypeError:  # not an intent request
            intent = None
        reply = aside(session.attrs, voice, reply, in_checklist or reply.end_session, intent)

    if reply.end_session:
        session.clear()
    else:
        if reply.offer:
            session.attrs["offer"] = reply.offer.to_attr()
        else:
            session.attrs.pop("offer", None)
        session.attrs["last_reply"] = {k: getattr(reply, k) for k in _REPLAYED}

    builder = handler_input.response_builder
    builder.speak(to_ssml(reply.speech))
    if reply.end_session:
        builder.set_should_end_session(True)
    else:
        builder.ask(to_ssml(with_safety_line(voice, reply.reprompt_text)))
    if reply.card_title:
        title, text = card_parts(reply)
        builder.set_card(SimpleCard(title=voice.spell(title), content=text))
    if apl.supports_apl(handler_input):
        builder.add_directive(apl.render_directive(screen or screen_for(session, voice, reply, in_checklist)))
    return builder.response
