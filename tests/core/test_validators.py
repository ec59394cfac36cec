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
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "build_validators.py"), "--check"],
                            capture_output=True, text=True)
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
