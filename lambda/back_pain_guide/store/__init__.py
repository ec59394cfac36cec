"""Where the profile lives between sessions: SQLite locally, DynamoDB on AWS.

Both stores are ASK SDK persistence adapters (``AbstractPersistenceAdapter``), chosen by
:func:`default_adapter`: DynamoDB when ``BACK_PAIN_GUIDE_TABLE`` names a table (the SAM
template sets it), else an SQLite file at ``BACK_PAIN_GUIDE_DB`` (default
``~/.back_pain_guide/state.sqlite3``).

The rules both keep (fields, expiry, retries) are in :mod:`.rules`, the SQLite store in
:mod:`.sqlite`, the DynamoDB one in :mod:`.dynamodb` (imported only when a table is configured,
so the console and web service never import botocore). A visit is counted by the store itself
(``record_visit``: ``visits = visits + 1`` in SQLite, ``ADD`` in DynamoDB), so two launches at
once both count.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

from .rules import (
    DB_ENV,
    PARTITION_KEY,
    PROFILE_FIELDS,
    TABLE_ENV,
    TTL_ATTRIBUTE,
    TTL_SECONDS,
    StoreUnavailable,
    clean_profile,
    user_key,
)
from .sqlite import SqliteAdapter, default_db_path

__all__ = [
    "DB_ENV",
    "PARTITION_KEY",
    "PROFILE_FIELDS",
    "TABLE_ENV",
    "TTL_ATTRIBUTE",
    "TTL_SECONDS",
    "SqliteAdapter",
    "StoreUnavailable",
    "clean_profile",
    "default_adapter",
    "default_db_path",
    "user_key",
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
