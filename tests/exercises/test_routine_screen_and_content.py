"""The exercise screen (APL with AVG drawings) and its buttons; the exercise content against F77/F78."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from routine_helpers import CONTENT, DATA, LOCALES, check_limits, started, state

from back_pain_guide import apl
from back_pain_guide import exercises as ex
from back_pain_guide.content import get_content

ROOT = Path(__file__).resolve().parents[2]
RENDER = "Alexa.Presentation.APL.RenderDocument"
FACTS = ROOT.parent / "shared" / "facts" / "back-pain-facts.md"


def screen_of(listener) -> tuple[dict, dict]:
    found = [d for d in listener.response["response"].get("directives", []) if d["type"] == RENDER]
    assert len(found) == 1
    return found[0]["document"], found[0]["datasources"]["screen"]


def touch(listener, value: str) -> str:
    listener.send(listener.console.device.user_event(["answer", value]))
    return listener.speech


def test_each_exercise_is_drawn_with_its_count_and_buttons(make_listener):
    listener = started(make_listener, "fuller", screen=True)
    seen = set()
    for _index in range(len(ex.parts(DATA, "fuller"))):
        document, screen = screen_of(listener)
        part, dose = ex.current(DATA, ex.restore(state(listener), DATA))
        assert (
            screen["picture"] in document["graphics"]
            and document["graphics"][screen["picture"]]["type"] == "AVG"
        )
        assert screen["name"] == dose.exercise.name and f"of {dose.reps}" in screen["count"]
        assert [b["value"] for b in screen["buttons"]] == ["pause", "next", "stop"]
        assert screen["title"].endswith(f"exercise {part.dose + 1} of {len(DATA.routines['fuller'].doses)}")
        seen.add(screen["picture"])
        listener.say("next")
    assert seen == {e.exercise.picture for e in DATA.routines["fuller"].doses}


def test_the_document_is_layout_and_drawings_only():
    document = apl.document("exercise")
    assert document["mainTemplate"]["parameters"] == ["screen"]
    for graphic in document["graphics"].values():
        assert graphic["type"] == "AVG" and graphic["items"]
        assert all(
            item["type"] == "path" and re.fullmatch(r"[MLQCAZmlqcaz0-9 ,.\-]+", item["pathData"])
            for item in graphic["items"]
        )
    assert {e.picture for e in DATA.exercises.values()} <= set(document["graphics"])
    assert "http" not in json.dumps(document)  # nothing hosted
    assert '{"type": "SendEvent", "arguments": ["answer", "${data.value}"]}' in json.dumps(document)


def test_paused_shows_resume_instead_of_pause(make_listener):
    listener = started(make_listener, screen=True)
    listener.say("pause")
    _, screen = screen_of(listener)
    assert [b["value"] for b in screen["buttons"]] == ["resume", "next", "stop"] and screen[
        "status"
    ] == "Paused"
    listener.say("resume")
    assert next(b["value"] for b in screen_of(listener)[1]["buttons"]) == "pause"


def transcript(listener, values, by_touch: bool) -> list[tuple]:
    said = {"pause": "pause", "resume": "resume", "next": "next", "stop": "stop"}
    heard = []
    for value in values:
        speech = touch(listener, value) if by_touch else listener.say(said[value])
        check_limits(listener)
        heard.append(
            (
                speech,
                listener.session_open,
                state(listener),
                [d.get("datasources") for d in listener.response["response"].get("directives", [])],
            )
        )
        if not listener.session_open:
            break
    return heard


@pytest.mark.parametrize(
    "values",
    [
        ["next", "pause", "resume", "next", "next", "next", "next"],
        ["pause", "next", "stop"],
        ["next", "stop"],
        ["resume", "pause", "pause", "next"],
    ],
)
@pytest.mark.parametrize("locale", ["en-US", "en-AU"])
def test_buttons_do_exactly_what_the_words_do(make_listener, values, locale):
    spoken = transcript(started(make_listener, locale=locale, screen=True), values, by_touch=False)
    touched = transcript(started(make_listener, locale=locale, screen=True), values, by_touch=True)
    assert touched == spoken


def test_the_console_taps_the_exercise_buttons(make_listener):
    listener = started(make_listener, screen=True)
    listener.say("(tap next)")
    assert state(listener)["part"] == 1
    listener.say("(tap stop)")
    assert not listener.session_open


def test_voice_only_devices_get_no_screen(make_listener):
    listener = started(make_listener)
    assert (
        "directives" not in listener.response["response"] or not listener.response["response"]["directives"]
    )


def test_a_card_at_the_start_lists_the_routine_and_its_sources(make_listener):
    listener = started(make_listener, "fuller")
    card = listener.card["content"]
    assert listener.card["title"] == "Guided back exercises"
    assert all(d.exercise.name in card for d in DATA.routines["fuller"].doses)
    assert "nhs.uk" in card and "mayoclinic.org" in card and "911" in card


# --- content ----------------------------------------------------------------------------------------
def test_doses_are_within_f78():
    for routine in DATA.routines.values():
        for dose in routine.doses:
            low, high = dose.exercise.reps
            assert low <= dose.reps <= high, (routine.id, dose.exercise.id)
            if dose.exercise.hold != (0, 0):
                assert dose.exercise.hold[0] <= dose.hold <= dose.exercise.hold[1]
    # F78's doses, as the content records them
    assert DATA.exercises["knee_to_chest"].hold == (5, 10) and DATA.exercises["knee_to_chest"].reps == (2, 3)
    assert DATA.exercises["pelvic_tilt"].hold == (5, 5) and DATA.exercises["bridge"].reps == (5, 10)


def test_routines_take_about_five_and_ten_minutes():
    gentle, fuller = (ex.estimate_seconds(DATA, r) / 60 for r in ("gentle", "fuller"))
    assert 4 <= gentle <= 6.5 and 8.5 <= fuller <= 12.5, (gentle, fuller)
    assert DATA.routines["gentle"].minutes == 5 and DATA.routines["fuller"].minutes == 10


def test_routine_synonyms_are_the_models():
    model = json.loads((ROOT / "interaction_model" / "source" / "model.json").read_text())
    values = next(t for t in model["types"] if t["name"] == "RoutineType")["values"]
    assert {v["id"]: [v["name"]["value"], *v["name"]["synonyms"]] for v in values} == {
        r.id: [r.id, *r.synonyms] for r in DATA.routines.values()
    }


def test_the_content_validates_untrusted():
    assert ex.load_exercises(get_content(), trust_build=False) == DATA


def test_broken_exercise_content_is_named(tmp_path):
    from back_pain_guide.content import ContentError

    for name in ("exercises.json", "exercises.schema.json"):
        (tmp_path / name).write_text((ROOT / "content" / name).read_text())
    raw = json.loads((tmp_path / "exercises.json").read_text())
    raw["routines"][0]["exercises"][0]["exercise"] = "handstand"
    (tmp_path / "exercises.json").write_text(json.dumps(raw))
    with pytest.raises(ContentError, match="unknown exercise 'handstand'"):
        ex.load_exercises(CONTENT, str(tmp_path), trust_build=False)
    raw["routines"][0]["exercises"][0]["exercise"] = "knee_rolls"
    raw["exercises"][0]["cues"][0]["wait"] = 12  # longer than one SSML break may be
    (tmp_path / "exercises.json").write_text(json.dumps(raw))
    with pytest.raises(ContentError, match=r"exercises\.json"):
        ex.load_exercises(CONTENT, str(tmp_path), trust_build=False)


def _runs(text: str, n: int = 8) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z']+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


@pytest.mark.skipif(not FACTS.exists(), reason="the shared facts are not beside the project")
def test_no_sentence_is_copied_from_the_facts():
    facts = _runs(FACTS.read_text())
    raw = json.loads((ROOT / "content" / "exercises.json").read_text())
    ours = json.dumps(raw["exercises"]) + " ".join(
        v for k, v in CONTENT.prompts.items() if k.startswith("exercise_")
    )
    assert not (_runs(ours) & facts)
    assert all(re.search(rf"^- {fact} ", FACTS.read_text(), re.M) for fact in DATA.facts)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_exercise_prompt_renders_in_every_locale(locale):
    from back_pain_guide.speech import Voice

    voice = Voice(CONTENT, locale)
    for routine in DATA.routines:
        for index in range(len(ex.parts(DATA, routine))):
            text = ex.part_speech(voice, DATA, ex.State(ex.RUN, routine, index), position=True)
            assert not re.search(r"[0-9{}]", ex.plain(text))
