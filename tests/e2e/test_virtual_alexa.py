"""The running service driven by Bespoken's virtual-alexa (an independent client) over HTTP.

virtual-alexa resolves utterances with the project's interaction model and posts
unsigned envelopes, so the service runs with --no-verify here; a verifying service
must refuse the very same client.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("drive.js")
MODEL = ROOT / "interaction_model" / "en-US.json"

if shutil.which("node") is None:
    pytestmark = pytest.mark.skip(reason="node is not installed")
elif not (ROOT / "node_modules" / "virtual-alexa").is_dir():
    pytestmark = pytest.mark.skip(
        reason="node_modules/virtual-alexa missing: run `npm ci` at the repository root"
    )


def converse(url: str, *turns: str) -> list[dict]:
    done = subprocess.run(
        ["node", str(DRIVER), url, str(MODEL), *turns], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_launch_cause_question_and_checklist_to_emergency(unverified_service):
    launch, cause, checklist, emergency = converse(
        unverified_service, "launch", "what causes back pain", "check my symptoms", "yes"
    )
    assert all(turn["status"] == "ok" for turn in (launch, cause, checklist, emergency))

    assert "Welcome to Back Pain Guide" in launch["ssml"] and not launch["endSession"]
    assert "strained muscle" in cause["ssml"] and not cause["endSession"]
    assert "yes or no questions" in checklist["ssml"]
    assert "Question 1:" in checklist["ssml"] and "chest pain" in checklist["ssml"]
    assert emergency["ssml"].startswith("<speak>Call nine one one now")
    assert emergency["endSession"] and "?" not in emergency["ssml"]


def test_checklist_answers_go_on_to_the_next_question(unverified_service):
    turns = converse(unverified_service, "launch", "run the checklist", "no", "i'm not sure")
    assert all(turn["status"] == "ok" for turn in turns)
    assert "Question 2:" in turns[2]["ssml"] and not turns[2]["endSession"]
    assert "Question 2:" not in turns[3]["ssml"]


def test_verifying_service_refuses_unsigned_requests(verifying_service):
    (launch,) = converse(verifying_service, "launch")
    assert launch["status"] == "refused" and "400" in launch["error"]
