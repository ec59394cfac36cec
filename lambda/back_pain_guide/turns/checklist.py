"""The spoken checklist's turns: asking a question, applying an answer, speaking the result.

The decisions live in :mod:`back_pain_guide.checklist`; this module maps outcomes to speech.

Privacy: what the listener answered is spoken back in the room (it is their own answer) but
never written anywhere that outlives the session: the result card (kept in the Alexa app's
history) and the screen carry the advice for the result's level and the signs to watch for,
never the answers, the signs flagged or a say-back note.
"""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from ..checklist import Answer, Outcome, Result, State
from ..conversation import Session, checklist, respond, voice_for
from ..offers import Offer
from ..slots import slot_words
from ..speech import Reply, Voice

PARTLY_INTENT = "PartlyIntent"


DEGREE_SLOT = "degree"


ANSWERS = {
    "AMAZON.YesIntent": Answer.YES,
    "AMAZON.NoIntent": Answer.NO,
    "UnsureIntent": Answer.UNSURE,
    PARTLY_INTENT: Answer.PARTLY,
}


# What "a little" and its kin are said back as: the resolved value's id, to our own words (never
# the listener's words, which could be anything a forged request carries).
DEGREE_WORDS = {
    "a_little": "a little",
    "a_bit": "a bit",
    "sort_of": "sort of",
    "kind_of": "kind of",
    "slightly": "slightly",
    "somewhat": "somewhat",
}


def degree_heard(handler_input: HandlerInput) -> tuple[str | None, str]:
    """(our words for the resolved degree, or None; the slot's raw words) of a PartlyIntent."""
    value, resolved = slot_words(handler_input, DEGREE_SLOT)
    return (DEGREE_WORDS.get(resolved) if resolved else None), value


def answer_note(voice: Voice, answer: Answer | None, degree: str | None) -> str:
    """What is said back at the answer that counts as a yes without being one."""
    if answer is Answer.UNSURE:
        return voice.say("checklist_unsure_note")
    if answer is Answer.PARTLY:
        return voice.say("checklist_partly_note", degree=degree or DEGREE_WORDS["a_little"])
    return ""


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _question_text(voice: Voice, state: State) -> str:
    if checklist().at_gate(state):
        return voice.say("checklist_offer_more")
    question = checklist().current(state)
    return voice.say("checklist_question", number=state.position + 1, text=question.text)


def ask(handler_input: HandlerInput, state: State, intro: str = "", note: str = "") -> Response:
    """Ask the current question (or the gate), after an optional lead-in, and wait for the answer.

    ``note`` (a say-back) is spoken just before the question, in the follow-up: screens show
    ``intro`` only, so no answer reaches a screen."""
    voice = voice_for(handler_input)
    Session(handler_input).save_checklist(state, active=True)
    if checklist().at_gate(state):
        reprompt = voice.say("checklist_offer_more_reprompt")
    else:
        reprompt = voice.say("checklist_reprompt", text=checklist().current(state).text)
    return respond(
        handler_input,
        Reply(body=intro, follow_up=_join(note, _question_text(voice, state)), reprompt=reprompt),
        in_checklist=True,
    )


def start(handler_input: HandlerInput, lead_in: str = "") -> Response:
    voice = voice_for(handler_input)
    intro = voice.say("checklist_intro", count=checklist().emergency_count)
    return ask(handler_input, checklist().start().state, _join(lead_in, intro))


def resume(handler_input: HandlerInput) -> Response:
    """Go back to a paused checklist where it was, or start again if its state is unusable."""
    voice = voice_for(handler_input)
    state = Session(handler_input).checklist_state
    if state is None:
        return start(handler_input, voice.say("checklist_state_reset"))
    return ask(handler_input, state, voice.say("checklist_resumed"))


def _summaries(outcome: Outcome) -> str:
    summaries = [q.summary for q, _ in outcome.flagged]
    return ", ".join(summaries[:-1]) + (" and " if len(summaries) > 1 else "") + summaries[-1]


