"""Where the profile lives between sessions: SQLite locally, DynamoDB on AWS.

Both stores are ASK SDK persistence adapters (``AbstractPersistenceAdapter``), chosen by
:func:`default_adapter`: DynamoDB when ``BACK_PAIN_GUIDE_TABLE`` names a table (the SAM
template sets it), else an SQLite file at ``BACK_PAIN_GUIDE_DB`` (default
``~/.back_pain_guide/state.sqlite3``).

What a store keeps is fixed here and nowhere else: :data:`PROFILE_FIELDS` and an expiry time
(:data:`TTL_ATTRIBUTE`, epoch seconds, a year after the last visit), each in a field of its
own. Anything else handed to an adapter is dropped before it is written, so nothing a
listener says about their body can reach a store even by mistake. Expired items read as
absent. A visit is counted by the store itself (:meth:`ProfileStore.record_visit`:
``visits = visits + 1`` in SQLite, ``ADD`` in DynamoDB), so two launches at once both count.

Every store call is bounded in time and retried briefly (:func:`with_retries`); a store that
stays unavailable raises :class:`StoreUnavailable` and the caller (``profile.py``) carries on
without it. Log lines never contain user ids or stored values.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_model import RequestEnvelope

logger = logging.getLogger(__name__)

TABLE_ENV = "BACK_PAIN_GUIDE_TABLE"
DB_ENV = "BACK_PAIN_GUIDE_DB"
PARTITION_KEY = "id"
TTL_ATTRIBUTE = "expires_at"
TTL_SECONDS = 365 * 24 * 60 * 60
#: Expired SQLite rows are deleted at most this often (they already read as absent).
PURGE_INTERVAL_SECONDS = 60 * 60

#: The only things kept between sessions, with their types. Nothing here is about health.
PROFILE_FIELDS: dict[str, type] = {
    "heard_disclaimer": bool,
    "visits": int,
    "last_visit": str,  # ISO-8601, UTC
    "prefers_short": bool,
}

Clock = Callable[[], float]
T = TypeVar("T")


class StoreUnavailable(PersistenceException):
    """The store failed (down, locked, throttled, hung) on every attempt within the time budget."""


def user_key(request_envelope: RequestEnvelope) -> str:
    """The partition key: the Alexa user id (also present on out-of-session skill events)."""
    try:
        user_id = request_envelope.context.system.user.user_id  # type: ignore[union-attr]  # None: AttributeError, below
    except AttributeError:
        user_id = None
    if not isinstance(user_id, str) or not user_id:
        raise PersistenceException("request has no user id")
    return user_id


def clean_profile(attributes: Any) -> dict[str, Any]:
    """Only the allowed fields with the right types (DynamoDB's whole-number Decimals become int)."""
    if not isinstance(attributes, Mapping):
        return {}
    kept: dict[str, Any] = {}
    for name, kind in PROFILE_FIELDS.items():
        value = attributes.get(name)
        if kind is int and isinstance(value, Decimal) and value == value.to_integral_value():
            value = int(value)
        if type(value) is kind:
            kept[name] = value
    dropped = len(attributes) - len(kept)
    if dropped:
        logger.warning("dropped %d attribute(s) that are not part of the profile", dropped)
    return kept


def expiry_for(attributes: Mapping[str, Any], now: float) -> int:
    """Epoch seconds a year after the last visit (or after now, if the visit time is unreadable)."""
    start = now
    last_visit = attributes.get("last_visit")
    if isinstance(last_visit, str) and last_visit:
        try:
            parsed = datetime.fromisoformat(last_visit)
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=UTC)
            start = parsed.timestamp()
        except ValueError:
            pass
    return int(start) + TTL_SECONDS


def is_expired(expires_at: Any, now: float) -> bool:
    """True when a stored expiry time has passed; a missing or unreadable one never expires."""
    if isinstance(expires_at, bool) or not isinstance(expires_at, (int, float, Decimal)):
        return False
    return expires_at <= now


def with_retries(
    operation: Callable[[], T],
    *,
    what: str,
    attempts: int = 2,
    pause: float = 0.05,
    budget: float = 1.2,
    attempt_cost: float = 0.0,
) -> T:
    """Run ``operation``, retrying failures while the time budget allows another attempt.

    ``attempt_cost`` is the longest a single attempt can take (its timeouts); a retry is only
    started if it would still finish within ``budget`` seconds of the first try. A request
    the store cannot serve at all (no user id) is a ``PersistenceException`` and not retried;
    anything else that keeps failing becomes :class:`StoreUnavailable`.
    """
    started = time.monotonic()
    for attempt in range(1, attempts + 1):
        try:
            return operation()
        except PersistenceException:
            raise
        except Exception as exc:
            elapsed = time.monotonic() - started
            if attempt == attempts or elapsed + pause + attempt_cost > budget:
                logger.warning("%s failed after %d attempt(s): %s", what, attempt, type(exc).__name__)
                raise StoreUnavailable(f"{what} failed: {type(exc).__name__}") from exc
            time.sleep(pause)
    raise AssertionError("unreachable")


def visit_fields(last_visit: str) -> dict[str, Any]:
    """What a visit sets besides the count."""
    return {"heard_disclaimer": True, "last_visit": last_visit}


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


def default_adapter(environ: Mapping[str, str] | None = None) -> AbstractPersistenceAdapter:
    """DynamoDB when ``BACK_PAIN_GUIDE_TABLE`` is set (on AWS), else SQLite at ``BACK_PAIN_GUIDE_DB``.

    Neither touches its store (nor, for DynamoDB, imports botocore) before the first call.
    """
    env = os.environ if environ is None else environ
    table = env.get(TABLE_ENV, "").strip()
    if table:
        from .dynamodb import DynamoDbProfileAdapter  # botocore is imported on first use only

        return DynamoDbProfileAdapter(table)
    return SqliteAdapter(env.get(DB_ENV, "").strip() or default_db_path())
