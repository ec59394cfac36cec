"""Nothing a listener says about their body is ever stored (Alexa policy for non-HIPAA skills).

A full checklist (answered every way) and a set of questions go through ``lambda_handler``,
the real entry point, with the store ``default_adapter()`` picks from the environment; then
every stored item is read back and checked field by field, and for SQLite the whole file too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dynalite import Dynalite, new_table_name
from store_items import dynamodb_view, sqlite_items

from back_pain_guide.content import get_content
from back_pain_guide.local.console import Console
from back_pain_guide.skill import default_skill, lambda_handler
from back_pain_guide.store import PROFILE_FIELDS, TTL_ATTRIBUTE

CONTENT = get_content()
QUESTIONS = CONTENT.questions
SESSIONS = [
    ["check my symptoms"] + ["no"] * len(QUESTIONS) + ["yes"],  # whole checklist, all clear
    ["check my symptoms", "no", "no", "i'm not sure"],  # stopped by an unsure answer
    ["check my symptoms"] + ["no"] * (len(QUESTIONS) - 1) + ["yes"],  # flagged on the last question
    [
        "what causes sciatica",
        "tell me more",
        "does heat help",
        "how long does a herniated disk take to heal",
        "should i get an mri",
        "check my symptoms",
        "no",
        "what helps back pain",
        "yes",
    ],
    ["i can't control my bladder"],
    ["is it bad that my leg tingles when i sit", "my groin is numb"],
]
# Words that would only be in a store if something said in a session leaked into it.
LEAK_MARKERS = (
    {q.id for q in QUESTIONS}
    | set(CONTENT.topics)
    | {
        "sciatica",
        "bladder",
        "groin",
        "tingles",
        "heat",
        "mri",
        "checklist",
        "asked",
        "answers",
        "reading",
        "offer",
        "last_reply",
        "query",
    }
)


@pytest.fixture
def fresh_default_skill() -> Iterator[None]:
    """Rebuild the process-wide skill from the environment the test sets, and again after."""
    default_skill.cache_clear()
    yield
    default_skill.cache_clear()


@pytest.fixture
def sqlite_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_default_skill: None):
    path = tmp_path / "default.sqlite3"
    monkeypatch.delenv("BACK_PAIN_GUIDE_TABLE", raising=False)
    monkeypatch.setenv("BACK_PAIN_GUIDE_DB", str(path))
    return "sqlite", lambda: sqlite_items(path), path


@pytest.fixture
def dynamodb_default(dynalite: Dynalite, monkeypatch: pytest.MonkeyPatch, fresh_default_skill: None):
    table = new_table_name()
    dynalite.resource().create_table(
        TableName=table,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
    )
    for name, value in {
        "BACK_PAIN_GUIDE_TABLE": table,
        "AWS_ENDPOINT_URL_DYNAMODB": dynalite.endpoint_url,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    inspector = dynalite.resource().Table(table)
    return "dynamodb", lambda: [dynamodb_view(i) for i in inspector.scan(ConsistentRead=True)["Items"]], None


@pytest.fixture(params=["sqlite_default", "dynamodb_default"])
def default_store(request: pytest.FixtureRequest):
    return request.getfixturevalue(request.param)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield str(key)
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)


def test_no_health_data_is_ever_stored(default_store):
    kind, read_items, sqlite_path = default_store
    users = [f"amzn1.ask.account.health-{n}" for n in range(len(SESSIONS))]
    spoken = 0
    for user_id, utterances in zip(users, SESSIONS, strict=False):
        console = Console(lambda_handler, user_id=user_id)
        for utterance in ["open back pain guide", *utterances]:
            _, response = console.say(utterance)
            assert (response.get("response") or {}).get("outputSpeech"), utterance
            spoken += 1
        console.say("open back pain guide")  # a second visit: the profile is read and rewritten
    assert spoken > 3 * len(QUESTIONS)

    items = read_items()
    assert sorted(item["id"] for item in items) == sorted(users)  # the store the environment chose was used
    for item in items:
        assert set(item) == {"id", "attributes", TTL_ATTRIBUTE}, item
        assert set(item["attributes"]) <= set(PROFILE_FIELDS), item
        assert item["attributes"]["visits"] == 2 and item["attributes"]["heard_disclaimer"] is True
        assert isinstance(item[TTL_ATTRIBUTE], int)
        for text in _strings(item["attributes"]):
            assert not any(marker in text.lower() for marker in LEAK_MARKERS), (item, text)

    if kind == "sqlite":  # nothing anywhere else in the file either: one table, no stray rows
        with sqlite3.connect(sqlite_path) as db:
            tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        assert tables == ["profile"]
        # The store keeps its connection, so recent writes may still be in the write-ahead log.
        raw = b"".join(p.read_bytes() for p in sqlite_path.parent.glob(sqlite_path.name + "*")).lower()
        assert not [m for m in LEAK_MARKERS if m.encode() in raw]
