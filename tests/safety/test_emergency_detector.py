"""The emergency detector on its own: signs in everyday words, and what is not an emergency.

The phrasings here come from the issue that asked for the detector (#16) and from the product
rules; the measured figures come from the evaluation sets (tests/safety/test_emergency_eval.py).
"""

from __future__ import annotations

import pytest

from back_pain_guide.freeform import detector
from back_pain_guide.safety import CHECK, CLEAR

CLEAR_SIGNS = [
    ("I can't wee", "bladder_bowel"),
    ("I've pooed myself and didn't even feel it", "bladder_bowel"),
    ("I am not able to pass urine since morning", "bladder_bowel"),
    ("urine is not coming since morning", "bladder_bowel"),
    ("nothing comes out when I try to pee", "bladder_bowel"),
    ("I can't feel my bum", "saddle_numbness"),
    ("I'm numb down below", "saddle_numbness"),
    ("cannae feel ma bum", "saddle_numbness"),
    ("my legs have gone", "leg_weakness"),
    ("my legs keep buckling under me", "leg_weakness"),
    ("both my legs are feeling weak and wobbly", "leg_weakness"),
    ("me foot's draggin", "leg_weakness"),
    ("I got hit by a car", "major_injury"),
    ("I came off my motorbike", "major_injury"),
    ("I got thrown off a horse", "major_injury"),
    ("my nan has osteoporosis and she slipped in the kitchen", "major_injury"),
    ("a sudden tearing pain went right through to my back", "sudden_severe"),
    ("I passed out", "sudden_severe"),
    ("I'm really breathless with my back pain", "chest_symptoms"),
    ("there's a crushing pain in my chest", "chest_symptoms"),
    ("back pain and I'm burning up and feel really rough", "high_fever"),
    ("I had a kidney stone last week but now I'm shivering with a fever", "high_fever"),
    ("call nine nine nine for me", "call_for_help"),
    ("it's an emergency", "call_for_help"),
    ("I'm in agony and can't get off the floor", "call_for_help"),
    ("call an ambulance", "call_for_help"),
]


@pytest.mark.parametrize("text, sign", CLEAR_SIGNS)
def test_a_sign_in_everyday_words_is_heard_clearly(text, sign):
    found = detector().detect(text)
    assert found is not None and found.confidence == CLEAR and found.sign.id == sign, found


@pytest.mark.parametrize(
    "text",
    [
        "I've fallen and I can't get up",
        "help me I can't move",
    ],
)
def test_a_call_for_help_is_an_emergency_whatever_sign_it_names(text):
    found = detector().detect(text)
    assert found is not None and found.confidence == CLEAR


@pytest.mark.parametrize(
    "text",
    [
        "I fell and hurt my back",  # a fall, but how bad?
        "the pain is going down my left arm and into my jaw",
        "my left leg feels weak",  # one leg: weak, or getting weaker?
        "I feel a bit dizzy",
    ],
)
def test_words_that_only_suggest_a_sign_get_a_confirming_question(text):
    found = detector().detect(text)
    assert found is not None and found.confidence == CHECK, found


@pytest.mark.parametrize(
    "text",
    [
        # negations
        "I'm not short of breath",
        "my legs are not weak",
        "I'm not incontinent",
        "no numbness down below",
        "I haven't wet myself",
        "there's no chest pain just my back",
        "I don't have any pain up front or trouble breathing",
        "my bladder control is perfectly fine",
        "no, my legs are fine",
        # the past
        "I used to wet myself after having my baby but that stopped years ago",
        "I was in a car crash ten years ago and my back still aches",
        "I fell off the trampoline as a kid and winded myself",
        "I fainted once as a teenager",
        "I broke my back in a car wreck in 2005 and nowadays it just aches when it rains",
        # idioms that are not events
        "I fell asleep on the sofa and woke up with a stiff back",
        "I fell pregnant in May and my back aches",
        "I can't stand sitting at my desk all day",
        "I was hit by a wave of pain when I stood up",
        "my back is killing me",
        "I nearly had a heart attack when I saw the price",
        "I crashed on the couch",
        "the plan to repaint the garage fell through",
        "I've had a work emergency so let's do this later",
        # questions about a condition
        "what is cauda equina syndrome",
        "can a fall cause back pain",
        "what are the signs of a heart attack",
        "when should I call an ambulance for back pain",
        "is numbness in the groin serious",
        "can kidney stones cause a fever",
    ],
)
def test_what_is_not_an_emergency_does_not_alarm(text):
    found = detector().detect(text)
    assert found is None or found.confidence == CHECK, found
    assert found is None, f"{text!r} asks a confirming question: {found}"


