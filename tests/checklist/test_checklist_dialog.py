"""The whole checklist through the console, with real utterances, in every locale: order, the
three outcomes, the same-day routes, the early finish, "a little" answers, help, stop, resume."""

from __future__ import annotations

import re

import pytest

from back_pain_guide.content import EMERGENCY, SAME_DAY, SOON, get_content
from back_pain_guide.speech import Voice

CONTENT = get_content()
QUESTIONS = CONTENT.questions
GATE = sum(q.is_emergency for q in QUESTIONS)
VOICE = Voice(CONTENT, "en-US")
LOCALES = ("en-US", "en-CA", "en-GB", "en-AU", "en-IN")
NUMBERS = {
    "en-US": "nine one one",
    "en-CA": "nine one one",
    "en-GB": "nine nine nine",
    "en-AU": "triple zero",
    "en-IN": "one one two, or one oh eight for an ambulance",
}
DIGITS = {
    "en-US": "911",
    "en-CA": "911",
    "en-GB": "999",
    "en-AU": "000",
    "en-IN": "112, or 108 for an ambulance",
}
ROUTES = {  # F74, said as words
    "en-US": "call your doctor's office, or go to an urgent care clinic",
    "en-CA": "call eight one one, the health line in most provinces and territories, or see a doctor",
    "en-GB": "call NHS one one one, or use NHS one one one online, or ask your GP for an urgent appointment",
    "en-AU": "call healthdirect on one eight hundred, oh two two, two two two, or see your GP",
    "en-IN": "see a doctor",
}
# How each kind of "yes" is said, and what is said back at the answer.
FLAG_WORDS = {
    "yes": None,
    "i'm not sure": "You weren't sure, so to be safe I'm treating that as a yes.",
    "a little": "You said a little, so I'm counting that as a yes.",
    "sort of": "You said sort of, so I'm counting that as a yes.",
    "kind of": "You said kind of, so I'm counting that as a yes.",
    "a bit": "You said a bit, so I'm counting that as a yes.",
    "slightly": "You said slightly, so I'm counting that as a yes.",
}
KINDS = list(FLAG_WORDS)
SAY_BACKS = ("counting that as a yes", "treating that as a yes")


def start(listener) -> str:
    listener.open()
    return listener.say("check my symptoms")


def words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z']+", text)


def test_first_turn_gives_intro_count_and_first_question(listener):
    speech = start(listener)
    assert f"{GATE} yes or no questions about emergency signs" in speech
    assert "isn't a diagnosis" in speech
    assert speech.endswith(QUESTIONS[0].text)
    assert QUESTIONS[0].text in listener.reprompt


@pytest.mark.parametrize(
    "utterance", ["is my back pain serious", "run the checklist", "should i see a doctor"]
)
def test_started_by_many_phrasings(listener, utterance):
    listener.open()
    assert QUESTIONS[0].text in listener.say(utterance)


@pytest.mark.parametrize("locale", LOCALES)
def test_all_no_asks_in_triage_order_offers_the_rest_and_gives_self_care(make_listener, locale):
    listener = make_listener(locale=locale)
    voice = Voice(CONTENT, locale)
    speech = start(listener)
    for index, question in enumerate(QUESTIONS[:GATE]):
        assert speech.endswith(voice.spell(question.text)) and f"Question {index + 1}:" in speech
        speech = listener.say("no")
    assert speech.endswith("A few more questions about things a doctor should see soon. Shall I go on?")
    assert "Shall I ask a few more questions" in listener.reprompt and listener.session_open
    speech = listener.say("yes")
    for question in QUESTIONS[GATE:]:
        assert speech.endswith(voice.spell(question.text))
        speech = listener.say("no")
    assert speech.startswith(voice.say("checklist_clear"))
    assert "fine" not in speech.lower() and "week or two" in speech and NUMBERS[locale] in speech
    assert listener.session_open  # offers home care tips
    assert listener.say("yes") and listener.card["title"] == voice.spell(CONTENT.topics["home_care"].title)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("answer", ["no", "no thanks"])
def test_no_at_the_gate_finishes_early_with_the_result_so_far(make_listener, locale, answer):
    listener = make_listener(locale=locale)
    start(listener)
    for _ in range(GATE):
        listener.say("no")
    speech = listener.say(answer)
    assert speech.startswith(Voice(CONTENT, locale).say("checklist_finished_early"))
    assert "within a week or two if it isn't improving" in speech
    assert f"get medical advice today: {ROUTES[locale]}" in speech and NUMBERS[locale] in speech
    assert listener.session_open and listener.card["content"]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("position", range(len(QUESTIONS)))
