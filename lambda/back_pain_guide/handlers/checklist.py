"""The spoken red-flag checklist: starting it, and every turn while it waits for an answer.

The decisions live in :mod:`back_pain_guide.checklist`; this module only maps intents to
answers and outcomes to speech.
"""
from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, is_intent_name, is_request_type
from ask_sdk_model import Response

from ..checklist import Answer, Outcome, Result, State
from ..conversation import Session, checklist, respond, voice_for
from ..speech import Reply, Voice

ANSWERS = {"AMAZON.YesIntent": Answer.YES, "AMAZON.NoIntent": Answer.NO, "UnsureIntent": Answer.UNSURE}
# Intents with a meaning of their own inside the checklist; anything else pauses it.
CHECKLIST_INTENTS = frozenset(ANSWERS) | {
    "AMAZON.HelpIntent", "AMAZON.RepeatIntent", "AMAZON.FallbackIntent", "AMAZON.StopIntent",
    "AMAZON.CancelIntent", "AMAZON.StartOverIntent", "AMAZON.MoreIntent", "AMAZON.NextIntent",
    "AMAZON.NavigateHomeIntent", "ChecklistIntent",
}


def _question_text(voice: Voice, state: State) -> str:
    question = checklist().current(state)
    return voice.say("checklist_question", number=state.index + 1, text=question.text)


def ask(handler_input: HandlerInput, state: State, intro: str = "") -> Response:
    """Ask the current question (with an optional lead-in) and wait for the answer."""
    voice = voice_for(handler_input)
    Session(handler_input).save_checklist(state, active=True)
    question = checklist().current(state)
    return respond(handler_input, Reply(
        body=intro,
        follow_up=_question_text(voice, state),
        reprompt=voice.say("checklist_reprompt", text=question.text),
    ), in_checklist=True)


def start(handler_input: HandlerInput, lead_in: str = "") -> Response:
    voice = voice_for(handler_input)
    intro = voice.say("checklist_intro", count=len(checklist()))
    return ask(handler_input, checklist().start().state, " ".join(p for p in (lead_in, intro) if p))


def resume(handler_input: HandlerInput) -> Response:
    """Go back to a paused checklist where it was, or start again if its state is unusable."""
    voice = voice_for(handler_input)
    state = Session(handler_input).checklist_state
    if state is None:
        return start(handler_input, voice.say("checklist_state_reset"))
    return ask(handler_input, state, voice.say("checklist_resumed"))


def _answer_word(voice: Voice, answer: Answer) -> str:
    return voice.say({Answer.YES: "answer_yes", Answer.NO: "answer_no", Answer.UNSURE: "answer_unsure"}[answer])


def _result_card(voice: Voice, outcome: Outcome, advice: str) -> str:
    questions = checklist().questions
    lines = [f"{voice.write('checklist_card_answers')}:"]
    for question, (_, answer) in zip(questions, outcome.state.answers):
        lines.append(f"- {question.text} {_answer_word(voice, answer)}")
    lines.append(f"\n{voice.write('checklist_card_advice')}: {advice}")
    lines.append(voice.write("card_disclaimer"))
    return "\n".join(lines)


def finish(handler_input: HandlerInput, outcome: Outcome) -> Response:
    """Speak the result of a finished (or emergency-stopped) checklist."""
    voice = voice_for(handler_input)
    session = Session(handler_input)
    session.save_checklist(None)
    title = voice.write("checklist_card_title")
    if outcome.result is Result.EMERGENCY:
        question, answer = outcome.question, outcome.answer
        assert question is not None and answer is not None
        values = dict(summary=question.summary, reason=question.reason)
        note = voice.say("checklist_unsure_note") + " " if answer is Answer.UNSURE else ""
        body = voice.say("checklist_emergency", **values, note=note)  # the number first, then the note
        card = _result_card(voice, outcome, voice.write("checklist_emergency", **values, note=""))
        return respond(handler_input, Reply(body=body, card_title=voice.write("emergency_card_title"),
                                            card_text=card, end_session=True),
                       in_checklist=True)
    if outcome.result is Result.URGENT:
        summaries = [q.summary for q, _ in outcome.flagged]
        listed = ", ".join(summaries[:-1]) + (" and " if len(summaries) > 1 else "") + summaries[-1]
        body = voice.say("checklist_urgent", summaries=listed)
        if any(a is Answer.UNSURE for _, a in outcome.flagged):
            body = voice.say("checklist_unsure_note") + " " + body
        card = _result_card(voice, outcome, voice.write("checklist_urgent", summaries=listed))
    else:
        body = voice.say("checklist_clear")
        card = _result_card(voice, outcome, voice.write("checklist_clear"))
    home_care = voice.content.topics.get("home_care")
    offer = {"action": "topic", "topic": home_care.id} if home_care else None
    return respond(handler_input, Reply(
        body=body, follow_up=voice.say("checklist_after_result") if offer else voice.say("what_else"),
        card_title=title, card_text=card, offer=offer,
    ), in_checklist=True)


class ChecklistStartHandler(AbstractRequestHandler):
    """ "Check my symptoms": start the checklist, or go back to one that was paused."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("ChecklistIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        if Session(handler_input).checklist_state is not None:
            return resume(handler_input)
        return start(handler_input)


class ChecklistTurnHandler(AbstractRequestHandler):
    """Every turn while a checklist question is waiting for its answer."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if not is_request_type("IntentRequest")(handler_input):
            return False
        return Session(handler_input).checklist_active and get_intent_name(handler_input) in CHECKLIST_INTENTS

    def handle(self, handler_input: HandlerInput) -> Response:
        voice = voice_for(handler_input)
        intent = get_intent_name(handler_input)
        state = Session(handler_input).checklist_state
        if state is None:  # tampered or stale: never skip ahead, start from the first question
            return start(handler_input, voice.say("checklist_state_reset"))
        if intent in ANSWERS:
            outcome = checklist().answer(state, ANSWERS[intent])
            if outcome.result is Result.ASK:
                return ask(handler_input, outcome.state)
            return finish(handler_input, outcome)
        if intent in ("AMAZON.StopIntent", "AMAZON.CancelIntent"):
            Session(handler_input).save_checklist(None)
            return respond(handler_input, Reply(body=voice.say("checklist_stopped"), end_session=True),
                           in_checklist=True)
        if intent in ("AMAZON.StartOverIntent", "ChecklistIntent"):
            return ask(handler_input, checklist().start().state, voice.say("checklist_restart"))
        if intent == "AMAZON.NavigateHomeIntent":
            Session(handler_input).save_checklist(None)
            return respond(handler_input, Reply(body=voice.say("start_over"), follow_up=voice.say("launch_options")))
        if intent == "AMAZON.HelpIntent":
            return ask(handler_input, state, voice.say("checklist_help"))
        if intent == "AMAZON.RepeatIntent":
            return ask(handler_input, state)
        # Fallback, "more", "next" and anything unexpected: ask for yes or no again.
        return ask(handler_input, state, voice.say("checklist_need_answer"))
