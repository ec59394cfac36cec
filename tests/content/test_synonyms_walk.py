"""Every topic can be asked for by its title and by each of its synonyms, in the console.

"tell me about <name>" goes through the console's utterance resolver (built from the
interaction model) to the skill, and the listener must hear that topic's first chunk.
"""

from __future__ import annotations

import pytest

from back_pain_guide.content import get_content
from back_pain_guide.local.nlu import resolver_for
from back_pain_guide.speech import Voice

CONTENT = get_content()
VOICE = Voice(CONTENT, "en-US")


def names(topic) -> list[str]:
    """The title and every synonym, as a listener would say them."""
    return list(dict.fromkeys([topic.title.lower().replace("-", " ").replace(",", ""), *topic.synonyms]))


@pytest.mark.parametrize("topic_id", sorted(CONTENT.topics))
def test_each_name_of_a_topic_reads_that_topic(listener, topic_id):
    topic = CONTENT.topics[topic_id]
    first_chunk = VOICE.speak_text(topic.chunks[0])
    listener.open()
    for name in names(topic):
        speech = listener.say(f"tell me about {name}")
        assert listener.intent == "TopicIntent", name
        assert first_chunk in speech, f"{name!r} did not read {topic_id}: {speech[:120]!r}"
        assert listener.card["title"] == topic.title, name


@pytest.mark.parametrize("locale", sorted(CONTENT.locales))
def test_each_name_resolves_to_its_topic_in_every_locale(locale):
    resolver = resolver_for(locale)
    wrong = []
    for topic in CONTENT.topics.values():
        for name in names(topic):
            resolution = resolver.resolve(f"tell me about {name}")
            slot = resolution.slots.get("topic")
            if resolution.intent != "TopicIntent" or slot is None or slot.resolved_id != topic.id:
                wrong.append((name, topic.id, resolution.intent, slot and slot.resolved_id))
    assert wrong == []


@pytest.mark.parametrize("topic_id", sorted(t.id for t in CONTENT.topics.values() if t.treatment))
def test_asking_how_to_treat_a_topic_reads_its_treatment_part(listener, topic_id):
    topic = CONTENT.topics[topic_id]
    listener.open()
    speech = listener.say(f"how do i treat {topic.synonyms[0]}")
    assert listener.intent == "RemediesIntent"
    assert VOICE.speak_text(topic.treatment[0]) in speech


def test_a_name_no_topic_has_does_not_read_a_topic(listener):
    """The walk can fail: words that name no topic are not answered with a topic's first chunk."""
    listener.open()
    speech = listener.say("tell me about purple elephants")
    assert not any(VOICE.speak_text(t.chunks[0]) in speech for t in CONTENT.topics.values())
