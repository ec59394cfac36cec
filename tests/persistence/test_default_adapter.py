"""Choosing the store, bounding its time, and what happens when there is none."""

from __future__ import annotations

import json
import logging
import os
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from ask_sdk_core.exceptions import PersistenceException
from dynalite import Dynalite, new_table_name

from back_pain_guide import skill, store
from back_pain_guide.handlers.lifecycle import DELETE_ROUNDS, ProfileNotDeleted
from back_pain_guide.local.console import Console, speech_text
from back_pain_guide.local.envelopes import Device
from back_pain_guide.store import SqliteAdapter, default_adapter
from back_pain_guide.store.dynamodb import DynamoDbProfileAdapter, dynamodb_client
from back_pain_guide.store.rules import with_retries

LAMBDA_DIR = Path(__file__).resolve().parents[2] / "lambda"


def test_sqlite_by_default_at_the_configured_path(tmp_path):
    adapter = default_adapter({"BACK_PAIN_GUIDE_DB": str(tmp_path / "x" / "s.sqlite3")})
    assert isinstance(adapter, SqliteAdapter) and Path(adapter.path) == tmp_path / "x" / "s.sqlite3"
    assert not (tmp_path / "x").exists()  # nothing touches the disk until the first turn


def test_sqlite_default_path_is_private_under_home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    adapter = default_adapter({})
    assert Path(adapter.path) == tmp_path / ".back_pain_guide" / "state.sqlite3"
    adapter.save_attributes(_envelope("amzn1.ask.account.A"), {"visits": 1})
    assert stat.S_IMODE((tmp_path / ".back_pain_guide").stat().st_mode) == 0o700
    assert adapter.get_attributes(_envelope("amzn1.ask.account.A")) == {"visits": 1}


def test_dynamodb_when_the_table_is_named(dynalite: Dynalite, monkeypatch):
    table = new_table_name()
    for name, value in {
        "AWS_ENDPOINT_URL_DYNAMODB": dynalite.endpoint_url,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "eu-west-1",
    }.items():
        monkeypatch.setenv(name, value)
    _ = DynamoDbProfileAdapter(table, create_table=True).client  # creates the table
    adapter = default_adapter({"BACK_PAIN_GUIDE_TABLE": table, "BACK_PAIN_GUIDE_DB": "/nonexistent/x"})
    assert isinstance(adapter, DynamoDbProfileAdapter) and adapter.table_name == table
    config = adapter.client.meta.config
    assert (config.connect_timeout, config.read_timeout) == (0.5, 0.5)
    assert config.retries["total_max_attempts"] == 1
    adapter.save_attributes(_envelope("amzn1.ask.account.A"), {"visits": 7})
    assert dynalite.resource().Table(table).get_item(Key={"id": "amzn1.ask.account.A"})["Item"]["visits"] == 7


def test_dynamodb_store_costs_nothing_until_first_use_and_needs_no_aws_configuration():
    """Choosing the store imports no AWS library; the first call builds a botocore client (never
    boto3) with a fallback region when none is configured."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    code = (
        "import sys, back_pain_guide.store as p; "
        "a = p.default_adapter({'BACK_PAIN_GUIDE_TABLE': 't'}); "
        "print('botocore' in sys.modules, 'boto3' in sys.modules, 'ask_sdk_dynamodb' in sys.modules); "
        "c = a.client; "
        "print('botocore' in sys.modules, 'boto3' in sys.modules, c.meta.region_name, type(c).__name__)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=LAMBDA_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "False", "True", "False", "us-east-1", "DynamoDB"]


def test_skill_answers_when_no_store_can_be_made(monkeypatch):
    def broken(environ=None):
        raise RuntimeError("no store here")

    monkeypatch.setattr(store, "default_adapter", broken)
    skill.default_skill.cache_clear()
    try:
        console = Console(skill.lambda_handler, user_id="amzn1.ask.account.nostore")
        _, response = console.say("open back pain guide")
        assert speech_text(response["response"]["outputSpeech"]).startswith("Welcome to Back Pain Guide")
        assert skill.default_skill().persistence_adapter is None
        assert console.send(Device(user_id="amzn1.ask.account.nostore").skill_disabled())["version"] == "1.0"
    finally:
        skill.default_skill.cache_clear()


# --- retries within a time budget ---------------------------------------------------------------


def test_quick_failure_is_retried_once():
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise OSError("refused")
        return "ok"

    assert with_retries(flaky, what="test", attempt_cost=0.1) == "ok" and len(calls) == 2


def test_slow_failure_is_not_retried_past_the_budget(caplog):
    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.3)
        raise TimeoutError("secret-user-value")

    with caplog.at_level(logging.WARNING), pytest.raises(PersistenceException):
        with_retries(slow, what="test", attempt_cost=1.0, budget=1.2)
    assert len(calls) == 1
    assert "TimeoutError" in caplog.text and "secret-user-value" not in caplog.text


# --- a throttled DynamoDB ---------------------------------------------------------------------------


class _Throttling(BaseHTTPRequestHandler):
    """Answers every DynamoDB call as DynamoDB does when a table's throughput is exceeded."""

    hits: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.hits.append(self.headers.get("X-Amz-Target", ""))
        body = json.dumps(
            {
                "__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                "message": "The level of configured provisioned throughput for the table was exceeded.",
            }
        )
        self.send_response(400)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def throttling_endpoint() -> Iterator[str]:
    _Throttling.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Throttling)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_throttled_store_is_retried_briefly_and_the_skill_answers(throttling_endpoint, caplog):
    client = dynamodb_client(
        endpoint_url=throttling_endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    built = skill.build_skill(DynamoDbProfileAdapter("throttled-table", client))
    console = Console(
        lambda event, context: skill.invoke(built, event, context), user_id="amzn1.ask.account.T"
    )
    started = time.monotonic()
    with caplog.at_level(logging.WARNING):
        _, response = console.say("open back pain guide")
        elapsed = time.monotonic() - started
        # Nobody waits for a skill event's answer: the deletion is tried in three rounds, then
        # fails loudly so that Alexa delivers the event again.
        with pytest.raises(ProfileNotDeleted):
            console.send(Device(user_id="amzn1.ask.account.T").skill_disabled())
    assert speech_text(response["response"]["outputSpeech"]).startswith("Welcome to Back Pain Guide")
    assert response["response"]["shouldEndSession"] is False
    # One read retried once (no write of an unread profile); the delete retried in three rounds.
    assert (
        _Throttling.hits
        == ["DynamoDB_20120810.GetItem"] * 2 + ["DynamoDB_20120810.DeleteItem"] * 2 * DELETE_ROUNDS
    )
    assert elapsed < 1.0
    assert (
        "ProvisionedThroughputExceededException" in caplog.text and "amzn1.ask.account.T" not in caplog.text
    )


def _envelope(user_id: str):
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    return DefaultSerializer().deserialize(
        payload=json.dumps(Device(user_id=user_id).launch()), obj_type=RequestEnvelope
    )
