"""Content loading: valid content loads once; broken content fails naming the file and field."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from back_pain_guide import paths
from back_pain_guide.content import ContentError, get_content, load_content


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    for name in ("back_pain.json", "back_pain.schema.json", "prompts.json", "prompts.schema.json"):
        shutil.copy(Path(paths.content_dir()) / name, tmp_path / name)
    return tmp_path


def edit(folder: Path, change) -> None:
    path = folder / "back_pain.json"
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def test_content_loads_once():
    assert get_content() is get_content()
    assert get_content().topics and get_content().questions


def test_missing_field_names_file_and_path(content_copy):
    edit(content_copy, lambda d: d["topics"][1].pop("chunks"))
    with pytest.raises(ContentError, match=r"back_pain\.json: \$\.topics\[1\].*chunks"):
        load_content(content_copy)


def test_wrong_type_names_file_and_path(content_copy):
    edit(content_copy, lambda d: d["topics"][0].__setitem__("kind", "horoscope"))
    with pytest.raises(ContentError, match=r"back_pain\.json: \$\.topics\[0\]\.kind"):
        load_content(content_copy)


def test_unknown_related_topic(content_copy):
    edit(content_copy, lambda d: d["topics"][0]["related"].append("no_such_topic"))
    with pytest.raises(ContentError, match=r"\$\.topics\[0\]\.related: unknown topic id 'no_such_topic'"):
        load_content(content_copy)


def test_emergency_question_after_urgent_is_rejected(content_copy):
    edit(
        content_copy,
        lambda d: d["checklist"]["questions"].append(dict(d["checklist"]["questions"][0], id="late")),
    )
    with pytest.raises(ContentError, match="questions must come in triage order"):
        load_content(content_copy)


def test_invalid_json_and_missing_file(content_copy):
    (content_copy / "prompts.json").write_text("{ not json")
    with pytest.raises(ContentError, match=r"prompts\.json: not valid JSON"):
        load_content(content_copy)
    (content_copy / "prompts.json").unlink()
    with pytest.raises(ContentError, match=r"prompts\.json: file not found"):
        load_content(content_copy)


def test_every_prompt_renders_in_every_locale():
    from back_pain_guide.speech import Voice

    content = get_content()
    values = {
        "title": "x",
        "summary": "x",
        "reason": "x",
        "summaries": "x",
        "count": 1,
        "number": 1,
        "text": "x",
        "examples": "x",
        "why": "x",
        "tell": "x",
        "question": "x",
        "note": "",
        "advice": "",
        "degree": "x",
    }
    for locale in content.locales:
        voice = Voice(content, locale)
        for key in content.prompts:
            assert voice.say(key, **values) and voice.write(key, **values)
