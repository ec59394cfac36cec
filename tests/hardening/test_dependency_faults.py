"""Failing dependencies, end to end through ``lambda_function.handler`` in a fresh process.

Content that is missing or invalid at start-up: every request still gets a well-formed answer
that points to emergency help, and the log names the file and the problem. A profile store
that is down or hung (SQLite locked by another writer, a dynalite server paused with SIGSTOP):
every turn still answers normally, each well inside Alexa's 8-second limit.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from back_pain_guide import paths
from back_pain_guide.handlers.errors import CONTENT_UNAVAILABLE

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ALEXA_LIMIT = 8.0
CONVERSATION = ["launch", "question", "checklist", "yes"]


def run_client(
    turns: list[str], env: dict[str, str], timeout: float = 60
) -> tuple[list[dict[str, Any]], str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("BACK_PAIN_GUIDE_", "AWS_"))}
    environ.update(env)
    done = subprocess.run(
        [sys.executable, str(HERE / "fault_client.py"), *turns],
        env=environ,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()], done.stderr


# --- content --------------------------------------------------------------------------------


def _drop_chunks(folder: Path) -> None:
    data = json.loads((folder / "back_pain.json").read_text())
    data["topics"][1].pop("chunks")
    (folder / "back_pain.json").write_text(json.dumps(data))


def _unknown_related(folder: Path) -> None:
    data = json.loads((folder / "back_pain.json").read_text())
    data["topics"][0]["related"].append("no_such_topic")
    (folder / "back_pain.json").write_text(json.dumps(data))


BREAKAGES: dict[str, tuple[Callable[[Path], None], list[str]]] = {
    "content file missing": (lambda f: (f / "back_pain.json").unlink(), ["back_pain.json", "file not found"]),
    "prompts not JSON": (
        lambda f: (f / "prompts.json").write_text("{ not json"),
        ["prompts.json", "not valid JSON"],
    ),
    "field missing": (_drop_chunks, ["back_pain.json", "$.topics[1]", "chunks"]),
    "unknown reference": (_unknown_related, ["back_pain.json", "$.topics[0].related", "no_such_topic"]),
    "empty file": (lambda f: (f / "back_pain.json").write_text(""), ["back_pain.json", "not valid JSON"]),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_broken_content_at_start_up_is_named_in_the_log_and_still_answered(tmp_path, breakage):
    folder = tmp_path / "content"
    shutil.copytree(paths.content_dir(), folder)
    breaking, named = BREAKAGES[breakage]
    breaking(folder)
    turns, log = run_client(
        ["launch", "emergency"],
        {"BACK_PAIN_GUIDE_CONTENT_DIR": str(folder), "BACK_PAIN_GUIDE_DB": str(tmp_path / "state.sqlite3")},
    )
    for turn in turns:
        assert turn["version"] == "1.0"
        assert turn["speech"] == CONTENT_UNAVAILABLE and "emergency" in turn["speech"]
        assert turn["end_session"] is True
    problem_lines = [
        line
        for line in log.splitlines()
        if line.startswith("CRITICAL") and "content could not be loaded" in line
    ]
    assert problem_lines, log
    for part in named:
        assert part in problem_lines[0], problem_lines[0]
    assert str(folder) in problem_lines[0]
    assert "Traceback" not in log


# --- profile store ------------------------------------------------------------------------------


def check_conversation(turns: list[dict[str, Any]]) -> None:
    """The same answers as with a healthy store, each within Alexa's limit."""
    by_turn = {turn["turn"]: turn for turn in turns}
    assert "Back Pain Guide" in by_turn["launch"]["speech"] and by_turn["launch"]["end_session"] is False
    assert "heat" in by_turn["question"]["speech"].lower()
    assert "Question 1" in by_turn["checklist"]["speech"]
    assert "Call nine one one now" in by_turn["yes"]["speech"] and by_turn["yes"]["end_session"] is True
    for turn in turns:
        assert turn["seconds"] < ALEXA_LIMIT, turn
        assert "went wrong" not in turn["speech"]


def test_sqlite_store_locked_by_another_writer(tmp_path):
    path = tmp_path / "state.sqlite3"
    run_client(["launch"], {"BACK_PAIN_GUIDE_DB": str(path)})  # the file exists, with a profile in it
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        turns, log = run_client(CONVERSATION, {"BACK_PAIN_GUIDE_DB": str(path)})
    finally:
        holder.close()
    check_conversation(turns)
    # In WAL mode a writer's lock leaves the profile readable; the write is what fails and is dropped.
    assert (
        "profile not saved: PersistenceException" in log or "profile not loaded: PersistenceException" in log
    )
    print("locked SQLite, seconds per turn:", {t["turn"]: t["seconds"] for t in turns})


def test_sqlite_store_gone(tmp_path):
    path = tmp_path / "state.sqlite3"
    path.mkdir()  # a directory where the file should be: nothing opens
    turns, log = run_client(CONVERSATION, {"BACK_PAIN_GUIDE_DB": str(path)})
    check_conversation(turns)
    assert "profile not loaded" in log


@pytest.fixture
def dynalite_table():
    from dynalite import Dynalite, DynaliteMissing, new_table_name

    server = Dynalite()
    try:
        server.start()
    except DynaliteMissing as exc:
        pytest.fail(str(exc))
    table = new_table_name()
    server.resource().create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    env = {
        "BACK_PAIN_GUIDE_TABLE": table,
        "AWS_ENDPOINT_URL_DYNAMODB": server.endpoint_url,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    yield server, env
    if server.process is not None:
        server.process.send_signal(signal.SIGCONT)
    server.stop()


def test_dynamodb_store_paused_with_sigstop(dynalite_table):
    server, env = dynalite_table
    healthy, _ = run_client(CONVERSATION, env)
    check_conversation(healthy)
    server.process.send_signal(signal.SIGSTOP)  # accepts connections, never answers
    try:
        turns, log = run_client(CONVERSATION, env)
    finally:
        server.process.send_signal(signal.SIGCONT)
    check_conversation(turns)
    assert "profile not loaded: PersistenceException" in log
    print("paused dynalite, seconds per turn:", {t["turn"]: t["seconds"] for t in turns})


@pytest.mark.parametrize("breakage", ["field missing", "content file missing"])
def test_the_web_service_refuses_to_start_on_broken_content_naming_the_problem(tmp_path, breakage):
    folder = tmp_path / "content"
    shutil.copytree(paths.content_dir(), folder)
    breaking, named = BREAKAGES[breakage]
    breaking(folder)
    environ = {k: v for k, v in os.environ.items() if not k.startswith("BACK_PAIN_GUIDE_")}
    environ.update(
        BACK_PAIN_GUIDE_CONTENT_DIR=str(folder), BACK_PAIN_GUIDE_DB=str(tmp_path / "state.sqlite3")
    )
    done = subprocess.run(
        [sys.executable, "-m", "back_pain_guide.web.app", "--no-verify", "--port", "1"],
        env=environ,
        cwd=ROOT / "lambda",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    refusal = done.stderr.strip().splitlines()[-1]
    assert refusal.startswith("refusing to start: ") and str(folder) in refusal
    for part in named:
        assert part in refusal
    assert "Traceback" not in done.stderr
