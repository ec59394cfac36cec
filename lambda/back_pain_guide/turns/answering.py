"""Answering what was said: emergency words first, then the chunk that answers, or an honest
"I don't know". Shared by every handler that hears free words (questions, statements, topic
words Alexa could not match, words said mid-checklist or mid-routine)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from .. import answers
from ..answers import Reading
from ..checklist import Answer
from ..content import Topic
from ..conversation import Session, checklist, respond, voice_for
from ..offers import MAX_QUESTION_CHARS, Offer
from ..speech import Reply, Voice
from .checklist import answer as answer_checklist
from .checklist import ask as ask_checklist_question

if TYPE_CHECKING:  # imported when first needed: a launch or a checklist turn never searches
    from ..safety import Sign
    from ..search import Hit

# Longer than anyone can say in one turn; a forged request's megabytes are cut to this before
# matching (a 10 MB query took over 15 s to search, past Alexa's 8-second limit).

NEXT_BEST_SHARE = 0.5  # the runner-up is offered when it scores at least this share of the best


def emergency_reply(voice: Voice, sign: Sign | None = None) -> Reply:
    """Emergency advice first and alone: the number in the first words, why, that Alexa can't
    make the call, what to tell the call handler; the session ends. The card (kept in the Alexa
    app, where the household can read it) says what to do, never what the listener said."""
    body = (
        voice.say("emergency_sign_heard", why=sign.why, tell=sign.tell)
        if sign is not None
        else voice.say("emergency_generic")
    )
    return Reply(
        body=body,
        card_title=voice.write("emergency_card_title"),
        card_text=voice.write("emergency_card"),
        end_session=True,
    )


def confirm_reply(voice: Voice, sign: Sign, question: str) -> Reply:
    """One short question when the words only suggest a warning sign; the offer remembers what
    was asked, so a "no" answers it."""
    confirm = voice.speak_text(sign.confirm)
    return Reply(
        body=confirm,
        reprompt=voice.say("confirm_reprompt", question=confirm),
        offer=Offer.confirm_emergency(sign.id, question),
    )


def settle_confirmation(handler_input: HandlerInput, offer: Offer, confirmed: bool) -> Response:
    """The answer to a confirming question: yes or not sure gets the advice; no, the answer."""
    from ..freeform import detector

    voice = voice_for(handler_input)
    if confirmed or not offer.question:  # nothing to go back to: only the safe reading is left
        return respond(handler_input, emergency_reply(voice, detector().signs.get(offer.sign)))
    return answer_question(handler_input, offer.question, detect=False, lead_in=voice.say("confirm_declined"))


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
    reading = Reading(top.topic, top.part, top.chunk)
    reply = answers.read(voice, reading, seen)
    following = next_best(voice, hits, seen)
    other = following if following is not None and following.id != top.topic.id else None
    if reading.has_more:
        follow_up = (
            voice.say("question_more_or_topic", title=other.title.lower()) if other else reply.follow_up
        )
        reply = reply._replace(follow_up=follow_up, offer=Offer.more())
    elif other:
        reply = reply._replace(
            follow_up=voice.say("related_offer", title=other.title.lower()),
            offer=Offer.of_topic(other.id),
        )
    return reading, reply


def not_again(hits: Sequence[Hit], current: Reading | None) -> Sequence[Hit]:
    """A follow-up whose best answer is the chunk just read gets the runner-up instead."""
    if current is None or len(hits) < 2:
        return hits
    top = hits[0]
    if (top.topic.id, top.part, top.chunk) != (current.topic.id, current.part, current.chunk):
        return hits
    return [hits[1], top, *hits[2:]]


def decline_reply(voice: Voice) -> Reply:
    """ "I don't have information on that", with the safety line and what can be asked."""
    return Reply(body=voice.say("not_understood_question"), reprompt=voice.say("question_reprompt"))


def answer_question(
    handler_input: HandlerInput,
    question: str,
    detect: bool = True,
    lead_in: str = "",
    asked: bool | None = False,
) -> Response:
    """Emergency words win; otherwise the best-matching chunk, or an honest "I don't know"."""
    from ..freeform import detector, find_answer

    voice = voice_for(handler_input)
    session = Session(handler_input)
    seen = session.asked
    question = question[:MAX_QUESTION_CHARS]
    state = session.checklist_state if session.checklist_active else None
    asking = checklist().current(state).id if state is not None else None
    found = find_answer(question, seen, detect=detect, asked=asked, asking=asking)
    opening = detector().answer_opening(question) if state is not None else None
    hint = found.emergency
    if (
        state is not None
        and opening == "no"
        and hint is not None
        and not hint.is_clear
        and asking in hint.sign.answers
    ):
        # "nope, he's peeing fine" at the bladder question: the words name the sign asked about
        # only to deny it. (A hint of another sign still gets its confirming question.)
        return answer_checklist(handler_input, state, Answer.NO)
    if found.emergency is not None:
        sign = found.emergency.sign
        # At the question about this sign, "yes, it's coming very slowly" or "why can't I control
        # my bladder" says yes; bare words only hint ("my waterworks are a bit busy") and a
        # what-if asks ("should I worry if my legs go weak"): they get the sign's check.
        hint_only = found.emergency.via_hint or found.emergency.questioned
        answering = asking in sign.answers and (opening == "yes" or not hint_only)
        if found.emergency.is_clear or answering:
            return respond(handler_input, emergency_reply(voice, sign))
        if state is not None:
            session.save_checklist(
                state, active=False
            )  # paused: "no" answers the question, then offers it back
        return respond(handler_input, confirm_reply(voice, sign, question), in_checklist=True)
    if state is not None and opening is not None:
        # "yes, someone shoved me down the stairs", "nope, he's peeing fine": the listener's own
        # words answer the question that waits (emergency words were heard first, above).
        return answer_checklist(handler_input, state, Answer.YES if opening == "yes" else Answer.NO)
    if not found.hits:
        if state is not None:
            # "i guess not" while a checklist question waits: ask for the answer again, as
            # the checklist does with anything it cannot use, rather than a decline.
            return ask_checklist_question(handler_input, state, voice.say("checklist_need_answer"))
        reply = decline_reply(voice)
        return respond(handler_input, reply._replace(body=f"{lead_in} {reply.body}".strip()))
    reading, reply = answer_reply(voice, not_again(found.hits, session.reading), seen)
    session.reading = reading
    if found.first_steps:  # "my back hurts, what should I do": the essentials, then the check
        reply = reply._replace(follow_up=voice.say("first_steps_offer"), offer=Offer.checklist())
    return respond(handler_input, reply._replace(body=f"{lead_in} {reply.body}".strip()))


def not_understood(handler_input: HandlerInput) -> Response:
    """Words the skill could not use: say so, with the safety line and what can be asked."""
    voice = voice_for(handler_input)
    return respond(handler_input, Reply(body=voice.say("fallback"), reprompt=voice.say("fallback_reprompt")))
