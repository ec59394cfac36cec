"""Free-form answering without the ASK SDK: emergency words first, then the ranked topics.

The one path the QuestionIntent handler, the benchmarks and the tests share. The detector and
the index are built on first use, once per process: a launch or a checklist turn never loads them
(nor this module: the handlers import it when a question comes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from .content import get_content

if TYPE_CHECKING:
    from .safety import Detection, EmergencyDetector
    from .search import Hit, TopicIndex


@lru_cache(maxsize=1)
def detector() -> EmergencyDetector:
    from .safety import EmergencyDetector, load_lexicon

    return EmergencyDetector(load_lexicon())


@lru_cache(maxsize=1)
def index() -> TopicIndex:
    from .search import TopicIndex

    return TopicIndex(get_content())


@lru_cache(maxsize=1)
def word_splitter() -> Callable[[str], tuple[str, ...]]:
    """``text.words``, imported with the first question like the detector and the index."""
    from .text import words

    return words


class Found(NamedTuple):
    """What a question leads to: emergency advice, ranked topics, or neither (decline)."""

    emergency: Detection | None = None
    hits: tuple[Hit, ...] = ()
    first_steps: bool = False  # a first cry for help: the self-care essentials, then the warning-sign check


def find_answer(
    question: str,
    context: Sequence[str] = (),
    detect: bool = True,
    asked: bool | None = False,
    asking: str | None = None,
) -> Found:
    """Emergency words first; then the ranked topics. The one path the handler and the benchmark share.

    ``asked``: True when the words came after a question's carrier phrase ("when should I {query}"),
    which Alexa takes away; None when they may have (a topic slot's words). ``asking``: the
    checklist question waiting for an answer. See ``safety``."""
    question_words = word_splitter()(question)  # split once, for both
    match = (
        detector().detect_words(question_words, asked=asked, asking=asking) if question and detect else None
    )
    if match is not None:
        return Found(emergency=match)
    ranker = index()
    hits = tuple(ranker.rank_words(question_words, context=context))
    lexicon = ranker.analyzer.lexicon
    return Found(
        hits=hits,
        first_steps=lexicon.is_first_cry(question_words)
        or (
            bool(hits)
            and hits[0].topic.id == lexicon.first_steps_topic
            and lexicon.asks_first_steps(question_words)
        ),
    )
