"""Guided back exercises: starting a routine, its safety gate, and every turn while it runs.

What is said at each step comes from :mod:`back_pain_guide.exercises`; this module maps intents
to steps. Emergency words win: the emergency handlers come before these in skill.py, and words
said mid-routine that are no routine control reach the emergency detector here before anything
else. Words about pain or a leg stop the routine with advice.
"""

from __future__ import annotations

from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, is_intent_name, is_request_type
from ask_sdk_model import Response

from .. import apl
from .. import exercises as ex
from ..conversation import Session, respond, voice_for
from ..offers import MAX_QUESTION_CHARS, Offer
from ..slots import slot_words
from ..speech import Reply, Voice
from ..turns.answering import answer_question, emergency_reply, not_understood
from ..turns.navigation import start_over

START_INTENT = "ExerciseIntent"
PAIN_INTENT = "PainIntent"
SLOWER_INTENT = "SlowerIntent"
ROUTINE_SLOT = "routine"
YES, NO, UNSURE, PARTLY = "AMAZON.YesIntent", "AMAZON.NoIntent", "UnsureIntent", "PartlyIntent"
NEXT, MORE, PAUSE, RESUME = (
    "AMAZON.NextIntent",
    "AMAZON.MoreIntent",
    "AMAZON.PauseIntent",
    "AMAZON.ResumeIntent",
)
REPEAT, HELP, FALLBACK = "AMAZON.RepeatIntent", "AMAZON.HelpIntent", "AMAZON.FallbackIntent"
STOP, CANCEL, START_OVER, HOME = (
    "AMAZON.StopIntent",
    "AMAZON.CancelIntent",
    "AMAZON.StartOverIntent",
    "AMAZON.NavigateHomeIntent",
)
WORDS = {"QuestionIntent": "query", "StatementIntent": "query"}
# Intents with a meaning of their own while a routine (or its gate) is under way; anything else
# (a topic, the checklist) is answered as usual and then offers to go back to the routine.
ROUTINE_INTENTS = frozenset(
    {
        YES,
        NO,
        UNSURE,
        PARTLY,
        NEXT,
        MORE,
        PAUSE,
        RESUME,
        REPEAT,
        HELP,
        FALLBACK,
        STOP,
        CANCEL,
        START_OVER,
        HOME,
        START_INTENT,
        PAIN_INTENT,
        SLOWER_INTENT,
        *WORDS,
    }
)
EXERCISE_SCREEN = "exercise"


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _speak(
    handler_input: HandlerInput, reply: Reply, state: ex.State | None, screen: apl.Screen | None = None
) -> Response:
    """Save the state and send the reply, its break tokens as SSML breaks."""
    session = Session(handler_input)
    if state is None:
        session.attrs.pop(ex.ATTRIBUTE, None)
    else:
        session.attrs[ex.ATTRIBUTE] = state.to_dict()
    response = respond(handler_input, reply, in_routine=True, screen=screen)
    speech: Any  # an SsmlOutputSpeech or a PlainTextOutputSpeech
    for speech in (response.output_speech, getattr(response.reprompt, "output_speech", None)):
        if speech is not None and getattr(speech, "ssml", None):
            speech.ssml = ex.with_breaks(speech.ssml)
    return response


# --- the gate -------------------------------------------------------------------------------------
def ask_gate(handler_input: HandlerInput, state: ex.State, lead_in: str = "") -> Response:
    voice = voice_for(handler_input)
    question = ex.gate_question(voice, ex.get_exercises(), state.phase)
    return _speak(
        handler_input,
        Reply(
            body=lead_in, follow_up=question, reprompt=voice.say("exercise_gate_reprompt", question=question)
        ),
        state._replace(aside=False),
    )


def start(handler_input: HandlerInput, wanted: str = "") -> Response:
    """A routine asked for: the safety questions first, every time."""
    voice = voice_for(handler_input)
    return ask_gate(handler_input, ex.State(ex.SIGNS, wanted), voice.say("exercise_gate_intro"))


def emergency(handler_input: HandlerInput) -> Response:

    Session(handler_input).attrs.pop(ex.ATTRIBUTE, None)
    return respond(handler_input, emergency_reply(voice_for(handler_input)))


