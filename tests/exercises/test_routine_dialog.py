"""Whole routines end to end through the console resolver, with every control word at every step."""

from __future__ import annotations

import pytest
from routine_helpers import CONTENT, DATA, LOCALES, check_limits, started, state

from back_pain_guide import exercises as ex
from back_pain_guide.speech import Voice

ROUTINES = tuple(DATA.routines)


def run_to_end(listener, routine: str) -> list[str]:
    """Say "next" after every part until the routine is over; returns everything heard."""
    heard = [listener.speech]
    for _ in range(len(ex.parts(DATA, routine))):
        heard.append(listener.say("next"))
        check_limits(listener)
    return heard


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("routine", ROUTINES)
def test_a_whole_routine_runs_end_to_end(make_listener, routine, locale):
    listener = started(make_listener, routine, locale)
    voice = Voice(CONTENT, locale)
    plan = ex.parts(DATA, routine)
    assert state(listener)["part"] == 0
    first = listener.speech
    # The warning comes before any exercise, and the first exercise's position lines follow.
    assert first.index(
        "Stop at once if the pain gets much worse, or if you feel it down your leg"
    ) < first.index(DATA.routines[routine].doses[0].exercise.position[0])
    heard = run_to_end(listener, routine)
    names = [dose.exercise.name for dose in DATA.routines[routine].doses]
    spoken = " ".join(heard)
    for name, dose in zip(names, DATA.routines[routine].doses, strict=False):
        assert f"{name}. {dose.exercise.position[0]} {dose.exercise.position[1]}" in spoken
        # every repetition counted, and the last of each side praised
        last = DATA.numbers[dose.reps - 1]
        assert spoken.count(f"That's {last}, well done.") >= 1
    assert heard[-1].startswith(voice.say("exercise_finished", title=DATA.routines[routine].name)[:40])
    assert state(listener) is None and listener.session_open  # nothing left of the routine
    assert len(heard) == len(plan) + 1


@pytest.mark.parametrize("routine", ROUTINES)
def test_every_repetition_is_counted_in_order(make_listener, routine):
    listener = started(make_listener, routine)
    spoken = " ".join(run_to_end(listener, routine))
    for dose in DATA.routines[routine].doses:
        sides = max(1, len(dose.exercise.sides))
        for n in range(1, dose.reps):
            assert spoken.count(f"That's {DATA.numbers[n - 1]}.") >= sides


CONTROLS = [
    "pause",
    "resume",
    "next",
    "repeat that",
    "slower",
    "stop",
    "help",
    "start over",
    "purple monkey dishwasher",
    "what causes sciatica",
]


def expect(listener, word: str, before: dict, heard: str, voice: Voice) -> None:
    """What each control word does in the middle of a routine."""
    after = state(listener)
    check_limits(listener)
    if word == "stop":
        assert heard == voice.say("exercise_stopped") and not listener.session_open and after is None
        return
    assert listener.session_open
    if word == "pause":
        assert heard == voice.say("exercise_paused") and after["paused"] and after["part"] == before["part"]
    elif word in ("resume", "repeat that"):
        assert after["part"] == before["part"] and not after["paused"]
    elif word == "next":
        if before["part"] + 1 < len(ex.parts(DATA, before["routine"])):
            assert after["part"] == before["part"] + 1
        else:
            assert after is None and heard.startswith("That's the")
    elif word == "slower":
        assert (
            after["slow"]
            and after["part"] == before["part"]
            and heard.startswith(voice.say("exercise_slower"))
        )
    elif word == "help":
        assert heard.startswith(voice.say("exercise_help")) and after["paused"]
    elif word == "start over":
        assert after["part"] == 0
    elif word == "purple monkey dishwasher":
        assert heard == voice.say("exercise_not_understood") and after["paused"]
    elif word == "what causes sciatica":
        assert "sciatic nerve" in heard and after["aside"] and after["part"] == before["part"]
        name = ex.current(DATA, ex.restore(after, DATA))[1].exercise.name.lower()
        assert heard.endswith(voice.say("exercise_offer_resume", title=name))


@pytest.mark.parametrize("word", CONTROLS)
@pytest.mark.parametrize("routine", ROUTINES)
def test_every_control_word_at_every_step(make_listener, routine, word):
    voice = Voice(CONTENT, "en-US")
    for step in range(len(ex.parts(DATA, routine))):
        listener = started(make_listener, routine)
        for _ in range(step):
            listener.say("next")
        before = state(listener)
        assert before["part"] == step
        heard = listener.say(word)
        expect(listener, word, before, heard, voice)
        if not listener.session_open or state(listener) is None:
            continue
        # Whatever was said, the routine can be taken up again and finished.
        listener.say("resume" if word != "what causes sciatica" else "yes")
        resumed = state(listener)
        assert resumed is not None and not resumed["paused"] and not resumed["aside"]
        for _ in range(len(ex.parts(DATA, routine)) - resumed["part"]):
            listener.say("next")
            check_limits(listener)
        assert state(listener) is None and listener.speech.startswith("That's the")


@pytest.mark.parametrize("locale", LOCALES)
def test_control_words_in_every_locale(make_listener, locale):
    listener = started(make_listener, "gentle", locale)
    voice = Voice(CONTENT, locale)
    for word in CONTROLS[:-1]:
        if word == "stop":
            continue
        before = state(listener)
        expect(listener, word, before, listener.say(word), voice)
        if state(listener) is None:
            break
    assert listener.say("stop") == voice.say("exercise_stopped") and not listener.session_open


