"""The DynamoDB store used on AWS: the ASK SDK's ``DynamoDbAdapter`` with a top-level TTL.

The SDK's adapter keeps everything in one map attribute (``attributes``). DynamoDB's TTL
feature only reads a top-level Number, so this subclass writes ``expires_at`` beside the
map, keeps the map to the profile's fields, and treats an item whose time has passed as
absent (TTL deletion itself can lag by days). The table: partition key ``id`` (String),
TTL on ``expires_at``; the SAM template creates it.

Kept apart from ``persistence.py`` so the console and web service never import boto3.
"""
from __future__ import annotations

import os
import time
from contextlib import contextmanager
from typing import Any, Iterator

import boto3
from ask_sdk_model import RequestEnvelope
from botocore.config import Config

from .persistence import (PARTITION_KEY, TTL_ATTRIBUTE, Clock, clean_profile, expiry_for, is_expired,
                          user_key, with_retries)

# Seconds. DynamoDB answers in milliseconds when it is well; an attempt that times out is not
# retried (the budget in with_retries leaves no room), a quick failure such as throttling or a
# refused connection is retried once. So any one store call costs a turn about 1 s at most.
CONNECT_TIMEOUT = 0.5
READ_TIMEOUT = 0.5
ATTEMPT_COST = CONNECT_TIMEOUT + READ_TIMEOUT


@contextmanager
def _region_for_import() -> Iterator[None]:
    """The SDK module builds a default boto3 resource when imported, which needs a region.

    On Lambda the region is always set; elsewhere lend a placeholder for the import only
    (that default resource is never used: this module always passes its own).
    """
    lent = not (os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
                or boto3.session.Session().region_name)
    if lent:
        os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
    try:
        yield
    finally:
        if lent:
            os.environ.pop("AWS_DEFAULT_REGION", None)


with _region_for_import():
    from ask_sdk_dynamodb.adapter import DynamoDbAdapter


def dynamodb_resource(**session_args: Any) -> Any:
    """A DynamoDB resource whose calls give up quickly: short timeouts, no SDK-level retries.

    Retries are done by :func:`persistence.with_retries` within a fixed time budget, so a
    store that is down or slow costs a turn about 1 s per call at most. ``session_args`` go to
    ``boto3.resource`` (for example ``endpoint_url`` and dummy credentials in tests);
    ``AWS_ENDPOINT_URL_DYNAMODB`` is honoured by boto3 itself.
    """
    config = Config(connect_timeout=CONNECT_TIMEOUT, read_timeout=READ_TIMEOUT,
                    retries={"total_max_attempts": 1, "mode": "standard"})
    session_args.setdefault("region_name", os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
                            or boto3.session.Session().region_name or "us-east-1")
    return boto3.resource("dynamodb", config=config, **session_args)


class DynamoDbProfileAdapter(DynamoDbAdapter):
    """Profile items as ``{id, attributes: {...profile}, expires_at: <epoch seconds>}``."""

    def __init__(self, table_name: str, dynamodb_resource: Any, *, create_table: bool = False,
                 clock: Clock = time.time) -> None:
        super().__init__(table_name=table_name, partition_key_name=PARTITION_KEY, attribute_name="attributes",
                         create_table=create_table, partition_keygen=user_key,
                         dynamodb_resource=dynamodb_resource)
        self.clock = clock
        self._table = dynamodb_resource.Table(table_name)

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        key = {PARTITION_KEY: user_key(request_envelope)}
        response = with_retries(lambda: self._table.get_item(Key=key, ConsistentRead=True),
                                what="dynamodb read", attempt_cost=ATTEMPT_COST)
        item = response.get("Item")
        if not item or is_expired(item.get(TTL_ATTRIBUTE), self.clock()):
            return {}
        return clean_profile(item.get(self.attribute_name))

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict[str, Any]) -> None:
        profile = clean_profile(attributes)
        item = {PARTITION_KEY: user_key(request_envelope), self.attribute_name: profile,
                TTL_ATTRIBUTE: expiry_for(profile, self.clock())}
        with_retries(lambda: self._table.put_item(Item=item), what="dynamodb write", attempt_cost=ATTEMPT_COST)

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        key = {PARTITION_KEY: user_key(request_envelope)}
        with_retries(lambda: self._table.delete_item(Key=key), what="dynamodb delete", attempt_cost=ATTEMPT_COST)