def gate_answer(handler_input: HandlerInput, state: ex.State, flagged: bool) -> Response:
    """Yes (or not sure) to a sign: the advice, no exercises. No to all: the choice of routine."""
    voice = voice_for(handler_input)
    if state.phase == ex.SIGNS:
        return (
            emergency(handler_input) if flagged else ask_gate(handler_input, state._replace(phase=ex.INJURY))
        )
    if state.phase == ex.INJURY:
        if flagged:
            return ask_gate(handler_input, state._replace(phase=ex.INJURY_CHECK))
        return choose(handler_input, state, voice)
    if flagged:  # a serious injury, or a fall with fragile bones
        return emergency(handler_input)
    home_care = voice.content.topics.get("home_care")
    return _speak(
        handler_input,
        Reply(
            body=voice.say("exercise_injury_advice"),
            follow_up=voice.say("checklist_after_result") if home_care else voice.say("what_else"),
            offer=Offer.of_topic(home_care.id) if home_care else None,
        ),
        None,
    )


def choose(handler_input: HandlerInput, state: ex.State, voice: Voice) -> Response:
    if state.routine:
        return begin(handler_input, state.routine)
    return _speak(
        handler_input,
        Reply(
            body="", follow_up=voice.say("exercise_choose"), reprompt=voice.say("exercise_choose_reprompt")
        ),
        ex.State(ex.CHOOSE),
    )


# --- the routine ----------------------------------------------------------------------------------
def screen(voice: Voice, data: ex.Exercises, state: ex.State) -> apl.Screen:
    """The exercise drawn, its count, and Pause (or Resume), Next and Stop buttons."""
    words = apl.screen_text()["exercise"]
    part, dose = ex.current(data, state)
    routine = ex.routine_of(data, state)
    exercise = dose.exercise
    count = words["count_hold" if dose.hold else "count"].format(
        first=part.first, last=part.last, reps=dose.reps, hold=dose.hold
    )
    if exercise.sides:
        count = words["side"][part.side] + " " + count
    buttons = [b for b in words["buttons"] if b["value"] != ("pause" if state.paused else "resume")]
    return apl.Screen(
        EXERCISE_SCREEN,
        {
            "title": voice.spell(
                words["title"].format(
                    name=routine.name.capitalize(), number=part.dose + 1, count=len(routine.doses)
                )
            ),
            "name": exercise.name,
            "picture": exercise.picture,
            "count": count,
            "text": " ".join(voice.speak_text(s) for s in exercise.position),
            "status": words["paused"] if state.paused else (words["slow"] if state.slow else ""),
            "buttons": [{"value": b["value"], "label": b["label"]} for b in buttons],
            "hint": words["hint"],
        },
    )


def speak_part(
    handler_input: HandlerInput, state: ex.State, lead_in: str = "", position: bool = False
) -> Response:
    voice = voice_for(handler_input)
    data = ex.get_exercises()
    state = state._replace(paused=False, aside=False)
    text = ex.part_speech(voice, data, state, position)
    return _speak(
        handler_input,
        Reply(body=_join(lead_in, text), reprompt=voice.say("exercise_reprompt")),
        state,
        screen(voice, data, state),
    )


def begin(handler_input: HandlerInput, routine_id: str) -> Response:
    voice = voice_for(handler_input)
    data = ex.get_exercises()
    routine = data.routines[routine_id]
    state = ex.State(ex.RUN, routine_id)
    intro = voice.say(
        "exercise_start",
        title=routine.name,
        count=ex.spoken_number(data, len(routine.doses)),
        number=ex.spoken_number(data, routine.minutes),
    )
    text = ex.part_speech(voice, data, state, position=True)
    return _speak(
        handler_input,
        Reply(
            body=_join(intro, text),
            reprompt=voice.say("exercise_reprompt"),
            card_title=voice.write("exercise_card_title"),
            card_text=ex.card_text(voice, data, routine),
        ),
        state,
        screen(voice, data, state),
    )


def advance(handler_input: HandlerInput, state: ex.State) -> Response:
    data = ex.get_exercises()
    if state.part + 1 < len(ex.parts(data, state.routine)):
        return speak_part(handler_input, state._replace(part=state.part + 1))
    voice = voice_for(handler_input)
    home_care = voice.content.topics.get("home_care")
    return _speak(
        handler_input,
        Reply(
            body=voice.say("exercise_finished", title=ex.routine_of(data, state).name),
            follow_up=voice.say("checklist_after_result") if home_care else voice.say("what_else"),
            offer=Offer.of_topic(home_care.id) if home_care else None,
        ),
        None,
    )


def take_up(handler_input: HandlerInput, state: ex.State) -> Response:
    """Back to where the routine was: the gate question, the choice, or the part (from its start)."""
    voice = voice_for(handler_input)
    if state.phase in ex.GATE:
        return ask_gate(handler_input, state)
    if state.phase == ex.CHOOSE:
        return choose(handler_input, state, voice)
    return speak_part(handler_input, state, voice.say("exercise_resumed"), position=True)


