"""Free-form questions (AMAZON.SearchQuery) and utterances that name an emergency sign."""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Callable, NamedTuple, Sequence

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_slot, is_intent_name
from ask_sdk_model import Response

from .. import answers
from ..answers import Reading
from ..content import Question, Topic, get_content
from ..conversation import Session, respond, voice_for
from ..speech import Reply, Voice
from .checklist import ask as ask_checklist_question

if TYPE_CHECKING:  # imported when first needed: a launch or a checklist turn never searches
    from ..safety import EmergencyDetector, EmergencyMatch
    from ..search import Hit, TopicIndex

QUERY_SLOT = "query"
# Longer than anyone can say in one turn; a forged request's megabytes are cut to this before
# matching (a 10 MB query took over 15 s to search, past Alexa's 8-second limit).
MAX_QUESTION_CHARS = 1000
NEXT_BEST_SHARE = 0.5  # the runner-up is offered when it scores at least this share of the best


@lru_cache(maxsize=1)
def detector() -> EmergencyDetector:
    from ..safety import EmergencyDetector
    return EmergencyDetector(get_content())


@lru_cache(maxsize=1)
def index() -> TopicIndex:
    from ..search import TopicIndex
    return TopicIndex(get_content())


@lru_cache(maxsize=1)
def word_splitter() -> Callable[[str], tuple[str, ...]]:
    """``text.words``, imported with the first question like the detector and the index."""
    from ..text import words
    return words


class Found(NamedTuple):
    """What a question leads to: emergency advice, ranked topics, or neither (decline)."""

    emergency: EmergencyMatch | None = None
    hits: tuple[Hit, ...] = ()


def find_answer(question: str, context: Sequence[str] = ()) -> Found:
    """Emergency words first; then the ranked topics. The one path the handler and the benchmark share."""
    question_words = word_splitter()(question)  # split once, for both
    match = detector().detect_words(question_words) if question else None
    if match is not None:
        return Found(emergency=match)
    return Found(hits=tuple(index().rank_words(question_words, context=context)))


def emergency_reply(voice: Voice, question: Question) -> Reply:
    """Emergency advice first and alone: the number, what to say, and the session ends."""
    body = voice.say("emergency_sign_heard", reason=question.reason, summary=question.summary)
    return Reply(body=body, card_title=voice.write("emergency_card_title"),
                 card_text=voice.write("emergency_sign_heard", reason=question.reason, summary=question.summary),
                 end_session=True)


def next_best(voice: Voice, hits: Sequence[Hit], seen: Sequence[str]) -> Topic | None:
    """The runner-up if it is a close second, else the first related topic not heard yet."""
    top = hits[0]
    for hit in hits[1:]:
        if hit.score >= NEXT_BEST_SHARE * top.score and hit.topic.id not in seen:
            return hit.topic
    return answers.next_topic(voice, top.topic, [*seen, top.topic.id])


def answer_reply(voice: Voice, hits: Sequence[Hit], seen: Sequence[str]) -> tuple[Reading, Reply]:
    """Read the best chunk of the best topic; offer the rest of it, and name the next-best topic."""
    top = hits[0]
    reading = Reading(top.topic, top.part, top.index)
    reply = answers.read(voice, reading, seen)
    following = next_best(voice, hits, seen)
    other = following is not None and following.id != top.topic.id
    if reading.has_more:
        follow_up = voice.say("question_more_or_topic", title=following.title.lower()) if other else reply.follow_up
        reply = reply._replace(follow_up=follow_up, offer={"action": "more"})
    elif other:
        reply = reply._replace(follow_up=voice.say("related_offer", title=following.title.lower()),
                               offer={"action": "topic", "topic": following.id})
    return reading, reply


def not_again(hits: Sequence[Hit], current: Reading | None) -> Sequence[Hit]:
    """A follow-up whose best answer is the chunk just read gets the runner-up instead."""
    if current is None or len(hits) < 2:
        return hits
    top = hits[0]
    if (top.topic.id, top.part, top.index) != (current.topic.id, current.part, current.index):
        return hits
    return [hits[1], top, *hits[2:]]


def decline_reply(voice: Voice) -> Reply:
    return Reply(body=voice.say("not_understood_question"), reprompt=voice.say("question_reprompt"))


def answer_question(handler_input: HandlerInput, question: str) -> Response:
    """Emergency words win; otherwise the best-matching chunk, or an honest "I don't know"."""
    voice = voice_for(handler_input)
    session = Session(handler_input)
    seen = session.asked
    found = find_answer(question[:MAX_QUESTION_CHARS], seen)
    if found.emergency is not None:
        return respond(handler_input, emergency_reply(voice, found.emergency.question))
    if not found.hits:
        state = session.checklist_state if session.checklist_active else None
        if state is not None:
            # "i guess not" while a checklist question waits: ask for the answer again, as
            # the checklist does with anything it cannot use, rather than a decline.
            return ask_checklist_question(handler_input, state, voice.say("checklist_need_answer"))
        return respond(handler_input, decline_reply(voice))
    reading, reply = answer_reply(voice, not_again(found.hits, session.reading), seen)
    session.reading = reading
    return respond(handler_input, reply)


class QuestionIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("QuestionIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        try:
            slot = get_slot(handler_input, QUERY_SLOT)
        except Exception:  # not an IntentRequest, or an intent without slots
            slot = None
        query = getattr(slot, "value", None)
        return answer_question(handler_input, query if isinstance(query, str) else "")


class EmergencySignIntentHandler(AbstractRequestHandler):
    """An utterance that names an emergency sign: advice first, wherever we are (checklist too)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("EmergencySignIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        voice = voice_for(handler_input)
        # The intent carries no words, so the advice names no particular sign.
        return respond(handler_input, Reply(
            body=voice.say("emergency_generic"), card_title=voice.write("emergency_card_title"),
            card_text=voice.write("emergency_generic"), end_session=True,
        ))
