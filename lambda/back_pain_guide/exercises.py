"""Guided back exercises (issue #24): the routines from content/exercises.json, the session state
of a routine under way, and what is said at each step. Plain Python, no ASK types.

A routine is cut into *parts*: one side of an exercise, or as many repetitions as fit in one
turn (``limits.max_turn_seconds``, measured at the slow pace so a part never changes when the
listener says "slower"). Each turn speaks one part and ends by waiting for "next", so a long
exercise never loses its place. Timed waits are written as break tokens in the plain text
(:data:`BREAK`); :func:`with_breaks` turns them into SSML ``<break>`` elements after the text
has been escaped, each at most ``limits.max_break_seconds``.

The state lives in the session attribute ``routine`` only (nothing about a routine is kept
between sessions) and is re-validated every turn by :func:`restore`: anything tampered with or
stale starts again at the first safety question, never past it.
"""
# No `from __future__ import annotations` in this module: typing.NamedTuple would compile every
# string annotation of its records at import, which a Lambda cold start pays for.

import os
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, NamedTuple

from . import paths
from .content import Content, ContentError, Question, _read_valid_json, get_content
from .offers import Action, Offer
from .speech import Reply, Voice
from .text import normalise, words

ATTRIBUTE = "routine"
# Phases: the three safety questions, the choice of routine, then the routine itself.
SIGNS, INJURY, INJURY_CHECK, CHOOSE, RUN = "signs", "injury", "injury_check", "choose", "run"
GATE = (SIGNS, INJURY, INJURY_CHECK)
PHASES = (*GATE, CHOOSE, RUN)
BREAK = "[[break {seconds}s]]"
_BREAK_TOKEN = re.compile(r"\[\[break (\d+(?:\.\d+)?)s\]\]")
OVERHEAD_WORDS = 75  # the routine's opening (forty-odd words), the count line and the closing line


class Cue(NamedTuple):
    say: str = ""  # what is said (empty for a hold)
    short: str = ""  # what is said after the first repetition of a turn, once the move is known
    wait: float = 0  # seconds of quiet after it
    hold: bool = False  # the timed hold of the dose
    rest: bool = False  # quiet for the pace's rest after it


class Exercise(NamedTuple):
    id: str
    name: str
    picture: str
    facts: tuple[str, ...]
    reps: tuple[int, int]  # the dose F78 gives: repetitions (per side)
    hold: tuple[int, int]  # and seconds held, (0, 0) when nothing is held
    position: tuple[str, ...]
    sides: tuple[str, ...]
    unit: str  # what one repetition is called, plural ("rolls")
    cues: tuple[Cue, ...]


class Dose(NamedTuple):
    exercise: Exercise
    reps: int
    hold: int = 0


class Part(NamedTuple):
    """What one turn speaks: repetitions ``first``..``last`` (1-based) of one side of one dose."""

    dose: int  # index into the routine's doses
    side: int  # index into the exercise's sides; 0 when it has none
    first: int
    last: int


class Routine(NamedTuple):
    id: str
    name: str
    minutes: int
    synonyms: tuple[str, ...]
    doses: tuple[Dose, ...]


class Pace(NamedTuple):
    wait: float  # every cue's wait is multiplied by this
    rest: float  # seconds of rest after each repetition


class Exercises(NamedTuple):
    facts: tuple[str, ...]
    sources: tuple[tuple[str, str], ...]  # (title, url)
    injury_questions: tuple[str, ...]
    normal: Pace
    slow: Pace
    max_break: float
    max_turn: float
    words_per_second: float
    numbers: tuple[str, ...]
    pain_words: frozenset[str]
    exercises: Mapping[str, Exercise]
    routines: Mapping[str, Routine]
    plans: Mapping[str, tuple["Part", ...]] = {}  # each routine cut into turns (see parts)

    def pace(self, slow: bool) -> Pace:
        return self.slow if slow else self.normal


