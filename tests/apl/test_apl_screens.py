"""APL: a screen device gets a well-formed RenderDocument built from content/apl/, a voice-only one none."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from back_pain_guide import apl
from back_pain_guide.content import get_content
from back_pain_guide.speech import Voice

ROOT = Path(__file__).resolve().parents[2]
APL_DIR = ROOT / "content" / "apl"
CONTENT = get_content()
QUESTIONS = CONTENT.questions
RENDER = "Alexa.Presentation.APL.RenderDocument"
VOICE = Voice(CONTENT, "en-US")


def directives(listener) -> list[dict]:
    return (listener.response.get("response") or {}).get("directives") or []


def screen_of(listener) -> tuple[dict, dict]:
    """The one RenderDocument directive's document and its `screen` datasource."""
    found = [d for d in directives(listener) if d["type"] == RENDER]
    assert len(found) == 1
    directive = found[0]
    assert directive["token"] == apl.TOKEN
    assert list(directive["datasources"]) == ["screen"]
    return directive["document"], directive["datasources"]["screen"]


def texts_in(node) -> list[str]:
    """Every `text` property in a document."""
    if isinstance(node, dict):
        own = [node["text"]] if isinstance(node.get("text"), str) else []
        return own + [t for value in node.values() for t in texts_in(value)]
    if isinstance(node, list):
        return [t for item in node for t in texts_in(item)]
    return []


@pytest.mark.parametrize("name", apl.DOCUMENTS)
def test_documents_are_apl_with_layout_only(name):
    document = json.loads((APL_DIR / f"{name}.json").read_text())
    assert document["type"] == "APL" and re.fullmatch(r"\d{4}\.\d", document["version"])
    assert document["mainTemplate"]["parameters"] == ["screen"]
    texts = texts_in(document["mainTemplate"])
    assert texts and all(re.fullmatch(r"\$\{[^}]+\}", t) for t in texts), texts  # no hard-coded words
    assert "import" not in document  # plain APL components, nothing from alexa-layouts


COMPONENTS = {
    "Container",
    "Frame",
    "Text",
    "ScrollView",
    "TouchWrapper",
    "VectorGraphic",
}  # plain APL, no AlexaButton
BINDING_ROOTS = {"screen", "data", "viewport", "state"}


def components_in(node) -> list[dict]:
    if isinstance(node, dict):
        own = [node] if isinstance(node.get("type"), str) else []
        return own + [c for value in node.values() for c in components_in(value)]
    if isinstance(node, list):
        return [c for item in node for c in components_in(item)]
    return []


def strings_in(node) -> list[str]:
    if isinstance(node, dict):
        return [s for value in node.values() for s in strings_in(value)]
    if isinstance(node, list):
        return [s for item in node for s in strings_in(item)]
    return [node] if isinstance(node, str) else []


@pytest.mark.parametrize("name", apl.DOCUMENTS)
def test_documents_refer_only_to_what_they_define(name):
    document = json.loads((APL_DIR / f"{name}.json").read_text())
    template = document["mainTemplate"]
    assert {c["type"] for c in components_in(template)} <= COMPONENTS | {"SendEvent"}
    resources = {
        k for r in document["resources"] for group in ("dimensions", "colors") for k in r.get(group, {})
    }
    styles = set(document["styles"])
    used = strings_in(template) + strings_in(document["styles"])
    assert {u[1:] for u in used if re.fullmatch(r"@\w+", u)} <= resources
    assert {c["style"] for c in components_in(template) if "style" in c} <= styles
    roots = {m for u in used + strings_in(document["resources"]) for m in re.findall(r"\$\{!?\(?(\w+)", u)}
    assert roots <= BINDING_ROOTS, roots


def test_checklist_buttons_send_the_answer_as_a_user_event():
    document = json.loads((APL_DIR / "checklist.json").read_text())
    wrapper = json.dumps(document)
    assert '"type": "TouchWrapper"' in wrapper
    assert '{"type": "SendEvent", "arguments": ["answer", "${data.value}"]}' in wrapper
    values = [b["value"] for b in apl.screen_text()["buttons"]]
    assert values[:2] == ["yes", "no"]


def test_an_answer_on_a_screen(make_listener):
    listener = make_listener(screen=True)
    listener.open()
    speech = listener.say("what causes sciatica")
    document, screen = screen_of(listener)
    topic = CONTENT.topics["sciatica"]
    assert document == {
        k: v for k, v in json.loads((APL_DIR / "answer.json").read_text()).items() if k != "description"
    }
    assert screen["title"] == topic.title
    assert screen["text"] == Voice(CONTENT, "en-US").speak_text(topic.chunks[0]) and screen["text"] in speech
    assert screen["prompt"] and speech.endswith(screen["prompt"])
    assert all(CONTENT.sources[s].title in screen["source"] for s in topic.sources)
    assert screen["hints"][0] == apl.screen_text()["hints"]["more"] and screen["hintLabel"]
    assert listener.card["title"] == topic.title  # the card stays