def pause(handler_input: HandlerInput, state: ex.State, body: str) -> Response:
    voice = voice_for(handler_input)
    data = ex.get_exercises()
    state = state._replace(paused=True, aside=False)
    return _speak(
        handler_input,
        Reply(body=body, reprompt=voice.say("exercise_paused_reprompt")),
        state,
        screen(voice, data, state),
    )


def stop_for_pain(handler_input: HandlerInput) -> Response:
    return _speak(handler_input, ex.pain_stop_reply(voice_for(handler_input)), None)


def stopped(handler_input: HandlerInput) -> Response:
    return _speak(
        handler_input, Reply(body=voice_for(handler_input).say("exercise_stopped"), end_session=True), None
    )


def words_said(handler_input: HandlerInput, state: ex.State | None, words: str, asked: bool) -> Response:
    """Free words mid-routine: emergency words first, then pain (stop), then an answer; the answer
    offers to go back to the routine (conversation.respond)."""
    from ..freeform import detector

    data = ex.get_exercises()
    found = detector().detect(words[:MAX_QUESTION_CHARS], asked=asked) if words.strip() else None
    running = state is not None and state.phase == ex.RUN
    if found is not None and found.guessed and running and ex.mentions_pain(data, words):
        # "pins and needles in my foot" mid-exercise: the stop, whose advice names the warning
        # signs, rather than a learned guess's confirming question.
        return stop_for_pain(handler_input)
    if found is not None:
        if state is not None and state.phase in ex.GATE and not found.is_clear:
            return gate_answer(handler_input, state, flagged=True)  # a hint of a sign: counted as a yes
        Session(handler_input).attrs.pop(ex.ATTRIBUTE, None)
        return answer_question(handler_input, words, asked=asked)  # the advice, or one confirming question
    if running and ex.mentions_pain(data, words):
        return stop_for_pain(handler_input)
    if state is not None and state.phase in ex.GATE:
        return ask_gate(handler_input, state, voice_for(handler_input).say("exercise_gate_need_answer"))
    return answer_question(handler_input, words, asked=asked)


def _pain_in_slots(handler_input: HandlerInput, attrs: dict) -> bool:
    """True when a routine is running and the words of any slot of the request say something hurts."""
    data = ex.get_exercises()
    state = ex.restore(attrs.get(ex.ATTRIBUTE), data)
    if state is None or state.phase != ex.RUN:
        return False
    slots = getattr(getattr(handler_input.request_envelope.request, "intent", None), "slots", None) or {}
    said = " ".join(
        v for v in (getattr(slot, "value", None) for slot in slots.values()) if isinstance(v, str)
    )
    return ex.mentions_pain(data, said[:MAX_QUESTION_CHARS])


def _wanted(handler_input: HandlerInput) -> tuple[str | None, str]:
    words, resolved = slot_words(handler_input, ROUTINE_SLOT)
    return ex.choice(ex.get_exercises(), resolved, words), words


# --- handlers ----------------------------------------------------------------------------------------
class ExerciseStartHandler(AbstractRequestHandler):
    """ "Guide me through some exercises", "the gentle routine": the safety questions, then the routine."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(START_INTENT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        wanted, words = _wanted(handler_input)
        if wanted is None and words.strip():  # words Alexa could not match to a routine
            return words_said(handler_input, None, words, asked=False)
        return start(handler_input, wanted or "")


class PainIntentHandler(AbstractRequestHandler):
    """ "That hurts", "ouch" outside a routine: heard like any description of pain."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(PAIN_INTENT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:

        return answer_question(handler_input, "it hurts")