def load_exercises(content: Content, folder: str | None = None, *, trust_build: bool = True) -> Exercises:
    """content/exercises.json, checked against its schema and against the rest of the content."""
    folder = folder or paths.content_dir()
    path = os.path.join(folder, "exercises.json")
    raw: Any = _read_valid_json(folder, "exercises", trust_build=trust_build)
    exercises = {}
    for index, e in enumerate(raw["exercises"]):
        hold = tuple(e["dose"].get("hold", (0, 0)))
        has_hold = any(c.get("hold") for c in e["cues"])
        if has_hold != (hold != (0, 0)):
            raise ContentError(
                f"{path}: $.exercises[{index}]: a hold cue needs a hold dose, and a hold dose a hold cue"
            )
        exercises[e["id"]] = Exercise(
            e["id"],
            e["name"],
            e["picture"],
            tuple(e["facts"]),
            tuple(e["dose"]["reps"]),
            hold,
            tuple(e["position"]),
            tuple(e.get("sides", ())),
            e["unit"],
            tuple(
                Cue(
                    c.get("say", ""),
                    c.get("short", c.get("say", "")),
                    float(c.get("wait", 0)),
                    bool(c.get("hold")),
                    bool(c.get("rest")),
                )
                for c in e["cues"]
            ),
        )
    routines = {}
    for index, r in enumerate(raw["routines"]):
        doses = []
        for item in r["exercises"]:
            exercise = exercises.get(item["exercise"])
            if exercise is None:
                raise ContentError(f"{path}: $.routines[{index}]: unknown exercise {item['exercise']!r}")
            if (item.get("hold", 0) > 0) != (exercise.hold != (0, 0)):
                raise ContentError(
                    f"{path}: $.routines[{index}]: {exercise.id} needs a hold exactly when it holds"
                )
            doses.append(Dose(exercise, item["reps"], item.get("hold", 0)))
        routines[r["id"]] = Routine(r["id"], r["name"], r["minutes"], tuple(r["synonyms"]), tuple(doses))
    sources = []
    for source_id in raw["sources"]:
        known = content.sources.get(source_id)
        extra = raw["extra_sources"].get(source_id)
        if known is None and extra is None:
            raise ContentError(f"{path}: $.sources: unknown source id {source_id!r}")
        sources.append((known.title, known.url) if known else (extra["title"], extra["url"]))
    for question_id in raw["gate"]["injury_questions"]:
        question = content.question(question_id)
        if question is None or not question.is_emergency:
            raise ContentError(
                f"{path}: $.gate.injury_questions: {question_id!r} is not an emergency checklist question"
            )
    limits = raw["limits"]
    data = Exercises(
        tuple(raw["facts"]),
        tuple(sources),
        tuple(raw["gate"]["injury_questions"]),
        Pace(**raw["pace"]["normal"]),
        Pace(**raw["pace"]["slow"]),
        float(limits["max_break_seconds"]),
        float(limits["max_turn_seconds"]),
        float(limits["words_per_second"]),
        tuple(raw["numbers"]),
        frozenset(raw["pain_words"]),
        exercises,
        routines,
    )
    return data._replace(plans={routine_id: _cut(data, routine_id) for routine_id in routines})


@lru_cache(maxsize=1)
def get_exercises() -> Exercises:
    return load_exercises(get_content())


# --- the safety gate ------------------------------------------------------------------------------
def sign_questions(content: Content, data: Exercises) -> tuple[Question, ...]:
    """The checklist's emergency block, less the injury questions (asked on their own)."""
    return tuple(q for q in content.questions if q.is_emergency and q.id not in data.injury_questions)


def gate_question(voice: Voice, data: Exercises, phase: str) -> str:
    if phase == SIGNS:
        summaries = [q.summary for q in sign_questions(voice.content, data)]
        signs = "; ".join(summaries[:-1]) + "; or " + summaries[-1] if len(summaries) > 1 else summaries[0]
        return voice.say("exercise_gate_signs", summaries=signs)
    return voice.say("exercise_gate_injury" if phase == INJURY else "exercise_gate_injury_check")


# --- the state kept in the session ----------------------------------------------------------------
class State(NamedTuple):
    phase: str
    routine: str = ""  # chosen (or asked for when starting) routine id; "" before the choice
    part: int = 0  # the part last spoken (RUN)
    slow: bool = False
    paused: bool = False
    aside: bool = False  # something else was answered; the routine waits to be taken up again

    def to_dict(self) -> dict[str, Any]:
        return dict(self._asdict())


def restore(raw: object, data: Exercises) -> State | None:
    """The validated state, or None when it is missing, tampered or stale."""
    if not isinstance(raw, dict) or set(raw) != set(State._fields):
        return None
    phase, routine, part = raw["phase"], raw["routine"], raw["part"]
    if phase not in PHASES or not isinstance(routine, str) or type(part) is not int:
        return None
    if not all(type(raw[k]) is bool for k in ("slow", "paused", "aside")):
        return None
    if routine and routine not in data.routines:
        return None
    if phase == RUN and not (routine and 0 <= part < len(parts(data, routine))):
        return None
    if phase != RUN and (part != 0 or raw["paused"]):
        return None
    return State(phase, routine, part, raw["slow"], raw["paused"], raw["aside"])


# --- parts and timing ------------------------------------------------------------------------------
def rep_seconds(data: Exercises, dose: Dose, pace: Pace) -> float:
    """How long one repetition takes to say and do, with its count."""
    words = sum(len(c.short.split()) for c in dose.exercise.cues) + 2  # "That's three."
    quiet = sum(
        c.wait * pace.wait + (dose.hold if c.hold else 0) + (pace.rest if c.rest else 0)
        for c in dose.exercise.cues
    )
    holds = sum(c.hold for c in dose.exercise.cues)
    words += holds * (2 + (dose.hold > data.max_break / 2) * 2)  # "Hold it there." "Keep breathing."
    return words / data.words_per_second + quiet


