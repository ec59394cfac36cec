"""Reading slots with entity resolution, tolerant of absent or garbage values."""
# No `from __future__ import annotations` in this module: typing.NamedTuple would compile every
# string annotation of its records at import, which a Lambda cold start pays for.

from typing import Any, NamedTuple

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_slot

from .content import Topic, get_content

TOPIC_SLOT = "topic"


class TopicSlot(NamedTuple):
    """What the listener named: a known topic, or words we could not match, or nothing."""

    topic: Topic | None = None
    heard: str = ""  # the spoken value when it matched no topic; never logged

    @property
    def unmatched(self) -> bool:
        return self.topic is None and bool(self.heard)


def read_topic_slot(handler_input: HandlerInput) -> TopicSlot:
    try:
        slot = get_slot(handler_input, TOPIC_SLOT)
    except Exception:  # not an IntentRequest, or an intent without slots
        return TopicSlot()
    if slot is None:
        return TopicSlot()
    heard = slot.value if isinstance(slot.value, str) else ""
    # Imported here, not at the top: the SDK only loads the entity resolution models for requests
    # that carry resolutions, and a cold start that begins with "open back pain guide" needs none.
    from ask_sdk_model.slu.entityresolution import StatusCode

    topics = get_content().topics
    try:
        authority: Any  # read as sent: a missing part raises AttributeError (below)
        for authority in slot.resolutions.resolutions_per_authority or []:  # type: ignore[union-attr]
            if authority.status.code == StatusCode.ER_SUCCESS_MATCH:
                for item in authority.values or []:
                    topic = topics.get(item.value.id)
                    if topic is not None:
                        return TopicSlot(topic)
    except AttributeError:  # no or malformed resolutions
        pass
    return TopicSlot(heard=heard.strip())


def slot_words(handler_input: HandlerInput, name: str) -> tuple[str, str | None]:
    """A slot's words ("" when absent) and, when Alexa resolved it to a listed value, that
    value's id (None otherwise): what the free-text and the small custom slots need."""
    try:
        slot = get_slot(handler_input, name)
    except Exception:  # not an IntentRequest, or an intent without slots
        slot = None
    value = getattr(slot, "value", None)
    resolved = None
    try:
        authority: Any  # read as sent: a missing part raises AttributeError (below)
        for authority in slot.resolutions.resolutions_per_authority or ():  # type: ignore[union-attr]
            if getattr(authority.status.code, "value", None) == "ER_SUCCESS_MATCH" and authority.values:
                resolved = authority.values[0].value.id
                break
    except (AttributeError, TypeError):  # no resolutions, or a forged shape
        pass
    return (value if isinstance(value, str) else ""), (resolved if isinstance(resolved, str) else None)
