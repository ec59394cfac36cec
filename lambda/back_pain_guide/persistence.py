"""Where the profile lives between sessions: SQLite locally, DynamoDB on AWS.

Both stores are ASK SDK persistence adapters (``AbstractPersistenceAdapter``), chosen by
:func:`default_adapter`: DynamoDB when ``BACK_PAIN_GUIDE_TABLE`` names a table (the SAM
template sets it), else an SQLite file at ``BACK_PAIN_GUIDE_DB`` (default
``~/.back_pain_guide/state.sqlite3``).

What a store keeps is fixed here and nowhere else: :data:`PROFILE_FIELDS` and a top-level
expiry time (:data:`TTL_ATTRIBUTE`, epoch seconds, a year after the last visit). Anything
else handed to an adapter is dropped before it is written, so nothing a listener says about
their body can reach a store even by mistake. Expired items read as absent.

Every store call is bounded in time and retried briefly (:func:`with_retries`); failures
surface as ``PersistenceException`` and the caller (``profile.py``) carries on without them.
Log lines never contain user ids or stored values.
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from contextlib import closing
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Callable, Mapping, TypeVar

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_model import RequestEnvelope

logger = logging.getLogger(__name__)

TABLE_ENV = "BACK_PAIN_GUIDE_TABLE"
DB_ENV = "BACK_PAIN_GUIDE_DB"
PARTITION_KEY = "id"
TTL_ATTRIBUTE = "expires_at"
TTL_SECONDS = 365 * 24 * 60 * 60

#: The only things kept between sessions, with their types. Nothing here is about health.
PROFILE_FIELDS: dict[str, type] = {
    "heard_disclaimer": bool,
    "visits": int,
    "last_visit": str,   # ISO-8601, UTC
    "prefers_short": bool,
}

Clock = Callable[[], float]
T = TypeVar("T")


def user_key(request_envelope: RequestEnvelope) -> str:
    """The partition key: the Alexa user id (also present on out-of-session skill events)."""
    try:
        user_id = request_envelope.context.system.user.user_id
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
                parsed = parsed.replace(tzinfo=timezone.utc)
            start = parsed.timestamp()
        except ValueError:
            pass
    return int(start) + TTL_SECONDS


def is_expired(expires_at: Any, now: float) -> bool:
    """True when a stored expiry time has passed; a missing or unreadable one never expires."""
    if isinstance(expires_at, bool) or not isinstance(expires_at, (int, float, Decimal)):
        return False
    return expires_at <= now


def with_retries(operation: Callable[[], T], *, what: str, attempts: int = 2,
                 pause: float = 0.05, budget: float = 1.2, attempt_cost: float = 0.0) -> T:
    """Run ``operation``, retrying failures while the time budget allows another attempt.

    ``attempt_cost`` is the longest a single attempt can take (its timeouts); a retry is only
    started if it would still finish within ``budget`` seconds of the first try.
    """
    started = time.monotonic()
    for attempt in range(1, attempts + 1):
        try:
            return operation()
        except Exception as exc:
            elapsed = time.monotonic() - started
            if attempt == attempts or elapsed + pause + attempt_cost > budget:
                logger.warning("%s failed after %d attempt(s): %s", what, attempt, type(exc).__name__)
                if isinstance(exc, PersistenceException):
                    raise
                raise PersistenceException(f"{what} failed: {type(exc).__name__}") from exc
            time.sleep(pause)
    raise AssertionError("unreachable")


def default_db_path() -> str:
    return os.path.join(os.path.expanduser("~"), ".back_pain_guide", "state.sqlite3")


class SqliteAdapter(AbstractPersistenceAdapter):
    """The embedded store for the console and the web service: one SQLite file.

    One row per user: the profile as JSON plus ``expires_at``. Each call opens its own short
    connection (safe across the web service's threads); the busy timeout bounds how long a
    locked file can hold up a turn. Expired rows read as absent and are purged on writes.
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 0.5, clock: Clock = time.time) -> None:
        self.path = os.path.expanduser(os.fspath(path))
        self.timeout = timeout
        self.clock = clock
        self._ready = False
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        if not self._ready:
            with self._lock:
                if not self._ready:
                    os.makedirs(os.path.dirname(self.path) or ".", mode=0o700, exist_ok=True)
                    with closing(sqlite3.connect(self.path, timeout=self.timeout)) as db, db:
                        # Write-ahead logging: readers never wait for a writer, and with
                        # synchronous=NORMAL (below) a commit costs no fsync of the main file.
                        db.execute("PRAGMA journal_mode=WAL")
                        db.execute(f"CREATE TABLE IF NOT EXISTS profiles ({PARTITION_KEY} TEXT PRIMARY KEY, "
                                   f"attributes TEXT NOT NULL, {TTL_ATTRIBUTE} INTEGER NOT NULL)")
                    self._ready = True
        db = sqlite3.connect(self.path, timeout=self.timeout)
        db.execute("PRAGMA synchronous=NORMAL")  # a profile may lose its last visit on power loss, never its integrity
        return db

    def _run(self, what: str, operation: Callable[[sqlite3.Connection], T]) -> T:
        def attempt() -> T:
            with closing(self._connect()) as db, db:  # commits on success, rolls back on error
                return operation(db)
        return with_retries(attempt, what=f"sqlite {what}", attempt_cost=self.timeout)

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        key = user_key(request_envelope)
        row = self._run("read", lambda db: db.execute(
            f"SELECT attributes, {TTL_ATTRIBUTE} FROM profiles WHERE {PARTITION_KEY} = ?", (key,)).fetchone())
        if row is None or is_expired(row[1], self.clock()):
            return {}
        try:
            return clean_profile(json.loads(row[0]))
        except ValueError:
            logger.warning("unreadable stored profile ignored")
            return {}

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict[str, Any]) -> None:
        key = user_key(request_envelope)
        profile = clean_profile(attributes)
        now = self.clock()
        row = (key, json.dumps(profile, sort_keys=True), expiry_for(profile, now))

        def write(db: sqlite3.Connection) -> None:
            db.execute(f"INSERT OR REPLACE INTO profiles ({PARTITION_KEY}, attributes, {TTL_ATTRIBUTE}) "
                       "VALUES (?, ?, ?)", row)
            db.execute(f"DELETE FROM profiles WHERE {TTL_ATTRIBUTE} <= ?", (int(now),))
        self._run("write", write)

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        key = user_key(request_envelope)
        self._run("delete", lambda db: db.execute(f"DELETE FROM profiles WHERE {PARTITION_KEY} = ?", (key,)))

    def stored_items(self) -> list[dict[str, Any]]:
        """Every row as stored, attributes decoded (for inspection and tests)."""
        rows = self._run("scan", lambda db: db.execute(
            f"SELECT {PARTITION_KEY}, attributes, {TTL_ATTRIBUTE} FROM profiles").fetchall())
        return [{PARTITION_KEY: k, "attributes": json.loads(a), TTL_ATTRIBUTE: e} for k, a, e in rows]


def default_adapter(environ: Mapping[str, str] | None = None) -> AbstractPersistenceAdapter:
    """DynamoDB when ``BACK_PAIN_GUIDE_TABLE`` is set (on AWS), else SQLite at ``BACK_PAIN_GUIDE_DB``."""
    env = os.environ if environ is None else environ
    table = env.get(TABLE_ENV, "").strip()
    if table:
        from .dynamodb import DynamoDbProfileAdapter, dynamodb_resource  # boto3 only when needed
        return DynamoDbProfileAdapter(table, dynamodb_resource())
    return SqliteAdapter(env.get(DB_ENV, "").strip() or default_db_path())
