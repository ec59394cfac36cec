"""The DynamoDB store used on AWS, through a botocore client built on first use.

An item is ``{id, heard_disclaimer, visits, last_visit, prefers_short, expires_at}``, each a
top-level attribute (``expires_at`` is the table's TTL attribute, epoch seconds). An item whose
time has passed reads as absent (TTL deletion itself can lag by days). A visit is one
``UpdateItem`` that ``ADD``s one to ``visits``, so concurrent launches are all counted.

No boto3 and no ASK DynamoDB adapter: boto3's resource layer (and the ASK adapter, which builds
a default resource when imported) cost a cold start tens of milliseconds more than the plain
client, and the client is only built when the first request that needs the store arrives, so a
cold start whose first request is a one-shot question pays nothing for it. Requests are still
signed by botocore. The client's session gets botocore's own data loader, told that DynamoDB is
the one service it will be asked for: the stock loader lists every service folder it ships (over
400, once per kind of model file) just to check the name, which was about a fifth of building the
client; the files it reads are the same. The table (partition key ``id``, String; TTL on ``expires_at``) is created
by the SAM template; ``create_table=True`` is for local servers only.

Kept apart from the other stores so the console and web service never import botocore.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import RequestEnvelope

from .rules import (
    PARTITION_KEY,
    PROFILE_FIELDS,
    TTL_ATTRIBUTE,
    Clock,
    clean_profile,
    expiry_for,
    is_expired,
    user_key,
    visit_fields,
    with_retries,
)

# Seconds. DynamoDB answers in milliseconds when it is well; an attempt that times out is not
# retried (the budget in with_retries leaves no room), a quick failure such as throttling or a
# refused connection is retried once. So any one store call costs a turn about 1 s at most.
CONNECT_TIMEOUT = 0.5
READ_TIMEOUT = 0.5
ATTEMPT_COST = CONNECT_TIMEOUT + READ_TIMEOUT
DEFAULT_REGION = "us-east-1"
SERVICE = "dynamodb"

# DynamoDB's type tag for each profile field's Python type.
_TAGS = {bool: "BOOL", int: "N", str: "S"}


def dynamodb_client(
    *, timeout: float = READ_TIMEOUT, max_pool_connections: int = 10, **client_args: Any
) -> Any:
    """A botocore DynamoDB client whose calls give up quickly: short timeouts, no SDK-level retries.

    Retries are done by :func:`rules.with_retries` within a fixed time budget, so a
    store that is down or slow costs a turn about 1 s per call at most. ``client_args`` go to
    ``create_client`` (for example ``endpoint_url`` and dummy credentials in tests);
    ``AWS_ENDPOINT_URL_DYNAMODB`` is honoured by botocore itself. ``timeout`` and
    ``max_pool_connections`` are for local servers under load tests.
    """
    import botocore.session
    from botocore.config import Config

    config = Config(
        connect_timeout=min(CONNECT_TIMEOUT, timeout),
        read_timeout=timeout,
        max_pool_connections=max_pool_connections,
        retries={"total_max_attempts": 1, "mode": "standard"},
    )
    session = botocore.session.get_session()
    # The same search paths as botocore's create_loader (AWS_DATA_PATH, then its own data).
    data_path = session.get_config_variable("data_path")
    extra_paths = (
        [os.path.expanduser(os.path.expandvars(path)) for path in data_path.split(os.pathsep)]
        if data_path
        else None
    )
    loader_class, file_loader_class = _single_service_loader()
    session.register_component(
        "data_loader", loader_class(extra_search_paths=extra_paths, file_loader=file_loader_class())
    )
    client_args.setdefault(
        "region_name",
        os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION")
        or session.get_config_variable("region")
        or DEFAULT_REGION,
    )
    return session.create_client(SERVICE, config=config, **client_args)


@lru_cache(maxsize=1)
def _single_service_loader() -> tuple[type, type]:
    """botocore's ``Loader`` for a session that only makes a DynamoDB client, and the file loader
    it reads with (both defined on first use, like every botocore import here)."""
    import gzip
    import json

    from botocore.exceptions import DataNotFoundError
    from botocore.loaders import JSONFileLoader, Loader

    class PlainJSONFileLoader(JSONFileLoader):
        """botocore's JSON file loader, reading into plain dicts (which keep their order) instead
        of OrderedDicts: its object_pairs_hook made parsing endpoints.json (1.2 MB) about 2.5 times
        slower, on every cold start that builds the client."""

        def load_file(self, file_path: str) -> Any:
            for extension, opener in ((".json", open), (".json.gz", gzip.open)):
                if os.path.isfile(file_path + extension):
                    with opener(file_path + extension, "rb") as file:
                        return json.loads(file.read().decode("utf-8"))
            return None

    class SingleServiceLoader(Loader):
        """Knows DynamoDB as the only service, if its model files are there (found by listing its
        own folder, not every service's); everything else is botocore's loader as it is."""

        def list_available_services(self, type_name: str) -> list[str]:
            try:
                return [SERVICE] if self.list_api_versions(SERVICE, type_name) else []
            except DataNotFoundError:
                return []

    return SingleServiceLoader, PlainJSONFileLoader


def to_item(profile: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A cleaned profile as DynamoDB attribute values."""
    return {
        name: {_TAGS[PROFILE_FIELDS[name]]: str(value) if type(value) is int else value}
        for name, value in profile.items()
    }


def from_item(item: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The profile fields of a DynamoDB item (anything else, or of another type, is dropped)."""
    profile: dict[str, Any] = {}
    for name, kind in PROFILE_FIELDS.items():
        value = item.get(name)
        if not isinstance(value, dict) or _TAGS[kind] not in value:
            continue
        raw = value[_TAGS[kind]]
        if kind is int:
            try:
                raw = int(raw)
            except (TypeError, ValueError):
                continue
        profile[name] = raw
    return clean_profile(profile)


def _number(value: Any) -> float | None:
    try:
        return float(value["N"])
    except (KeyError, TypeError, ValueError):
        return None


class DynamoDbProfileAdapter(AbstractPersistenceAdapter):
    """The profile store on AWS. ``client`` is a botocore DynamoDB client, built on first use
    with :func:`dynamodb_client` when not given; ``create_table`` (local servers only) creates
    the table on first use if it does not exist."""

    def __init__(
        self,
        table_name: str,
        client: Any = None,
        *,
        create_table: bool = False,
        clock: Clock = time.time,
        client_factory: Callable[[], Any] = dynamodb_client,
    ) -> None:
        self.table_name = table_name
        self.create_table = create_table
        self.clock = clock
        self._given = client
        self._client: Any = None
        self._client_factory = client_factory
        self._lock = threading.Lock()

    @property
    def client(self) -> Any:
        """The botocore client (built, and the table created if asked, on first use)."""
        if self._client is None:
            with self._lock:
                if self._client is None:
                    client = self._given if self._given is not None else self._client_factory()
                    if self.create_table:
                        self._create_table(client)
                    self._client = client
        return self._client

    def _create_table(self, client: Any) -> None:
        try:
            client.create_table(
                TableName=self.table_name,
                BillingMode="PAY_PER_REQUEST",
                KeySchema=[{"AttributeName": PARTITION_KEY, "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": PARTITION_KEY, "AttributeType": "S"}],
            )
        except client.exceptions.ResourceInUseException:
            return
        client.get_waiter("table_exists").wait(TableName=self.table_name, WaiterConfig={"Delay": 0.1})

    def _call(self, what: str, operation: Callable[[Any], Any]) -> Any:
        return with_retries(
            lambda: operation(self.client), what=f"dynamodb {what}", attempt_cost=ATTEMPT_COST
        )

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        key = {PARTITION_KEY: {"S": user_key(request_envelope)}}
        response = self._call(
            "read", lambda client: client.get_item(TableName=self.table_name, Key=key, ConsistentRead=True)
        )
        item = response.get("Item")
        if not item or is_expired(_number(item.get(TTL_ATTRIBUTE)), self.clock()):
            return {}
        return from_item(item)

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict[str, Any]) -> None:
        profile = clean_profile(attributes)
        item = {
            PARTITION_KEY: {"S": user_key(request_envelope)},
            **to_item(profile),
            TTL_ATTRIBUTE: {"N": str(expiry_for(profile, self.clock()))},
        }
        self._call("write", lambda client: client.put_item(TableName=self.table_name, Item=item))

    def record_visit(self, request_envelope: RequestEnvelope, last_visit: str) -> None:
        """One more visit: ``ADD visits 1`` on a live item; an expired item starts again at one."""
        user_id = user_key(request_envelope)
        now = self.clock()
        fields = visit_fields(last_visit)
        expires = expiry_for(fields, now)

        def visit(client: Any) -> None:
            try:
                client.update_item(
                    TableName=self.table_name,
                    Key={PARTITION_KEY: {"S": user_id}},
                    UpdateExpression="SET heard_disclaimer = :heard, last_visit = :last, #ttl = :expires "
                    "ADD visits :one",
                    ConditionExpression="attribute_not_exists(#ttl) OR #ttl > :now",
                    ExpressionAttributeNames={"#ttl": TTL_ATTRIBUTE},
                    ExpressionAttributeValues={
                        ":heard": {"BOOL": True},
                        ":last": {"S": last_visit},
                        ":expires": {"N": str(expires)},
                        ":one": {"N": "1"},
                        ":now": {"N": str(int(now))},
                    },
                )
            except client.exceptions.ConditionalCheckFailedException:
                # Expired (TTL deletion lags): what it held is forgotten, as if deleted.
                client.put_item(
                    TableName=self.table_name,
                    Item={
                        PARTITION_KEY: {"S": user_id},
                        **to_item({**fields, "visits": 1}),
                        TTL_ATTRIBUTE: {"N": str(expires)},
                    },
                )

        self._call("visit", visit)

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        key = {PARTITION_KEY: {"S": user_key(request_envelope)}}
        self._call("delete", lambda client: client.delete_item(TableName=self.table_name, Key=key))
