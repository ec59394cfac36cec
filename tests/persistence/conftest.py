"""Fixtures: each persistence test runs once per store, against the real thing.

``store`` is parametrised over ``sqlite`` (a file in tmp_path) and ``dynamodb`` (a private
dynalite server on a free 127.0.0.1 port, reached through boto3 with dummy credentials).
Each ``Store`` can show what is really stored (read back by a separate connection, not the
adapter) and can be broken: ``down()`` (server killed / file gone) or ``hang()`` (a server
that accepts and never answers / a file locked by another writer).
"""

from __future__ import annotations

import socket
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from dynalite import Dynalite, new_table_name
from store_items import dynamodb_view, sqlite_items

from back_pain_guide.local.console import Console, speech_text
from back_pain_guide.local.envelopes import Device
from back_pain_guide.skill import build_skill, invoke
from back_pain_guide.store import SqliteAdapter
from back_pain_guide.store.dynamodb import DynamoDbProfileAdapter, dynamodb_client

START = 1_790_000_000.0  # a fixed "now" (2026-09-21), moved on by tests that need time to pass


class Clock:
    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class CountingAdapter(AbstractPersistenceAdapter):
    """Passes every call through to the real adapter and counts them."""

    def __init__(self, inner: AbstractPersistenceAdapter) -> None:
        self.inner = inner
        self.reads = self.writes = self.deletes = 0

    def get_attributes(self, request_envelope):
        self.reads += 1
        return self.inner.get_attributes(request_envelope)

    def save_attributes(self, request_envelope, attributes):
        self.writes += 1
        return self.inner.save_attributes(request_envelope, attributes)

    def delete_attributes(self, request_envelope):
        self.deletes += 1
        return self.inner.delete_attributes(request_envelope)

    def record_visit(self, request_envelope, last_visit):
        self.writes += 1
        return self.inner.record_visit(request_envelope, last_visit)


class Store:
    """One real store, its adapter (counted), and ways to look inside and to break it."""

    def __init__(
        self,
        kind: str,
        adapter: AbstractPersistenceAdapter,
        clock: Clock,
        items: Callable[[], list[dict[str, Any]]],
        down: Callable[[], None],
        hang: Callable[[], None],
        back: Callable[[], None],
        set_expiry: Callable[[str, int], None],
    ) -> None:
        self.kind, self.clock = kind, clock
        self.adapter = CountingAdapter(adapter)
        self._items, self._down, self._hang, self._back = items, down, hang, back
        self.set_expiry = set_expiry  # (user id, epoch seconds): rewrites an item's expiry in place
        self.patient_adapter = adapter  # the same store, for load tests that must not time out
        self.skill = build_skill(self.adapter)

    def items(self) -> list[dict[str, Any]]:
        """Every stored item, whole, as the store holds it."""
        return self._items()

    def item(self, user_id: str) -> dict[str, Any] | None:
        found = [i for i in self.items() if i["id"] == user_id]
        return found[0] if found else None

    def down(self) -> None:
        self._down()

    def hang(self) -> None:
        self._hang()

    def down_once_then_back(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Down now; back during the pause between the skill-disabled handler's rounds."""
        from back_pain_guide.handlers import lifecycle

        self.down()
        monkeypatch.setattr(lifecycle, "sleep", lambda seconds: self._back())

    def handler(self, event: dict[str, Any], context: Any = None) -> dict[str, Any]:
        return invoke(self.skill, event, context)

    def listener(self, user_id: str | None = None) -> Listener:
        return Listener(self, user_id or f"amzn1.ask.account.persist-{uuid.uuid4()}")


class Listener:
    """A user at a device talking to this store's skill through the console's resolver."""

    def __init__(self, store: Store, user_id: str) -> None:
        self.user_id = user_id
        self.console = Console(store.handler, user_id=user_id)
        self.response: dict[str, Any] = {}

    def say(self, utterance: str) -> str:
        _, self.response = self.console.say(utterance)
        return self.speech

    def open(self) -> str:
        return self.say("open back pain guide")

    def send(self, envelope: dict[str, Any]) -> dict[str, Any]:
        self.response = self.console.send(envelope)
        return self.response

    def disable_skill(self) -> dict[str, Any]:
        return self.send(Device(user_id=self.user_id).skill_disabled())

    @property
    def speech(self) -> str:
        return speech_text((self.response.get("response") or {}).get("outputSpeech"))

    @property
    def session_open(self) -> bool:
        return (self.response.get("response") or {}).get("shouldEndSession") is False


# --- SQLite ---------------------------------------------------------------------------------


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "state" / "state.sqlite3"
    clock = Clock()
    holders: list[sqlite3.Connection] = []

    def down() -> None:  # the file is gone and a directory sits where it was: nothing opens
        for leftover in path.parent.glob(path.name + "*"):
            leftover.unlink()
        path.mkdir(parents=True)

    def hang() -> None:  # another writer holds the lock and never lets go
        holder = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        holders.append(holder)

    def back() -> None:  # the directory in its way is gone: the store starts a new file
        path.rmdir()

    def set_expiry(user_id: str, expires_at: int) -> None:
        with closing(sqlite3.connect(path)) as db, db:
            db.execute("UPDATE profile SET expires_at = ? WHERE id = ?", (expires_at, user_id))

    yield Store(
        "sqlite",
        SqliteAdapter(path, clock=clock),
        clock,
        partial(sqlite_items, path),
        down,
        hang,
        back,
        set_expiry,
    )
    for holder in holders:
        holder.close()


# --- DynamoDB (dynalite) -----------------------------------------------------------------------


class Blackhole:
    """Accepts TCP connections on a port and never answers (a store that hangs)."""

    def __init__(self, port: int) -> None:
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", port))
        self.server.listen(16)
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self) -> None:
        self.server.close()
        for connection in self.accepted:
            connection.close()