@pytest.mark.parametrize(
    "text, sign",
    [
        ("can't i feel my legs", "leg_weakness"),  # a carrier phrase took "why" away
        ("both legs are tingling and weak", "leg_weakness"),
    ],
)
def test_words_after_a_question_carrier_get_a_confirming_question_not_silence(text, sign):
    found = detector().detect(text, asked=True)
    assert found is not None and found.confidence == CHECK and found.sign.id == sign


@pytest.mark.parametrize(
    "text", ["call nine one one for back pain", "a fall cause back pain", "foot drop mean"]
)
def test_a_question_about_calling_or_a_condition_informs_even_without_its_question_words(text):
    assert detector().detect(text, asked=True) is None


def test_a_topic_slots_words_never_alarm_at_once():
    found = detector().detect("foot drop", asked=None)
    assert found is not None and found.confidence == CHECK


@pytest.mark.parametrize("text", ["", "   ", "!!!", "the", "a " * 2000, "\u202e\u200bbum numb"])
def test_odd_text_never_breaks_the_detector(text):
    detector().detect(text)  # no exception


def test_life_threatening_signs_win_when_several_are_said():
    found = detector().detect("I can't wee and I have crushing chest pain")
    assert found is not None and found.sign.id == "chest_symptoms"


@pytest.mark.parametrize(
    "text, sign",
    [
        # A modal after its subject is a statement, not "can X cause Y".
        ("my legs are toast, both of them, like I can barely make it to the kitchen", "leg_weakness"),
        # A question word inside a sign's own phrase is the sign's.
        ("I can't work out whether I still need to go even after I've been", "bladder_bowel"),
        # "no, don't ..." answers the skill; what follows is still said.
        ("no don't give me stretches just get me help", "call_for_help"),
        # Someone else's symptom with the subject taken away by a carrier ("my husband {symptom}").
        ("is having back pain and now he is not able to have an erection", "saddle_numbness"),
        ("i haven't had a poo for days and i don't feel like i need one", "bladder_bowel"),
    ],
)
def test_everyday_wording_of_the_eighth_round(text, sign):
    found = detector().detect(text)
    assert found is not None and found.sign.id == sign, found


@pytest.mark.parametrize(
    "text",
    [
        "no my chest's fine it's only my back that hurts",
        "i need to pee more since i started drinking more water",
        "when should someone ring nine nine nine about back pain",
        "i haven't had a poo for days",
    ],
)
def test_no_alarm_on_a_denial_a_habit_or_a_question(text):
    found = detector().detect(text)
    assert found is None or not found.is_clear, found


def test_who_to_call_counts_only_after_a_call_carrier():
    assert detector().detect("my husband", after_call=True).sign.id == "call_for_help"
    assert detector().detect("my husband") is None
    assert detector().detect("help with my posture", after_call=True) is None


def test_a_call_verb_counts_before_who_is_called_not_after():
    assert detector().detect("get my mum").sign.id == "call_for_help"
    assert detector().detect("can you ring my husband").sign.id == "call_for_help"
    assert detector().detect("my grandma wont get off the couch because of her back, should she rest") is None


