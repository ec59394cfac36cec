"""The learned second opinion (back_pain_guide.sign_model): words no rule matches still reach the
warning sign they describe, as a confirming question, never as the advice by itself."""

from __future__ import annotations

import copy
import subprocess
import sys

import pytest

from back_pain_guide import freeform
from back_pain_guide.safety import CHECK, EmergencyDetector, load_lexicon
from back_pain_guide.sign_model import NONE, features, sign_model
from back_pain_guide.text import words

ROOT = freeform.__file__.rsplit("/lambda/", 1)[0]
LEXICON = load_lexicon()


def without_rules_for(sign_id: str) -> dict:
    """The lexicon with one sign's rules taken away: only the model can find that sign."""
    lexicon = copy.deepcopy(LEXICON)
    for sign in lexicon["signs"]:
        if sign["id"] == sign_id:
            sign["rules"] = []
    return lexicon


def test_the_model_file_was_trained_on_the_current_inputs():
    result = subprocess.run(
        [sys.executable, f"{ROOT}/tools/train_sign_model.py", "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_features_are_words_word_pairs_and_padded_letter_runs():
    found = list(features(("cant", "wee")))
    assert "w:cant" in found and "w:wee" in found and "p:cant wee" in found
    assert "c: wee" in found and "c:wee " in found and "c:cant" in found
    assert all(len(f) - 2 == 4 for f in found if f.startswith("c:"))


@pytest.mark.parametrize(
    "text, sign",
    [
        ("i cant feel a thing when i wipe my bottom", "saddle_numbness"),
        ("i think i wet myself and didnt even notice", "bladder_bowel"),
        ("both legs have gone all wobbly and they wont hold me up", "leg_weakness"),
    ],
)
def test_the_model_finds_a_sign_whose_rules_are_gone(text, sign):
    rules_only = EmergencyDetector(without_rules_for(sign), second_opinion=False)
    assert rules_only.detect(text) is None  # nothing but the model can find it here
    found = EmergencyDetector(without_rules_for(sign)).detect(text)
    assert found is not None and found.sign.id == sign
    assert found.confidence == CHECK  # a confirming question, never the advice by itself
    assert found.via_hint  # at that sign's checklist question it is no yes on its own


@pytest.mark.parametrize(
    "text",
    [
        "what causes back pain",
        "is a heat pack or an ice pack better for a sore back",
        "how long does a pulled muscle in the back take to heal",
        "can i take ibuprofen with paracetamol",
        "what is a good mattress for back pain",
        "no numbness and no trouble peeing just a dull ache",
    ],
)
def test_ordinary_words_get_no_guess(text):
    assert sign_model().guess(words(text)).sign == NONE


@pytest.fixture
def saddle_rules_gone(monkeypatch):
    """The skill's own detector, with the saddle rules taken away (every other part is real)."""
    monkeypatch.setattr(freeform, "detector", lambda: EmergencyDetector(without_rules_for("saddle_numbness")))


def test_a_listener_hears_the_confirming_question_then_the_number_after_yes(listener, saddle_rules_gone):
    listener.open()
    heard = listener.say("i cant feel a thing when i wipe my bottom")
    assert heard.startswith("Just to check"), heard
    assert "nine one one" not in heard
    assert listener.session_open
    advice = listener.say("yes")
    assert advice.startswith("Call nine one one now."), advice
    assert not listener.session_open


def test_no_to_the_confirming_question_goes_back_to_what_was_said(listener, saddle_rules_gone):
    listener.open()
    assert listener.say("i cant feel a thing when i wipe my bottom").startswith("Just to check")
    heard = listener.say("no")
    # Not the advice (which ends the session): the answer to the words, after an "okay".
    assert heard.startswith("Okay."), heard
    assert "Alexa can't make the call" not in heard
    assert listener.session_open