def test_every_question_flagged_alone_in_every_locale(make_listener, locale, position):
    """Each question answered with one of the ways of saying yes (all of them, across the
    locales), the rest no: emergency, same day or soon, with the locale's number and route."""
    answer = KINDS[(position + LOCALES.index(locale)) % len(KINDS)]
    note = FLAG_WORDS[answer]
    listener = make_listener(locale=locale)
    voice = Voice(CONTENT, locale)
    question = QUESTIONS[position]
    start(listener)
    for index in range(position):
        listener.say("no")
        if index == GATE - 1:
            listener.say("yes")  # past the gate
    speech = listener.say(answer)
    assert listener.intent == {"yes": "AMAZON.YesIntent", "i'm not sure": "UnsureIntent"}.get(
        answer, "PartlyIntent"
    )
    if question.severity == EMERGENCY:
        assert speech.startswith(f"Call {NUMBERS[locale]} now.")  # the number first, whatever the answer
        assert NUMBERS[locale].split(",")[0] in " ".join(words(speech)[:12])
        assert (note in speech) if note else not any(n in speech for n in SAY_BACKS)
        assert voice.speak_text(question.reason) in speech and voice.spell(question.summary) in speech
        assert "Alexa can't make the call" in speech
        assert not listener.session_open and "?" not in speech
        assert listener.card["content"] == voice.write("emergency_card")
        return
    # The say-back is spoken at the answer that triggers it, before the next question.
    if note:
        assert speech.startswith(note)
    else:
        assert not any(n in speech for n in SAY_BACKS)
    for _ in range(len(QUESTIONS) - position - 1):
        speech = listener.say("no")
    assert voice.spell(question.summary) in speech
    if question.severity == SAME_DAY:
        assert f"get medical advice today: {ROUTES[locale]}." in speech
    else:
        assert question.severity == SOON
        assert "within a week or two" in speech and "today" not in speech
    assert NUMBERS[locale] in speech and "isn't a diagnosis" in speech
    assert "you are fine" not in speech.lower() and "don't need" not in speech.lower()


@pytest.mark.parametrize("locale", LOCALES)
def test_a_cancer_history_means_the_cancer_team_within_24_hours(make_listener, locale):
    listener = make_listener(locale=locale)
    start(listener)
    for _ in range(GATE):
        listener.say("no")
    listener.say("yes")
    for question in QUESTIONS[GATE:]:
        speech = listener.say("yes" if question.id == "cancer_history" else "no")
    assert "contact your cancer team or doctor within twenty-four hours" in speech  # F70
    assert f"change in your bladder or bowels, call {NUMBERS[locale]} at once" in speech


def test_several_flags_name_each_and_the_most_urgent_level_wins(listener):
    start(listener)
    for _ in range(GATE):
        listener.say("no")
    listener.say("yes")
    chosen = {"fever", "not_improving"}
    for question in QUESTIONS[GATE:]:
        speech = listener.say("a little" if question.id in chosen else "no")
    summaries = [q.summary for q in QUESTIONS if q.id in chosen]
    assert f"{summaries[0]} and {summaries[1]}" in speech
    assert f"get medical advice today: {ROUTES['en-US']}" in speech


@pytest.mark.parametrize("locale", LOCALES)
def test_unsure_at_the_gate_goes_on(make_listener, locale):
    listener = make_listener(locale=locale)
    start(listener)
    for _ in range(GATE):
        listener.say("no")
    assert listener.say("i'm not sure").endswith(Voice(CONTENT, locale).spell(QUESTIONS[GATE].text))


@pytest.mark.parametrize("locale", LOCALES)
def test_emergency_number_by_locale(make_listener, locale):
    listener = make_listener(locale=locale)
    start(listener)
    speech = listener.say("yes")
    assert speech.startswith(f"Call {NUMBERS[locale]} now.")
    assert DIGITS[locale] in listener.card["content"]
    assert not listener.session_open


@pytest.mark.parametrize(
    "utterance", ["i can't control my bladder", "why can't i control my bladder", "stop"]
)
@pytest.mark.parametrize("locale", LOCALES)
def test_emergency_answers_say_the_locale_number(make_listener, locale, utterance):
    """Describing the sign being asked about answers it (at the bladder question)."""
    listener = make_listener(locale=locale)
    start(listener)
    for question in QUESTIONS:
        if question.id == "bladder_bowel":
            break
        listener.say("no")
    speech = listener.say(utterance)
    assert f"call {NUMBERS[locale]}" in speech.lower() and not listener.session_open
    assert [n for n in set(NUMBERS.values()) - {NUMBERS[locale]} if n in speech] == []
    if listener.card:
        assert DIGITS[locale] in listener.card["content"]


def test_repeat_reasks_the_question(listener):
    start(listener)
    listener.say("no")
    assert listener.say("repeat").endswith(QUESTIONS[1].text)


def test_repeat_and_help_at_the_gate_ask_the_gate_again(listener):
    start(listener)
    for _ in range(GATE):
        listener.say("no")
    assert listener.say("repeat").endswith("Shall I go on?")
    assert listener.say("help").endswith("Shall I go on?")
    assert listener.say("yes").endswith(QUESTIONS[GATE].text)


def test_help_explains_and_reasks(listener):
    start(listener)
    speech = listener.say("help")
    assert speech.startswith(VOICE.say("checklist_help")) and speech.endswith(QUESTIONS[0].text)
    assert "only a little" in speech