def _advice(voice: Voice, flagged) -> str:
    """The flagged questions' own advice (a cancer history: the cancer team within 24 hours)."""
    return "".join(voice.speak_text(q.advice) + " " for q, _ in flagged if q.advice)


def result_display(voice: Voice, result: Result) -> str:
    """What a screen shows for a finished checklist: the level's advice and the signs to watch
    for. The same for everyone at that level: no answer, no flagged sign."""
    key = {Result.SAME_DAY: "checklist_card_same_day", Result.SOON: "checklist_card_soon"}.get(
        result, "checklist_card_clear"
    )
    return f"{voice.write(key)}\n\n{voice.write('checklist_card_watch')}"


def result_card(voice: Voice, result: Result) -> str:
    """The card for a finished checklist: what the screen shows, and the disclaimer."""
    return f"{result_display(voice, result)}\n\n{voice.write('card_disclaimer')}"


def finish(handler_input: HandlerInput, outcome: Outcome, degree: str | None = None) -> Response:
    """Speak the result of a finished (or emergency-stopped) checklist."""
    voice = voice_for(handler_input)
    Session(handler_input).save_checklist(None)
    note = answer_note(voice, outcome.answer, degree) if not outcome.early else ""
    if outcome.result is Result.EMERGENCY:
        question = outcome.question
        assert question is not None
        # The number first ("Call nine nine nine now."), then the say-back, then why.
        body = voice.say(
            "checklist_emergency",
            summary=question.summary,
            reason=question.reason,
            note=note + " " if note else "",
        )
        generic = voice.write("emergency_card")  # the card and screen say what to do, not why
        return respond(
            handler_input,
            Reply(
                body=body,
                card_title=voice.write("emergency_card_title"),
                card_text=generic,
                display=generic,
                end_session=True,
            ),
            in_checklist=True,
        )
    if outcome.result is Result.SAME_DAY:
        body = voice.say(
            "checklist_same_day", summaries=_summaries(outcome), advice=_advice(voice, outcome.flagged)
        )
    elif outcome.result is Result.SOON:
        body = voice.say(
            "checklist_soon", summaries=_summaries(outcome), advice=_advice(voice, outcome.flagged)
        )
    elif outcome.early:
        body = voice.say("checklist_finished_early")
    else:
        body = voice.say("checklist_clear")
    card, display = result_card(voice, outcome.result), result_display(voice, outcome.result)
    home_care = voice.content.topics.get("home_care")
    offer = Offer.of_topic(home_care.id) if home_care else None
    return respond(
        handler_input,
        Reply(
            body=_join(note, body),
            follow_up=voice.say("checklist_after_result") if offer else voice.say("what_else"),
            card_title=voice.write("checklist_card_title"),
            card_text=card,
            display=display,
            offer=offer,
        ),
        in_checklist=True,
    )


def stop(handler_input: HandlerInput, state: State) -> Response:
    """Stop mid-way: end the session, with the advice the answers so far already call for."""
    voice = voice_for(handler_input)
    Session(handler_input).save_checklist(None)
    flagged = checklist().flagged(state)
    level = checklist().level(flagged)
    if level is Result.SAME_DAY:
        body = voice.say("checklist_stopped_same_day", advice=_advice(voice, flagged))
    elif level is Result.SOON:
        body = voice.say("checklist_stopped_soon", advice=_advice(voice, flagged))
    else:
        body = voice.say("checklist_stopped")
    return respond(handler_input, Reply(body=body, end_session=True), in_checklist=True)


def answer(handler_input: HandlerInput, state: State, given: Answer, degree: str | None = None) -> Response:
    """Apply one answer and say what comes next; a say-back note goes with the answer it is about."""
    voice = voice_for(handler_input)
    outcome = checklist().answer(state, given)
    if outcome.result is Result.ASK or outcome.result is Result.OFFER_MORE:
        at_gate_before = checklist().at_gate(state)
        note = "" if at_gate_before else answer_note(voice, given, degree)
        return ask(handler_input, outcome.state, note=note)
    return finish(handler_input, outcome, degree)