@pytest.fixture
def dynalite() -> Iterator[Dynalite]:
    server = Dynalite().start()
    yield server
    server.stop()


@pytest.fixture
def dynamodb_store(dynalite: Dynalite) -> Iterator[Store]:
    table = new_table_name()
    clock = Clock()
    client = dynamodb_client(
        endpoint_url=dynalite.endpoint_url,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    adapter = DynamoDbProfileAdapter(table, client, create_table=True, clock=clock)
    inspector = dynalite.resource()  # boto3's resource: read back independently of the adapter
    blackholes: list[Blackhole] = []

    def items() -> list[dict[str, Any]]:
        return [dynamodb_view(item) for item in inspector.Table(table).scan(ConsistentRead=True)["Items"]]

    def hang() -> None:
        port = dynalite.port
        dynalite.kill()
        blackholes.append(Blackhole(port))

    def back() -> None:  # a new server on the same port (in memory: the table is made again, empty)
        dynalite.start(port=dynalite.port)
        dynalite.resource().create_table(
            TableName=table,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        )

    def set_expiry(user_id: str, expires_at: int) -> None:
        inspector.Table(table).update_item(
            Key={"id": user_id},
            UpdateExpression="SET expires_at = :e",
            ExpressionAttributeValues={":e": expires_at},
        )

    store = Store("dynamodb", adapter, clock, items, dynalite.kill, hang, back, set_expiry)
    # dynalite is one Node process on a busy 2-core machine: under 64 requests at once it can
    # take longer than the half second the skill allows a call.
    store.patient_adapter = DynamoDbProfileAdapter(
        table,
        dynamodb_client(
            endpoint_url=dynalite.endpoint_url,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            region_name="us-east-1",
            timeout=30,
            max_pool_connections=64,
        ),
        clock=clock,
    )
    yield store
    for blackhole in blackholes:
        blackhole.close()


@pytest.fixture(params=["sqlite", "dynamodb"])
def store(request: pytest.FixtureRequest) -> Store:
    return request.getfixturevalue(f"{request.param}_store")
