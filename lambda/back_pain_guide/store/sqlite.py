"""The SQLite store, for the console, the web service and tests (one file, ``BACK_PAIN_GUIDE_DB``).

A visit is counted by the store itself (``visits = visits + 1``), so two launches at once both
count. The rules it keeps (fields, expiry, retries) are :mod:`.rules`'.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import RequestEnvelope

from .rules import (
    PARTITION_KEY,
    PROFILE_FIELDS,
    TTL_ATTRIBUTE,
    Clock,
    T,
    clean_profile,
    expiry_for,
    is_expired,
    user_key,
    with_retries,
)

logger = logging.getLogger(__name__)

#: Expired SQLite rows are deleted at most this often (they already read as absent).
PURGE_INTERVAL_SECONDS = 60 * 60


def default_db_path() -> str:
    return os.path.join(os.path.expanduser("~"), ".back_pain_guide", "state.sqlite3")


class _Connection(NamedTuple):
    db: sqlite3.Connection
    file_id: tuple[int, int]  # (st_dev, st_ino) of the file it opened
    pid: int  # a connection never crosses a fork


_COLUMNS = ", ".join(PROFILE_FIELDS)
_SCHEMA = (
    f"CREATE TABLE IF NOT EXISTS profile ({PARTITION_KEY} TEXT PRIMARY KEY, heard_disclaimer INTEGER, "
    f"visits INTEGER, last_visit TEXT, prefers_short INTEGER, "
    f"{TTL_ATTRIBUTE} INTEGER NOT NULL);"
    f"CREATE INDEX IF NOT EXISTS profile_{TTL_ATTRIBUTE} ON profile ({TTL_ATTRIBUTE});"
)
# Profiles written by earlier versions (one JSON column) are carried over once.
_MIGRATE_JSON_TABLE = (
    f"INSERT OR IGNORE INTO profile SELECT {PARTITION_KEY}, json_extract(attributes, '$.heard_disclaimer'), "
    "json_extract(attributes, '$.visits'), json_extract(attributes, '$.last_visit'), "
    f"json_extract(attributes, '$.prefers_short'), {TTL_ATTRIBUTE} FROM profiles "
    "WHERE json_valid(attributes);"
    "DROP TABLE profiles;"
)
_VISIT = (
    f"INSERT INTO profile ({PARTITION_KEY}, {_COLUMNS}, {TTL_ATTRIBUTE}) VALUES (:id, 1, 1, :last_visit, NULL, :expires) "
    f"ON CONFLICT ({PARTITION_KEY}) DO UPDATE SET "
    f"visits = CASE WHEN {TTL_ATTRIBUTE} <= :now THEN 1 ELSE coalesce(visits, 0) + 1 END, "
    f"prefers_short = CASE WHEN {TTL_ATTRIBUTE} <= :now THEN NULL ELSE prefers_short END, "
    f"heard_disclaimer = 1, last_visit = :last_visit, {TTL_ATTRIBUTE} = :expires"
)


def _profile_from_row(values: tuple[Any, ...]) -> dict[str, Any]:
    """A row's profile columns as the profile (SQLite keeps booleans as 0 and 1; NULL is unset)."""
    profile: dict[str, Any] = {}
    for (name, kind), value in zip(PROFILE_FIELDS.items(), values, strict=False):
        if kind is bool and type(value) is int and value in (0, 1):
            value = bool(value)
        if value is not None:
            profile[name] = value
    return clean_profile(profile)


