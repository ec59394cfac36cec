"""Reading back what a store really holds, independently of the adapters under test.

Both views are ``{"id", "attributes": {profile fields that are set}, "expires_at"}`` plus any
other column or attribute the store holds, so a test sees anything a store keeps beyond them.
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

PROFILE_KEYS = ("heard_disclaimer", "visits", "last_visit", "prefers_short")
BOOLEANS = ("heard_disclaimer", "prefers_short")


def plain(value: Any) -> Any:
    """DynamoDB's Decimals as int/float, recursively, so items compare like SQLite's."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _view(item: dict[str, Any]) -> dict[str, Any]:
    attributes = {k: item[k] for k in PROFILE_KEYS if item.get(k) is not None}
    return {**{k: v for k, v in item.items() if k not in PROFILE_KEYS}, "attributes": attributes}


def dynamodb_view(item: dict[str, Any]) -> dict[str, Any]:
    """A boto3 resource's item (top-level attributes) in the common view."""
    return _view(plain(dict(item)))


def sqlite_items(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        rows = [dict(row) for row in db.execute("SELECT * FROM profile")]
    for row in rows:
        for name in BOOLEANS:
            if row[name] is not None:
                row[name] = bool(row[name])
    return [_view(row) for row in rows]
