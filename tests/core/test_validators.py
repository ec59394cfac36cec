"""The precompiled content validators (tools/build_validators.py) are current and actually used."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import fastjsonschema
import pytest

from back_pain_guide import content

ROOT = Path(__file__).resolve().parents[2]


def test_generated_validators_are_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_validators.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_loading_content_compiles_no_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a schema was compiled at run time")

    monkeypatch.setattr(fastjsonschema, "compile", refuse)
    assert content.load_content().topics


def test_an_edited_schema_is_compiled_rather_than_checked_with_the_stale_validator(tmp_path: Path) -> None:
    for file in (ROOT / "content").glob("*.json"):
        shutil.copy(file, tmp_path / file.name)
    schema = json.loads((tmp_path / "back_pain.schema.json").read_text(encoding="utf-8"))
    schema["properties"]["review_date"]["pattern"] = "^an edited pattern$"
    (tmp_path / "back_pain.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    with pytest.raises(content.ContentError, match="review_date"):
        content.load_content(tmp_path)


def _copy_content(target: Path) -> Path:
    for file in (ROOT / "content").glob("*.json"):
        shutil.copy(file, target / file.name)
    return target


def _validations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The data files validated from now on, in order."""
    seen: list[str] = []
    real = content._validate

    def recording(data: object, validator: object, data_path: Path) -> None:
        seen.append(Path(data_path).name)
        real(data, validator, data_path)

    monkeypatch.setattr(content, "_validate", recording)
    return seen


def test_content_validated_at_build_is_not_validated_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    validated = _validations(monkeypatch)
    assert content.load_content(_copy_content(tmp_path)).topics
    assert validated == []


def test_any_edit_since_the_build_is_validated_on_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _copy_content(tmp_path)
    data = folder / "back_pain.json"
    data.write_text(data.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # same content, other bytes
    validated = _validations(monkeypatch)
    assert content.load_content(folder).topics
    assert validated == ["back_pain.json"]


def test_an_edited_schema_is_not_trusted_either(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _copy_content(tmp_path)
    schema = folder / "prompts.schema.json"
    schema.write_text(schema.read_text(encoding="utf-8") + " ", encoding="utf-8")
    validated = _validations(monkeypatch)
    content.load_content(folder)
    assert validated == ["prompts.json"]


def test_an_invalid_edit_is_reported_although_the_file_was_valid_at_build(tmp_path: Path) -> None:
    folder = _copy_content(tmp_path)
    data = json.loads((folder / "back_pain.json").read_text(encoding="utf-8"))
    data["topics"][0]["chunks"] = []
    (folder / "back_pain.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(content.ContentError, match=r"back_pain.json: \$\.topics\[0\]\.chunks"):
        content.load_content(folder)


def test_a_cold_start_on_the_built_content_does_not_import_a_validator() -> None:
    script = (
        "import sys; from back_pain_guide.content import get_content; get_content(); "
        "print(sorted(m for m in sys.modules if 'validators.' in m or m == 'fastjsonschema'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT / "lambda",
        capture_output=True,
        text=True,
        env={"PATH": "", "PYTHONPATH": str(ROOT / "lambda")},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_build_stamps_no_content_that_fails_validation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import build_validators

    folder = _copy_content(tmp_path)
    (folder / "prompts.json").write_text("[]", encoding="utf-8")
    monkeypatch.setattr(build_validators, "CONTENT", folder)
    with pytest.raises(SystemExit, match=r"does not validate, nothing written: .*prompts\.json"):
        build_validators.validated_checksums()