def test_resume_takes_the_part_again_with_its_position(make_listener):
    listener = started(make_listener)
    listener.say("next")  # knee to chest, left
    listener.say("pause")
    heard = listener.say("resume")
    knee = DATA.exercises["knee_to_chest"]
    assert heard.startswith(Voice(CONTENT, "en-US").say("exercise_resumed"))
    assert knee.position[0] in heard and knee.sides[0] in heard


def test_slower_waits_longer_and_keeps_its_place(make_listener):
    listener = started(make_listener)
    listener.say("next")
    normal = listener.response["response"]["outputSpeech"]["ssml"]
    listener.say("slower")
    slow = listener.response["response"]["outputSpeech"]["ssml"]
    quiet = lambda s: sum(float(x) for x in __import__("re").findall(r'time="([0-9.]+)s"', s))  # noqa: E731
    assert quiet(slow) > quiet(normal) and state(listener)["slow"] and state(listener)["part"] == 1
    listener.say("next")  # the slower pace stays for the rest of the routine
    assert state(listener)["slow"]


def test_a_question_mid_routine_is_answered_and_the_routine_taken_up_again(make_listener):
    listener = started(make_listener)
    listener.say("next")
    heard = listener.say("what causes sciatica")
    assert "sciatic nerve" in heard and heard.endswith(
        "Shall we go back to the exercises? We were on knee to chest."
    )
    assert listener.card["title"] == "Sciatica"
    heard = listener.say("yes")
    assert DATA.exercises["knee_to_chest"].position[0] in heard and state(listener)["part"] == 1
    listener.say("why does my back feel stiff in the morning")
    assert listener.say("no").startswith("Okay, we'll leave the exercises there.")
    assert state(listener) is None and listener.session_open


def test_a_question_during_the_safety_questions_comes_back_to_them(make_listener):
    listener = make_listener()
    listener.open()
    listener.say("stretches for my back")
    heard = listener.say("what causes sciatica")
    assert heard.endswith("Shall we carry on with the exercises?")
    assert listener.say("yes").startswith("First, do you have any of these right now")


def test_a_routine_can_be_named_at_the_start(make_listener):
    listener = make_listener()
    listener.open()
    listener.say("start the fuller routine")
    listener.say("no")
    heard = listener.say("no")
    assert heard.startswith("Okay, the fuller routine") and state(listener)["routine"] == "fuller"


@pytest.mark.parametrize(
    "said, routine",
    [
        ("gentle", "gentle"),
        ("the short one", "gentle"),
        ("five minutes", "gentle"),
        ("fuller", "fuller"),
        ("the longer one", "fuller"),
        ("ten minutes", "fuller"),
    ],
)
def test_choosing_a_routine(make_listener, said, routine):
    listener = make_listener()
    listener.open()
    for utterance in ("start my back routine", "no", "no"):
        listener.say(utterance)
    listener.say(said)
    assert state(listener)["routine"] == routine and state(listener)["phase"] == "run"


def test_nothing_about_the_routine_is_kept_between_sessions(make_listener):
    import os
    import sqlite3

    listener = started(make_listener)
    listener.say("next")
    listener.say("stop")
    listener.open()
    assert state(listener) is None
    with sqlite3.connect(os.environ["BACK_PAIN_GUIDE_DB"]) as db:
        tables = [row[0] for row in db.execute("select name from sqlite_master where type = 'table'")]
        stored = " ".join(str(row) for table in tables for row in db.execute(f'select * from "{table}"'))
    assert listener.console.device.user_id in stored  # the profile is there, with nothing of the routine
    assert not any(word in stored for word in ("routine", "gentle", "knee", "exercise"))


@pytest.mark.parametrize(
    "raw",
    [
        {"phase": "run", "routine": "gentle", "part": 99, "slow": False, "paused": False, "aside": False},
        {"phase": "run", "routine": "nope", "part": 0, "slow": False, "paused": False, "aside": False},
        {"phase": "fly"},
        "run",
        [],
        {"phase": "run", "routine": "gentle", "part": "0", "slow": False, "paused": False, "aside": False},
    ],
)
def test_tampered_state_starts_again_at_the_safety_questions(make_listener, raw):
    listener = make_listener()
    listener.open()
    listener.console.device.attributes["routine"] = raw
    heard = listener.say("next")
    assert "two quick safety questions" in heard and state(listener)["phase"] == "signs"
    check_limits(listener)


@pytest.mark.parametrize("word", ["pause", "resume", "slower"])
def test_routine_words_with_no_routine_are_not_understood(listener, word):
    listener.open()
    heard = listener.say(word)
    assert heard.startswith("Sorry, I didn't catch that") and listener.session_open


def test_every_turn_fits_the_limits_at_both_paces():
    voice = Voice(CONTENT, "en-US")
    for routine in ROUTINES:
        for index in range(len(ex.parts(DATA, routine))):
            for slow in (False, True):
                text = ex.part_speech(voice, DATA, ex.State(ex.RUN, routine, index, slow), position=True)
                assert (
                    ex.speech_seconds(DATA, text) <= DATA.max_turn + 15
                )  # the opening of a routine, at most
                assert len(ex.with_breaks(text)) < 7000
