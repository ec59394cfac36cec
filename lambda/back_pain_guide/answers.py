"""Builds the replies for content topics: which chunk to read, what to offer next, the card.

Plain Python: takes content objects and a :class:`Voice`, returns :class:`Reply` objects and
the reading position to keep in the session. No ASK SDK types.
"""
# No `from __future__ import annotations` in this module: typing.NamedTuple would compile every
# string annotation of its records at import, which a Lambda cold start pays for.

from collections.abc import Iterable
from typing import NamedTuple

from .content import Topic
from .offers import Offer
from .speech import Reply, Voice

CHUNKS, TREATMENT = "chunks", "treatment"


class Reading(NamedTuple):
    """Where the listener is in a topic: part ("chunks" or "treatment") and the chunk's number in it
    (stored as "index" in the session)."""

    topic: Topic
    part: str = CHUNKS
    chunk: int = 0

    @property
    def texts(self) -> tuple[str, ...]:
        return self.topic.treatment if self.part == TREATMENT else self.topic.chunks

    @property
    def has_more(self) -> bool:
        return self.chunk + 1 < len(self.texts)

    def to_dict(self) -> dict[str, object]:
        return {"topic": self.topic.id, "part": self.part, "index": self.chunk}


def next_topic(voice: Voice, topic: Topic, seen: Iterable[str]) -> Topic | None:
    """The first related topic the listener has not heard yet (or the first related one)."""
    related = [voice.content.topics[r] for r in topic.related if r in voice.content.topics]
    heard = set(seen)
    fresh = [t for t in related if t.id not in heard]
    return next(iter(fresh or related), None)


def read(voice: Voice, reading: Reading, seen: Iterable[str] = (), intro: str = "") -> Reply:
    """Speak one chunk, then offer more of the topic or, at its end, a related topic."""
    topic = reading.topic
    body = " ".join(p for p in (intro, voice.speak_text(reading.texts[reading.chunk])) if p)
    if reading.has_more:
        follow_up, offer = voice.say("more_offer"), Offer.more()
    else:
        following = next_topic(voice, topic, seen)
        if following is None:
            follow_up, offer = voice.say("what_else"), None
        else:
            follow_up = voice.say("related_offer", title=following.title.lower())
            offer = Offer.of_topic(following.id)
    return Reply(
        body=body,
        follow_up=follow_up,
        card_title=topic.title,
        card_text=voice.topic_card(topic, reading.texts),
        offer=offer,
    )


def end_of_topic(voice: Voice, topic: Topic, seen: Iterable[str]) -> Reply:
    """What "more" says after the last chunk: that's all, and a related topic."""
    following = next_topic(voice, topic, seen)
    body = voice.say("end_of_topic", title=topic.title.lower())
    if following is None:
        return Reply(body=body, follow_up=voice.say("what_else"))
    return Reply(
        body=body,
        follow_up=voice.say("related_offer", title=following.title.lower()),
        offer=Offer.of_topic(following.id),
    )


def treatment_reading(voice: Voice, topic: Topic) -> tuple[Reading | None, Reply | None]:
    """What helps a named topic: its treatment part, the topic itself if it is a remedy, or a pointer."""
    if topic.treatment:
        return Reading(topic, TREATMENT), None
    if topic.kind in ("treatment", "home_care"):
        return Reading(topic), None
    home_care = voice.content.topics.get("home_care")
    body = voice.say("no_treatment_details", title=topic.title.lower())
    if home_care is None:
        return None, Reply(body=body, follow_up=voice.say("what_else"))
    return None, Reply(
        body=body,
        follow_up=voice.say("related_offer", title=home_care.title.lower()),
        offer=Offer.of_topic(home_care.id),
    )