@pytest.mark.parametrize(
    "text, sign",
    [
        ("i have a fever and my back hurts", "high_fever"),
        ("my back pain is worse after a poo", "bladder_bowel"),
        ("it hurts my back when i pee", "bladder_bowel"),
        ("my chest is sore as well", "chest_symptoms"),
        ("i am not able to lift my foot properly", "leg_weakness"),
    ],
)
def test_a_sign_named_in_passing_gets_one_confirming_question(text, sign):
    """Medium confidence: a fever, peeing, a poo or the chest said beside back pain is asked about
    once ("Just to check: ..."), never guessed either way."""
    found = detector().detect(text)
    assert found is not None and found.sign.id == sign, found


@pytest.mark.parametrize(
    "text",
    [
        "why does my back hurt when i pee",
        "does a fever cause back pain",
        "i don't have a fever",
        "i need to pee more at night",
    ],
)
def test_a_sign_named_in_a_question_or_denied_is_not_asked_about(text):
    assert detector().detect(text, asked=True) is None


@pytest.mark.parametrize(
    "text, sign",
    [
        # A question about one's own symptoms asks about them, not about a condition.
        ("what does it mean if both my legs are getting weak", "leg_weakness"),
        ("tingling round my bottom and back pain what does it mean", "saddle_numbness"),
        ("back pain with fever one hundred and two is it serious", "high_fever"),
        ("what to do urine is not coming", "bladder_bowel"),
        # "no wait ..." corrects what came before; it negates nothing after it.
        ("no wait i need an ambulance right now", "call_for_help"),
        ("i'm bursting for a pee but nothing'll come out so it won't", "bladder_bowel"),
        ("i've been on prednisone for years and i just bumped down onto the edge of the tub", "major_injury"),
    ],
)
def test_everyday_wording_of_the_ninth_round(text, sign):
    found = detector().detect(text)
    assert found is not None and found.sign.id == sign, found


@pytest.mark.parametrize(
    "asking, text",
    [
        ("saddle_numbness", "yes numbness is there in that area"),
        ("bladder_bowel", "yes leakage is there"),
        ("bladder_bowel", "yes it's like i never empty all the way"),
        ("leg_weakness", "yes both legs"),
        ("leg_weakness", "yes walking is difficult"),
    ],
)
def test_an_answer_in_the_listeners_words_names_the_sign_asked_about(asking, text):
    found = detector().detect(text, asking=asking)
    assert found is not None and found.sign.id == asking, found
    assert detector().detect(text) is None or detector().detect(text).sign.id == asking


@pytest.mark.parametrize(
    "text",
    [
        "no motion problem",
        "i nearly peed myself laughing",
        "i'm gasping for a cuppa hang on a sec",
        "i got hit with a massive power bill so no massages for me",
        "i had trouble peeing after my prostate surgery but that got sorted out years ago",
        "i've been peeing more since i started carrying a big water bottle everywhere",
    ],
)
def test_no_alarm_on_idioms_habits_and_what_is_over(text):
    found = detector().detect(text)
    assert found is None or not found.is_clear, found


def test_a_term_asked_about_gets_a_confirming_question_not_the_alarm():
    found = detector().detect("foot drop what's that")
    assert found is not None and not found.is_clear


def test_a_what_if_question_about_ones_own_legs_is_a_check_that_asks():
    found = detector().detect("should i worry if my legs go weak with back pain")
    assert found is not None and not found.is_clear and found.questioned


def test_a_denied_sign_gives_no_hint_at_its_own_checklist_question():
    assert detector().detect("my legs arent weak at all", asking="leg_weakness") is None
    hint = detector().detect("my legs", asking="leg_weakness")
    assert hint is not None and hint.via_hint and not hint.is_clear


@pytest.mark.parametrize(
    "text, expected",
    [
        ("yes someone shoved me down the stairs", "yes"),
        ("um nope he's peeing fine", "no"),
        ("yeah i had that years ago but it's fine now", None),
        ("no wait", None),
        ("yes no", None),
        ("i think so", None),
    ],
)
def test_the_answer_a_checklist_reply_opens_with(text, expected):
    assert detector().answer_opening(text) == expected