class SqliteAdapter(AbstractPersistenceAdapter):
    """The embedded store for the console and the web service: one SQLite file.

    One row per user, a column per profile field plus ``expires_at`` (indexed). Each thread
    keeps its own connection, reopened when the file was replaced or removed since it was
    opened (checked with one ``stat`` per call) and after any failure; the busy timeout
    bounds how long a locked file can hold up a turn. The file is created 0600, and a
    directory this store creates is 0700. Expired rows read as absent and are deleted at
    most once every :data:`PURGE_INTERVAL_SECONDS`.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, timeout: float = 0.5, clock: Clock = time.time
    ) -> None:
        self.path = os.path.expanduser(os.fspath(path))
        self.timeout = timeout
        self.clock = clock
        self._local = threading.local()
        self._next_purge = 0.0

    # --- connections -------------------------------------------------------------------------

    def _open(self) -> _Connection:
        directory = os.path.dirname(self.path) or "."
        if not os.path.isdir(directory):
            os.makedirs(directory, mode=0o700, exist_ok=True)
            os.chmod(directory, 0o700)  # makedirs' mode is masked by the umask
        # Created 0600 before SQLite sees it; its -wal and -shm files take the same mode.
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        db = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False)
        try:
            file_id = os.stat(self.path)
            # Write-ahead logging: readers never wait for a writer, and with synchronous=NORMAL
            # a commit costs no fsync (a profile may lose its last visit on power loss, never
            # its integrity). The connection stays open, so the WAL file is not deleted per call.
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            if db.execute("PRAGMA user_version").fetchone()[0] < 2:
                self._create_schema(db)
        except BaseException:
            db.close()
            raise
        return _Connection(db, (file_id.st_dev, file_id.st_ino), os.getpid())

    @staticmethod
    def _create_schema(db: sqlite3.Connection) -> None:
        db.execute("BEGIN IMMEDIATE")
        try:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            if db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'profiles'"
            ).fetchone():
                for statement in _MIGRATE_JSON_TABLE.split(";"):
                    if statement.strip():
                        db.execute(statement)
            db.execute("PRAGMA user_version = 2")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _connection(self) -> sqlite3.Connection:
        current: _Connection | None = getattr(self._local, "connection", None)
        if current is not None:
            try:
                stat = os.stat(self.path)
                same_file = (stat.st_dev, stat.st_ino) == current.file_id
            except OSError:
                same_file = False
            if same_file and current.pid == os.getpid():
                return current.db
            self._drop()
        self._local.connection = opened = self._open()
        return opened.db

    def _drop(self) -> None:
        current: _Connection | None = getattr(self._local, "connection", None)
        self._local.connection = None
        if current is not None and current.pid == os.getpid():
            with contextlib.suppress(sqlite3.Error):
                current.db.close()

    def close(self) -> None:
        """Close this thread's connection (others close when their thread ends)."""
        self._drop()

    def _run(self, what: str, operation: Callable[[sqlite3.Connection], T]) -> T:
        def attempt() -> T:
            try:
                return operation(self._connection())
            except BaseException:
                self._drop()  # the next attempt starts from a fresh connection
                raise

        return with_retries(attempt, what=f"sqlite {what}", attempt_cost=self.timeout)

    def _purge_now(self, db: sqlite3.Connection, now: float) -> None:
        if now >= self._next_purge:
            self._next_purge = now + PURGE_INTERVAL_SECONDS
            db.execute(f"DELETE FROM profile WHERE {TTL_ATTRIBUTE} <= ?", (int(now),))

    # --- the adapter -------------------------------------------------------------------------

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        key = user_key(request_envelope)
        row = self._run(
            "read",
            lambda db: db.execute(
                f"SELECT {_COLUMNS}, {TTL_ATTRIBUTE} FROM profile WHERE {PARTITION_KEY} = ?", (key,)
            ).fetchone(),
        )
        if row is None or is_expired(row[4], self.clock()):
            return {}
        return _profile_from_row(row[:4])

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict[str, Any]) -> None:
        key = user_key(request_envelope)
        profile = clean_profile(attributes)
        now = self.clock()
        row = (key, *(profile.get(name) for name in PROFILE_FIELDS), expiry_for(profile, now))

        def write(db: sqlite3.Connection) -> None:
            db.execute(
                f"INSERT OR REPLACE INTO profile ({PARTITION_KEY}, {_COLUMNS}, {TTL_ATTRIBUTE}) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                row,
            )
            self._purge_now(db, now)

        self._run("write", write)

    def record_visit(self, request_envelope: RequestEnvelope, last_visit: str) -> None:
        """One more visit, counted by SQLite itself (an expired row starts again at one)."""
        key = user_key(request_envelope)
        now = self.clock()
        params = {
            "id": key,
            "last_visit": last_visit,
            "now": int(now),
            "expires": expiry_for({"last_visit": last_visit}, now),
        }

        def write(db: sqlite3.Connection) -> None:
            db.execute(_VISIT, params)
            self._purge_now(db, now)

        self._run("visit", write)

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        key = user_key(request_envelope)
        self._run("delete", lambda db: db.execute(f"DELETE FROM profile WHERE {PARTITION_KEY} = ?", (key,)))

    def stored_items(self) -> list[dict[str, Any]]:
        """Every row as stored (for inspection and tests)."""
        rows = self._run(
            "scan",
            lambda db: db.execute(
                f"SELECT {PARTITION_KEY}, {_COLUMNS}, {TTL_ATTRIBUTE} FROM profile"
            ).fetchall(),
        )
        return [
            {PARTITION_KEY: row[0], "attributes": _profile_from_row(row[1:5]), TTL_ATTRIBUTE: row[5]}
            for row in rows
        ]
