"""The question path's shortcuts give exactly what the plain ways of working gave (issue #8).

The ranker sorts only the topics over the score bar, and picks the
passage from the terms some passage has; find_answer splits the question into words once for
both. Each is checked here against the plain version on the real content.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from back_pain_guide.content import get_content
from back_pain_guide.freeform import detector, find_answer, index
from back_pain_guide.safety import load_lexicon
from back_pain_guide.search import FIRST_CHUNK_EDGE, Hit, TopicIndex
from back_pain_guide.text import normalise, words

CONTENT = get_content()
HERE = Path(__file__).parent


def eval_questions() -> list[str]:
    questions = []
    for name in ("eval_questions.json", "holdout_questions.json"):
        questions += [q["q"] for q in json.loads((HERE / name).read_text(encoding="utf-8"))["questions"]]
    return questions


def emergency_texts() -> list[str]:
    return [text for sign in load_lexicon()["signs"] for text in sign["samples"]]


def mixed_texts(count: int = 1500) -> list[str]:
    """Questions, emergency wordings, and random mixes of their words (with and without the "i")."""
    texts = eval_questions() + emergency_texts()
    vocabulary = sorted({w for text in texts for w in words(text)})
    rng = random.Random(8)
    mixes = [" ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 8))) for _ in range(count)]
    return texts + mixes + [t.replace("i ", "") for t in emergency_texts()] + ["", "!!!", "i", "I FELL!"]


def test_words_are_the_words_of_the_normalised_text():
    for text in [*mixed_texts(200), "Can't  STAND’s up-right?", "a`b'c’d", "\tnew\nline\xa0x"]:
        assert words(text) == tuple(normalise(text).split())


def test_find_answer_gives_what_the_detector_and_the_ranker_give_on_the_text():
    for question in eval_questions():
        for context in ((), ("sciatica",), ("heat_and_ice", "sciatica")):
            found = find_answer(question, context)
            match = detector().detect(question)
            assert found.emergency == match, question
            assert found.hits == (() if match else tuple(index().rank(question, context=context))), question


def test_ranking_agrees_with_every_topic_scored():
    """rank sorts only the topics over the bar; scores sorts them all: the tops must agree (the
    lexical ranking, before the topic model reorders it: test_topic_model.py)."""
    ranker = TopicIndex(CONTENT)
    ranker.__dict__["topic_model"] = None
    lexicon = ranker.analyzer.lexicon
    for question in eval_questions():
        if lexicon.is_first_cry(words(question)) or lexicon.is_off_topic(words(question)):
            continue  # not ranked at all (test_scope_and_first_steps.py)
        for context in ((), ("sciatica", "herniated_disk")):
            ranked, coverage = ranker.scores(question, context)
            hits = ranker.rank(question, context=context)
            if (
                not ranked
                or ranked[0][0] < ranker.min_score
                or coverage < ranker.coverage_bar(words(question), context, ranked[0][1])
            ):
                # Declined, or the self-care essentials for a question that asks what to do.
                essentials = lexicon.asks_first_steps(words(question))
                assert [h.topic.id for h in hits] == (["home_care"] if essentials else []), question
                continue
            over = [(score, position) for score, position in ranked[:3] if score >= ranker.min_score]
            expected = [(score, ranker._topics[position].id) for score, position in over]
            got = [(h.score, h.topic.id) for h in hits]
            if got[0] != expected[0]:
                # Two related choices named together: the topic that covers both comes first, at
                # the best score, then the others in their order.
                assert expected[0][1] in hits[0].topic.related, question
                assert len({e[1] for e in expected} & set(hits[0].topic.related)) >= 2, question
                assert got[0][0] == expected[0][0], question
                assert got[1:] == [e for e in expected if e[1] != got[0][1]][: len(got) - 1], question
                continue
            assert got == expected, question


def test_the_passage_read_is_the_one_every_asked_term_picks():
    """The passage choice skips terms no passage has; weighing every asked term picks the same."""
    ranker = index()
    for question in eval_questions():
        hits = ranker.rank(question)
        if not hits:
            continue
        position = ranker._position[hits[0].topic.id]
        weights = ranker._query(words(question), []).weights
        record = ranker._stored.topic(position)
        values = [
            sum(w * passage_values.get(t, 0.0) for t, w in weights.items() if t not in record.name_terms)
            for _, _, passage_values in record.passages
        ]
        values[0] += FIRST_CHUNK_EDGE
        part, chunk, _ = record.passages[values.index(max(values))]
        assert (hits[0].part, hits[0].chunk) == (part, chunk), question


def test_a_hit_is_still_read_by_name():
    hit = index().rank("why does my lower back hurt when i bend over")[0]
    assert isinstance(hit, Hit) and hit.topic.id == "strains_sprains" and hit.part in ("chunks", "treatment")