class RoutineControlHandler(AbstractRequestHandler):
    """ "Slower", "pause", "resume" with no routine under way: not understood, like any stray words."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return (
            is_intent_name(SLOWER_INTENT)(handler_input)
            or is_intent_name(PAUSE)(handler_input)
            or is_intent_name(RESUME)(handler_input)
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        return not_understood(handler_input)


class ExerciseTurnHandler(AbstractRequestHandler):
    """Every turn while a routine, or its safety questions, are under way."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if not is_request_type("IntentRequest")(handler_input):
            return False
        attrs = Session(handler_input).attrs
        if ex.ATTRIBUTE not in attrs:
            return False
        return get_intent_name(handler_input) in ROUTINE_INTENTS or _pain_in_slots(handler_input, attrs)

    def handle(self, handler_input: HandlerInput) -> Response:
        intent = get_intent_name(handler_input)
        data = ex.get_exercises()
        state = ex.restore(Session(handler_input).attrs.get(ex.ATTRIBUTE), data)
        if state is None:  # tampered or stale: never past the safety questions
            return start(handler_input)
        if intent not in ROUTINE_INTENTS:  # a topic's words that say something hurts ("it's really sore")
            return stop_for_pain(handler_input)
        if intent in WORDS:
            words = slot_words(handler_input, WORDS[intent])[0]
            return words_said(handler_input, state, words, asked=intent == "QuestionIntent")
        if intent in (STOP, CANCEL):
            return stopped(handler_input)
        if intent == HOME:
            return start_over(handler_input)
        if state.phase in ex.GATE:
            return self.gate_turn(handler_input, state, intent)
        if state.phase == ex.CHOOSE:
            return self.choose_turn(handler_input, state, intent)
        return self.run_turn(handler_input, state, intent)

    @staticmethod
    def gate_turn(handler_input: HandlerInput, state: ex.State, intent: str) -> Response:
        voice = voice_for(handler_input)
        if state.aside and intent in (YES, RESUME, MORE, NEXT):
            return ask_gate(handler_input, state)
        if state.aside and intent == NO:
            return _speak(
                handler_input, Reply(body=voice.say("exercise_left"), follow_up=voice.say("what_else")), None
            )
        if intent in (YES, UNSURE, PARTLY, PAIN_INTENT):
            return gate_answer(handler_input, state, flagged=True)
        if intent == NO:
            return gate_answer(handler_input, state, flagged=False)
        if intent == START_OVER:
            return ask_gate(
                handler_input, ex.State(ex.SIGNS, state.routine), voice.say("exercise_gate_restart")
            )
        if intent == HELP:
            return ask_gate(handler_input, state, voice.say("exercise_gate_help"))
        if intent == REPEAT:
            return ask_gate(handler_input, state)
        if intent == START_INTENT:
            wanted, _ = _wanted(handler_input)
            return ask_gate(handler_input, state._replace(routine=wanted or state.routine))
        return ask_gate(handler_input, state, voice.say("exercise_gate_need_answer"))

    @staticmethod
    def choose_turn(handler_input: HandlerInput, state: ex.State, intent: str) -> Response:
        voice = voice_for(handler_input)
        if intent == START_INTENT:
            wanted, _ = _wanted(handler_input)
            if wanted:
                return begin(handler_input, wanted)
        if intent == NO:
            return _speak(
                handler_input, Reply(body=voice.say("exercise_left"), follow_up=voice.say("what_else")), None
            )
        if intent == PAIN_INTENT:
            return stop_for_pain(handler_input)
        lead = voice.say("exercise_help") if intent == HELP else ""
        return _speak(
            handler_input,
            Reply(
                body=lead,
                follow_up=voice.say("exercise_choose"),
                reprompt=voice.say("exercise_choose_reprompt"),
            ),
            ex.State(ex.CHOOSE),
        )

    @staticmethod
    def run_turn(handler_input: HandlerInput, state: ex.State, intent: str) -> Response:
        voice = voice_for(handler_input)
        waiting = state.paused or state.aside
        if intent == PAIN_INTENT:
            return stop_for_pain(handler_input)
        if intent == NEXT or (intent in (YES, MORE) and not waiting):
            return advance(handler_input, state)
        if intent in (RESUME, YES, MORE):
            return take_up(handler_input, state)
        if intent == NO and state.aside:
            return _speak(
                handler_input, Reply(body=voice.say("exercise_left"), follow_up=voice.say("what_else")), None
            )
        if intent in (PAUSE, NO, UNSURE, PARTLY):
            return pause(handler_input, state, voice.say("exercise_paused"))
        if intent == REPEAT:
            return speak_part(handler_input, state, voice.say("exercise_repeat"), position=True)
        if intent == SLOWER_INTENT:
            said = voice.say("exercise_already_slow" if state.slow else "exercise_slower")
            return speak_part(handler_input, state._replace(slow=True), said, position=True)
        if intent == START_OVER:
            routine = ex.routine_of(ex.get_exercises(), state)
            return speak_part(
                handler_input,
                state._replace(part=0),
                voice.say("exercise_restart", title=routine.name),
                position=True,
            )
        if intent == START_INTENT:
            wanted, _ = _wanted(handler_input)
            if wanted and wanted != state.routine:
                return begin(handler_input, wanted)
            return take_up(handler_input, state)
        if intent == HELP:
            return pause(
                handler_input, state, _join(voice.say("exercise_help"), voice.say("exercise_help_then"))
            )
        return pause(handler_input, state, voice.say("exercise_not_understood"))
