"""Reading back what a store really holds, independently of the adapters under test."""
from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any


def plain(value: Any) -> Any:
    """DynamoDB's Decimals as int/float, recursively, so items compare like SQLite's."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def sqlite_items(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        rows = [dict(row) for row in db.execute("SELECT * FROM profiles")]
    for row in rows:
        row["attributes"] = json.loads(row["attributes"])
    return rows
