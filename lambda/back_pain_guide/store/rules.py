"""The rules every profile store keeps, whatever it is (SQLite, DynamoDB).

What a store keeps is fixed here and nowhere else: :data:`PROFILE_FIELDS` (the fields of
``profile.Profile``) and an expiry time (:data:`TTL_ATTRIBUTE`, epoch seconds, a year after the
last visit), each in a field of its own. Anything else handed to an adapter is dropped before it
is written (:func:`clean_profile`), so nothing a listener says about their body can reach a
store even by mistake. Expired items read as absent (:func:`is_expired`).

Every store call is bounded in time and retried briefly (:func:`with_retries`); a store that
stays unavailable raises :class:`StoreUnavailable` and the caller (``profile.py``) carries on
without it. Log lines never contain user ids or stored values.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_model import RequestEnvelope

from ..profile import Profile

logger = logging.getLogger(__name__)

TABLE_ENV = "BACK_PAIN_GUIDE_TABLE"
DB_ENV = "BACK_PAIN_GUIDE_DB"
PARTITION_KEY = "id"
TTL_ATTRIBUTE = "expires_at"
TTL_SECONDS = 365 * 24 * 60 * 60

#: The only things kept between sessions, with their types: the fields of ``Profile``, named
#: once there. Nothing here is about health.
PROFILE_FIELDS: dict[str, type] = dict(Profile.__annotations__)

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
