"""The learned topic model (issue #18): current with its inputs, loads with the first question,
and its blend with the lexical ranker changes what a listener hears where words alone fail,
while questions outside the skill are still declined."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from back_pain_guide.content import get_content
from back_pain_guide.freeform import index
from back_pain_guide.search import TopicIndex
from back_pain_guide.speech import Voice
from back_pain_guide.text import words
from back_pain_guide.topic_model import DECLINE, MODEL_PATH, TopicModel, topic_model

ROOT = Path(__file__).resolve().parents[2]
CONTENT = get_content()
VOICE = Voice(CONTENT, "en-US")


def lexical_index() -> TopicIndex:
    """The ranker without its topic model: what the skill answered before the blend."""
    ranker = TopicIndex(CONTENT)
    ranker.__dict__["topic_model"] = None
    return ranker


def test_the_model_file_is_current_with_its_inputs():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "train_topic_model.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_model_loads_in_a_few_milliseconds_and_knows_every_topic():
    with open(MODEL_PATH, "rb") as file:
        blob = file.read()
    start = time.perf_counter()
    model = TopicModel(blob)
    elapsed_ms = (time.perf_counter() - start) * 1e3
    assert set(model.model.classes) == set(CONTENT.topics) | {DECLINE}
    assert elapsed_ms < 60  # a few ms on an idle machine; generous for a loaded test run
    assert index().topic_model is topic_model() is not None


def test_the_model_reads_meaning_the_words_do_not_share():
    probabilities = topic_model().probabilities(
        index().analyzer, words("my back went when i bent down to pick up the kids toys")
    )
    assert max(probabilities, key=probabilities.__getitem__) == "strains_sprains"


@pytest.mark.parametrize(
    "question, before, after",
    [
        # dev questions (round 10) the lexical ranker declined or answered wrongly
        ("my back went when i bent down to pick up the kids toys", None, "strains_sprains"),
        ("which tablet is good for back pain", "topical_pain_relief", "over_the_counter_pain_relief"),
        ("my back hurts when i lie down how should i sleep", "stay_active", "sleep_position"),
    ],
)
def test_the_blend_changes_the_answer_a_listener_hears(listener, question, before, after):
    lexical = lexical_index().rank(question)
    assert (lexical[0].topic.id if lexical else None) == before
    listener.open()
    listener.say(question)
    assert listener.card["title"] == VOICE.spell(CONTENT.topics[after].title)


@pytest.mark.parametrize(
    "question",
    [
        "what is the capital of france",
        "how do i fix a flat tyre on my bike",
        "what's good for knee pain",
        "can you recommend a good pizza place",
    ],
)
def test_questions_outside_the_skill_are_still_declined(listener, question):
    listener.open()
    speech = listener.say(question)
    assert listener.card is None or listener.card.get("title") not in {
        VOICE.spell(t.title) for t in CONTENT.topics.values()
    }
    assert any(
        speech.startswith(VOICE.say(key)) for key in ("not_understood_question", "unknown_topic", "fallback")
    ), speech


@pytest.mark.parametrize(
    "question, topic",
    [
        ("which mattress should I buy for a bad back", "mattresses"),  # "buy" reads as an errand
        ("can I take ibuprofen if I have high blood pressure", "nsaids"),  # another condition named
    ],
)
def test_the_model_answers_what_the_off_topic_words_alone_would_decline(listener, question, topic):
    assert index().analyzer.lexicon.is_off_topic(words(question))  # the words alone decline it
    assert lexical_index().rank(question) == []
    listener.open()
    listener.say(question)
    assert listener.card["title"] == VOICE.spell(CONTENT.topics[topic].title)


def test_the_shipped_index_uses_the_model_trained_beside_it():
    assert index().topic_model is not None
