"""A cold start loads only what its first answer needs (issue #8: no import the request path does not need).

Each module below was once on the cold-start path and cost a Lambda cold start milliseconds;
a fresh interpreter answering "open back pain guide" must not load any of them again.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from back_pain_guide.local.envelopes import Device, slot

ROOT = Path(__file__).resolve().parents[2]

NOT_NEEDED_TO_OPEN_THE_SKILL = (
    "pathlib",  # paths are os.path strings
    "fastjsonschema",  # validators are precompiled
    "back_pain_guide.generated.validators.back_pain",  # content validated at build time is not re-validated
    "back_pain_guide.generated.validators.prompts",
    "ask_sdk_model.slu.entityresolution",  # only for requests that carry a topic slot
    "back_pain_guide.search",  # free-form questions build their index on first use
    "back_pain_guide.safety",
    "snowballstemmer",
    "xml.sax",  # SSML escaping needs no XML library
    "boto3",  # the local store is SQLite
    "back_pain_guide.interceptors",  # request/response log lines exist only at INFO
    "back_pain_guide.store.dynamodb",  # only with a table configured
    "back_pain_guide.web",  # local-only rooms, left out of the package
    "back_pain_guide.local",
)

SCRIPT = """
import json, sys
import lambda_function
answer = lambda_function.handler(json.loads(sys.argv[1]), None)
assert "Back Pain Guide" in answer["response"]["outputSpeech"]["ssml"], answer
print(json.dumps(sorted(sys.modules)))
"""


def test_opening_the_skill_loads_none_of_the_modules_it_does_not_need(tmp_path: Path) -> None:
    launch = json.dumps(Device(user_id="amzn1.ask.account.imports").launch())
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, launch],
        cwd=ROOT / "lambda",
        capture_output=True,
        text=True,
        env={"PATH": "", "BACK_PAIN_GUIDE_DB": str(tmp_path / "state.sqlite3")},
    )
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout.splitlines()[-1]))
    assert "back_pain_guide.skill" in loaded and "sqlite3" in loaded
    assert sorted(loaded & set(NOT_NEEDED_TO_OPEN_THE_SKILL)) == []


def test_a_first_question_loads_the_index_without_pathlib_or_a_schema_compiler(tmp_path: Path) -> None:
    question = Device(user_id="amzn1.ask.account.imports").intent(
        "QuestionIntent",
        {
            "query": slot(
                "query", "why does my lower back hurt when i bend over", slot_type="AMAZON.SearchQuery"
            )
        },
    )
    script = SCRIPT.replace('assert "Back Pain Guide" in', 'assert "<speak>" in')
    result = subprocess.run(
        [sys.executable, "-c", script, json.dumps(question)],
        cwd=ROOT / "lambda",
        capture_output=True,
        text=True,
        env={"PATH": "", "BACK_PAIN_GUIDE_DB": str(tmp_path / "state.sqlite3")},
    )
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout.splitlines()[-1]))
    assert "back_pain_guide.search" in loaded
    assert (
        sorted(loaded & {"pathlib", "fastjsonschema", "back_pain_guide.generated.validators.back_pain"}) == []
    )
