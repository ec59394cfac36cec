"""The screen preview (APL document + datasource -> HTML) and the speech the page says aloud."""

from __future__ import annotations

import pytest

from back_pain_guide import apl
from back_pain_simulator.apl_expr import ExpressionError, bind, evaluate, truthy
from back_pain_simulator.apl_preview import Viewport, render, render_directives
from back_pain_simulator.ssml import SsmlError, display_text, segments

SCOPE = {
    "screen": {"title": "Sciatica", "hints": ["a", "b"], "prompt": "", "n": 3},
    "viewport": {"width": 960, "shape": "rectangle"},
    "data": {"value": "yes"},
}


@pytest.mark.parametrize(
    "expression, value",
    [
        ("screen.title", "Sciatica"),
        ("screen.hints.length > 0", True),
        ("screen.hints[1]", "b"),
        ("screen.prompt != ''", False),
        ("viewport.shape == 'round' || viewport.width < 600", False),
        ("viewport.width >= 960 && screen.n == 3", True),
        ("!screen.prompt", True),
        ("screen.n * 2 + 1", 7),
        ("screen.n > 2 ? 'many' : 'few'", "many"),
        ("(screen.n - 1) % 2", 0),
        ("screen.missing.deeper", None),
        ("nothing", None),
        ("'a' + screen.n", "a3"),
        ("-screen.n", -3),
    ],
)
def test_expressions(expression, value):
    assert evaluate(expression, SCOPE) == value


@pytest.mark.parametrize("expression", ["screen.", "a ==", "1 +* 2", "screen[", "a ? b", "#x", "a b"])
def test_unreadable_expressions_raise(expression):
    with pytest.raises(ExpressionError):
        evaluate(expression, SCOPE)


def test_binding_keeps_types_alone_and_writes_text_when_mixed():
    assert bind("${screen.hints}", SCOPE) == ["a", "b"]
    assert bind("answer_${data.value}", SCOPE) == "answer_yes"
    assert bind(["answer", "${data.value}"], SCOPE) == ["answer", "yes"]
    assert bind("${screen.n > 1} items", SCOPE) == "true items"
    assert [truthy(v) for v in (None, False, 0, "", [], "x", 1)] == [
        False,
        False,
        False,
        False,
        True,
        True,
        True,
    ]


def checklist_screen(**data):
    words = {
        "title": "Warning signs: question 1 of 22",
        "note": "",
        "question": "Do you have chest pain?",
        "buttons": [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}],
        "hint": "Tap",
    }
    return {"screen": {**words, **data}}


def test_checklist_buttons_carry_their_send_event_arguments():
    preview = render(apl.document("checklist"), checklist_screen())
    assert preview.buttons == [
        {"label": "Yes", "arguments": ["answer", "yes"]},
        {"label": "No", "arguments": ["answer", "no"]},
    ]
    assert preview.html.count('<button type="button" class="apl-touch"') == 2
    assert 'data-apl-id="answer_no"' in preview.html and preview.warnings == []
    assert 'data-apl-id="note"' not in preview.html  # when="${screen.note != ''}" is false


def test_words_from_the_datasource_are_escaped():
    preview = render(apl.document("checklist"), checklist_screen(question='<img src=x onerror="alert(1)">'))
    assert "<img" not in preview.html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in preview.html


def test_resources_and_styles_follow_the_viewport():
    wide = render(apl.document("answer"), {"screen": {"title": "T", "text": "x", "hints": []}})
    small = render(
        apl.document("answer"),
        {"screen": {"title": "T", "text": "x", "hints": []}},
        Viewport(name="Echo Show round", width=480, height=480, shape="round", scale=1),
    )
    assert "padding-left:28.8px" in wide.html and "font-size:21.6px" in wide.html  # 48dp, 36dp at 0.6
    assert "padding-left:24px" in small.html and "font-size:24px" in small.html  # the small-screen values


def test_what_the_preview_cannot_draw_is_named():
    document = {
        "type": "APL",
        "mainTemplate": {
            "parameters": ["payload"],
            "items": [
                {
                    "type": "Container",
                    "items": [
                        {"type": "VectorGraphic", "source": "x"},
                        {"type": "Text", "text": "${payload.screen.title", "color": "url(x)"},
                        {
                            "type": "TouchWrapper",
                            "onPress": {"type": "SetValue"},
                            "item": {"type": "Text", "text": "Tap"},
                        },
                    ],
                }
            ],
        },
    }
    preview = render(document, {"screen": {"title": "T"}})
    assert "not drawn by this preview" in preview.html and "disabled" in preview.html
    joined = " ".join(preview.warnings)
    assert "'VectorGraphic'" in joined and "colour 'url(x)'" in joined and "'SetValue'" in joined
    assert preview.buttons == []


def test_responses_without_a_render_document_have_no_preview():
    assert render_directives(None) is None
    assert render_directives([{"type": "Dialog.Delegate"}]) is None
    assert render_directives(
        [{"type": "Alexa.Presentation.APL.RenderDocument", "document": {"src": "doc://x"}}]
    ).warnings


def test_breaks_pauses_and_substitutions():
    ssml = (
        '<speak>Call <say-as interpret-as="digits">999</say-as> now.<break time="1.5s"/>'
        '<p>First.</p><p>Second <sub alias="doctor">Dr.</sub>.</p><break strength="x-strong"/>'
        '<audio src="https://x/y.mp3"/>Bye &amp; rest.<break time="300ms"/></speak>'
    )
    assert segments({"type": "SSML", "ssml": ssml}) == [
        {"say": "Call 999 now."},
        {"pause": 1500},
        {"say": "First."},
        {"pause": 750},
        {"say": "Second doctor ."},
        {"pause": 1000},
        {"say": "Bye & rest."},
    ]
    assert (
        display_text(segments({"type": "SSML", "ssml": ssml}))
        == "Call 999 now. First. Second doctor . Bye & rest."
    )


def test_plain_text_and_broken_ssml():
    assert segments({"type": "PlainText", "text": "  Hello   there "}) == [{"say": "Hello there"}]
    assert segments(None) == []
    assert segments({"type": "SSML", "ssml": '<speak><break time="99s"/>Hi</speak>'}) == [{"say": "Hi"}]
    with pytest.raises(SsmlError):
        segments({"type": "SSML", "ssml": "<speak>Unclosed"})