def parts(data: Exercises, routine_id: str) -> tuple[Part, ...]:
    """The routine's turns: each side on its own, and no turn longer than the limit."""
    return data.plans[routine_id]


def _cut(data: Exercises, routine_id: str) -> tuple[Part, ...]:
    result = []
    for index, dose in enumerate(data.routines[routine_id].doses):
        # Room for what a turn says besides the repetitions: the routine's opening, the position
        # lines, the side, the count and the closing line (about sixty words at most).
        said = sum(len(s.split()) for s in dose.exercise.position + dose.exercise.sides[:1]) + OVERHEAD_WORDS
        budget = data.max_turn - said / data.words_per_second
        most = max(1, int(budget // rep_seconds(data, dose, data.slow)))
        per_turn = -(
            -dose.reps // -(-dose.reps // most)
        )  # as even as the turns allow: six is three and three
        for side in range(max(1, len(dose.exercise.sides))):
            first = 1
            while first <= dose.reps:
                last = min(dose.reps, first + per_turn - 1)
                result.append(Part(index, side, first, last))
                first = last + 1
    return tuple(result)


def _pause(seconds: float, data: Exercises) -> str:
    """Quiet as break tokens, none longer than the limit."""
    tokens, left = [], round(seconds, 1)
    while left > 0:
        piece = min(left, data.max_break)
        tokens.append(BREAK.format(seconds=f"{piece:g}"))
        left = round(left - piece, 1)
    return " ".join(tokens)


def spoken_number(data: Exercises, n: int) -> str:
    return data.numbers[n - 1] if 0 < n <= len(data.numbers) else str(n)


def _repetition(voice: Voice, data: Exercises, dose: Dose, pace: Pace, n: int, full: bool) -> str:
    """One repetition: its cues (in full for the first of a turn, short after), quiet, its count."""
    out = []
    for cue in dose.exercise.cues:
        if cue.hold:
            out.append(voice.say("exercise_hold"))
            if dose.hold > data.max_break / 2:  # a long hold: one word halfway
                half = dose.hold / 2
                out += [_pause(half, data), voice.say("exercise_hold_middle"), _pause(dose.hold - half, data)]
            else:
                out.append(_pause(dose.hold, data))
            continue
        out.append(voice.speak_text(cue.say if full else cue.short))
        out.append(_pause(cue.wait * pace.wait + (pace.rest if cue.rest else 0), data))
    key = "exercise_set_done" if n == dose.reps else "exercise_rep_done"
    out.append(voice.say(key, number=spoken_number(data, n)))
    return " ".join(p for p in out if p)


def routine_of(data: Exercises, state: State) -> Routine:
    return data.routines[state.routine]


def current(data: Exercises, state: State) -> tuple[Part, Dose]:
    part = parts(data, state.routine)[state.part]
    return part, routine_of(data, state).doses[part.dose]


def part_speech(voice: Voice, data: Exercises, state: State, position: bool) -> str:
    """The timed text of the current part, with its position lines when ``position`` (the start of
    an exercise, or the part taken again), and the line that closes the turn."""
    part, dose = current(data, state)
    exercise = dose.exercise
    pace = data.pace(state.slow)
    out: list[str] = []
    starts = part.first == 1
    if (starts and part.side == 0) or position:
        out.append(f"{exercise.name}.")
        out += [voice.speak_text(s) for s in exercise.position]
    elif not starts:
        out.append(voice.say("exercise_carry_on", title=exercise.name.lower()))
    if exercise.sides and starts:
        out.append(voice.speak_text(exercise.sides[part.side]))
    if not starts:
        out.append(voice.say("exercise_count_more", count=spoken_number(data, dose.reps - part.first + 1)))
    elif dose.hold:
        out.append(
            voice.say(
                "exercise_count_holds",
                count=spoken_number(data, dose.reps),
                number=spoken_number(data, dose.hold),
            )
        )
    else:
        out.append(
            voice.say("exercise_count_moves", count=spoken_number(data, dose.reps), text=exercise.unit)
        )
    out.append(_pause(1, data))
    out += [
        _repetition(voice, data, dose, pace, n, n == part.first) for n in range(part.first, part.last + 1)
    ]
    out.append(closing(voice, data, state))
    return " ".join(p for p in out if p)


def closing(voice: Voice, data: Exercises, state: State) -> str:
    """What ends a part's turn: carry on, the next exercise's name, or the end."""
    every = parts(data, state.routine)
    if state.part + 1 >= len(every):
        return voice.say("exercise_next_finish")
    now, following = every[state.part], every[state.part + 1]
    if following.dose == now.dose:
        return voice.say("exercise_next_same")
    doses = routine_of(data, state).doses
    return voice.say(
        "exercise_next_exercise",
        title=doses[now.dose].exercise.name.lower(),
        text=doses[following.dose].exercise.name.lower(),
    )


def estimate_seconds(
    data: Exercises, routine_id: str, slow: bool = False, voice: Voice | None = None
) -> float:
    """How long the whole routine takes, spoken and done, at a pace (a listener's "next" not counted)."""
    voice = voice or Voice(get_content(), "en-US")
    total = 0.0
    for index in range(len(parts(data, routine_id))):
        total += speech_seconds(data, part_speech(voice, data, State(RUN, routine_id, index, slow), False))
    return total


def speech_seconds(data: Exercises, text: str) -> float:
    """Seconds to say ``text`` at the content's speaking rate, its breaks included."""
    quiet = sum(float(s) for s in _BREAK_TOKEN.findall(text))
    return len(plain(text).split()) / data.words_per_second + quiet


# --- text helpers -----------------------------------------------------------------------------------
def with_breaks(ssml: str) -> str:
    """Break tokens as SSML (after escaping: the tokens hold no character XML escapes)."""
    return _BREAK_TOKEN.sub(lambda m: f'<break time="{float(m.group(1)):g}s"/>', ssml)


def plain(text: str) -> str:
    """Text without break tokens (for screens, cards and "repeat" storage)."""
    return " ".join(_BREAK_TOKEN.sub(" ", text).split())


def mentions_pain(data: Exercises, said: str) -> bool:
    """Words that say something hurts, or is felt in a leg: during a routine, a reason to stop."""
    return not data.pain_words.isdisjoint(words(said))


def choice(data: Exercises, resolved_id: str | None, slot_words: str) -> str | None:
    """The routine a slot names, by its resolved id or by one of its synonyms."""
    if resolved_id in data.routines:
        return resolved_id
    said = normalise(slot_words)
    for routine in data.routines.values():
        if (
            said in (routine.id, *routine.synonyms)
            or said.removeprefix("the ").removesuffix(" one") in routine.synonyms
        ):
            return routine.id
    return None


# --- replies while something else is answered ----------------------------------------------------------
def aside(attrs: dict, voice: Voice, reply: Reply, in_checklist: bool, intent: str | None) -> Reply:
    """A reply that is not the routine's, sent while a routine is under way (conversation.respond).

    It becomes the offer to go back to the routine where it was. A checklist started, or a
    confirming question about a warning sign, ends the routine; so do words that sounded like a
    warning sign but were not one (``EmergencySignIntent``): the reply is then the advice to stop."""
    data = get_exercises()
    state = restore(attrs.get(ATTRIBUTE), data)
    if state is None or in_checklist or (reply.offer and reply.offer.action is Action.CONFIRM_EMERGENCY):
        attrs.pop(ATTRIBUTE, None)
        return reply
    if intent == "EmergencySignIntent" and state.phase == RUN:
        attrs.pop(ATTRIBUTE, None)
        return pain_stop_reply(voice)
    attrs[ATTRIBUTE] = state._replace(aside=True, paused=False).to_dict()
    if state.phase == RUN:
        follow = voice.say("exercise_offer_resume", title=current(data, state)[1].exercise.name.lower())
    else:
        follow = voice.say("exercise_offer_resume_gate")
    return reply._replace(follow_up=follow, reprompt="", offer=Offer.resume_routine())


def pain_stop_reply(voice: Voice) -> Reply:
    """Stop: what to do when an exercise hurts more or is felt down a leg; home care offered."""
    home_care = voice.content.topics.get("home_care")
    return Reply(
        body=voice.say("exercise_pain_stop"),
        follow_up=voice.say("checklist_after_result") if home_care else voice.say("what_else"),
        offer=Offer.of_topic(home_care.id) if home_care else None,
    )


def card_text(voice: Voice, data: Exercises, routine: Routine) -> str:
    """The card at the start of a routine: what it holds, how to do each, and the sources."""
    lines = [voice.write("exercise_card_intro", title=routine.name, number=routine.minutes)]
    for dose in routine.doses:
        e = dose.exercise
        amount = (
            f"{dose.reps} times"
            + (" each side" if e.sides else "")
            + (f", hold {dose.hold} seconds" if dose.hold else "")
        )
        lines.append(f"{e.name} ({amount}): " + " ".join(voice.card_text(s) for s in e.position))
    label = voice.write("card_source" if len(data.sources) == 1 else "card_sources")
    lines.append(f"{label}: " + "; ".join(f"{title} ({url})" for title, url in data.sources))
    lines.append(voice.write("card_disclaimer"))
    return "\n\n".join(lines)