def test_related_topic_offer_becomes_a_hint(make_listener):
    listener = make_listener(screen=True)
    listener.open()
    listener.say("what causes sciatica")
    while listener.speech.endswith(Voice(CONTENT, "en-US").say("more_offer")):
        listener.say("tell me more")
    offer = listener.console.device.attributes["offer"]
    _, screen = screen_of(listener)
    title = CONTENT.topics[offer["topic"]].title.lower()
    assert screen["hints"][0] == apl.screen_text()["hints"]["topic"].format(title=title)


def test_a_reply_that_reads_no_topic_names_no_source(make_listener):
    listener = make_listener(screen=True)
    listener.open()
    listener.say("what causes sciatica")
    listener.say("help")
    _, screen = screen_of(listener)
    assert screen["source"] == "" and screen["title"] == Voice(CONTENT, "en-US").write("skill_name")


def test_the_checklist_question_on_a_screen(make_listener):
    listener = make_listener(screen=True)
    listener.open()
    listener.say("check my symptoms")
    document, screen = screen_of(listener)
    assert document == {
        k: v for k, v in json.loads((APL_DIR / "checklist.json").read_text()).items() if k != "description"
    }
    assert screen["question"] == QUESTIONS[0].text
    emergencies = sum(q.is_emergency for q in QUESTIONS)
    # The count on the screen is the one the listener was just told ("I'll start with eight questions").
    assert f"1 of {emergencies}" in screen["title"]
    assert screen["note"] == VOICE.say("checklist_intro", count=emergencies)
    assert [b["value"] for b in screen["buttons"]] == ["yes", "no", "unsure"]
    listener.say("no")
    assert screen_of(listener)[1]["question"] == QUESTIONS[1].text and screen_of(listener)[1]["note"] == ""
    listener.say("purple monkey dishwasher")
    assert screen_of(listener)[1]["note"] == VOICE.say("checklist_need_answer")


def test_past_the_emergency_block_the_screen_counts_every_question(make_listener):
    listener = make_listener(screen=True)
    listener.open()
    listener.say("check my symptoms")
    for _ in range(sum(q.is_emergency for q in QUESTIONS)):
        listener.say("no")
    listener.say("yes")  # go on past the gate
    _, screen = screen_of(listener)
    assert f"of {len(QUESTIONS)}" in screen["title"]


@pytest.mark.parametrize(
    "locale, digits",
    [("en-GB", "999"), ("en-AU", "000"), ("en-IN", "112, or 108 for an ambulance"), ("en-US", "911")],
)
def test_emergency_screen_writes_the_locale_number(make_listener, locale, digits):
    listener = make_listener(locale=locale, screen=True)
    listener.open()
    listener.say("check my symptoms")
    listener.say("yes")
    _, screen = screen_of(listener)
    assert (
        f"call {digits} now" in screen["text"].lower() and screen["hints"] == [] and not listener.session_open
    )


def test_screens_use_the_locale_spellings(make_listener):
    listener = make_listener(locale="en-GB", screen=True)
    listener.open()
    listener.say("tell me about slipped disc")
    _, screen = screen_of(listener)
    assert screen["title"] == "Herniated disc" and "disk" not in json.dumps(screen)


@pytest.mark.parametrize(
    "utterances",
    [["open back pain guide"], ["what causes sciatica"], ["check my symptoms", "yes"], ["help"], ["stop"]],
)
def test_voice_only_devices_get_no_directive(make_listener, utterances):
    listener = make_listener(screen=False)
    for utterance in utterances:
        listener.say(utterance)
        assert directives(listener) == []
        assert "Alexa.Presentation.APL" not in json.dumps(listener.request)


def test_screen_requests_say_they_support_apl(make_listener):
    listener = make_listener(screen=True)
    listener.open()
    interfaces = listener.request["context"]["System"]["device"]["supportedInterfaces"]
    assert "Alexa.Presentation.APL" in interfaces


@pytest.mark.parametrize("screen", [True, False])
def test_console_json_screen_shows_the_directive(screen):
    from back_pain_guide.local.console import Console, run
    from back_pain_guide.skill import lambda_handler

    out = io.StringIO()
    assert run(["what causes sciatica"], Console(lambda_handler, screen=screen), show_json=True, out=out) == 0
    shown = out.getvalue()
    assert (f'"type": "{RENDER}"' in shown and '"datasources"' in shown) == screen
    assert (f"[Directive: {RENDER}]" in shown) == screen


def test_console_taps_a_button_on_a_screen_device():
    from back_pain_guide.local.console import Console, run
    from back_pain_guide.skill import lambda_handler

    out = io.StringIO()
    run(["check my symptoms", "(tap no)"], Console(lambda_handler, screen=True), show_json=False, out=out)
    shown = out.getvalue()
    assert '[Touch ["answer", "no"]]' in shown and shown.rstrip().endswith(
        QUESTIONS[1].text + "\n  [Directive: " + RENDER + "]"
    )


def test_a_request_without_device_context_gets_no_screen(make_listener):
    listener = make_listener(screen=True)
    envelope = listener.console.device.launch()
    del envelope["context"]
    response = listener.send(envelope)
    assert "directives" not in response["response"] and response["response"]["outputSpeech"]
