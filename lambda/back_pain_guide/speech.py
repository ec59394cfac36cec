"""The one place where text becomes speech: prompts filled per locale, SSML, cards, reprompts.

Handlers build a :class:`Reply` of plain text; :func:`render` turns it into the ASK response.
Nothing a listener said is ever echoed back, so speech only ever holds our own text.
"""
# No `from __future__ import annotations` in this module: typing.NamedTuple would compile every
# string annotation of its records at import, which a Lambda cold start pays for.

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, NamedTuple

from .content import Content, LocaleInfo, Topic
from .offers import Offer

MAX_SPEECH_CHARS = 7000  # Alexa allows 8000 characters of output speech, SSML included
MAX_CARD_CHARS = 7500  # Alexa allows 8000 characters for a card's title and text together
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


class Reply(NamedTuple):
    """What the skill says in one turn, as plain text.

    ``follow_up`` is the question or next step that closes an open turn; it is also the
    reprompt unless ``reprompt`` is given. ``offer`` is what a "yes" would mean next turn.
    Immutable: ``reply._replace(follow_up=...)`` makes a changed copy.
    """

    body: str
    follow_up: str = ""
    reprompt: str = ""
    card_title: str = ""
    card_text: str = ""
    end_session: bool = False
    offer: Offer | None = None
    display: str = (
        ""  # what a screen shows instead of ``body`` (a checklist result: the advice, not the answers)
    )

    @property
    def speech(self) -> str:
        return " ".join(part for part in (self.body, self.follow_up) if part)

    @property
    def reprompt_text(self) -> str:
        return self.reprompt or self.follow_up or self.body


class _StrictValues(dict):
    def __missing__(self, key: str) -> str:
        raise KeyError(f"no value for placeholder {{{key}}}")


class Voice:
    """Fills prompts and content text for one locale: speech and card forms differ only in numbers."""

    def __init__(self, content: Content, locale_code: str | None, country_code: str | None = None) -> None:
        """``country_code``: the locale whose numbers and same-day route the device's country uses,
        when it is known and differs from the language's (an en-US device in London: en-GB)."""
        self.content = content
        self.locale: LocaleInfo = content.locale(locale_code)
        if country_code and country_code in content.locales and country_code != self.locale.code:
            self.locale = self.locale.for_country(content.locales[country_code])
        spellings = self.locale.spellings
        # One pattern for all the locale's words, longest first, so "doctor or healthcare provider"
        # wins over "healthcare provider"; None when the locale keeps the content's words.
        self._spelling_pattern = (
            re.compile(
                r"\b(?:" + "|".join(re.escape(w) for w in sorted(spellings, key=len, reverse=True)) + r")\b"
            )
            if spellings
            else None
        )

    def _fill(self, text: str, values: Mapping[str, Any], for_card: bool) -> str:
        locale = self.locale
        number = locale.emergency_number if for_card else locale.emergency_number_speech
        same_day = locale.same_day_text if for_card else locale.same_day_speech
        filled = (
            text.format_map(_StrictValues(emergency_number=number, **{"same_day": same_day, **values}))
            if "{" in text
            else text
        )
        return self.spell(filled)

    def spell(self, text: str) -> str:
        """The locale's words and spellings ("disc", "paracetamol") in text that is already filled."""
        if self._spelling_pattern is None:
            return text
        return self._spelling_pattern.sub(lambda match: self.locale.spellings[match.group(0)], text)

    def say(self, key: str, **values: Any) -> str:
        """A prompt, ready to be spoken."""
        return self._fill(self.content.prompts[key], values, for_card=False)

    def write(self, key: str, **values: Any) -> str:
        """A prompt, ready for a card."""
        return self._fill(self.content.prompts[key], values, for_card=True)

    def speak_text(self, text: str) -> str:
        return self._fill(text, {}, for_card=False)

    def card_text(self, text: str) -> str:
        return self._fill(text, {}, for_card=True)

    def topic_card(self, topic: Topic, chunks: tuple[str, ...]) -> str:
        """A topic's full text for the card, with its sources and the review date."""
        sources = [self.content.sources[s] for s in topic.sources]
        label = self.write("card_source" if len(sources) == 1 else "card_sources")
        lines = [self.card_text(chunk) for chunk in chunks]
        lines.append(f"{label}: " + "; ".join(f"{s.title} ({s.url})" for s in sources))
        lines.append(
            f"{self.write('card_review')}: {self.content.review_date}. {self.write('card_disclaimer')}"
        )
        return "\n\n".join(lines)


def shorten(text: str, limit: int) -> str:
    """Cut text at the last sentence end before ``limit`` characters."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    ends = [m.start() for m in _SENTENCE_END.finditer(cut + " ")]
    return cut[: ends[-1]] if ends else cut


def to_ssml(text: str) -> str:
    """Plain text as the inside of an Alexa ``<speak>`` element, special characters escaped."""
    return escape_xml(shorten(" ".join(text.split()), MAX_SPEECH_CHARS))


# Characters XML 1.0 does not allow at all (control characters, lone surrogates, U+FFFE/U+FFFF)
# are dropped: one of them anywhere would make the whole <speak> document invalid. The pattern
# for non-ASCII text is compiled on first use only: its surrogate range makes it costly to compile
# (as much as the rest of this module), and the content itself is all ASCII.
_NOT_XML_ASCII = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


@lru_cache(maxsize=1)
def _not_xml_chars() -> re.Pattern[str]:
    return re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape_xml(text: str) -> str:
    """Escapes &, < and > (what xml.sax.saxutils.escape does, without importing urllib and email)
    and drops characters that XML does not allow."""
    not_xml = _NOT_XML_ASCII if text.isascii() else _not_xml_chars()
    return not_xml.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def card_parts(reply: Reply) -> tuple[str, str]:
    title = reply.card_title[:200]
    return title, shorten(reply.card_text, MAX_CARD_CHARS - len(title))
