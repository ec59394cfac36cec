"""The SQLite store's own promises: one kept connection per thread, a replaced or removed file
noticed, private file modes, expired rows purged now and then through an index, old files migrated."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import threading
from contextlib import closing
from pathlib import Path

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from store_items import sqlite_items

from back_pain_guide.local.envelopes import Device
from back_pain_guide.store import TTL_SECONDS, SqliteAdapter
from back_pain_guide.store.sqlite import PURGE_INTERVAL_SECONDS

START = 1_790_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def envelope(user_id: str = "amzn1.ask.account.A") -> RequestEnvelope:
    return DefaultSerializer().deserialize(
        payload=json.dumps(Device(user_id=user_id).launch()), obj_type=RequestEnvelope
    )


def open_descriptors(path: Path) -> int:
    """How many of this process's file descriptors point at ``path``."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}") == str(path):
                count += 1
        except OSError:
            pass
    return count


def test_one_connection_is_kept_per_thread(tmp_path):
    path = tmp_path / "s.sqlite3"
    adapter = SqliteAdapter(path)
    for visit in range(50):
        adapter.record_visit(envelope(), "2026-09-01T08:30:00+00:00")
        assert adapter.get_attributes(envelope())["visits"] == visit + 1
    assert open_descriptors(path) == 1  # not reopened per call, and still open
    assert (tmp_path / "s.sqlite3-wal").exists()  # nor closed (a close removes the write-ahead log)

    def in_another_thread() -> None:
        adapter.record_visit(envelope(), "2026-09-01T08:30:00+00:00")
        assert open_descriptors(path) == 2  # that thread's own connection

    worker = threading.Thread(target=in_another_thread)
    worker.start()
    worker.join()
    assert adapter.get_attributes(envelope())["visits"] == 51


def test_a_replaced_file_is_noticed(tmp_path):
    path = tmp_path / "s.sqlite3"
    adapter = SqliteAdapter(path)
    adapter.save_attributes(envelope(), {"visits": 3})
    other = SqliteAdapter(tmp_path / "other.sqlite3")
    other.save_attributes(envelope(), {"visits": 9})
    other.close()
    os.replace(tmp_path / "other.sqlite3", path)  # e.g. restored from a backup
    for leftover in tmp_path.glob("s.sqlite3-*"):
        leftover.unlink()
    assert adapter.get_attributes(envelope()) == {"visits": 9}


def test_a_removed_file_is_noticed_and_made_again(tmp_path):
    path = tmp_path / "s.sqlite3"
    adapter = SqliteAdapter(path)
    adapter.save_attributes(envelope(), {"visits": 3})
    for file in tmp_path.glob("s.sqlite3*"):
        file.unlink()
    assert adapter.get_attributes(envelope()) == {}
    adapter.save_attributes(envelope(), {"visits": 1})
    assert [item["attributes"] for item in sqlite_items(path)] == [{"visits": 1}]  # on disk, not in a ghost


def test_file_is_private_in_a_private_directory(tmp_path):
    old = os.umask(0o022)  # a common umask, which would leave new files readable by all
    try:
        path = tmp_path / "new" / "deeper" / "s.sqlite3"
        adapter = SqliteAdapter(path)
        adapter.save_attributes(envelope(), {"visits": 1})
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    for file in path.parent.iterdir():  # the database, its write-ahead log and shared memory
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file


def test_expired_rows_are_purged_at_most_once_an_interval_through_an_index(tmp_path):
    path = tmp_path / "s.sqlite3"
    clock = Clock()
    adapter = SqliteAdapter(path, clock=clock)
    adapter.save_attributes(envelope("amzn1.ask.account.first"), {"visits": 1})  # the first write purges
    old = "2020-01-01T00:00:00+00:00"  # a visit long ago: expired at once
    adapter.save_attributes(envelope("amzn1.ask.account.old"), {"visits": 1, "last_visit": old})
    adapter.save_attributes(envelope("amzn1.ask.account.B"), {"visits": 1})
    ids = {item["id"] for item in sqlite_items(path)}
    assert "amzn1.ask.account.old" in ids  # not purged on every write
    assert adapter.get_attributes(envelope("amzn1.ask.account.old")) == {}  # but reads as absent
    clock.advance(PURGE_INTERVAL_SECONDS)
    adapter.save_attributes(envelope("amzn1.ask.account.B"), {"visits": 2})
    assert {item["id"] for item in sqlite_items(path)} == {"amzn1.ask.account.first", "amzn1.ask.account.B"}
    with closing(sqlite3.connect(path)) as db:
        plan = " ".join(
            row[-1]
            for row in db.execute(
                "EXPLAIN QUERY PLAN DELETE FROM profile WHERE expires_at <= ?", (int(START),)
            )
        )
    assert "USING COVERING INDEX profile_expires_at" in plan or "USING INDEX profile_expires_at" in plan, plan


def test_a_file_from_the_earlier_layout_is_carried_over(tmp_path):
    path = tmp_path / "s.sqlite3"
    later = int(START) + TTL_SECONDS
    with closing(sqlite3.connect(path)) as db, db:
        db.execute(
            "CREATE TABLE profiles (id TEXT PRIMARY KEY, attributes TEXT NOT NULL, expires_at INTEGER NOT NULL)"
        )
        db.execute(
            "INSERT INTO profiles VALUES (?, ?, ?)",
            (
                "amzn1.ask.account.A",
                json.dumps(
                    {"heard_disclaimer": True, "visits": 4, "last_visit": "2026-09-01T08:30:00+00:00"}
                ),
                later,
            ),
        )
        db.execute("INSERT INTO profiles VALUES (?, ?, ?)", ("amzn1.ask.account.B", "not json", later))
    adapter = SqliteAdapter(path, clock=Clock())
    assert adapter.get_attributes(envelope()) == {
        "heard_disclaimer": True,
        "visits": 4,
        "last_visit": "2026-09-01T08:30:00+00:00",
    }
    adapter.record_visit(envelope(), "2026-09-21T08:30:00+00:00")
    assert adapter.get_attributes(envelope())["visits"] == 5
    with closing(sqlite3.connect(path)) as db:
        assert [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] == [
            "profile"
        ]