@pytest.mark.parametrize("utterance", ["purple monkey dishwasher", "more", "next"])
def test_off_topic_answer_asks_for_yes_or_no(listener, utterance):
    start(listener)
    listener.say("no")
    speech = listener.say(utterance)
    assert speech.startswith(VOICE.say("checklist_need_answer")) and speech.endswith(QUESTIONS[1].text)


@pytest.mark.parametrize("utterance", ["stop", "cancel"])
def test_stop_ends_politely_with_the_number(listener, utterance):
    start(listener)
    speech = listener.say(utterance)
    assert speech == VOICE.say("checklist_stopped")
    assert not listener.session_open


@pytest.mark.parametrize("locale", LOCALES)
def test_stop_after_a_same_day_sign_still_gives_that_advice(make_listener, locale):
    listener = make_listener(locale=locale)
    start(listener)
    for _ in range(GATE):
        listener.say("no")
    listener.say("yes")
    listener.say("sort of")  # cancer history
    speech = listener.say("stop")
    assert f"get medical advice today: {ROUTES[locale]}." in speech
    assert "cancer team or doctor within twenty-four hours" in speech and not listener.session_open


def test_stop_after_a_soon_sign_says_within_a_week_or_two(listener):
    start(listener)
    for _ in range(GATE):
        listener.say("no")
    listener.say("yes")
    for question in QUESTIONS[GATE:]:
        if question.severity == SOON:
            listener.say("yes")
            break
        listener.say("no")
    assert "within a week or two" in listener.say("stop")


def test_start_over_restarts(listener):
    start(listener)
    listener.say("no")
    listener.say("no")
    speech = listener.say("start over")
    assert speech.startswith(VOICE.say("checklist_restart")) and speech.endswith(QUESTIONS[0].text)


def test_other_question_mid_checklist_is_answered_then_offered_back(listener):
    start(listener)
    listener.say("no")
    speech = listener.say("what causes sciatica")
    assert VOICE.speak_text(CONTENT.topics["sciatica"].chunks[0]) in speech
    assert speech.endswith(
        VOICE.say("checklist_offer_resume", number=2, count=GATE)
    )  # the count they were told
    # "yes" now means "back to the checklist", not a checklist answer
    speech = listener.say("yes")
    assert speech.startswith(VOICE.say("checklist_resumed")) and speech.endswith(QUESTIONS[1].text)
    assert listener.say("no").endswith(QUESTIONS[2].text)


def test_checklist_intent_resumes_a_paused_checklist(listener):
    start(listener)
    listener.say("no")
    listener.say("what causes sciatica")
    assert listener.say("check my symptoms").endswith(QUESTIONS[1].text)


def test_declining_to_resume_keeps_the_checklist_on_offer(listener):
    start(listener)
    listener.say("no")
    listener.say("what causes sciatica")
    listener.say("no")
    assert listener.say("check my symptoms").endswith(QUESTIONS[1].text)


def test_emergency_words_mid_checklist_win(listener):
    start(listener)
    listener.say("no")
    speech = listener.say("my legs are giving out")
    assert "nine one one" in speech and not listener.session_open


def test_tampered_state_mid_checklist_never_skips_an_emergency_question(listener):
    start(listener)
    listener.say("no")
    listener.console.device.attributes["checklist"] = {"index": 8, "answers": [[QUESTIONS[0].id, "no"]]}
    speech = listener.say("no")
    assert speech.endswith(QUESTIONS[0].text)
    assert VOICE.say("checklist_state_reset") in speech


def test_forged_past_the_gate_state_restarts(listener):
    start(listener)
    answers = [[q.id, "no"] for q in QUESTIONS[: GATE + 1]]
    listener.console.device.attributes["checklist"] = {"index": GATE + 1, "answers": answers, "more": False}
    speech = listener.say("no")
    assert speech.endswith(QUESTIONS[0].text) and VOICE.say("checklist_state_reset") in speech


def test_a_little_to_a_confirming_question_is_a_yes(listener):
    listener.open()
    speech = listener.say("why can't i control my bladder")
    if listener.session_open and "?" in speech:  # a confirming question
        speech = listener.say("a little")
        assert speech.startswith("Call nine one one now.") and not listener.session_open


def test_a_little_outside_any_question_is_not_an_emergency(listener):
    listener.open()
    speech = listener.say("a little")
    assert (
        listener.intent == "PartlyIntent" and listener.session_open and "Call nine one one now" not in speech
    )


def test_spoken_total_of_the_emergency_block_is_short():
    """The emergency block, all no, is about a minute of speech (150 words a minute)."""
    spoken = " ".join(
        [VOICE.say("checklist_intro", count=GATE)]
        + [VOICE.say("checklist_question", number=i + 1, text=q.text) for i, q in enumerate(QUESTIONS[:GATE])]
        + [VOICE.say("checklist_offer_more")]
    )
    assert len(words(spoken)) / 150 * 60 < 100  # seconds
